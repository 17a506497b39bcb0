"""Files briefer writes and reads back: atomic writes, and briefings saved by earlier runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from briefer.errors import InputError
from briefer.models import Briefing


def write_atomic(text: str, output: Path) -> None:
    """Write atomically: a temporary file beside the target, then a rename. A reader never sees half a file,
    and an interrupted write leaves the previous file as it was. A device or a pipe (`/dev/null`) is written
    straight through: a rename would replace the device itself."""
    if output.exists() and not output.is_file() and not output.is_dir():
        with output.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        # mkstemp makes the file private; give it the mode a plain open() would have.
        os.chmod(tmp, output.stat().st_mode & 0o777 if output.exists() else 0o666 & ~_umask())
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def read_saved(path: Path) -> str:
    """A saved briefing's text; an InputError naming the file when it is missing, unreadable or empty."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    return text


def load_briefing(path: Path) -> Briefing:
    """A briefing saved as JSON; an InputError naming the file when it is missing or not one."""
    data = read_saved(path)
    try:
        return Briefing.model_validate_json(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise InputError(f"{path}: not a briefer JSON file ({where}: {first['msg']})") from None
