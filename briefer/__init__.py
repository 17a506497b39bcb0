"""briefer: turn news articles into grounded briefings.

The Python API, for scripts::

    import briefer

    briefing = briefer.brief(["today/", "https://example.org/world.rss"], offline=True)
    html = briefer.render(briefing, "html")

Both read the configuration as the command line does (user file < project file < environment), with the
keyword arguments on top, and return the same Briefing and the same text as `briefer run`. Nothing heavy
is imported until they are called.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import TYPE_CHECKING, Literal, Unpack

if TYPE_CHECKING:
    from briefer.config import Overrides, Settings
    from briefer.models import Briefing

from briefer.version import __version__

__all__ = ["__version__", "brief", "render", "settings"]


def settings(*, offline: bool = False, **overrides: Unpack[Overrides]) -> Settings:
    """The effective settings: defaults < configuration files < environment < these keyword arguments."""
    return _resolve(None, offline, overrides)


def _resolve(given: Settings | None, offline: bool, overrides: Overrides) -> Settings:
    if given is not None:
        return given
    from briefer.config import load_settings

    if offline:
        overrides["provider"] = "offline"
    return load_settings(overrides)


def brief(
    sources: Sequence[str | PathLike[str]],
    settings: Settings | None = None,
    *,
    offline: bool = False,
    **overrides: Unpack[Overrides],
) -> Briefing:
    """The briefing of `sources` (files, directories, URLs, feeds), as `briefer run` makes it.

    Pass a Settings object (from `briefer.settings(...)`), or settings as keyword arguments (`model=`,
    `base_url=`, `concurrency=`, `since="24h"`, `title=`, ...); `offline=True` uses the embedded extractor.
    Raises `briefer.errors.BrieferError` subclasses, whose `exit_code` is the CLI's for the same failure.
    """
    from briefer import pipeline

    return pipeline.brief(_resolve(settings, offline, overrides), pipeline.Request(sources=[str(s) for s in sources]))


def render(
    briefing: Briefing,
    fmt: Literal["md", "html", "json"] = "md",
    settings: Settings | None = None,
    **overrides: Unpack[Overrides],
) -> str:
    """The briefing as Markdown, HTML or JSON, through the output templates (yours first, as for the CLI)."""
    from briefer import pipeline

    return pipeline.render(briefing, fmt, _resolve(settings, False, overrides))
