"""The page reader keeps what trafilatura's precise pass cuts out of an article (a short paragraph, one with
links, a byline, a list, a question as a subheading, a series title, a closing credit line, a body split over
several containers) and keeps out what is not the article (share prompts, newsletter sign-ups, related-links
lists, cookie notices). Pages written for these tests, served over loopback HTTP."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.models import Article
from briefer.sources import IngestOptions, ingest
from briefer.sources.html import decode_html, extract_page, main_text, page_passes
from briefer.sources.passes import is_credit, merge_passes
from briefer.sources.web import FetchSettings
from tests.fake_web import FakeWeb, page

TITLE = "Tarsby will rebuild its harbour wall"
LEAD = (
    "Mayor Ilse Vantongeren said on Tuesday that the council will rebuild the harbour wall by March 2027, "
    "after storms broke three sections of it last winter."
)
MIDDLE = (
    "The regional fund will cover two thirds of the cost and the town the rest, the mayor said, adding that "
    "no new tax would be needed for the works."
)
LATER = (
    "Fishing crews said they would keep working through the building season, although some boats may have "
    "to moor in the next town for a few weeks."
)
LAST = (
    "The council meets again in January to choose a builder for the new harbour wall, and the first stones "
    "could be laid in the spring."
)

MORE = [
    f"Paragraph {n} of the story: the harbour board met the fishing crews and the builders again to plan the works."
    for n in range(8)
]  # a page of a usual length: on a very short one trafilatura's default pass reads more loosely

# Each kind of paragraph as sites mark it up, in a form the precise pass drops and the default pass keeps;
# where it stands: "top" (after the headline), "middle" or "end"; the text it must give.
KEPT = {
    "short paragraph": (
        "middle",
        '<div class="note"><p>It was the <a href="/s">third storm</a> in a month.</p></div>',
        None,
    ),
    "paragraph with links": (
        "middle",
        '<div class="para"><p>The plan follows <a href="/report">a report</a> by <a href="/agency">the coastal '
        "agency</a> in May.</p></div>",
        "The plan follows a report by the coastal agency in May.",
    ),
    "byline in the body": (
        "top",
        '<div class="text-block"><p>By <a href="/staff/mara">Mara Lind</a>, Harbour Correspondent</p></div>',
        None,
    ),
    "list inside the article": (
        "middle",
        '<div class="box"><ul><li>the north pier, where <a href="/pier">the stones</a> have shifted</li>'
        "<li>the old slipway by the fish market</li></ul></div>",
        "the north pier, where the stones have shifted",
    ),
    "question as a subheading": (
        "middle",
        '<p><b><a href="#pay">Who will pay for the new harbour wall?</a></b></p>',
        None,
    ),
    "series title link": (
        "top",
        '<p><a href="/series/harbour-files">The Harbour Files: a series on the coast</a></p>',
        "The Harbour Files: a series on the coast",
    ),
    "closing credit line": (
        "end",
        '<div class="tagline"><p>Additional reporting by <a href="/staff/jo">Jo Berg</a> in Tarsby.</p></div>',
        "Additional reporting by Jo Berg in Tarsby.",
    ),
}


def _markup(fragment: str, where: str) -> str:
    top, middle, end = (fragment if where == w else "" for w in ("top", "middle", "end"))
    more = "".join(f"<p>{p}</p>" for p in MORE)
    return f"{top}<p>{LEAD}</p><p>{MIDDLE}</p>{middle}<p>{LATER}</p>{more}<p>{LAST}</p>{end}"


def _plain(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", fragment).split())


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb().start()
    yield server
    server.stop()


def _read(web: FakeWeb, markup: str) -> Article:
    url = web.add("/story", page(TITLE, [], markup=markup, comments=False))
    result = ingest([url], IngestOptions(fetch=FetchSettings(timeout=2.0)))
    assert result.failures == []
    (article,) = result.articles
    return article


@pytest.mark.parametrize("kind", list(KEPT))
def test_a_paragraph_the_precise_pass_drops_is_kept(web: FakeWeb, kind: str) -> None:
    where, fragment, expected = KEPT[kind]
    expected = expected or _plain(fragment)
    html = page(TITLE, [], markup=_markup(fragment, where), comments=False)
    before = main_text(page_passes(html, None), frozenset())  # the precise pass alone, as before issue 24
    assert before is not None and expected not in before[1] and LAST in before[1]
    text = _read(web, _markup(fragment, where)).text
    assert expected in text
    paragraphs = text.split("\n")
    assert all(p in paragraphs for p in (LEAD, MIDDLE, LATER, LAST))
    at = next(i for i, p in enumerate(paragraphs) if expected in p)
    lead, middle, later, last = (paragraphs.index(p) for p in (LEAD, MIDDLE, LATER, LAST))
    place = {"top": at < lead, "middle": middle < at < later, "end": at > last}
    assert place[where], "kept where it stands in the article"


# What a page puts between the paragraphs that is not the article: each stays out.
NOT_ARTICLE = {
    "share prompt": '<div class="tools"><p>Share this article with a friend</p></div>',
    "newsletter sign-up": (
        '<div class="promo"><p>Sign up for our <a href="/nl">morning newsletter</a> to get the news first.</p></div>'
    ),
    "related links list": (
        '<div class="more"><ul><li><a href="/a">Ferry prices will rise again this winter, operator says</a></li>'
        '<li><a href="/b">New mayor sworn in after a close vote in Tarsby</a></li>'
        '<li><a href="/c">Storm season: how to protect your boat in the harbour</a></li></ul></div>'
    ),
    "cookie banner": (
        '<div class="notice">We use cookies to give you the best experience on our website. <a href="/ok">OK</a></div>'
    ),
    "cookie notice": (
        '<div class="legal"><p>This site uses cookies. By continuing to browse the site you agree to our use of '
        "cookies.</p></div>"
    ),
    "shouted cross-promotion": '<div class="x"><p><a href="/s">TARSBY MAYOR OPENS UP ABOUT HER ILLNESS</a></p></div>',
}


@pytest.mark.parametrize("kind", list(NOT_ARTICLE))
def test_boilerplate_between_paragraphs_stays_out(web: FakeWeb, kind: str) -> None:
    text = _read(web, _markup(NOT_ARTICLE[kind], "middle")).text
    assert text.split("\n") == [LEAD, MIDDLE, LATER, *MORE, LAST]


def test_all_boilerplate_at_once_stays_out_and_the_kept_kinds_come_back(web: FakeWeb) -> None:
    markup = f"<p>{LEAD}</p>"
    for fragment, paragraph in zip([*NOT_ARTICLE.values(), KEPT["short paragraph"][1]], MORE, strict=False):
        markup += f"{fragment}<p>{paragraph}</p>"
    text = _read(web, markup).text
    assert "It was the third storm in a month." in text
    for word in ("Share this", "newsletter", "Ferry prices", "cookies", "TARSBY MAYOR"):
        assert word not in text, word
    assert text.split("\n") == [LEAD, *MORE[:6], "It was the third storm in a month.", MORE[6]]


def test_merge_puts_back_words_an_inline_link_lost() -> None:
    lead, rest = "A lead paragraph that both passes keep.", "for his role in the fight on Thursday night in Pittsburgh."
    precise = f"{lead}\nThe agency has reported that {rest}"
    default = f"{lead}\nThe agency has reported that the league will fine him {rest}"
    assert merge_passes(precise, default) == default


def test_merge_keeps_a_joined_paragraph_out_of_a_precise_one() -> None:
    # the default pass ran two paragraphs together: the second must not come back with the first inside it
    precise = "The first paragraph of the article.\nThe second paragraph of the article."
    default = "The first paragraph of the article. The second paragraph of the article."
    assert merge_passes(precise, default) == precise


def test_merge_restores_short_runs_between_kept_lines_only() -> None:
    precise = "Headline\nOne.\nTwo.\nThree."
    default = "Masthead line\nHeadline\nOne.\nDropped one.\nTwo.\nBlock a\nBlock b\nBlock c\nThree.\nFooter line"
    assert merge_passes(precise, default).split("\n") == ["Headline", "One.", "Dropped one.", "Two.", "Three."]


def test_merge_restores_a_closing_credit_line_but_nothing_else_after_the_article() -> None:
    precise = "One.\nTwo."
    credit = "Reporting by Jo Berg; editing by Ann Holm"
    assert merge_passes(precise, f"One.\nTwo.\n{credit}\nMore stories") == f"One.\nTwo.\n{credit}"
    assert merge_passes(precise, "One.\nTwo.\nMore stories\nThanks for signing up!") == precise


def test_credit_lines() -> None:
    for line in (
        "Additional reporting by Jo Berg.",
        "(Reporting by Jo Berg in Tarsby; Editing by Ann Holm)",
        "Jo Berg contributed to this report.",
        "With reporting from Ann Holm in Kessvik",
    ):
        assert is_credit(line), line
    for line in ("By Mara Lind", "The reporting by the agency was wrong, the minister said.", "Read more stories"):
        assert not is_credit(line), line


ADVERT_ROW = '<div class="row ad-row"><div class="ad"><span>Advertisement</span></div></div>'
PARTS = [
    [
        f"Part {n}, paragraph {i}: the harbour board met the fishing crews and the builders again this week." * 2
        for i in range(3)
    ]
    for n in range(3)
]


def _split_page(posts: bool = False) -> str:
    """The body in three containers of one class between advertisement rows; or, with `posts`, three posts
    of a blog's front page laid out the same way, each with its title and date."""
    rows = ADVERT_ROW.join(
        '<div class="grid"><div class="article-body">'
        + (f'<h2>Post {n}</h2><time datetime="2026-11-2{n}">27 Nov</time>' if posts else "")
        + "".join(f"<p>{p}</p>" for p in part)
        + '</div><div class="rail"></div></div>'
        for n, part in enumerate(PARTS)
    )
    return page(TITLE, [], markup=f"<p>{LEAD}</p>{rows}", comments=False)


