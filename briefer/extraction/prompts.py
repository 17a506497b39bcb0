"""Prompt files' own settings, read from TOML front matter between `+++` lines:

    +++
    model = "gpt-4.1-mini"
    temperature = 0.2
    max_output_tokens = 3000

    [fields.risks]
    type = "list of strings"
    description = "Risks the article names, each in a short phrase."
    +++

The settings apply unless the configuration or a flag sets them. Each `[fields.NAME]` adds a section to
what the model extracts; it reaches the JSON output under the article's `extra` and the templates as
`brief.extra.NAME`, with no code change.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any, Literal

import jinja2
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, create_model

from briefer.errors import TemplateError
from briefer.models import ModelExtraction
from briefer.output.templating import FrontMatterLoader, split_front_matter

SYSTEM_PROMPT = "extract.system.j2"
FieldType = Literal["string", "list of strings", "number", "integer", "boolean"]
_PYTHON_TYPES: dict[str, Any] = {
    "string": str,
    "list of strings": list[str],
    "number": float,
    "integer": int,
    "boolean": bool,
}
_RESERVED = set(ModelExtraction.model_fields) | {"extra", "id", "title", "source"}


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: FieldType = "list of strings"
    description: str = ""


class PromptMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_output_tokens: int | None = Field(default=None, ge=1)
    fields: dict[str, FieldSpec] = {}
    _file: str | None = PrivateAttr(default=None)

    @property
    def file(self) -> str | None:
        """The prompt file the front matter was read from; None when there was none."""
        return self._file


def read_meta(env: jinja2.Environment, name: str = SYSTEM_PROMPT) -> PromptMeta:
    """The front matter of prompt `name`; a TemplateError naming the file for anything invalid."""
    loader = env.loader
    if not isinstance(loader, FrontMatterLoader):
        return PromptMeta()
    try:
        source, filename = loader.raw(env, name)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"prompt '{name}' not found") from None
    block, _ = split_front_matter(source)
    if block is None:
        return PromptMeta()
    where = filename or name
    try:
        meta = PromptMeta.model_validate(tomllib.loads(block))
    except tomllib.TOMLDecodeError as e:
        raise TemplateError(f"{where}: front matter is not valid TOML: {e}") from None
    except ValidationError as e:
        first = e.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise TemplateError(f"{where}: front matter: {key}: {first['msg']}") from None
    clash = sorted(set(meta.fields) & _RESERVED)
    if clash:
        raise TemplateError(f"{where}: front matter: field '{clash[0]}' is built in; choose another name")
    bad = sorted(n for n in meta.fields if not n.isidentifier())
    if bad:
        raise TemplateError(f"{where}: front matter: field name '{bad[0]}' must be letters, digits and _")
    meta._file = where
    return meta


def extraction_model(fields: dict[str, FieldSpec]) -> type[ModelExtraction]:
    """ModelExtraction with the prompt's extra fields (the same class for the same fields)."""
    return _extraction_model(tuple(sorted(fields.items())))


@cache
def _extraction_model(fields: tuple[tuple[str, FieldSpec], ...]) -> type[ModelExtraction]:
    if not fields:
        return ModelExtraction
    definitions: dict[str, Any] = {
        name: (_PYTHON_TYPES[spec.type], Field(description=spec.description or None)) for name, spec in fields
    }
    model: type[ModelExtraction] = create_model("ModelExtraction", __base__=ModelExtraction, **definitions)
    return model
