"""The offline extractor on the dev split and the blind test splits, before and after, side by side.

Usage:
    python bench/offline_splits.py                      # the dev split only, the working tree
    python bench/offline_splits.py --before REV          # ... and the extractor as it was at REV
    python bench/offline_splits.py --before REV --test   # ... and the test splits: run this ONCE, at the end

The test splits (`eval/test.jsonl`: real pages of html-articles that are not in the dev set; and
`eval/test-written.jsonl`: articles written and labelled blind by helpers that never saw the code) are not
to be tuned on: score them once, when the rules are done, and report the figures as they come. Every
article gets its date as a real run would have it: the labelled date, else the date briefer's HTML reader
finds on the saved page (`bench/devset_page_dates.py`). The "before" column runs the same scoring code
against the package as it was at REV (a temporary git worktree), in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPLITS = {"dev": "eval/devset.jsonl", "test": "eval/test.jsonl", "test-written": "eval/test-written.jsonl"}
ROWS = [
    ("precision (item)", "item_precision"),
    ("recall (item)", "item_recall"),
    ("F1 (item)", "item_f1"),
    ("precision (sentence)", "precision"),
    ("recall (sentence)", "recall"),
    ("actor accuracy", "actor_accuracy"),
    ("counterparty accuracy", "counterparty_accuracy"),
    ("deadline accuracy", "deadline_accuracy"),
    ("trap articles clean", "clean_traps"),
    ("facts recall", "facts_recall"),
    ("well formed", "form_share"),
]


def score(split: Path) -> dict[str, float | int | None]:
    """The offline extractor's totals on one split, dates filled from the saved pages (in this process)."""
    from bench.devset_page_dates import page_date
    from briefer.config import load_settings
    from briefer.offline import lexicon

    # A tree from before issue 22 crashes on a line with no word (its item 1); give it that one-line fix only,
    # so that it can be scored at all. The fixed tree behaves the same with or without it.
    unguarded = lexicon.worth_parsing
    lexicon.worth_parsing = lambda words: bool(words) and unguarded(words)
    from briefer.evaluation import labels
    from briefer.evaluation.runs import Config, evaluate

    settings = load_settings({"provider": "offline", "cache": False})
    items = [
        item.model_copy(update={"published": page_date(split, item)}) if item.published is None else item
        for item in labels.load_labels(split)
    ]
    run = evaluate([Config("x", settings)], labels.prepare(split, items, settings))[0]
    t = run.totals
    figures: dict[str, float | int | None] = {attribute: getattr(t, attribute) for _, attribute in ROWS}
    figures.update(labelled=t.labelled, shown=t.shown, agreed=t.agreed, articles=len(items))
    return figures


def score_in(tree: Path, split: str) -> dict[str, float | int | None]:
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{REPO}", "BRIEFER_HOME": tempfile.mkdtemp()}
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "offline_splits.py"), "--score", str(REPO / SPLITS[split])],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", help="a git revision to score side by side")
    parser.add_argument("--test", action="store_true", help="also score the test splits (once, at the end)")
    parser.add_argument("--score", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.score:
        print(json.dumps(score(Path(args.score))))
        return
    splits = ["dev", "test", "test-written"] if args.test else ["dev"]
    columns: list[tuple[str, dict[str, float | int | None]]] = []
    with tempfile.TemporaryDirectory() as scratch:
        trees = [("after", REPO)]
        if args.before:
            before = Path(scratch) / "before"
            subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=REPO, check=True)
            trees.insert(0, (f"before ({args.before[:7]})", before))
        try:
            for split in splits:
                for name, tree in trees:
                    columns.append((f"{split} {name}", score_in(tree, split)))
        finally:
            if args.before:
                subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=REPO, check=False)
    header = ["measure", *(name for name, _ in columns)]
    rows = [[label, *(_cell(c.get(attribute)) for _, c in columns)] for label, attribute in ROWS]
    rows.append(
        ["item-matched / shown / labelled", *(f"{c['agreed']}/{c['shown']}/{c['labelled']}" for _, c in columns)]
    )
    rows.append(["articles", *(str(c["articles"]) for _, c in columns)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for n, row in enumerate([header, *rows]):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def _cell(value: float | int | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    main()
