"""Customisation: overriding prompts and templates, front matter, extra sections, variables, checks,
configuration, and seeing the request before paying for it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from briefer.cli import app
from briefer.errors import ExitCode
from tests.conftest import EXAMPLES, REPO
from tests.fake_openai import FakeOpenAI

runner = CliRunner()
ARTICLE = (
    "Harbour wall\nThe Tarsby council pledged to rebuild the harbour wall by 2027. "
    "Fishing crews said the work was overdue.\n"
)


def model_env(fake: FakeOpenAI, isolated: Path, config: str = "") -> dict[str, str]:
    path = isolated / "test-config.toml"
    price = '\n[prices."fake-model"]\ninput = 0.15\noutput = 0.60\n'  # a local endpoint is priced only when told
    path.write_text("retry_wait = 0.01\n" + config + price, encoding="utf-8")
    return {"OPENAI_BASE_URL": fake.url, "OPENAI_API_KEY": "sk-customise-secret-42", "BRIEFER_CONFIG": str(path)}


def extraction_requests(fake: FakeOpenAI) -> list[dict]:  # type: ignore[type-arg]
    return [r for r in fake.requests if r["response_format"]["json_schema"]["name"] == "article_extraction"]


def test_one_overridden_template_changes_one_thing(isolated: Path) -> None:
    templates = isolated / "tpl"
    templates.mkdir()
    (templates / "briefing.md.j2").write_text(
        "# {{ briefing.title }}: {{ articles | length }} stories\n", encoding="utf-8"
    )
    md = runner.invoke(app, ["run", str(EXAMPLES), "-q", "--templates-dir", str(templates)])
    assert md.stdout == "# Briefing: 3 stories\n"
    html = runner.invoke(app, ["run", str(EXAMPLES), "-q", "--templates-dir", str(templates), "-f", "html"])
    assert html.stdout.startswith("<!DOCTYPE html>")  # the HTML template is still the packaged one


def test_user_directory_overrides_and_list_shows_where_each_file_comes_from(isolated: Path) -> None:
    user = Path(runner.invoke(app, ["templates", "path"]).stdout.strip())
    user.mkdir(parents=True)
    (user / "briefing.md.j2").write_text("custom {{ briefing.title }}\n", encoding="utf-8")
    listing = runner.invoke(app, ["templates", "list"]).stdout
    assert "briefing.md.j2" in listing and f"user      {user / 'briefing.md.j2'}" in listing
    assert "briefing.html.j2         packaged" in listing
    assert runner.invoke(app, ["run", str(EXAMPLES), "-q"]).stdout == "custom Briefing\n"
    shown = runner.invoke(app, ["templates", "show", "briefing.md.j2"]).stdout
    assert shown == "custom {{ briefing.title }}\n"
    missing = runner.invoke(app, ["templates", "show", "nope.j2"])
    assert missing.exit_code == ExitCode.USAGE and "no template named 'nope.j2'" in missing.stderr


def test_init_copies_the_defaults_and_never_overwrites_without_force(isolated: Path) -> None:
    first = runner.invoke(app, ["prompts", "init", str(isolated / "p")])
    assert first.exit_code == 0 and "copied 6 files" in first.stdout
    assert (isolated / "p" / "extract.system.j2").read_text() == (REPO / "prompts" / "extract.system.j2").read_text()
    (isolated / "p" / "extract.system.j2").write_text("mine", encoding="utf-8")
    again = runner.invoke(app, ["prompts", "init", str(isolated / "p")])
    assert again.exit_code == ExitCode.USAGE and "already there; nothing copied (--force overwrites)" in again.stderr
    assert (isolated / "p" / "extract.system.j2").read_text() == "mine"
    assert runner.invoke(app, ["prompts", "init", str(isolated / "p"), "--force"]).exit_code == 0
    assert (isolated / "p" / "extract.system.j2").read_text() != "mine"
    assert runner.invoke(app, ["templates", "init"]).exit_code == 0  # into the user directory
    assert "user" in runner.invoke(app, ["templates", "list"]).stdout


def custom_prompts(isolated: Path, front: str) -> Path:
    prompts = isolated / "prompts"
    prompts.mkdir(exist_ok=True)
    system = (REPO / "prompts" / "extract.system.j2").read_text(encoding="utf-8")
    (prompts / "extract.system.j2").write_text(front + system + "\nWrite for {{ audience }}.\n", encoding="utf-8")
    return prompts


RISKS = """+++
model = "front-matter-model"
temperature = 0.3
max_output_tokens = 1234

