"""The dev set scored with each article's date as a real run would have it: from its saved page.

Usage: python -m bench.devset_page_dates [eval/devset.jsonl]
29 of the dev set's 45 articles have no `published` (the labellers set it only where the URL or the text
made it plain), so relative deadlines ("next year", "on Sept. 12") cannot resolve there, although the
labels resolve them. `briefer run` on the same pages would know the date: the HTML reader takes it from
the page (trafilatura's htmldate). This script fills in only the missing dates, from the saved page the
article's text comes from (`html/<id>.html.gz` beside the ground truth), with briefer's own HTML reader,
then scores the offline extractor both ways, side by side. Labels are not touched.
"""

from __future__ import annotations

import gzip
import sys
from datetime import date
from pathlib import Path

from briefer.config import load_settings
from briefer.evaluation import labels, reports
from briefer.evaluation import runs as evaluation_runs
from briefer.models import Article
from briefer.sources.html import extract_page

REPO = Path(__file__).resolve().parents[1]


def page_date(path: Path, item: labels.LabelledArticle) -> date | None:
    """The date briefer's HTML reader finds in the article's saved page, if the page is there."""
    if item.path is None or item.pointer is None:
        return None
    page = (path.parent / item.path).resolve().parent / "html" / f"{item.pointer.split('/')[1]}.html.gz"
    if not page.exists():
        return None
    found = extract_page(gzip.decompress(page.read_bytes()).decode("utf-8", "replace"), item.url, str(page))
    return found.published.date() if isinstance(found, Article) and found.published else None


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "eval" / "devset.jsonl"
    settings = load_settings({"provider": "offline"})
    items = labels.load_labels(path)
    dated = []
    filled = 0
    for item in items:
        when = page_date(path, item) if item.published is None else None
        filled += when is not None
        dated.append(item.model_copy(update={"published": when}) if when else item)
    configs = [evaluation_runs.Config("as labelled", settings)]
    runs = evaluation_runs.evaluate(configs, labels.prepare(path, items, settings))
    cases = labels.prepare(path, dated, settings)
    runs += evaluation_runs.evaluate([evaluation_runs.Config("page dates", settings)], cases)
    runs[1].config = evaluation_runs.Config(f"missing dates from the pages ({filled} filled)", settings)
    print(reports.table(runs, cases))


if __name__ == "__main__":
    main()
