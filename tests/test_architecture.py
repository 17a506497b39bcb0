"""The architecture is checked, not hoped for: the import-linter contracts hold, and break on a violation."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install -e '.[dev]')")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root)}
    )


def test_the_layers_hold() -> None:
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("briefer/offline/aliases.py", "import briefer.pipeline\n", "cli -> pipeline -> stages"),
        ("briefer/model/limiter.py", "from briefer.sources import files\n", "cli -> pipeline -> stages"),
        ("briefer/dates.py", "import briefer.day.figures\n", "the core every layer may use"),
    ],
)
def test_a_violation_breaks_the_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    shutil.copytree(REPO / "briefer", tmp_path / "briefer")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + line, encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1, result.stdout
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout


def _function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """A function's body in lines, its signature and docstring aside (a command's options are declarations)."""
    body = node.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return (node.end_lineno or node.lineno) - body[0].lineno + 1


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for path in sorted((REPO / "briefer").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(REPO)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _function_lines(node) > MAX_FUNCTION_LINES:
                too_long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}: {_function_lines(node)} lines")
    assert too_long == []


def test_every_package_says_what_it_is_for() -> None:
    for init in sorted((REPO / "briefer").rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "TODO" not in doc, init