[fields.risks]
type = "list of strings"
description = "Risks the article names, each in a short phrase."
+++
"""


def test_front_matter_and_an_extra_section_reach_the_request_and_the_output(fake: FakeOpenAI, isolated: Path) -> None:
    (isolated / "a.txt").write_text(ARTICLE, encoding="utf-8")
    prompts = custom_prompts(isolated, RISKS)
    templates = isolated / "tpl"
    templates.mkdir()
    packaged = (REPO / "templates" / "briefing.md.j2").read_text(encoding="utf-8")
    block = (
        "{% for view in articles if view.brief.extra.risks %}\n## Risks in {{ view.brief.title }}\n"
        "{% for r in view.brief.extra.risks %}\n- {{ r | md }}\n{% endfor %}\n{% endfor %}\n"
    )
    (templates / "briefing.md.j2").write_text(packaged + block, encoding="utf-8")
    env = model_env(fake, isolated)
    args = ["run", str(isolated / "a.txt"), "--prompts-dir", str(prompts), "--templates-dir", str(templates)]
    result = runner.invoke(app, [*args, "--var", "audience=the harbour board"], env=env)
    assert result.exit_code == 0, result.output
    (request,) = extraction_requests(fake)
    assert request["model"] == "front-matter-model" and request["temperature"] == 0.3 and request["max_tokens"] == 1234
    schema = request["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["risks"]["type"] == "array" and "risks" in schema["required"]
    system = request["messages"][0]["content"]
    assert "5. risks (list of strings): Risks the article names" in system
    assert system.rstrip().endswith("Write for the harbour board.")
    assert "## Risks in Harbour wall" in result.stdout and "- risks one" in result.stdout
    data = json.loads(
        runner.invoke(
            app,
            ["extract", str(isolated / "a.txt"), "--prompts-dir", str(prompts), "--var", "audience=x", "-q"],
            env=env,
        ).stdout
    )
    assert data["articles"][0]["extra"] == {"risks": ["risks one", "risks two"]}
    # configuration and flags win over front matter
    runner.invoke(app, [*args, "--var", "audience=x", "-m", "flag-model", "--no-cache", "-q"], env=env)
    assert extraction_requests(fake)[-1]["model"] == "flag-model"


def test_front_matter_never_reaches_the_model_whichever_directory_holds_the_prompt(
    fake: FakeOpenAI, isolated: Path
) -> None:
    (isolated / "a.txt").write_text(ARTICLE, encoding="utf-8")
    front = "+++\ntemperature = 0.2\n+++\n"
    packaged = (REPO / "prompts" / "extract.system.j2").read_text(encoding="utf-8")
    explicit = custom_prompts(isolated, front)
    user = Path(runner.invoke(app, ["prompts", "path"]).stdout.strip())
    user.mkdir(parents=True)
    (user / "extract.system.j2").write_text(front + packaged, encoding="utf-8")
    env = model_env(fake, isolated)
    for flags in (["--prompts-dir", str(explicit), "--var", "audience=x"], []):
        dry = runner.invoke(app, ["run", str(isolated / "a.txt"), "--dry-run", "-q", *flags], env=env)
        assert "--- system ---\nYou are a careful news analyst" in dry.stdout, dry.output
        result = runner.invoke(app, ["run", str(isolated / "a.txt"), "--no-cache", "-q", *flags], env=env)
        assert result.exit_code == 0, result.output
        request = extraction_requests(fake)[-1]
        system = request["messages"][0]["content"]
        assert "+++" not in system and "temperature =" not in system
        assert system.startswith("You are a careful news analyst") and request["temperature"] == 0.2
    shown = runner.invoke(app, ["config", "show"]).stdout
    assert f"temperature = 0.2    # prompt front matter ({user / 'extract.system.j2'})" in shown
    (isolated / "briefer.toml").write_text(f'prompts_dir = "{explicit}"\n', encoding="utf-8")
    shown = runner.invoke(app, ["config", "show"]).stdout
    assert f"temperature = 0.2    # prompt front matter ({explicit / 'extract.system.j2'})" in shown
    (isolated / "briefer.toml").write_text("temperature = 0.7\n", encoding="utf-8")
    shown = runner.invoke(app, ["config", "show"]).stdout
    assert f"temperature = 0.7    # {isolated / 'briefer.toml'}" in shown  # configuration wins


def test_vars_reach_templates_and_config_vars_add_up(isolated: Path) -> None:
    templates = isolated / "tpl"
    templates.mkdir()
    (templates / "briefing.md.j2").write_text("{{ vars.audience }} / {{ language }}\n", encoding="utf-8")
    (isolated / "briefer.toml").write_text('[vars]\naudience = "the board"\nlanguage = "French"\n', encoding="utf-8")
    out = runner.invoke(
        app, ["run", str(EXAMPLES), "-q", "--templates-dir", str(templates), "--var", "language=German"]
    )
    assert out.stdout == "the board / German\n"
    bad = runner.invoke(app, ["run", str(EXAMPLES), "--var", "no-equals-sign"])
    assert bad.exit_code == ExitCode.USAGE and "--var: 'no-equals-sign' is not key=value" in bad.stderr


def test_checks_report_located_problems(isolated: Path) -> None:
    assert runner.invoke(app, ["templates", "check"]).stdout == "templates: all render\n"
    assert runner.invoke(app, ["prompts", "check"]).stdout == "prompts: all render\n"
    templates = isolated / "tpl"
    templates.mkdir()
    (templates / "briefing.html.j2").write_text("<p>{{ briefing.titel }}</p>\n", encoding="utf-8")
    (templates / "extra.md.j2").write_text("{% for x in %}\n", encoding="utf-8")
    result = runner.invoke(app, ["templates", "check", "--dir", str(templates)])
    assert result.exit_code == ExitCode.USAGE
    assert f"{templates / 'briefing.html.j2'}:1" in result.stderr and "titel" in result.stderr
    assert f"{templates / 'extra.md.j2'}:1: syntax error" in result.stderr
    prompts = custom_prompts(isolated, "+++\ntemperature = 5\n+++\n")
    bad = runner.invoke(app, ["prompts", "check", "--dir", str(prompts)])
    assert bad.exit_code == ExitCode.USAGE
    assert (
        f"{prompts / 'extract.system.j2'}: front matter: temperature: Input should be less than or equal to 2"
        in bad.stderr
    )
    custom_prompts(isolated, '+++\n[fields.summary]\ntype = "string"\n+++\n')
    clash = runner.invoke(app, ["prompts", "check", "--dir", str(prompts)])
    assert "field 'summary' is built in" in clash.stderr


def test_a_prompt_error_in_a_run_is_located_and_exits_2(fake: FakeOpenAI, isolated: Path) -> None:
    (isolated / "a.txt").write_text(ARTICLE, encoding="utf-8")
    prompts = isolated / "prompts"
    prompts.mkdir()
    (prompts / "extract.user.j2").write_text("Title: {{ article.titel }}\n", encoding="utf-8")
    result = runner.invoke(
        app, ["run", str(isolated / "a.txt"), "--prompts-dir", str(prompts)], env=model_env(fake, isolated)
    )
    assert result.exit_code == ExitCode.USAGE
    assert f"{prompts / 'extract.user.j2'}:1" in result.stderr and "titel" in result.stderr
    assert fake.requests == []


def test_dry_run_shows_the_exact_request_and_the_estimate_and_sends_nothing(fake: FakeOpenAI, isolated: Path) -> None:
    result = runner.invoke(app, ["run", str(EXAMPLES), "--dry-run", "-q"], env=model_env(fake, isolated))
    assert result.exit_code == 0, result.output
    assert fake.requests == []
    out = result.stdout
    assert "--- system ---\nYou are a careful news analyst" in out and "--- user ---\nTitle: " in out
    assert "<article>" in out and '"required": [' in out
    assert "# Estimate for 3 articles (0 already cached" in out and "3 requests" in out and "about $" in out
    offline = runner.invoke(app, ["run", str(EXAMPLES), "--dry-run", "--offline", "-q"])
    assert offline.stdout.startswith("offline: 3 articles would be extracted without a language model")


def test_config_show_masks_the_key_and_names_origins(isolated: Path) -> None:
    (isolated / "briefer.toml").write_text('model = "from-file"\n', encoding="utf-8")
    env = {"OPENAI_API_KEY": "sk-never-print-me-123456", "OPENAI_BASE_URL": "http://localhost:11434/v1"}
    out = runner.invoke(app, ["config", "show"], env=env).stdout
    assert "sk-never" not in out and "api_key = **** (set; never shown)    # environment (OPENAI_API_KEY)" in out
    assert f"model = from-file    # {isolated / 'briefer.toml'}" in out
    assert "base_url = http://localhost:11434/v1    # environment (OPENAI_BASE_URL)" in out
    assert "concurrency = 8    # default" in out


def test_config_init_writes_a_starter_and_refuses_to_overwrite(isolated: Path) -> None:
    assert runner.invoke(app, ["config", "init"]).exit_code == 0
    starter = (isolated / "briefer.toml").read_text()
    assert "# model = " in starter and "[vars]" in starter
    again = runner.invoke(app, ["config", "init"])
    assert again.exit_code == ExitCode.USAGE and "already exists" in again.stderr
    (isolated / "briefer.toml").write_text(starter.replace('# model = "gpt-4o-mini"', 'model = "gpt-4.1-mini"'))
    assert "model = gpt-4.1-mini" in runner.invoke(app, ["config", "show"]).stdout
