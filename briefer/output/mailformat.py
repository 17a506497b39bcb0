"""What mail clients are given: HTML with its CSS inlined and custom properties resolved, Markdown rendered
without raw HTML, a plain-text part made from HTML, and the title and date a saved briefing opens with."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from briefer.output.templating import safe_url

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


# --- HTML to plain text: one block a line, table cells apart, links as "text (url)". ------------------------

_SKIP = {"script", "style", "head", "nav", "template", "noscript", "svg", "button", "form"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "details", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "header", "hgroup", "main", "ol", "p", "pre", "section", "summary", "table", "ul",
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "body", "html",
}  # fmt: skip
_HEADINGS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}


class _Lines:
    """Collects text: inline pieces join into the current line, a block boundary ends it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pieces: list[str] = []
        self.prefix: list[str] = []  # "> " for each blockquote we are in
        self.marker = ""  # a list item's "- " or "1. ", indented, for the next line

    def add(self, text: str) -> None:
        self.pieces.append(text)

    def end_line(self, blank: bool = False) -> None:
        line = " ".join("".join(self.pieces).split())
        self.pieces = []
        if line:
            self.lines.append("".join(self.prefix) + self.marker + line)
            self.marker = ""
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        self.end_line()
        return "\n".join(self.lines).strip("\n") + "\n"


def _inline_text(element: Any) -> str:
    lines = _Lines()
    _walk(element, lines, in_cell=True)
    lines.end_line()
    return " ".join(lines.lines)


def _walk(element: Any, out: _Lines, in_cell: bool = False) -> None:
    """Write `element`'s content (not its own tail) to `out`."""
    if element.text:
        out.add(element.text)
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag in _SKIP or not tag:  # comments and processing instructions have no string tag
            pass
        elif tag == "br":
            if in_cell:
                out.add(" ")
            else:
                out.end_line()
        elif tag == "hr":
            if not in_cell:
                out.end_line(blank=True)
                out.lines.append("---")
        elif tag == "tr" and not in_cell:
            out.end_line()
            cells = [c for c in child if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            out.add(" | ".join(_inline_text(c) for c in cells))
            out.end_line()
        elif tag == "a":
            label = _inline_text(child)
            href = safe_url(child.get("href"))
            out.add(f"{label} ({href})" if href and label and label != href else (label or href or ""))
            if child.getnext() is not None and child.getnext().tag == "a" and not (child.tail or "").strip():
                out.add(" ")  # two links side by side ("1" "2") stay apart
        elif tag == "sup":
            out.add(f" [{_inline_text(child)}]")
        elif in_cell or tag not in _BLOCKS:
            _walk(child, out, in_cell)
        else:
            _block(child, tag, out)
        if child.tail:
            out.add(child.tail)


def _block(element: Any, tag: str, out: _Lines) -> None:
    heading = _HEADINGS.get(tag)
    nested = tag in ("ul", "ol") and any(a.tag == "li" for a in element.iterancestors())
    out.end_line(blank=not nested and (heading is not None or tag in ("p", "table", "blockquote", "ul", "ol")))
    if tag == "li":
        parent = element.getparent()
        ordered = parent is not None and parent.tag == "ol"
        number = [c for c in parent if c.tag == "li"].index(element) + 1 if ordered else 0
        nesting = sum(1 for a in element.iterancestors() if a.tag in ("ul", "ol")) - 1
        out.marker = "  " * max(nesting, 0) + (f"{number}. " if ordered else "- ")
        _walk(element, out)
        out.end_line()
        return
    if heading:
        out.add(heading)
    if tag == "blockquote":
        out.prefix.append("> ")
    _walk(element, out)
    out.end_line(blank=not nested and (heading is not None or tag in ("p", "table", "ul", "ol")))
    if tag == "blockquote":
        out.prefix.pop()
        out.end_line(blank=True)


def html_text(html: str) -> str:
    """A page as plain text: each block a line, headings marked with #, list items with "-", table cells
    separated by " | ", a link as "text (url)"; scripts, styles, the head and navigation left out."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several types on empty or broken documents
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())
    out = _Lines()
    body = root.find("body")
    _walk(body if body is not None else root, out)
    return out.text()


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


def html_heading(html: str) -> tuple[str | None, date | None]:
    """The page's first <h1> (else its <title>), and the first ISO date in its <title> or before its
    first <h2> (the masthead)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises several types on empty or broken documents
        return None, None
    h1 = root.find(".//h1")
    title_element = root.find(".//title")
    page_title = " ".join(title_element.text_content().split()) if title_element is not None else ""
    title = " ".join(h1.text_content().split()) if h1 is not None else ""
    if not title:
        title = re.sub(r"\s+[—–-]\s+\d{4}-\d{2}-\d{2}$", "", page_title)
    masthead = html_text(html).split("\n## ", 1)[0]
    return title or None, first_date(page_title) or first_date(masthead)
