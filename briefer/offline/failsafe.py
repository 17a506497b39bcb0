"""One article that the offline extractor fails on fails alone: the others of its batch are still extracted."""

from __future__ import annotations

from briefer.models import Article, ArticleBrief


class OfflineCrash(Exception):
    """An unexpected error on one article in a worker, carried back as its one-line description (an
    exception of any kind may not survive pickling)."""


def extract_each(articles: list[Article]) -> list[ArticleBrief | OfflineCrash]:
    """`extract_offline_many` (the batch the process pool runs), but an article that makes it fail is
    extracted again alone, so that it fails alone."""
    from briefer.offline.extractor import extract_offline_many

    try:
        return list(extract_offline_many(articles))
    except Exception as e:
        if len(articles) == 1:
            return [OfflineCrash(f"{type(e).__name__}: {e}")]
    return [extract_each([article])[0] for article in articles]
