"""What a prompt may say about where an article came from: the outlet, or the site of its URL; never a path on
the machine that runs briefer (a folder's name is private, and the model has no use for it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from briefer.models import ArticleMeta
from briefer.sources.web import site_name

Meta = TypeVar("Meta", bound=ArticleMeta)

# A file briefer reads articles from, by its extension: its name is no outlet.
_ARTICLE_FILE = re.compile(r"\.(?:txt|text|md|markdown|html?|xhtml|xml|rss|atom|rdf|json|jsonl|ndjson)(?:\.gz)?$", re.I)


def _local(source: str) -> bool:
    """A path or a file name as given on the command line, or standard input: not an outlet."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I):
        return source.lower().startswith("file:")
    return (
        source in ("-", "")
        or source.startswith(("/", "~", ".", "\\"))
        or re.match(r"^[a-z]:[\\/]", source, re.I) is not None
        or "/" in source
        or "\\" in source
        or _ARTICLE_FILE.search(source) is not None
    )


def prompt_source(article: ArticleMeta) -> str:
    """The article's source as a prompt may show it: the outlet's name, or the site of its URL (`example.org`);
    empty for a file read on this machine that names no web address."""
    source = article.source.strip()
    if source.lower().startswith(("http://", "https://")):
        return site_name(source) or ""
    if _local(source):
        return site_name(article.url) or ""
    return source


def sendable(article: Meta) -> Meta:
    """The article with its source as a prompt may show it (see `prompt_source`)."""
    source = prompt_source(article)
    return article if source == article.source else article.model_copy(update={"source": source})


def sendable_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """A prompt's context with every article in it (alone or in a list) as a prompt may show it."""
    shown: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, ArticleMeta):
            value = sendable(value)
        elif isinstance(value, list | tuple) and value and all(isinstance(v, ArticleMeta) for v in value):
            value = [sendable(v) for v in value]
        shown[key] = value
    return shown
