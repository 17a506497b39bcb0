"""Turn the sources a user names into Articles, and the unreadable ones into Failures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from briefer.models import Article, Failure
from briefer.sources.files import read_path, read_stream


@dataclass
class Ingested:
    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def ingest(sources: Iterable[str], stdin: BinaryIO | None = None) -> Ingested:
    """Read every source in order; an unreadable one becomes a Failure and the rest go on."""
    result = Ingested()
    seen_ids: set[str] = set()
    for source in sources:
        if source == "-":
            if stdin is None:
                result.failures.append(Failure(source="-", error="standard input is not available"))
                continue
            articles, failures = read_stream(stdin, "-")
        else:
            articles, failures = read_path(source)
        result.failures.extend(failures)
        for article in articles:
            if article.id in seen_ids:
                continue  # the same text twice is one article
            seen_ids.add(article.id)
            result.articles.append(article)
    return result
