"""The day's work on one article, done as soon as the article is extracted: in a worker thread while other
requests are still out, so that the synthesis after the last reply finds it done. The keys of its statements
and texts (words, figures, days) are memoised where they are computed (`sameness`, `figures`, `overview`);
reading them here is only earlier, never different."""

from __future__ import annotations

import contextlib

from briefer.day import overview, synthesize, themes
from briefer.models import ArticleBrief


def read_ahead(brief: ArticleBrief) -> None:
    """Read what the day's synthesis will read of `brief`. Never raises: the synthesis reads it again, and
    says there what went wrong."""
    with contextlib.suppress(Exception):
        synthesize.statements([brief])
        themes.read_ahead(brief)
        overview.read_ahead(brief)
