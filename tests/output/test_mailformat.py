"""What mail clients get: CSS custom properties resolved, Markdown without raw HTML, plain text from HTML."""

from __future__ import annotations

from datetime import date

from briefer.output.mailformat import (
    custom_properties,
    html_heading,
    html_text,
    inline_css,
    markdown_heading,
    markdown_html,
    resolve_vars,
)

PAGE = """<!DOCTYPE html><html><head><title>Desk — 2026-03-02</title><style>
:root { --fg: #111; --accent: var(--fg); --pad: 4px 8px; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; } }
/* a comment { with braces } */
body { color: var(--fg); }
a { color: var(--accent); padding: var(--pad); }
p { color: var(--missing, rgb(1, 2, 3)); margin: var(--nowhere); font-weight: bold; }
</style></head><body><p>Hi <a href="https://example.org" style="border-color: var(--fg)">there</a></p>
<span title='a > b' style="color: var(--accent)">x</span></body></html>"""


def test_custom_properties_come_from_root_outside_media_queries() -> None:
    assert custom_properties(PAGE) == {"--fg": "#111", "--accent": "var(--fg)", "--pad": "4px 8px"}


def test_resolve_vars() -> None:
    props = {"--a": "#111", "--b": "var(--a)", "--loop": "var(--loop)"}
    assert resolve_vars("1px solid var(--b)", props) == "1px solid #111"
    assert resolve_vars("var(--none, var(--a))", props) == "#111"
    assert resolve_vars("var( --none , rgb(0, 0, 0) )", props) == "rgb(0, 0, 0)"
    assert resolve_vars("var(--none)", props) is None
    assert resolve_vars("var(--loop)", props) is None
    assert resolve_vars("var(--loop, red)", props) == "red"


def test_inline_css_leaves_no_var_and_no_custom_property() -> None:
    html = inline_css(PAGE)
    assert "var(" not in html and "--fg" not in html and "<style" not in html
    assert '<body style="color: #111;">' in html
    assert "color: #111" in html.split('href="https://example.org"')[1].split(">")[0]
    assert "padding: 4px 8px" in html and "border-color: #111" in html
    assert "color: rgb(1, 2, 3)" in html and "margin" not in html  # no value and no fallback: dropped
    assert '<span title="a > b" style="color: #111;">x</span>' in html  # a ">" in another attribute is no end
    assert "<html><head>" in html  # a style attribute left with nothing is removed


def test_markdown_html_takes_no_raw_html() -> None:
    text = "# T\n\n<b>x</b> [a](javascript:alert(1)) <https://example.org>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    html = markdown_html(text)
    assert "<b>" not in html and "&lt;b&gt;" in html and 'href="javascript' not in html
    assert '<a href="https://example.org">' in html and "<table>" in html


def test_html_text_keeps_the_structure() -> None:
    html = """<html><head><title>t</title><style>p{}</style></head><body>
    <nav><a href="#x">Contents</a></nav><h1>Title</h1><p>One <b>bold</b> line<br>and the next,
    with <a href="https://example.org/a">a link</a> and <a href="#x">an anchor</a><sup><a href="#c">3</a></sup>.</p>
    <table><tr><th>Actor</th><th>To</th></tr><tr><td>Arland</td><td>Beloria <a href="https://x.org">x</a></td></tr></table>
    <ul><li>first<ul><li>nested</li></ul></li><li>second</li></ul><ol><li>one</li><li>two</li></ol>
    <blockquote>quoted</blockquote><script>alert(1)</script><div>end</div></body></html>"""
    assert html_text(html) == (
        "# Title\n\nOne bold line\nand the next, with a link (https://example.org/a) and an anchor [3].\n\n"
        "Actor | To\nArland | Beloria x (https://x.org)\n\n"
        "- first\n  - nested\n- second\n\n1. one\n2. two\n\n> quoted\n\nend\n"
    )


def test_headings_of_saved_files() -> None:
    md = "Intro line\n\n# Morning \\*brief\\*\n\n*2026-03-02 · 3 articles*\n\n## Later 2027-01-01\n"
    assert markdown_heading(md) == ("Morning *brief*", date(2026, 3, 2))
    assert markdown_heading("no heading 2026-03-02") == (None, None)
    assert markdown_heading("# Only a title\n\ntext\n") == ("Only a title", None)
    assert html_heading(PAGE) == ("Desk", date(2026, 3, 2))
    assert html_heading("<html><body><h1>Day</h1><p>2026-13-40 then 2026-04-09</p><h2>x 2027-01-01</h2>") == (
        "Day",
        date(2026, 4, 9),
    )
