"""Jinja2 environments for prompts and output templates: user directories first, packaged defaults last."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import jinja2

from briefer.errors import TemplateError
from briefer.models import ArticleBrief


def packaged_dir(name: str) -> Path:
    """The packaged `prompts` or `templates` directory: inside the installed package, or the source tree's."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise TemplateError(f"briefer's packaged {name}/ directory is missing from the installation")


def search_path(kind: str, explicit: Path | None, user_home: Path) -> list[Path]:
    """Where `kind` ("prompts" or "templates") files are looked up, first match wins."""
    dirs = [d for d in (explicit, user_home / kind) if d is not None and d.is_dir()]
    if explicit is not None and not explicit.is_dir():
        raise TemplateError(f"{explicit}: the {kind} directory does not exist")
    return [*dirs, packaged_dir(kind)]


_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(source: str) -> tuple[str | None, str]:
    """A leading TOML block between `+++` lines, and the template source with that block turned into a
    Jinja comment of as many lines (so error line numbers stay true)."""
    m = _FRONT_MATTER.match(source)
    if m is None:
        return None, source
    block = m.group(0)
    comment = "{#" + block.replace("#}", "# }")[2:-2] + "#}" + ("\n" if block.endswith("\n") else "")
    return m.group(1), comment + source[m.end() :]


class _StripFrontMatter(jinja2.BaseLoader):
    """One directory's loader, with TOML front matter hidden from Jinja2. Each directory needs its own:
    ChoiceLoader loads through its sub-loaders, never through its own get_source."""

    def __init__(self, directory: Path) -> None:
        self.files = jinja2.FileSystemLoader(str(directory))

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = self.files.get_source(environment, template)
        return split_front_matter(source)[1], filename, uptodate

    def list_templates(self) -> list[str]:
        return self.files.list_templates()


class FrontMatterLoader(jinja2.ChoiceLoader):
    """Directories searched in order, first match wins, TOML front matter hidden from Jinja2."""

    def __init__(self, dirs: Iterable[Path]) -> None:
        super().__init__([_StripFrontMatter(d) for d in dirs])

    @property
    def searchpath(self) -> list[str]:
        return [p for sub in self.loaders if isinstance(sub, _StripFrontMatter) for p in sub.files.searchpath]

    def raw(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None]:
        """The source of the file `template` resolves to, front matter and all."""
        for sub in self.loaders:
            if isinstance(sub, _StripFrontMatter):
                try:
                    source, filename, _ = sub.files.get_source(environment, template)
                except jinja2.TemplateNotFound:
                    continue
                return source, filename
        raise jinja2.TemplateNotFound(template)


class ExtraFields(dict[str, Any]):
    """An article's `extra` as templates see it: a field the article lacks (an offline run, a briefing saved
    before the field was declared) is absent, undefined and falsy, where StrictUndefined would fail."""

    def __missing__(self, key: str) -> jinja2.ChainableUndefined:
        return jinja2.ChainableUndefined(name=key)


