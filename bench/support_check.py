"""How often the support check rejects good items: false rejections on the real-world article corpus.

Usage: python -m bench.support_check [--corpus ../shared/corpus] [--show 5]

The offline extractor quotes whole sentences of the article and states them (facts) or reads its actor and
action out of them (commitments), so every item it reports is supported by its quote: each one the check
rejects is a false rejection. The same is measured for the fake endpoint's extractions (tests/fake_openai.py,
what a good model would return, through extract.to_brief). For the other side, each offline item is also
checked against the quote of the article's next item (another sentence): the share rejected there is what
the check catches. Articles: the English ones of html-articles/ground-truth.json (a page is taken for English
when at least 10% of its words are common English function words); then the seed article and examples/,
few but rich in commitments whose actor the quote calls "the company" or "both sides".
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefer.evidence import support
from briefer.evidence.grounding import Grounder
from briefer.extraction.extract import to_brief
from briefer.models import Article, Evidence, ModelExtraction
from briefer.offline.extractor import extract_offline
from briefer.sources import ingest
from tests.fake_openai import extraction_for

_ENGLISH = frozenset("the and of to is that was with for it this are be you".split())
ENGLISH_SHARE = 0.10
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


def is_english(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.casefold())
    return bool(words) and sum(w in _ENGLISH for w in words) >= ENGLISH_SHARE * len(words)


def english_articles(corpus: Path) -> list[Article]:
    truth = json.loads((corpus / "html-articles" / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Article(id=key[:12], title="", source=page["url"], text=page["articleBody"])
        for key, page in sorted(truth.items())
        if is_english(page["articleBody"])
    ]


def commitment_rich(corpus: Path) -> list[Article]:
    """The seed article and examples/: few, but rich in commitments whose actor is named sentences earlier."""
    paths = sorted((corpus / "seed").glob("*.txt")) + sorted(
        (Path(__file__).resolve().parents[1] / "examples").glob("*.txt")
    )
    return ingest([str(p) for p in paths]).articles if paths else []


@dataclass
class Tally:
    checked: int = 0
    rejected: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)

    def add(self, ok: bool, claim: str, quote: str) -> None:
        self.checked += 1
        (self.accepted if ok else self.rejected).append(f"{claim!r} <- {quote!r}")

    @property
    def share(self) -> float:
        return len(self.rejected) / self.checked if self.checked else 0.0

    def row(self, label: str) -> str:
        return f"| {label} | {self.checked} | {len(self.rejected)} | {self.share:.1%} |"


@dataclass
class Item:
    kind: str  # "facts" or "commitments"
    claim: str  # a fact's statement; a commitment's actor and action
    spans: list[tuple[int, int]]
    quote: str


def _item(kind: str, claim: str, evidence: list[Evidence]) -> Item:
    spans = [(e.start, e.end) for e in evidence if e.start is not None and e.end is not None]
    return Item(kind, claim, spans, evidence[0].quote)


def offline_items(articles: list[Article]) -> list[tuple[Grounder, list[Item]]]:
    """Per article, its grounded offline facts and commitments."""
    out = []
    for article in articles:
        brief = extract_offline(article)
        items = [_item("facts", f.statement, f.evidence) for f in brief.facts if f.grounded]
        items += [_item("commitments", f"{c.actor} {c.action}", c.evidence) for c in brief.commitments if c.grounded]
        out.append((Grounder(article.text), items))
    return out


def own_quotes(articles: list[tuple[Grounder, list[Item]]]) -> dict[str, Tally]:
    """Each offline item against its own quote: every rejection is a false one."""
    tallies = {"facts": Tally(), "commitments": Tally()}
    for grounder, items in articles:
        for item in items:
            tallies[item.kind].add(grounder.supports(item.claim, item.spans), item.claim, item.quote)
    return tallies


def swapped_quotes(articles: list[tuple[Grounder, list[Item]]]) -> Tally:
    """Each offline item against the quote of the article's next item: rejecting is right. Some neighbours
    do support each other, so a rate short of 100% is expected."""
    tally = Tally()
    for grounder, items in articles:
        for item, other in zip(items, items[1:] + items[:1], strict=True):
            if other.spans != item.spans:
                tally.add(grounder.supports(item.claim, other.spans), item.claim, other.quote)
    return tally


def fake_model(articles: list[Article]) -> dict[str, Tally]:
    """The fake endpoint's extraction of each article through to_brief: its items whose quote was found."""
    tallies = {"facts": Tally(), "commitments": Tally()}
    for article in articles:
        brief = to_brief(article, ModelExtraction.model_validate(extraction_for(article.text)))
        items = [("facts", f, f.statement) for f in brief.facts]
        items += [("commitments", c, f"{c.actor} {c.action}") for c in brief.commitments]
        for kind, item, claim in items:
            if item.ungrounded_reason != "not_found":
                tallies[kind].add(item.ungrounded_reason is None, claim, item.evidence[0].quote)
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--show", type=int, default=5, help="print this many examples of each list")
    args = parser.parse_args()
    articles = english_articles(args.corpus)
    offline = offline_items(articles)
    chosen = support.SUPPORT_SHARE
    print(f"## Support check on {len(articles)} English articles of html-articles/ground-truth.json")
    print(f"\nFalse rejections: good items the check rejects (SUPPORT_SHARE = {chosen})\n")
    print("| items | checked | rejected | share |\n|---|---:|---:|---:|")
    results = {"offline": own_quotes(offline), "fake model": fake_model(articles)}
    rich = commitment_rich(args.corpus)
    if rich:
        results["offline, seed and examples/"] = own_quotes(offline_items(rich))
    for source, tallies in results.items():
        for kind, tally in tallies.items():
            print(tally.row(f"{source} {kind}"))
        both = Tally(sum(t.checked for t in tallies.values()), [r for t in tallies.values() for r in t.rejected])
        print(both.row(f"**{source}, all**"))

    print("\nBy threshold, offline items: false rejections (own quote), true rejections (the next item's quote)\n")
    print("| SUPPORT_SHARE | false rejections | true rejections |\n|---:|---:|---:|")
    swapped = Tally()
    for share in THRESHOLDS:
        support.SUPPORT_SHARE = share  # read at each check
        own = own_quotes(offline)
        false = Tally(sum(t.checked for t in own.values()), [r for t in own.values() for r in t.rejected])
        caught = swapped_quotes(offline)
        swapped = caught if share == chosen else swapped
        mark = " (chosen)" if share == chosen else ""
        print(f"| {share}{mark} | {false.share:.1%} | {caught.share:.1%} of {caught.checked} |")
    support.SUPPORT_SHARE = chosen

    examples = {f"{s} {k}, rejected": t.rejected for s, ts in results.items() for k, t in ts.items()}
    examples["offline items with the next item's quote, accepted"] = swapped.accepted
    for label, lines in examples.items():
        if lines and args.show:
            print(f"\n### {label} ({min(args.show, len(lines))} of {len(lines)})")
            for line in lines[: args.show]:
                print(f"- {line[:300]}")


if __name__ == "__main__":
    main()
