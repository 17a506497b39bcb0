"""Structured output: the formats a request can ask for, best first, and the schema and parsing they need."""

from __future__ import annotations

import copy
import functools
import json
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    import openai

T = TypeVar("T", bound=BaseModel)


class Mode(StrEnum):
    """How structured output is asked for, best first; a run steps down when the endpoint rejects one."""

    JSON_SCHEMA = "json_schema"  # OpenAI, vLLM, Ollama, LM Studio
    JSON_OBJECT_SCHEMA = "json_object+schema"  # llama.cpp's server (llama-cpp-python)
    JSON_OBJECT = "json_object"  # JSON mode, the schema in the prompt
    TEXT = "text"  # no response_format at all; a JSON block parsed from the reply


MODES = list(Mode)
_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|schema|grammar|not supported|unsupported", re.I)
REASK = (
    "Your previous reply could not be used: {error}\n"
    "Reply again with one JSON object that matches the schema exactly, and nothing else."
)


class InvalidOutput(Exception):
    """The reply was not JSON, or did not match the schema."""

    def __init__(self, problems: str, broken: bool = False) -> None:
        super().__init__(problems)
        self.broken = broken  # not JSON at all: a body cut short in transit, say, rather than a wrong shape


@functools.cache
def _inline_schema(model: type[BaseModel]) -> str:
    return json.dumps(_build_inline_schema(model))


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema, inlined and strict (built once per model; a fresh copy each call)."""
    result: dict[str, Any] = json.loads(_inline_schema(model))
    return result


def _build_inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema with every $ref inlined and no $schema or titles, strict-mode ready.

    Local servers (llama.cpp, LM Studio) mishandle `$ref` and `$schema`; OpenAI's strict mode wants every
    property required and `additionalProperties: false` on every object.
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any, is_properties: bool = False) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if is_properties:
            return {name: walk(sub) for name, sub in node.items()}
        if "$ref" in node:
            return walk(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]))
        out = {
            key: walk(value, is_properties=(key == "properties"))
            for key, value in node.items()
            if key not in ("title", "default", "$schema")
        }
        if out.get("type") == "object":
            out["additionalProperties"] = False
            out["required"] = list(out.get("properties", {}))
        return out

    result: dict[str, Any] = walk(schema)
    return result


def parse_output(content: str, model: type[T]) -> T:
    """Validate a reply: bare JSON, or JSON inside a fenced block or surrounded by prose."""
    text = content.strip()
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    if fenced:
        text = fenced.group(1)
    elif not text.startswith("{") and "{" in text:
        text = text[text.index("{") : text.rindex("}") + 1]
    try:
        return model.model_validate_json(text)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'reply'}: {err['msg']}" for err in e.errors()[:3]
        )
        raise InvalidOutput(problems, broken=any(err["type"] == "json_invalid" for err in e.errors())) from e


def with_schema_in_prompt(messages: list[dict[str, str]], schema: dict[str, Any]) -> list[dict[str, str]]:
    """Without json_schema support, the schema travels in the system message."""
    note = "\n\nReply with a single JSON object and nothing else. It must match this JSON Schema:\n" + json.dumps(
        schema, separators=(",", ":")
    )
    if messages and messages[0]["role"] == "system":
        return [{"role": "system", "content": messages[0]["content"] + note}, *messages[1:]]
    return [{"role": "system", "content": note.strip()}, *messages]


def rejects_format(exc: openai.APIStatusError, mode: Mode) -> bool:
    """Did the endpoint refuse the response_format (rather than the request)? Some say 400, llama.cpp 500."""
    if mode is Mode.TEXT:
        return False
    if exc.status_code in (400, 422):
        return True
    return exc.status_code >= 500 and bool(_FORMAT_WORDS.search(f"{exc.message} {exc.body}"))
