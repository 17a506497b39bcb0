from pathlib import Path

import pytest

from briefer.config import load_settings
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
        ("concurrency = 0", "concurrency: Input should be greater than or equal to 1"),
        ("provider = 'magic'", "provider: Input should be 'auto', 'openai' or 'offline'"),
    ],
)
def test_bad_files_name_the_file_and_the_key(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "briefer.toml").write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings({}, env={"BRIEFER_HOME": str(tmp_path / "h")}, cwd=tmp_path)
    assert str(tmp_path / "briefer.toml") in info.value.message and message in info.value.message


def test_briefer_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({}, env={"BRIEFER_CONFIG": str(tmp_path / "nope.toml")}, cwd=tmp_path)


def test_user_dir_lookup_order(tmp_path: Path) -> None:
    assert Dirs.from_env({"BRIEFER_HOME": str(tmp_path)}).config == tmp_path
    assert Dirs.from_env({}).config.name == "briefer"
