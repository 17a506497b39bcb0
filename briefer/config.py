"""Settings, merged from defaults < user file < project file < environment < flags.

The environment is read here, once: `load_settings` turns it into Settings (the API key, the endpoint, the
user directories, SMTP), and every other module takes what it needs from the Settings it is handed.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError, field_validator

from briefer.errors import ConfigError, UsageError
from briefer.paths import Dirs
from briefer.sections import EmailSettings, Price, SiteSettings

PROJECT_FILE = "briefer.toml"
USER_FILE = "config.toml"


class NamedBriefing(BaseModel):
    """A briefing run by name (`[briefings.NAME]`, `briefer run --briefing NAME`): the whole daily job."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(default_factory=list, description="Its sources (files, folders, URLs, feeds).")
    since: str | None = Field(default=None, description="Its window: 24h, 3d, a date.")
    title: str | None = None
    model: str | None = None
    templates_dir: Path | None = Field(default=None, description="The output templates it uses.")
    output: str | None = Field(default=None, description="Where to write it; {date} becomes the briefing's date.")
    format: Literal["md", "html", "json"] | None = None
    to: list[str] = Field(default_factory=list, description="Email it to these addresses.")
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    since_last: bool = Field(default=True, description="Lead with what changed since its previous run.")
    notify_failures: bool = Field(default=False, description="Email a short notice when the run fails.")

    @field_validator("since")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        return _check_window(value)


def _check_window(value: str | None) -> str | None:
    if value is not None:
        from briefer.dates import parse_since

        try:
            parse_since(value)
        except UsageError as e:
            raise ValueError(e.message.removeprefix("--since: ")) from None
    return value


class Settings(BaseModel):
    """Every setting a run uses. The API key comes only from the environment and is never printed."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    provider: Literal["auto", "openai", "offline"] = "auto"
    model: str | None = Field(
        default=None,
        description="None: gpt-4o-mini on OpenAI's endpoint; elsewhere the one model the server lists.",
    )
    base_url: str | None = None
    api_key: SecretStr | None = Field(default=None, exclude=True)
    concurrency: int = Field(default=8, ge=1, le=256)
    timeout: float = Field(default=120.0, gt=0, description="Seconds to wait for one model response.")
    max_attempts: int = Field(default=8, ge=1, le=20, description="Tries per request, the first included.")
    retry_wait: float = Field(default=1.0, ge=0, description="Base of the exponential backoff, in seconds.")
    retry_wait_max: float = Field(default=60.0, ge=0, description="Longest single wait, Retry-After included.")
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_output_tokens: int | None = Field(default=None, ge=1)
    title: str | None = None
    prompts_dir: Path | None = None
    templates_dir: Path | None = None
    include_ungrounded: bool = False
    max_article_tokens: int = Field(
        default=12_000, ge=500, description="Article text per request; a longer article is split into parts."
    )
    cache: bool = Field(default=True, description="Reuse extractions from the cache (--no-cache to turn off).")
    max_cost: float | None = Field(default=None, ge=0, description="US dollars a run may spend (--max-cost).")
    prices: dict[str, Price] = Field(default_factory=dict, description="Per-model prices, USD per 1M tokens.")
    batch_poll_seconds: float = Field(default=30.0, gt=0, description="How often --batch asks for progress.")
    vars: dict[str, str] = Field(default_factory=dict, description="Variables for prompts and templates (--var).")
    email: EmailSettings = Field(default_factory=EmailSettings, description="SMTP delivery ([email]).")
    since: str | None = Field(
        default=None, description="Keep articles published in this window: 24h, 3d, 2w, or a date (--since)."
    )
    dirs: Dirs = Field(
        default_factory=lambda: Dirs.from_env(os.environ),
        exclude=True,
        description="User directories (BRIEFER_HOME, BRIEFER_CACHE_DIR, BRIEFER_DATA_DIR).",
    )

    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    def origin(self, key: str) -> str:
        """Where a setting's value came from: "default", a file's path, "environment (VAR)" or "command line"."""
        return self._origins.get(key, "default")

    def explicit(self, key: str) -> bool:
        return key in self._origins

    sources: list[str] = Field(default_factory=list, description="Sources used when the command names none.")
    follow_links: bool = Field(default=True, description="Fetch the full article behind a feed teaser.")
    fetch_timeout: float = Field(default=20.0, gt=0, description="Seconds to wait for one page or feed.")
    history: bool = Field(
        default=True, description="Keep each run in the history store and mark commitments (--no-history: off)."
    )
    due_soon_days: int = Field(default=7, ge=0, le=366, description="The briefing's 'due soon' window, in days.")
    briefings: dict[str, NamedBriefing] = Field(
        default_factory=dict, description="Named briefings ([briefings.NAME]), run with --briefing NAME."
    )
    site: SiteSettings = Field(default_factory=SiteSettings, description="The archive site ([site]).")

    @field_validator("since")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        return _check_window(value)

    def since_time(self, now: datetime | None = None) -> datetime | None:
        """The `since` window's start, or None for no window."""
        from briefer.dates import parse_since

        return parse_since(self.since, now) if self.since else None

    def resolved_provider(self) -> Literal["openai", "offline"]:
        """`auto` means the model when an API key or a base URL is set, the offline extractor otherwise."""
        if self.provider != "auto":
            return self.provider
        return "openai" if (self.api_key is not None or self.base_url) else "offline"


