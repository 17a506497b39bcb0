"""The day as one story, measured: merges, conflicts and themes on the project's event sets, and the
synthesis of the 501 real articles.

Usage: python -m bench.day_story [--events bench/events] [--corpus ../shared/corpus] [--skip-corpus]

The event sets (`bench/events/labels.json`, written blind by a helper session that never saw the synthesis
code) are sets of three or four invented articles about one event, told in different words, some with a
planted conflict, a trap (alike but different facts) or an unrelated article. Each set is briefed offline as
one day, then all sets and the standalone articles together as one day. Prints:
- merges: labelled same-fact pairs whose two sentences were both extracted, how many were merged, and how
  many merged pairs are wrong (not labelled the same fact);
- conflicts: labelled conflicts found, and flagged conflicts that are spurious;
- themes: purity (members of the theme's main event / members) and whether unrelated articles were kept out.
Then on the 501 articles of `news-text` (not labelled, not tuned on): key facts, themes, every conflict with
its quotes for a verdict by hand, and the synthesis time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

import briefer
from briefer.day import synthesize
from briefer.models import ArticleBrief

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 28)


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def _sentence_of(quote: str, labelled: dict[str, list[str]], article: str) -> str | None:
    q = _norm(quote)
    for sentence in labelled.get(article, []):
        s = _norm(sentence)
        if q and (q in s or s in q):
            return sentence
    return None


def _brief(paths: list[Path]) -> list[ArticleBrief]:
    return briefer.brief([str(p) for p in paths], offline=True).articles


def score_day(events: Path, sets: list[dict], extra: list[str]) -> dict[str, float]:  # type: ignore[type-arg]
    """One offline day over the sets' articles (and `extra` ones); the counts to add up."""
    files = [f for s in sets for f in (*s["articles"], *s.get("unrelated", []))] + extra
    briefs = _brief([events / f for f in files])
    article_of = {b.id: str(Path(b.source).resolve().relative_to(events.resolve())) for b in briefs}
    event_of = {f: s["name"] for s in sets for f in s["articles"]}
    labelled: dict[str, list[str]] = {}
    group_of: dict[tuple[str, str], int] = {}
    n = 0
    for s in sets:
        for group in s["same_facts"]:
            n += 1
            for side in group:
                labelled.setdefault(side["article"], []).append(side["sentence"])
                group_of[(side["article"], side["sentence"])] = n
        for kind in ("conflicts", "traps"):
            for pair in s.get(kind, []):
                for side in pair["sides"]:
                    labelled.setdefault(side["article"], []).append(side["sentence"])
    day = synthesize.prepare(briefs)
    same, real = synthesize.judge_offline(day)
    groups = synthesize.group_facts(day, same)

    def _locate(article_id: str, quote: str) -> tuple[str, str | None]:
        article = article_of[article_id]
        return article, _sentence_of(quote, labelled, article)

    def where(i: int) -> tuple[str, str | None]:
        return _locate(day.statements[i].article, day.statements[i].quote)

    extracted = {where(i) for i, st in enumerate(day.statements) if st.fact is not None}
    together = {frozenset(where(i) for i in g) for g in groups if len(g) > 1}
    merged_pairs = [(x, y) for g in together for x in g for y in g if x < y]  # type: ignore[operator]
    wrong = sum(1 for x, y in merged_pairs if x[1] is None or y[1] is None or group_of.get(x) != group_of.get(y))
    labelled_pairs = found = 0
    for s in sets:
        for group in s["same_facts"]:
            sides = [(side["article"], side["sentence"]) for side in group]
            for k, x in enumerate(sides):
                for y in sides[k + 1 :]:
                    if x in extracted and y in extracted:
                        labelled_pairs += 1
                        found += any(x in g and y in g for g in together)
    pledges = synthesize.merge_commitments(briefs, synthesize.same_pledges(day, same))
    pledged = [frozenset(_locate(e.article, e.quote) for e in c.evidence) for c in pledges]
    pledge_merged = [(x, y) for c in pledged for x in c for y in c if x < y]  # type: ignore[operator]
    pledges_wrong = sum(
        1 for x, y in pledge_merged if x[1] is None or y[1] is None or group_of.get(x) != group_of.get(y)
    )
    pledge_pairs = pledges_found = 0
    for s in sets:
        for group in s["same_facts"]:
            sides = [(side["article"], side["sentence"]) for side in group]
            for k, x in enumerate(sides):
                for y in sides[k + 1 :]:
                    if any(x in c for c in pledged) and any(y in c for c in pledged):
                        pledge_pairs += 1
                        pledges_found += any(x in c and y in c for c in pledged)
    flagged = [frozenset(where(i) for i in (c.first, c.second)) for c in day.conflicts if c.id in real]
    planted = [
        frozenset((side["article"], side["sentence"]) for side in c["sides"]) for s in sets for c in s["conflicts"]
    ]
    traps = [
        frozenset((side["article"], side["sentence"]) for side in c["sides"]) for s in sets for c in s.get("traps", [])
    ]
    theme_members = [t.articles for t in day.themes if not t.other]
    pure = sum(Counter(event_of.get(article_of[a], "-") for a in m).most_common(1)[0][1] for m in theme_members)
    placed = sum(len(m) for m in theme_members)
    unrelated = {f for s in sets for f in s.get("unrelated", [])} | set(extra)
    intruders = sum(1 for m in theme_members for a in m if article_of[a] in unrelated)
    whole = sum(1 for s in sets if any({article_of[a] for a in m} >= set(s["articles"]) for m in theme_members))
    return {
        "labelled_pairs": labelled_pairs,
        "pledge_pairs": pledge_pairs,
        "pledges_found": pledges_found,
        "pledges_wrong": pledges_wrong,
        "pledges_merged": len(pledge_merged),
        "merged_found": found,
        "merged_pairs": len(merged_pairs),
        "merged_wrong": wrong,
        "planted": len(planted),
        "conflicts_found": sum(1 for p in planted if p in flagged),
        "flagged": len(flagged),
        "spurious": sum(1 for f in flagged if f not in planted),
        "on_traps": sum(1 for f in flagged if f in traps),
        "themes": len(theme_members),
        "theme_pure_members": pure,
        "theme_members": placed,
        "intruders": intruders,
        "events": len(sets),
        "events_whole": whole,
        "key_facts": len(synthesize.settle(day, same, real, TODAY).facts),
    }


