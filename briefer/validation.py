"""Pydantic's validation errors as one plain line a user can act on: what is wrong, in words, not pydantic's."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_BOUNDS = {
    "greater_than_equal": ("ge", "at least {}"),
    "greater_than": ("gt", "more than {}"),
    "less_than_equal": ("le", "at most {}"),
    "less_than": ("lt", "less than {}"),
}
_KINDS = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text in quotes",
    "list_type": 'a list, such as ["a", "b"]',
    "dict_type": "a table of settings",
    "model_type": "a table of settings",
    "model_attributes_type": "a table of settings",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
}


def shown(value: object) -> str:
    """A value as the user wrote it, short."""
    if isinstance(value, float):
        return f"{value:g}"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def problem(error: ErrorDetails, allowed: Iterable[str] = ()) -> str:
    """What is wrong with one value, in words: "must be at least 1 (got 0)". `allowed`: the keys the table
    holding an unknown key takes, listed in the message."""
    kind, context, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "extra_forbidden":
        keys = ", ".join(sorted(allowed))
        return "is not a setting here" + (f" (this table takes: {keys})" if keys else "")
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words.format(shown(context.get(key)))} (got {shown(given)})"
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '')} (got {shown(given)})"
    if kind == "missing":
        return "is required"
    if kind in _KINDS:
        return f"must be {_KINDS[kind]} (got {shown(given)})"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def readable(
    e: ValidationError,
    where: str,
    allowed_at: Callable[[tuple[str, ...]], Iterable[str]] | None = None,
    with_key: bool = True,
) -> str:
    """The first error of `e` on one line: `where: key: what is wrong` (`where: what is wrong` without
    `with_key`, when `where` names the setting already, as a flag does). `allowed_at(location)`, when given,
    lists the keys the table at `location` takes (for an unknown key)."""
    first = e.errors()[0]
    location = tuple(str(p) for p in first["loc"])
    allowed = allowed_at(location[:-1]) if allowed_at is not None and first["type"] == "extra_forbidden" else ()
    key = ".".join(location) or "settings"
    return f"{where}: {key + ': ' if with_key else ''}{problem(first, allowed)}"