def test_a_body_split_over_several_containers_is_read_whole() -> None:
    html = _split_page()
    before = main_text(page_passes(html, None), frozenset())
    assert before is not None and PARTS[0][0] in before[1] and PARTS[2][0] not in before[1]
    article = extract_page(html, None, "split.html")
    assert isinstance(article, Article)
    paragraphs = article.text.split("\n")
    wanted = [p for part in PARTS for p in part]
    assert [p for p in paragraphs if p in wanted] == wanted, "every part, in order"


def test_a_blog_front_page_is_not_one_article() -> None:
    passes = page_passes(_split_page(posts=True), None)
    assert len(passes) == 1, "the posts are not one body"
    assert PARTS[0][0] in passes[0][0].text and PARTS[2][0] not in passes[0][0].text


def test_reader_comments_in_the_same_markup_as_the_body_stay_out() -> None:
    comments = "".join(
        f'<div class="text"><p>Reader {n} wrote:</p>' + "".join(f"<p>{p}</p>" for p in part) + "</div>"
        for n, part in enumerate(PARTS[1:])
    )
    body = '<div class="text">' + "".join(f"<p>{p}</p>" for p in PARTS[0]) + "</div>"
    html = page(TITLE, [], markup=f"{body}</article><section id='comments'>{comments}</section><article>")
    article = extract_page(html, None, "comments.html")
    assert isinstance(article, Article)
    assert PARTS[0][0] in article.text and "Reader" not in article.text and PARTS[1][0] not in article.text


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)))


@pytest.mark.parametrize("page_id", ["d48aeb9c", "2f42ef1d"])
def test_corpus_pages_with_a_split_body(corpus: Path, page_id: str) -> None:
    """Two real pages whose body is cut by advertisement rows: trafilatura alone keeps under half of it."""
    folder = corpus / "html-articles"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    key = next(k for k in truth if k.startswith(page_id))
    html = decode_html(gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()))
    article = extract_page(html, truth[key]["url"], key)
    assert isinstance(article, Article)
    wanted, got = _shingles(truth[key]["articleBody"]), _shingles(article.text)
    assert sum((wanted & got).values()) / sum(wanted.values()) > 0.9
