"""False rejections of the support check on the labelled dev set, for the offline extractor.

Usage: python -m bench.support_devset [eval/devset.jsonl]
Extracts every article, then scores it twice: as extracted, and with every commitment forced grounded. A
commitment the check rejected that matches a label when forced is a false rejection.
"""

from __future__ import annotations

import sys
from pathlib import Path

from briefer.config import load_settings
from briefer.evaluation import labels, runs
from briefer.evaluation.scoring import score_article

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "eval" / "devset.jsonl"
    settings = load_settings({"provider": "offline"})
    cases = labels.prepare(path, labels.load_labels(path), settings)
    run = runs.evaluate([runs.Config("offline", settings)], cases)[0]
    rejected = wrongly = matched = 0
    for case in cases:
        brief = run.briefs[case.article.id]
        if brief is None:
            continue
        forced = brief.model_copy(
            update={"commitments": [c.model_copy(update={"grounded": True}) for c in brief.commitments]}
        )
        score = score_article(case.article.id, case.article.text, forced, case.labels, [], [])
        matched += len(score.pairs)
        for original, item in zip(brief.commitments, forced.commitments, strict=True):
            if not original.grounded:
                rejected += 1
                wrongly += any(p.item is item for p in score.pairs)
    print(f"{path}: {len(cases)} articles")
    print(f"commitments matching a label before the check: {matched}")
    print(f"rejected by the check: {rejected}, of which matching a label: {wrongly}")
    print(f"false-rejection rate: {wrongly / matched:.1%}" if matched else "no match to measure against")


if __name__ == "__main__":
    main()
