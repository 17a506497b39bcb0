"""The configuration's sections that other layers read as they are: `[email]` (the mailer's settings),
`[prices."model"]` (a model's price) and `[site]` (the archive site); kept here so that `config` depends on no
stage."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from briefer.errors import ConfigError


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0, description="Defaults to the input price.")


Security = Literal["starttls", "tls", "none"]
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


class EmailSettings(BaseModel):
    """The [email] section; the password only from BRIEFER_SMTP_PASSWORD or the file `password_file` names."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)

    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    user: str | None = None
    password: SecretStr | None = Field(default=None, exclude=True)
    password_file: Path | None = None
    sender: str | None = Field(default=None, alias="from")
    to: list[str] = []
    cc: list[str] = []
    bcc: list[str] = []
    security: Security = "starttls"
    timeout: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=4, ge=1, le=10)
    retry_wait: float = Field(default=2.0, ge=0)

    def secret(self) -> str | None:
        """The password: from the environment, else read from `password_file`."""
        if self.password is not None:
            return self.password.get_secret_value()
        if self.password_file is not None:
            try:
                return self.password_file.read_text(encoding="utf-8").strip()
            except OSError as e:
                raise ConfigError(f"{self.password_file}: cannot read the SMTP password file ({e.strerror})") from None
        return None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port or DEFAULT_PORTS[self.security]}"


class SiteSettings(BaseModel):
    """The [site] section: the archive site `briefer site` builds, and `briefer run` updates after a kept run."""

    model_config = ConfigDict(extra="forbid")

    dir: Path | None = Field(default=None, description="The site's folder; set, each kept run updates the site.")
    title: str = Field(default="Briefings", min_length=1, description="The site's title.")