class Overrides(TypedDict, total=False):
    """Settings given on the command line or as keyword arguments to the Python API (None: not given)."""

    provider: Literal["auto", "openai", "offline"] | None
    model: str | None
    base_url: str | None
    concurrency: int | None
    title: str | None
    prompts_dir: Path | None
    templates_dir: Path | None
    include_ungrounded: bool | None
    follow_links: bool | None
    cache: bool | None
    max_cost: float | None
    vars: dict[str, str] | None
    email: dict[str, list[str]] | None
    since: str | None
    temperature: float | None
    max_output_tokens: int | None
    timeout: float | None
    max_attempts: int | None
    history: bool | None


# Settings a configuration file may not hold: secrets and directories come from the environment.
_FILE_FORBIDDEN = {"api_key", "dirs"}

_ENV_KEYS = {
    "OPENAI_API_KEY": "api_key",
    "OPENAI_BASE_URL": "base_url",
    "BRIEFER_MODEL": "model",
    "BRIEFER_PROVIDER": "provider",
}


_SMTP_ENV = {
    "BRIEFER_SMTP_HOST": "host",
    "BRIEFER_SMTP_PORT": "port",
    "BRIEFER_SMTP_USER": "user",
    "BRIEFER_SMTP_PASSWORD": "password",
    "BRIEFER_SMTP_FROM": "from",
    "BRIEFER_SMTP_TO": "to",
    "BRIEFER_SMTP_CC": "cc",
    "BRIEFER_SMTP_BCC": "bcc",
    "BRIEFER_SMTP_SECURITY": "security",
}


