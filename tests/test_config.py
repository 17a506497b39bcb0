from pathlib import Path

import pytest

from briefer.config import Overrides, load_settings, parse_vars
from briefer.errors import ConfigError
from briefer.paths import Dirs


def test_precedence_defaults_user_project_environment_flags(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('model = "from-user"\nconcurrency = 3\ntitle = "User"\n')
    project = tmp_path / "project"
    project.mkdir()
    (project / "briefer.toml").write_text('model = "from-project"\ntitle = "Project"\n')
    env = {"BRIEFER_HOME": str(home), "BRIEFER_MODEL": "from-env"}
    s = load_settings({"title": "Flag", "concurrency": None}, env=env, cwd=project)
    assert (s.model, s.concurrency, s.title, s.timeout) == ("from-env", 3, "Flag", 120.0)
    assert load_settings({}, env={"BRIEFER_HOME": str(home)}, cwd=project).model == "from-project"


def test_provider_auto_means_a_model_only_when_a_key_or_base_url_is_set(tmp_path: Path) -> None:
    env = {"BRIEFER_HOME": str(tmp_path)}
    assert load_settings({}, env=env, cwd=tmp_path).resolved_provider() == "offline"
    assert load_settings({}, env={**env, "OPENAI_API_KEY": "k"}, cwd=tmp_path).resolved_provider() == "openai"
    local = {**env, "OPENAI_BASE_URL": "http://localhost:11434/v1"}
    assert load_settings({}, env=local, cwd=tmp_path).resolved_provider() == "openai"
    assert load_settings({"provider": "offline"}, env=local, cwd=tmp_path).resolved_provider() == "offline"


def test_api_key_is_never_dumped(tmp_path: Path) -> None:
    s = load_settings({}, env={"BRIEFER_HOME": str(tmp_path), "OPENAI_API_KEY": "sk-very-secret"}, cwd=tmp_path)
    assert s.api_key is not None and s.api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in repr(s) + s.model_dump_json()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("model = ", "invalid TOML"),
        ("modle = 'x'", "unknown setting 'modle'"),
        ("api_key = 'sk-x'", "'api_key' cannot be set in a file"),
        ("concurrency = 0", "concurrency: must be at least 1 (got 0)"),
        ("provider = 'magic'", "provider: must be one of 'auto', 'openai' or 'offline' (got 'magic')"),
        ("[email]\nport = 'abc'", "email.port: must be a whole number (got 'abc')"),
        ("[briefings.m]\nsources = 'x.txt'", 'briefings.m.sources: must be a list, such as ["a", "b"]'),
        (
            "[briefings.m]\nprovider = 'offline'",
            "[briefings.m]: 'provider' is not a setting of a named briefing; set it at the top level of the file",
        ),
        ("[briefings.m]\ncolour = 'red'", "'colour' is not a setting of a named briefing (it takes: sources,"),
    ],
)
def test_bad_files_name_the_file_and_the_key(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "briefer.toml").write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings({}, env={"BRIEFER_HOME": str(tmp_path / "h")}, cwd=tmp_path)
    assert str(tmp_path / "briefer.toml") in info.value.message and message in info.value.message
    assert "Input should" not in info.value.message and "Extra inputs" not in info.value.message


@pytest.mark.parametrize(
    ("overrides", "env", "message"),
    [
        ({"concurrency": 0}, {}, "--concurrency: must be at least 1 (got 0)"),
        ({"max_cost": -1.0}, {}, "--max-cost: must be at least 0 (got -1)"),
        (
            {},
            {"BRIEFER_PROVIDER": "magic"},
            "BRIEFER_PROVIDER: must be one of 'auto', 'openai' or 'offline' (got 'magic')",
        ),
        ({}, {"BRIEFER_SMTP_PORT": "x"}, "BRIEFER_SMTP_PORT: must be a whole number (got 'x')"),
    ],
)
def test_bad_flags_and_variables_are_named_in_plain_words(
    tmp_path: Path, overrides: Overrides, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(overrides, env={"BRIEFER_HOME": str(tmp_path), **env}, cwd=tmp_path)
    assert info.value.message == message


def test_paths_in_a_file_expand_the_home_folder_and_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "briefer.toml").write_text(
        'templates_dir = "~/my-templates"\nsources = ["feeds/", "~/saved.html"]\n'
        '[briefings.morning]\noutput = "~/briefings/morning-{date}.html"\ntemplates_dir = "tpl"\n'
        '[briefings.evening]\noutput = "out/evening.html"\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    s = load_settings(
        {}, env={"BRIEFER_HOME": str(tmp_path / "h"), "BRIEFER_CONFIG": str(tmp_path / "briefer.toml")}, cwd=elsewhere
    )
    home = Path.home()
    assert s.templates_dir == home / "my-templates"
    assert s.sources == [str(tmp_path / "feeds"), str(home / "saved.html")]
    assert s.briefings["morning"].output == str(home / "briefings" / "morning-{date}.html")
    assert s.briefings["morning"].templates_dir == tmp_path / "tpl"
    assert s.briefings["evening"].output == str(tmp_path / "out" / "evening.html")


def test_var_keys_follow_the_rule_their_message_states() -> None:
    assert parse_vars(["audience=the board", "_x2=y"]) == {"audience": "the board", "_x2": "y"}
    for bad in ("1x=2", "a-b=2", "novalue"):
        with pytest.raises(ConfigError, match="not starting with a digit"):
            parse_vars([bad])


def test_briefer_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({}, env={"BRIEFER_CONFIG": str(tmp_path / "nope.toml")}, cwd=tmp_path)


def test_user_dir_lookup_order(tmp_path: Path) -> None:
    assert Dirs.from_env({"BRIEFER_HOME": str(tmp_path)}).config == tmp_path
    assert Dirs.from_env({}).config.name == "briefer"
