"""Long articles: split into parts that fit a request, and the parts' extractions merged back into one."""

from __future__ import annotations

import re
from typing import Any

from briefer.model.tokens import count_tokens
from briefer.models import ModelCommitment, ModelExtraction, ModelFact, ModelImplication

MAX_IMPLICATIONS = 4


def split_text(text: str, max_tokens: int) -> list[str]:
    """Parts of at most `max_tokens`, cut at paragraph boundaries, each starting with the previous part's
    last paragraph (the overlap keeps a sentence's context). A paragraph too long on its own is cut at
    sentence ends. Nothing is dropped."""
    if len(text) <= max_tokens or count_tokens(text) <= max_tokens:  # a token is at least one character
        return [text]
    pieces: list[str] = []
    for paragraph in (p for p in text.split("\n") if p.strip()):
        if count_tokens(paragraph) <= max_tokens:
            pieces.append(paragraph)
            continue
        from briefer.offline.sentences import split_sentences

        pieces.extend(s.text for s in split_sentences(paragraph))
    parts: list[list[str]] = [[]]
    size = 0
    for piece in pieces:
        tokens = count_tokens(piece) + 1
        if parts[-1] and size + tokens > max_tokens:
            overlap = parts[-1][-1]
            parts.append([overlap] if count_tokens(overlap) + tokens <= max_tokens else [])
            size = count_tokens(overlap) + 1 if parts[-1] else 0
        parts[-1].append(piece)
        size += tokens
    return ["\n".join(p) for p in parts if p]


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def merge_extractions(parts: list[ModelExtraction]) -> ModelExtraction:
    """One extraction from the parts of a long article; repeats (from the overlaps) removed."""
    if len(parts) == 1:
        return parts[0]
    facts: dict[str, ModelFact] = {}
    commitments: dict[tuple[str, str], ModelCommitment] = {}
    implications: dict[str, ModelImplication] = {}
    for part in parts:
        for f in part.facts:
            facts.setdefault(_key(f.statement), f)
        for c in part.commitments:
            commitments.setdefault((_key(c.actor), _key(c.action)), c)
        for i in part.implications:
            implications.setdefault(_key(i.statement), i)
    extra: dict[str, Any] = {}
    for name in extra_fields(parts[0]):
        values = [getattr(p, name) for p in parts]
        if isinstance(values[0], list):
            extra[name] = list(dict.fromkeys(v for value in values for v in value))
        else:
            extra[name] = values[0]
    return type(parts[0])(
        summary=parts[0].summary,
        facts=list(facts.values()),
        commitments=list(commitments.values()),
        implications=list(implications.values())[:MAX_IMPLICATIONS],
        **extra,
    )


def extra_fields(extraction: ModelExtraction) -> list[str]:
    """The sections a customised prompt added to the built-in ones."""
    return [name for name in type(extraction).model_fields if name not in ModelExtraction.model_fields]