def config_files(env: Mapping[str, str], cwd: Path) -> list[Path]:
    """The configuration files that apply, lowest precedence first."""
    user_file = Path(env["BRIEFER_CONFIG"]) if env.get("BRIEFER_CONFIG") else Dirs.from_env(env).config / USER_FILE
    if env.get("BRIEFER_CONFIG") and not user_file.is_file():
        raise ConfigError(f"{user_file}: BRIEFER_CONFIG names a file that does not exist")
    return [p for p in (user_file, cwd / PROJECT_FILE) if p.is_file()]


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from e
    for key in data:
        if key in _FILE_FORBIDDEN:
            raise ConfigError(f"{path}: '{key}' cannot be set in a file; use the environment (OPENAI_API_KEY)")
        if key not in Settings.model_fields:
            raise ConfigError(f"{path}: unknown setting '{key}'")
    for key in ("prompts_dir", "templates_dir"):
        if isinstance(data.get(key), str):
            data[key] = beside(path, data[key])
    email = data.get("email")
    if isinstance(email, dict):
        if "password" in email:
            raise ConfigError(
                f"{path}: 'email.password' cannot be set in a file; use BRIEFER_SMTP_PASSWORD or email.password_file"
            )
        if isinstance(email.get("password_file"), str):
            email["password_file"] = beside(path, email["password_file"])
        for key in ("to", "cc", "bcc"):
            if isinstance(email.get(key), str):
                email[key] = [email[key]]
    _relative_sources(data, path)
    site = data.get("site")
    if isinstance(site, dict) and isinstance(site.get("dir"), str):
        site["dir"] = str((path.parent / site["dir"]).expanduser())
    briefings = data.get("briefings")
    if isinstance(briefings, dict):
        for name, named in briefings.items():
            if isinstance(named, dict):
                _check_named_keys(path, name, named)
                _relative_sources(named, path)
                for key in ("templates_dir", "output"):
                    if isinstance(named.get(key), str):
                        named[key] = beside(path, named[key])
                for key in ("to", "cc", "bcc"):
                    if isinstance(named.get(key), str):
                        named[key] = [named[key]]
    return data


def beside(config_file: Path, value: str) -> str:
    """A path written in a configuration file: `~` is the home folder, and a relative path is relative to the
    folder of the file (not to wherever briefer happens to run)."""
    written = Path(value).expanduser()
    return str(written if written.is_absolute() else config_file.parent / written)


def _check_named_keys(path: Path, name: str, named: dict[str, Any]) -> None:
    """An unknown key in `[briefings.NAME]`, on one line: what the table takes, and where a run-wide setting
    such as `provider` goes instead."""
    for key in named:
        if key not in NamedBriefing.model_fields:
            where = f"{path}: [briefings.{name}]: '{key}' is not a setting of a named briefing"
            if key in Settings.model_fields:
                raise ConfigError(f"{where}; set it at the top level of the file, for every run")
            raise ConfigError(f"{where} (it takes: {', '.join(NamedBriefing.model_fields)})")


def _relative_sources(data: dict[str, Any], path: Path) -> None:
    """Paths in a file are relative to that file."""
    if isinstance(data.get("sources"), list):
        data["sources"] = [
            s if not isinstance(s, str) or "://" in s or s == "-" else beside(path, s) for s in data["sources"]
        ]


def _describe(e: ValidationError, origin: str) -> str:
    """One readable line: the file (or the flag) and the setting, and what is wrong with its value."""
    from briefer.validation import readable

    location = e.errors()[0]["loc"]
    if origin == "command line" and len(location) == 1:  # named as the flag: --concurrency, --max-cost
        return readable(e, "--" + str(location[0]).replace("_", "-"), with_key=False)
    if origin == "environment":  # named as the variable: BRIEFER_PROVIDER, BRIEFER_SMTP_PORT
        names = _SMTP_ENV if location[:1] == ("email",) else _ENV_KEYS
        var = next((v for v, f in names.items() if f == str(location[-1])), None)
        if var is not None:
            return readable(e, var, with_key=False)
    return readable(e, origin, _allowed)


def _allowed(location: tuple[str, ...]) -> list[str]:
    """The keys the table at `location` takes: the top level, [email], [prices.X] or [briefings.X]."""
    tables: dict[str, type[BaseModel]] = {"email": EmailSettings, "prices": Price, "briefings": NamedBriefing}
    if not location:
        return [k for k in Settings.model_fields if k not in _FILE_FORBIDDEN]
    table = tables.get(location[0])
    return [] if table is None else [f.alias or k for k, f in table.model_fields.items() if k != "password"]


