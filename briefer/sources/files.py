"""Plain-text and Markdown articles: decoding, the title line, the article id."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from briefer.models import Article, Failure

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
MAX_BYTES = 20 * 1024 * 1024
_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 30


def article_id(text: str) -> str:
    """A stable id from the text, so the same article gets the same id in every run."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _looks_like_title(line: str) -> bool:
    return (
        len(line) <= _MAX_TITLE_CHARS
        and len(line.split()) <= _MAX_TITLE_WORDS
        and not line.endswith((".", ",", ";", ":"))
    ) or line.startswith("#")


def split_title(text: str, fallback: str) -> tuple[str, str]:
    """The first non-empty line is the title when it looks like one; the rest is the body."""
    lines = text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    body = "\n".join(lines[1:]).strip()
    if first and body and _looks_like_title(first):
        return re.sub(r"^#+\s*", "", first).strip() or fallback, body
    return fallback, text.strip()


HEADLINE_CHARS = 80
_MIN_CLAUSE_WORDS = 4  # "On Thursday, ..." is no headline; "The council approved the plan, ..." is
# A sentence ends at . ! or ? before a space, but not after an initial or a short title ("U.S.", "Dr.").
_SENTENCE_END = re.compile(r"(?<![\s.][A-Z])(?<!\b(?:Mr|Ms|Dr|St))(?<!\bMrs)[.!?][\"”’]?\s")
_CLAUSE_END = re.compile(r"[,;:]\s|\s[-–—]+\s|\s\(")


def headline(text: str, limit: int = HEADLINE_CHARS) -> str:
    """A title for an article that has none: the lead sentence's first clause, cut at a word boundary with an
    ellipsis when it is longer than `limit` characters."""
    lead = " ".join(text.split())
    end = _SENTENCE_END.search(lead)
    lead = lead[: end.end()].rstrip() if end else lead
    for clause in _CLAUSE_END.finditer(lead):
        if len(lead[: clause.start()].split()) >= _MIN_CLAUSE_WORDS:
            lead = lead[: clause.start()]
            break
    lead = lead.rstrip(" .!?,;:")
    if len(lead) <= limit:
        return lead
    cut = lead[:limit].rfind(" ")
    return (lead[:cut] if cut > 0 else lead[: limit - 1]).rstrip(" ,;:-–—") + "…"


def _title_from_name(name: str) -> str:
    stem = Path(name).stem
    return re.sub(r"[_\-]+", " ", stem).strip().capitalize() or "Untitled"


def decode_article(data: bytes, source: str) -> Article | Failure:
    """Bytes to an Article, or a Failure whose error says in a line what is wrong."""
    if not data.strip():
        return Failure(source=source, error="empty file")
    if b"\x00" in data[:8192]:
        return Failure(source=source, error="binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return Failure(source=source, error=f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    title, body = split_title(text, _title_from_name(source) if source != "-" else "Untitled")
    if not body.strip():
        return Failure(source=source, error="no article text after the title")
    return Article(id=article_id(body), title=title, source=source, text=body)
