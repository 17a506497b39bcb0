"""The README's customisation walk-through, run as written: its code blocks are read from README.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from briefer.cli import app
from tests.conftest import EXAMPLES, REPO
from tests.fake_openai import FakeOpenAI

runner = CliRunner()


def walkthrough_blocks() -> dict[str, str]:
    """The code blocks of the "risks" walk-through, by language."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index('**Walk-through: add a "risks" section.**')
    end = readme.index("**Variables.**", start)
    return {lang: body for lang, body in re.findall(r"```(\w+)\n(.*?)```", readme[start:end], re.S)}


def follow_the_walkthrough() -> None:
    """`prompts init`, the front matter at the top of extract.system.j2, `templates init`, the block added to
    briefing.md.j2: all in the user directory, as the README says."""
    blocks = walkthrough_blocks()
    assert set(blocks) == {"toml", "jinja"}
    assert runner.invoke(app, ["prompts", "init"]).exit_code == 0
    assert runner.invoke(app, ["templates", "init"]).exit_code == 0
    prompts = Path(runner.invoke(app, ["prompts", "path"]).stdout.strip())
    templates = Path(runner.invoke(app, ["templates", "path"]).stdout.strip())
    system = prompts / "extract.system.j2"
    system.write_text(blocks["toml"] + system.read_text(encoding="utf-8"), encoding="utf-8")
    with (templates / "briefing.md.j2").open("a", encoding="utf-8") as template:
        template.write(blocks["jinja"])


def test_the_risks_walkthrough_checks_and_runs_offline(isolated: Path) -> None:
    follow_the_walkthrough()
    for kind in ("prompts", "templates"):
        check = runner.invoke(app, [kind, "check"])
        assert check.exit_code == 0 and check.stdout == f"{kind}: all render\n", check.output
    offline = runner.invoke(app, ["run", str(EXAMPLES), "-q", "-o", "saved.json"])
    assert offline.exit_code == 0, offline.output
    assert all(a["extra"] == {} for a in json.loads(Path("saved.json").read_text())["articles"])
    rendered = runner.invoke(app, ["render", "saved.json"])
    assert rendered.exit_code == 0 and "Nordlake" in rendered.stdout and "Risks in" not in rendered.stdout
    mail = runner.invoke(
        app, ["email", "saved.json", "--dry-run", "--to", "a@example.org"], env={"BRIEFER_SMTP_FROM": "d@example.org"}
    )
    assert mail.exit_code == 0, mail.output


def test_the_risks_walkthrough_with_a_model_adds_the_section(fake: FakeOpenAI, isolated: Path) -> None:
    follow_the_walkthrough()
    env = {"OPENAI_BASE_URL": fake.url, "OPENAI_API_KEY": "sk-readme"}
    result = runner.invoke(app, ["run", str(EXAMPLES / "valdora-flood-barrier.txt"), "-q", "-o", "saved.json"], env=env)
    assert result.exit_code == 0, result.output
    (article,) = json.loads(Path("saved.json").read_text())["articles"]
    assert article["extra"] == {"risks": ["risks one", "risks two"]}
    assert fake.requests[0]["temperature"] == 0.2
    rendered = runner.invoke(app, ["render", "saved.json"]).stdout
    assert f"## Risks in {article['title']}\n- risks one\n- risks two\n" in rendered


def test_the_configuration_example_loads(isolated: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```toml\n(# briefer\.toml\n.*?)```", readme, re.S)
    (isolated / "briefer.toml").write_text(block, encoding="utf-8")
    shown = runner.invoke(app, ["config", "show"])
    assert shown.exit_code == 0, shown.output
    assert f"temperature = 0.2    # {isolated / 'briefer.toml'}" in shown.stdout
    assert "prices = llama3.1: 0.0/0.0" in shown.stdout