def events_report(events: Path) -> None:
    labels = json.loads((events / "labels.json").read_text(encoding="utf-8"))
    sets = labels["sets"]
    rows = [("each set as its own day", [score_day(events, [s], []) for s in sets])]
    rows.append(("all sets and standalone articles as one day", [score_day(events, sets, labels["standalone"])]))
    print(
        "| day | same-fact pairs found | merged pairs wrong | same-pledge pairs found (merged wrong) | conflicts found "
        "| flagged spurious (on traps) | theme purity | events in one theme | unrelated in a theme | key facts |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, results in rows:
        t = Counter[str]()
        for r in results:
            t.update(r)  # type: ignore[arg-type]
        print(
            f"| {name} | {t['merged_found']}/{t['labelled_pairs']} | {t['merged_wrong']}/{t['merged_pairs']} | "
            f"{t['pledges_found']}/{t['pledge_pairs']} ({t['pledges_wrong']}/{t['pledges_merged']} wrong) | "
            f"{t['conflicts_found']}/{t['planted']} | {t['spurious']}/{t['flagged']} ({t['on_traps']}) | "
            f"{t['theme_pure_members'] / max(1, t['theme_members']):.2f} ({t['themes']} themes) | "
            f"{t['events_whole']}/{t['events']} | {t['intruders']} | {t['key_facts']} |"
        )


def corpus_report(corpus: Path) -> None:
    rows = [json.loads(line) for line in (corpus / "news-text" / "articles.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as folder:
        for i, row in enumerate(rows):
            Path(folder, f"a{i:03d}.txt").write_text(row["article"], encoding="utf-8")
        briefing = briefer.brief([folder], offline=True)
    briefs = briefing.articles
    started = time.perf_counter()
    day = synthesize.prepare(briefs)
    prepared = time.perf_counter()
    same, real = synthesize.judge_offline(day)
    judged = time.perf_counter()
    result = synthesize.settle(day, same, real, briefing.date)
    done = time.perf_counter()
    themes = [t for t in result.themes if not t.other]
    other = next((t for t in result.themes if t.other), None)
    merged = sum(1 for g in synthesize.group_facts(day, same) if len(g) > 1)
    print(f"\n501 articles ({len(briefs)} after de-duplication), offline:")
    print(
        f"- synthesis {done - started:.1f} s (prepare {prepared - started:.1f} s, judge {judged - prepared:.1f} s "
        f"for {len(day.merges)} merge and {len(day.conflicts)} conflict candidates, settle {done - judged:.1f} s)"
    )
    print(f"- key facts {len(result.facts)}; facts told by more than one article {merged}")
    print(
        f"- themes {len(themes)} holding {sum(len(t.articles) for t in themes)} articles; "
        f"other stories {len(other.articles) if other else 0}"
    )
    for t in themes:
        print(f"  - {t.label} ({len(t.articles)})")
    print(f"- conflicts {len(result.conflicts)}:")
    for c in result.conflicts:
        print(f"  - {c.topic}")
        for side in c.sides:
            print(f"    - {side.quote[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=HERE / "events")
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("BRIEFER_HOME", tempfile.mkdtemp(prefix="briefer-bench-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    events_report(args.events)
    if not args.skip_corpus and (args.corpus / "news-text").exists():
        corpus_report(args.corpus)


if __name__ == "__main__":
    main()
