"""A plain (non-editable) wheel carries the prompts and templates inside the package."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_ships_prompts_and_templates(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path / "pip-home")},  # pip's own cache is not briefer's business
    )
    (wheel,) = tmp_path.glob("briefer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "briefer/prompts/extract.system.j2",
        "briefer/prompts/extract.user.j2",
        "briefer/templates/briefing.md.j2",
        "briefer/templates/briefing.html.j2",
        "briefer/templates/briefing.css",
        "briefer/cli/app.py",
    ):
        assert name in names, name
