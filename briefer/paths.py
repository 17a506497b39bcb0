"""The user directories: where configuration, the cache and kept briefings live."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict

APP = "briefer"


class Dirs(BaseModel):
    """briefer's three user directories. Nothing is created until a file is first written (`ensure`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    config: Path  # config.toml, prompts/, templates/
    cache: Path  # cache.sqlite3: model extractions and Batch API jobs
    data: Path  # briefings kept when they were only emailed

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Dirs:
        """The directories, each looked up in this order:

        1. its own variable: `BRIEFER_HOME` (configuration), `BRIEFER_CACHE_DIR`, `BRIEFER_DATA_DIR`;
        2. inside `BRIEFER_HOME` when that is set: the configuration in it, `cache/` and `data/` below it;
        3. the platform's user directories (platformdirs): on Linux `~/.config/briefer`,
           `~/.cache/briefer` and `~/.local/share/briefer`.
        """
        home = Path(env["BRIEFER_HOME"]).expanduser() if env.get("BRIEFER_HOME") else None

        def pick(variable: str, below_home: str, platform: Callable[..., str]) -> Path:
            if env.get(variable):
                return Path(env[variable]).expanduser()
            if home is not None:
                return home / below_home if below_home else home
            return Path(platform(APP, appauthor=False))

        return cls(
            config=pick("BRIEFER_HOME", "", platformdirs.user_config_dir),
            cache=pick("BRIEFER_CACHE_DIR", "cache", platformdirs.user_cache_dir),
            data=pick("BRIEFER_DATA_DIR", "data", platformdirs.user_data_dir),
        )


def ensure(directory: Path) -> Path:
    """`directory`, created (with its parents) when it is not there yet."""
    directory.mkdir(parents=True, exist_ok=True)
    return directory
