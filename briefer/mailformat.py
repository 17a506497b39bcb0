"""What mail clients are given: HTML with its CSS inlined and custom properties resolved, Markdown rendered
without raw HTML, and the title and date a saved Markdown briefing opens with."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator, Mapping
from datetime import date

from briefer.templating import safe_url

# --- CSS: Gmail and Outlook ignore var(), so every custom property is replaced by its value. ---------------

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
# A start tag, its quoted attribute values allowed to hold ">"; then a style attribute inside one.
_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s/>"'=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")
_STYLE_ATTR = re.compile(r"""(\sstyle\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.I)
_VAR = re.compile(r"var\(", re.I)
_MAX_DEPTH = 16  # a custom property defined through others, or a cycle


def _top_level_rules(css: str) -> Iterator[tuple[str, str]]:
    """(selector, declarations) of each rule outside any at-rule block (@media rules are not for email)."""
    depth, start, body, selector = 0, 0, 0, ""
    for i, ch in enumerate(css):
        if ch == "{":
            if depth == 0:
                selector, body = css[start:i].strip(), i + 1
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                if not selector.startswith("@"):
                    yield selector, css[body:i]
                start = i + 1
        elif ch == ";" and depth == 0:
            start = i + 1  # a statement such as @import


def _split(text: str, sep: str, limit: int = -1) -> list[str]:
    """`text` split at `sep` outside parentheses and quotes."""
    parts: list[str] = []
    level, quote, start = 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            level += 1
        elif ch == ")":
            level = max(level - 1, 0)
        elif ch == sep and level == 0 and limit != len(parts):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def custom_properties(html: str) -> dict[str, str]:
    """The custom properties the page's style sheets define on :root, outside media queries; later wins."""
    found: dict[str, str] = {}
    for block in _STYLE_BLOCK.findall(html):
        for selector, body in _top_level_rules(_COMMENT.sub("", block)):
            if ":root" not in (s.strip() for s in selector.split(",")):
                continue
            for declaration in _split(body, ";"):
                name, colon, value = declaration.partition(":")
                if colon and name.strip().startswith("--"):
                    found[name.strip()] = value.strip()
    return found


def resolve_vars(value: str, properties: Mapping[str, str], depth: int = 0) -> str | None:
    """`value` with each var() replaced by the property's value or the fallback; None when one has neither
    (the declaration is then invalid, as a browser would treat it)."""
    out: list[str] = []
    i = 0
    while (m := _VAR.search(value, i)) is not None:
        end, level = m.end(), 1
        while end < len(value) and level:
            level += {"(": 1, ")": -1}.get(value[end], 0)
            end += 1
        if level or depth >= _MAX_DEPTH:
            return None
        name, *fallback = _split(value[m.end() : end - 1], ",", limit=1)
        resolved = None
        if name.strip() in properties:
            resolved = resolve_vars(properties[name.strip()], properties, depth + 1)
        if resolved is None and fallback:
            resolved = resolve_vars(fallback[0].strip(), properties, depth + 1)
        if resolved is None:
            return None
        out += [value[i : m.start()], resolved]
        i = end
    out.append(value[i:])
    return "".join(out)


def _resolve_style(style: str, properties: Mapping[str, str]) -> str:
    kept = []
    for declaration in _split(style, ";"):
        name, colon, value = declaration.partition(":")
        if not colon or name.strip().startswith("--"):
            continue  # a custom property is of no use once every var() is resolved
        if _VAR.search(value):
            resolved = resolve_vars(value, properties)
            if resolved is None:
                continue
            value = resolved
        kept.append(f"{name.strip()}: {value.strip()}")
    return ";".join(kept) + (";" if kept else "")


def _resolve_tag(tag: str, properties: Mapping[str, str]) -> str:
    def attribute(m: re.Match[str]) -> str:
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        style = htmllib.unescape(raw)
        if not _VAR.search(style) and "--" not in style:
            return m.group(0)
        resolved = _resolve_style(style, properties)
        return f'{m.group(1)}"{htmllib.escape(resolved, quote=True)}"' if resolved else ""

    return _STYLE_ATTR.sub(attribute, tag)


def inline_css(html: str) -> str:
    """Every style moved into style attributes (css-inline), with no <style> or <link> left and nothing
    loaded; custom properties (var(--x)) replaced by their :root values, since mail clients ignore them."""
    import css_inline

    properties = custom_properties(html)
    inlined = css_inline.inline(html, keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
    return _TAG.sub(lambda m: _resolve_tag(m.group(0), properties), inlined)


# --- Markdown to HTML: the text is untrusted, so no raw HTML, no images, and only http(s) links. ------------


def _web_link(url: str) -> bool:
    return safe_url(url) is not None


def markdown_html(text: str) -> str:
    """Markdown (CommonMark, tables, footnotes) as HTML, by markdown-it-py: raw HTML is shown as text, images
    (which a mail client would fetch) are left out, and a link is kept only when it is http(s)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image").use(footnote_plugin)
    md.validateLink = _web_link  # type: ignore[method-assign]
    return str(md.render(text))


# --- The title and date a saved briefing opens with, for its subject. ------------------------------------

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def first_date(text: str) -> date | None:
    """The first ISO date (2026-03-02) in `text` that is a real date."""
    for m in _ISO_DATE.finditer(text):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def markdown_heading(text: str) -> tuple[str | None, date | None]:
    """The first heading's text, and the first ISO date from it to the next heading (the masthead)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": False}).parse(text)
    lines = text.splitlines()
    for n, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[n + 1]
        title = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline")).strip()
        start = token.map[0] if token.map else 0
        following = (t.map[0] for t in tokens[n + 1 :] if t.type == "heading_open" and t.map)
        masthead = "\n".join(lines[start : next(following, len(lines))])
        return title or None, first_date(masthead)
    return None, None
