"""Articles from .jsonl and .json files: objects with `text` (or `article`) and optional metadata.

An object without a title is titled from its lead; its source is the publication (its `source`, else its
URL's site), else the file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from briefer.models import Article, Failure
from briefer.sources.files import article_id, headline
from briefer.sources.web import site_name


def _published(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _string(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return value.strip() if isinstance(value, str) else ""


def _article(obj: Any, where: str, source: str) -> Article | Failure:
    if not isinstance(obj, dict):
        return Failure(source=where, error="not a JSON object")
    text = obj.get("text") or obj.get("article") or obj.get("content")
    if not isinstance(text, str) or not text.strip():
        return Failure(source=where, error="no 'text' or 'article' field")
    text = text.strip()
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    return Article(
        id=article_id(text),
        title=_string(obj, "title") or headline(text),
        source=_string(obj, "source") or site_name(url) or source,
        url=url,
        author=obj.get("author") if isinstance(obj.get("author"), str) else None,
        published=_published(obj.get("published") or obj.get("date")),
        text=text,
    )


def parse_articles(text: str, source: str, lines: bool) -> tuple[list[Article], list[Failure]]:
    """JSON Lines (one object a line) or a JSON document (a list, or an object with `articles`)."""
    articles: list[Article] = []
    failures: list[Failure] = []
    items: list[tuple[Any, str]] = []
    if lines:
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((json.loads(line), f"{source}:{n}"))
            except json.JSONDecodeError as e:
                failures.append(Failure(source=f"{source}:{n}", error=f"invalid JSON ({e.msg})"))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            return [], [Failure(source=source, error=f"invalid JSON (line {e.lineno}: {e.msg})")]
        if isinstance(data, dict) and isinstance(data.get("articles"), list):
            data = data["articles"]
        if not isinstance(data, list):
            data = [data]
        items = [(obj, f"{source}[{i}]") for i, obj in enumerate(data)]
    for obj, where in items:
        result = _article(obj, where, source)
        (articles if isinstance(result, Article) else failures).append(result)  # type: ignore[arg-type]
    if not articles and not failures:
        failures.append(Failure(source=source, error="no articles in the file"))
    return articles, failures