class _Environment(jinja2.Environment):
    """StrictUndefined everywhere but in an article's `extra`, whose fields an article may lack."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        return _extra_fields(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: str | Any) -> Any:
        return _extra_fields(obj, argument, super().getitem(obj, argument))


def _extra_fields(obj: Any, name: object, value: Any) -> Any:
    if name == "extra" and isinstance(obj, ArticleBrief) and isinstance(value, dict):
        return ExtraFields(value)
    return value


def _environment(dirs: Iterable[Path], autoescape: bool) -> jinja2.Environment:
    loader = FrontMatterLoader(dirs)
    env = _Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "html.j2", "htm.j2"]) if autoescape else False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["safe_url"] = safe_url
    env.filters["oneline"] = oneline
    env.filters["longest_word"] = longest_word
    env.filters["outlet"] = outlet
    env.filters["hide_path"] = hide_path
    return env


def prompt_environment(explicit: Path | None, user_home: Path) -> jinja2.Environment:
    return _environment(search_path("prompts", explicit, user_home), autoescape=False)


def output_environment(explicit: Path | None, user_home: Path) -> jinja2.Environment:
    return _environment(search_path("templates", explicit, user_home), autoescape=True)


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render `name`; any template problem becomes a TemplateError naming the file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as e:
        raise TemplateError(f"template '{e.name}' not found (looked in: {_dirs(env)})") from e
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"{e.filename or e.name}:{e.lineno}: syntax error: {e.message}") from e
    except jinja2.UndefinedError as e:
        raise TemplateError(f"{_location(e, name)}: {e.message}") from e


def _dirs(env: jinja2.Environment) -> str:
    loader = env.loader
    return ", ".join(loader.searchpath) if isinstance(loader, FrontMatterLoader) else "?"


def _location(exc: BaseException, fallback: str) -> str:
    """The template file and line an error was raised from (Jinja2 rewrites tracebacks to point there)."""
    tb = exc.__traceback__ or sys.exc_info()[2]
    where = fallback
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!~])")


def oneline(text: object) -> str:
    return " ".join(str(text).split())


def longest_word(text: object) -> int:
    """The length of the longest run of characters without a space (a URL, a compound): the HTML lets a
    table cell holding one break it anywhere."""
    return max((len(word) for word in str(text).split()), default=0)


def markdown_escape(text: object) -> str:
    """Article or model text as inert Markdown: no markup, links, HTML or line structure survives."""
    value = oneline(text)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def safe_url(url: object) -> str | None:
    """The URL when it is plain http(s), else None: no javascript:, data: or relative links."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"[\s<>\"']", url):
        return url
    return None


class Sourced(Protocol):
    """An article, or another place it was found: where it came from, and its URL if it has one."""

    @property
    def source(self) -> str: ...

    @property
    def url(self) -> str | None: ...


# A file briefer reads articles from, and what may follow its name in a failure: a line, an item, an entry.
_ARTICLE_FILE = re.compile(r"\.(?:txt|text|md|markdown|html?|xhtml|xml|rss|atom|rdf|json|jsonl|ndjson)(?:\.gz)?$", re.I)
_LOCATOR = re.compile(r"(?::\d+|\[\d+\]| \(entry \d+\))$")
_SEPARATORS = re.compile(r"[\\/]")
_ARCHIVED = re.compile(r"^/web/[^/]+/(https?://.+)$", re.I)


def _is_local_path(value: str) -> bool:
    """A file name or path as given on the command line (not an outlet's name, not a web address)."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        return value.lower().startswith("file://")
    if value.startswith(("/", "~", "\\")) or re.match(r"^[a-z]:[\\/]", value, re.I):
        return True
    name = _LOCATOR.sub("", _SEPARATORS.split(value)[-1])
    in_folder = _SEPARATORS.search(value) is not None
    return bool(_ARTICLE_FILE.search(name)) or (in_folder and re.search(r"\.\w{1,8}$", name) is not None)


def hide_path(value: object) -> str:
    """A local path cut to its file name; anything else (an outlet, a URL) as it is. Readers of a briefing
    have no use for the folders on the machine that made it."""
    text = str(value).strip()
    return _SEPARATORS.split(text)[-1] if _is_local_path(text) else text


def _publication(url: str | None) -> str | None:
    """The site a web address belongs to, without `www.`; an archived copy's original site."""
    if safe_url(url) is None:
        return None
    parts = urlsplit(str(url).strip())
    archived = _ARCHIVED.match(parts.path) if (parts.hostname or "").endswith("archive.org") else None
    if archived:
        parts = urlsplit(archived.group(1))
    host = parts.hostname
    return host.removeprefix("www.") if host else None


def outlet(item: Sourced) -> str:
    """An article's source as readers see it: the outlet's name as read; for an article read from a local
    file, the site its URL names, else the file name alone; never a path on the machine that made it."""
    source = item.source.strip()
    if source.lower().startswith(("http://", "https://")):
        return _publication(source) or source
    if source == "-":
        return _publication(item.url) or "standard input"
    if _is_local_path(source):
        return _publication(item.url) or hide_path(source)
    return source