def load_settings(
    overrides: Overrides | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    briefing: str | None = None,
) -> Settings:
    """Merge the layers; `overrides` are the command-line flags (None values are ignored). `env` (the
    process environment by default) is read here and nowhere else. A named `briefing` sets its sources,
    window, title, model, templates and recipients above the files' own, below environment and flags."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    settings = Settings(dirs=Dirs.from_env(env))
    origins: dict[str, str] = {}
    layers: list[tuple[str, dict[str, Any]]] = [(str(p), _read_file(p)) for p in config_files(env, cwd)]
    layers.append(("environment", {field: env[var] for var, field in _ENV_KEYS.items() if env.get(var)}))
    layers.append(("command line", {k: v for k, v in (overrides or {}).items() if v is not None}))
    smtp: dict[str, str | list[str]] = {}
    for var, field in _SMTP_ENV.items():
        if value := env.get(var):
            listed = field in ("to", "cc", "bcc")
            smtp[field] = [a.strip() for a in value.split(",") if a.strip()] if listed else value
    if smtp:
        layers.insert(len(layers) - 1, ("environment", {"email": smtp}))
    variables: dict[str, str] = {}
    email: dict[str, Any] = {}
    for origin, values in layers:
        if isinstance(values.get("vars"), dict):  # variables add up across layers rather than replace
            variables = {**variables, **values["vars"]}
            values = {**values, "vars": variables}
        if isinstance(values.get("email"), dict):  # so do the [email] settings
            email = {**email, **values["email"]}
            values = {**values, "email": email}
        try:
            current = {**settings.model_dump(), "api_key": settings.api_key, "email": email, "dirs": settings.dirs}
            settings = Settings.model_validate({**current, **values})
        except ValidationError as e:
            raise ConfigError(_describe(e, origin)) from e
        for key in values:
            if origin == "environment":
                var = next((v for v, f in _ENV_KEYS.items() if f == key), "BRIEFER_SMTP_*")
                origins[key] = f"environment ({var})"
            else:
                origins[key] = origin
    settings._origins = origins
    if briefing is not None:
        settings = _named(settings, briefing)
    return settings


def _named(settings: Settings, name: str) -> Settings:
    """The settings with the named briefing's own on top, where environment and flags left them alone."""
    named = settings.briefings.get(name)
    if named is None:
        known = ", ".join(sorted(settings.briefings)) or "none is configured"
        raise ConfigError(f"--briefing {name}: no [briefings.{name}] in the configuration ({known})")
    origin = f"[briefings.{name}]"
    update: dict[str, Any] = {}
    for key in ("sources", "since", "title", "model", "templates_dir"):
        value = getattr(named, key)
        chosen = settings.origin(key)
        if value and not (chosen.startswith("environment") or chosen == "command line"):
            update[key] = value
    recipients = {k: getattr(named, k) for k in ("to", "cc", "bcc") if getattr(named, k)}
    if recipients and settings.origin("email") != "command line":
        update["email"] = settings.email.model_copy(update=recipients)
    return _layered(settings, update, origin)


def _layered(settings: Settings, update: dict[str, Any], origin: str) -> Settings:
    """The settings with `update` on top, each key's origin recorded as `origin`."""
    if not update:
        return settings
    updated = settings.model_copy(update=update)
    updated._origins = {**settings._origins, **dict.fromkeys(update, origin)}
    return updated


def parse_vars(pairs: list[str] | None) -> dict[str, str]:
    """`--var key=value` flags; a ConfigError naming the bad one."""
    result: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(
                f"--var: '{pair}' is not key=value (the key: letters, digits and _, and not starting with a digit)"
            )
        result[key.strip()] = value
    return result


def apply_prompt_settings(
    settings: Settings,
    model: str | None,
    temperature: float | None,
    max_output_tokens: int | None,
    file: str | None = None,
) -> Settings:
    """A prompt's front matter sets model, temperature and output limit unless configuration or flags did;
    their origin names the prompt `file` when given."""
    update: dict[str, Any] = {}
    if model is not None and not settings.explicit("model"):
        update["model"] = model
    if temperature is not None and not settings.explicit("temperature"):
        update["temperature"] = temperature
    if max_output_tokens is not None and not settings.explicit("max_output_tokens"):
        update["max_output_tokens"] = max_output_tokens
    return _layered(settings, update, f"prompt front matter ({file})" if file else "prompt front matter")
