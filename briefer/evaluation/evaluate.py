"""`briefer eval`: extraction quality on a labelled set, one configuration or several side by side.

A configuration is the settings a run would use (model, prompts, or the offline extractor). Each one
extracts every labelled article through the same extractor a run opens (so the cache serves unchanged
configurations for free), and `scoring` compares what it listed with the labels.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from briefer.config import Settings
from briefer.errors import InputError, UsageError
from briefer.evaluation.scoring import ArticleScore, Label, Totals, parse_deadline, score_article
from briefer.evidence.grounding import Grounder
from briefer.extraction.extractors import open_extractor
from briefer.extraction.stream import extract_all
from briefer.models import Article, ArticleBrief, Failure, Usage
from briefer.progress import Progress
from briefer.storage import read_saved, write_atomic


class LabelledCommitment(BaseModel):
    """One commitment the article states (see eval/LABELLING.md for the rules labels follow)."""

    model_config = ConfigDict(extra="forbid")

    actor: str = Field(min_length=1)
    actor_aliases: list[str] = []
    action: str = Field(min_length=1)
    sentence: str | None = None
    counterparty: str | None = None
    deadline: str | None = Field(default=None, description="ISO date or range: 2027-03-31, 2027-01-01/2027-12-31")
    deadline_text: str | None = None
    condition: str | None = None

    @field_validator("deadline")
    @classmethod
    def _deadline(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_deadline(value)
            except ValueError as e:
                raise ValueError(f"not an ISO date or range: {e}") from None
        return value


class LabelledArticle(BaseModel):
    """One line of a labelled set: an article (inline `text`, a file `path`, with `pointer` into a JSON file,
    or else fetched from `url`; a `url` beside a text is its address) and its labels."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    text: str | None = None
    path: str | None = None
    pointer: str | None = Field(default=None, description="RFC 6901 pointer into the JSON file `path` names.")
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published: date | None = None
    set: Literal["pledges", "traps"] | None = None
    commitments: list[LabelledCommitment] = []
    facts: list[str] = []
    not_commitments: list[str] = []

    @model_validator(mode="after")
    def _one_text(self) -> LabelledArticle:
        if self.text is not None and self.path is not None:
            raise ValueError("give text or path, not both")
        if self.text is None and self.path is None and self.url is None:
            raise ValueError("give the article: text, path or url")
        if self.pointer is not None and self.path is None:
            raise ValueError("pointer goes with path")
        return self


def load_labels(path: Path) -> list[LabelledArticle]:
    """The labelled set; a UsageError naming the file and line for anything wrong in it."""
    items = []
    for number, line in enumerate(read_saved(path).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            items.append(LabelledArticle.model_validate_json(line))
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = first["msg"].removeprefix("Value error, ")
            raise UsageError(f"{path}:{number}: {where + ': ' if where else ''}{message}") from None
    if not items:
        raise UsageError(f"{path}: no labelled article in it (one JSON object a line; `briefer eval init` shows one)")
    return items


def _pointer(data: object, pointer: str, where: str) -> str:
    """Follow an RFC 6901 JSON pointer."""
    node = data
    for raw in pointer.split("/")[1:] if pointer else []:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise UsageError(f"{where}: pointer {pointer!r} leads nowhere")
    if not isinstance(node, str):
        raise UsageError(f"{where}: pointer {pointer!r} does not lead to a text")
    return node


@dataclass
class Case:
    """A labelled article ready to extract: the Article and its labels located in the text."""

    label: LabelledArticle
    article: Article
    labels: list[Label]
    unlocated: int  # labelled sentences not found in the text (matched by words only)

    @property
    def trap(self) -> bool:
        return self.label.set == "traps"


def prepare(path: Path, items: Sequence[LabelledArticle], settings: Settings) -> list[Case]:
    """Read every labelled article's text and locate its labelled sentences."""
    cache: dict[Path, object] = {}
    cases = []
    for n, item in enumerate(items, start=1):
        where = f"{path}: article {item.id or n}"
        if item.text is not None:
            text = item.text
        elif item.path is not None:
            file = (path.parent / item.path).resolve()
            if item.pointer is not None:
                if file not in cache:
                    try:
                        cache[file] = json.loads(read_saved(file))
                    except json.JSONDecodeError as e:
                        raise InputError(f"{file}: not JSON ({e})") from None
                text = _pointer(cache[file], item.pointer, where)
            else:
                text = read_saved(file)
        else:
            text = _fetch(item.url or "", settings, where)
        identifier = item.id or f"article-{n}"
        article = Article(
            id=identifier,
            title=item.title or identifier,
            source=item.source or item.url or identifier,
            url=item.url,
            published=datetime.combine(item.published, datetime.min.time(), UTC) if item.published else None,
            text=text,
        )
        grounder = Grounder(text)
        labels = [
            Label(
                actor=c.actor,
                aliases=tuple(c.actor_aliases),
                action=c.action,
                sentence=c.sentence,
                span=grounder.locate(c.sentence) if c.sentence else None,
                counterparty=c.counterparty,
                deadline=parse_deadline(c.deadline) if c.deadline else None,
            )
            for c in item.commitments
        ]
        unlocated = sum(1 for label in labels if label.sentence and label.span is None)
        cases.append(Case(label=item, article=article, labels=labels, unlocated=unlocated))
    ids = [c.article.id for c in cases]
    if len(set(ids)) != len(ids):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        raise UsageError(f"{path}: article ids must be unique ({', '.join(repeated)} repeated)")
    return cases


def _fetch(url: str, settings: Settings, where: str) -> str:
    from briefer import pipeline

    read = pipeline.read(settings, pipeline.Request(sources=[url]))
    if not read.articles:
        reason = read.failures[0].error if read.failures else "nothing read"
        raise InputError(f"{where}: {url}: {reason}")
    return read.articles[0].text


@dataclass
class Config:
    """A configuration to score: a name for the table and the settings a run would use."""

    name: str
    settings: Settings


@dataclass
class Run:
    """What one configuration extracted, and what it cost."""

    config: Config
    provider: str = ""
    model: str | None = None
    briefs: dict[str, ArticleBrief | None] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    scores: list[ArticleScore] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


async def _extract(config: Config, cases: Sequence[Case], progress: Progress) -> Run:
    run = Run(config=config)
    started = time.perf_counter()
    articles = [c.article for c in cases]
    async with open_extractor(config.settings, articles=len(articles)) as extractor:
        progress.stage(f"extracting: {config.name}")
        briefs, failures = await extract_all(articles, extractor, config.settings.concurrency, progress)
        run.provider, run.model = extractor.provider, extractor.model
        run.usage = extractor.usage.model_copy(update={"cost_usd": extractor.spent()})
    run.seconds = time.perf_counter() - started
    run.usage = run.usage.model_copy(update={"elapsed_seconds": round(run.seconds, 3)})
    by_id = {b.id: b for b in briefs}
    run.briefs = {c.article.id: by_id.get(c.article.id) for c in cases}
    run.failures = failures
    return run


def score(run: Run, cases: Sequence[Case]) -> None:
    for case in cases:
        result = score_article(
            case.article.id,
            case.article.text,
            run.briefs[case.article.id],
            case.labels,
            case.label.facts,
            case.label.not_commitments,
        )
        run.scores.append(result)
        run.totals.add(result, len(case.labels), len(case.label.facts), case.trap)


def evaluate(configs: Sequence[Config], cases: Sequence[Case], progress: Progress | None = None) -> list[Run]:
    """Extract and score every case with every configuration, one configuration after the other."""
    progress = progress or Progress()
    runs = []
    for config in configs:
        run = asyncio.run(_extract(config, cases, progress))
        score(run, cases)
        runs.append(run)
    return runs


# Reports --------------------------------------------------------------------------------------------------

Measure = tuple[str, str, bool]  # (label, Totals attribute or usage field, higher is better)
MEASURES: list[Measure] = [
    ("commitments precision", "precision", True),
    ("commitments recall", "recall", True),
    ("commitments F1", "f1", True),
    ("actor accuracy (matched)", "actor_accuracy", True),
    ("counterparty accuracy (matched)", "counterparty_accuracy", True),
    ("deadline accuracy (matched)", "deadline_accuracy", True),
    ("trap articles with no false commitment", "clean_traps", True),
    ("not_commitments listed", "traps_listed", False),
    ("facts recall", "facts_recall", True),
    ("items grounded", "grounded_share", True),
]


def _figure(run: Run, attribute: str) -> float | None:
    value = getattr(run.totals, attribute)
    return None if value is None else float(value)


def table(runs: Sequence[Run], cases: Sequence[Case]) -> str:
    """The scores with the configurations in columns; `*` marks the better figure of a row."""
    header = ["measure", *(f"{r.config.name}" for r in runs)]
    rows: list[list[str]] = []
    for label, attribute, higher in MEASURES:
        values = [_figure(r, attribute) for r in runs]
        known = [v for v in values if v is not None]
        best = (max(known) if higher else min(known)) if len(known) > 1 and len(set(known)) > 1 else None
        cells = []
        for v in values:
            text = "n/a" if v is None else (f"{int(v)}" if attribute == "traps_listed" else f"{v:.2f}")
            cells.append(text + ("*" if best is not None and v == best else ""))
        rows.append([label, *cells])
    t = runs[0].totals
    rows.append(
        ["matched / shown / labelled", *(f"{r.totals.matched}/{r.totals.shown}/{r.totals.labelled}" for r in runs)]
    )
    rows.append(["requests", *(str(r.usage.requests) for r in runs)])
    rows.append(
        ["tokens (prompt + completion)", *(f"{r.usage.prompt_tokens} + {r.usage.completion_tokens}" for r in runs)]
    )
    rows.append(["cost", *("not priced" if r.usage.cost_usd is None else f"${r.usage.cost_usd:.4f}" for r in runs)])
    rows.append(["time", *(f"{r.seconds:.1f} s" for r in runs)])
    rows.append(["articles failed", *(str(len(r.failures)) for r in runs)])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in [header, *rows]]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    traps = sum(c.trap for c in cases)
    unlocated = sum(c.unlocated for c in cases)
    note = (
        f"{len(cases)} articles ({traps} chosen for forecasts, polls or past actions), {t.labelled} labelled "
        f"commitments, {t.facts} labelled facts"
        + (f"; {unlocated} labelled sentences not found in their text (matched by words)" if unlocated else "")
    )
    marks = "; * the better figure" if len(runs) > 1 else ""
    return "\n".join([*lines, "", note + marks]) + "\n"


def misses(runs: Sequence[Run]) -> str:
    """Per article: the labelled commitments each configuration missed and the ones it listed wrongly."""
    out = []
    for run in runs:
        out.append(f"## {run.config.name}")
        for s in run.scores:
            if not (s.missed or s.false_alarms or s.traps_listed):
                continue
            out.append(f"### {s.article}")
            out += [f"- missed: {m.actor}: {m.action}" + (f' ("{m.sentence}")' if m.sentence else "") for m in s.missed]
            for item in s.false_alarms:
                quote = next((e.quote for e in item.evidence if e.start is not None), "")
                out.append(f'- false alarm: {item.actor}: {item.action} ("{quote}")')
            out += [f'- listed a not-commitment: "{t}"' for t in s.traps_listed]
        out.append("")
    return "\n".join(out) + "\n"


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def differences(runs: Sequence[Run], cases: Sequence[Case]) -> str:
    """Without labels: per article, what one configuration lists that the other does not."""
    first, second = runs[0], runs[1]
    out = [f"# {first.config.name} vs {second.config.name}", ""]
    for case in cases:
        a, b = first.briefs[case.article.id], second.briefs[case.article.id]
        lines = []
        for kind in ("facts", "commitments"):
            left = _items(a, kind)
            right = _items(b, kind)
            lines += [f"- only in {first.config.name}: {kind[:-1]}: {t}" for k, t in left.items() if k not in right]
            lines += [f"- only in {second.config.name}: {kind[:-1]}: {t}" for k, t in right.items() if k not in left]
        shares = " vs ".join(_share(x) for x in (a, b))
        out.append(f"## {case.article.id} (grounded: {shares})")
        out += lines or ["- the same items"]
        out.append("")
    out.append(
        f"cost: {first.config.name} {_cost(first)}, {second.config.name} {_cost(second)}; "
        f"time: {first.seconds:.1f} s vs {second.seconds:.1f} s"
    )
    return "\n".join(out) + "\n"


def _items(brief: ArticleBrief | None, kind: str) -> dict[str, str]:
    if brief is None:
        return {}
    if kind == "facts":
        return {_key(f.statement): f.statement for f in brief.facts if f.grounded}
    return {_key(f"{c.actor}: {c.action}"): f"{c.actor}: {c.action}" for c in brief.commitments if c.grounded}


def _share(brief: ArticleBrief | None) -> str:
    if brief is None:
        return "failed"
    grounded = sum(f.grounded for f in brief.facts) + sum(c.grounded for c in brief.commitments)
    return f"{grounded}/{len(brief.facts) + len(brief.commitments)}"


def _cost(run: Run) -> str:
    return "not priced" if run.usage.cost_usd is None else f"${run.usage.cost_usd:.4f}"


def as_json(runs: Sequence[Run]) -> str:
    """Every configuration's scores and per-article misses, for `--json`."""
    data = []
    for run in runs:
        t = run.totals
        data.append(
            {
                "name": run.config.name,
                "provider": run.provider,
                "model": run.model,
                "scores": {attribute: getattr(t, attribute) for _, attribute, _ in MEASURES},
                "counts": {
                    "labelled": t.labelled,
                    "shown": t.shown,
                    "matched": t.matched,
                    "facts": t.facts,
                    "facts_found": t.facts_found,
                    "trap_articles": t.trap_articles,
                },
                "usage": run.usage.model_dump(mode="json"),
                "articles": [
                    {
                        "id": s.article,
                        "matched": len(s.pairs),
                        "missed": [{"actor": m.actor, "action": m.action, "sentence": m.sentence} for m in s.missed],
                        "false_alarms": [
                            {"actor": i.actor, "action": i.action, "quotes": [e.quote for e in i.evidence]}
                            for i in s.false_alarms
                        ],
                        "not_commitments_listed": s.traps_listed,
                        "facts_missed": s.facts_missed,
                    }
                    for s in run.scores
                ],
            }
        )
    return json.dumps({"configurations": data}, indent=2) + "\n"


def write_json(runs: Sequence[Run], path: Path) -> None:
    write_atomic(as_json(runs), path)


EXAMPLE = Path(__file__).resolve().parent / "eval_example.jsonl"
EXPLAIN = """\
wrote {path}: {count} labelled articles, one JSON object a line. Each holds the article (`text`, or `path` to a
file, with `pointer` for a text inside a JSON file, or `url`), optional `title`, `source`, `published`, and
`set` ("pledges", or "traps" for articles chosen for forecasts and polls), then its labels:
  commitments      actor, actor_aliases, action (a few words), sentence (exact), counterparty,
                   deadline (ISO date or start/end range), deadline_text, condition
  facts            names, numbers or phrases a good fact list must contain, as written in the text
  not_commitments  sentences worded like pledges that are not commitments
Score it with: briefer eval {path}
"""


def init(path: Path, force: bool) -> str:
    """Write the example labelled set; the explanation to print."""
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; nothing written (--force overwrites)")
    text = EXAMPLE.read_text(encoding="utf-8")
    write_atomic(text, path)
    return EXPLAIN.format(path=path, count=len(text.splitlines()))


@dataclass
class Request:
    """What `briefer eval` was asked: the set, what to compare, what to print."""

    labels: Path
    compare_prompts: Path | None = None
    compare_model: str | None = None
    compare_offline: bool = False
    unlabelled: bool = False
    show_misses: bool = False
    json_path: Path | None = None
    min_f1: float | None = None


@dataclass
class Report:
    text: str
    passed: bool  # the first configuration's F1 reached --min-f1 (True without one)


def configurations(settings: Settings, request: Request) -> list[Config]:
    """The current configuration first, then each asked for with --compare*."""

    def name(s: Settings) -> str:
        return "offline" if s.resolved_provider() == "offline" else (s.model or "the endpoint's model")

    current = Config(f"current ({name(settings)})", settings)
    configs = [current]
    if request.compare_prompts is not None:
        if not request.compare_prompts.is_dir():
            raise UsageError(f"--compare: {request.compare_prompts} is not a directory of prompts")
        configs.append(
            Config(
                f"prompts {request.compare_prompts}",
                settings.model_copy(update={"prompts_dir": request.compare_prompts}),
            )
        )
    if request.compare_model is not None:
        changed = settings.model_copy(update={"model": request.compare_model})
        if changed.resolved_provider() == "offline":
            raise UsageError("--compare-model needs a model endpoint (OPENAI_API_KEY or OPENAI_BASE_URL)")
        configs.append(Config(f"model {request.compare_model}", changed))
    if request.compare_offline:
        configs.append(Config("offline", settings.model_copy(update={"provider": "offline"})))
    if request.unlabelled and len(configs) != 2:
        raise UsageError(
            "--unlabelled compares two configurations: add one --compare, --compare-model or --compare-offline"
        )
    return configs


def run_eval(settings: Settings, request: Request, progress: Progress | None = None) -> Report:
    """The whole `briefer eval`: load and check the set, extract with each configuration, score, report."""
    items = load_labels(request.labels)
    cases = prepare(request.labels, items, settings)
    configs = configurations(settings, request)
    runs = evaluate(configs, cases, progress)
    if request.unlabelled:
        text = differences(runs, cases)
    else:
        text = table(runs, cases)
        if request.show_misses:
            text += "\n" + misses(runs)
    if request.json_path is not None:
        write_json(runs, request.json_path)
    f1 = runs[0].totals.f1
    passed = request.min_f1 is None or (f1 is not None and f1 >= request.min_f1)
    if not passed:
        text += f"\nF1 {0.0 if f1 is None else f1:.2f} is below --min-f1 {request.min_f1:g}\n"
    return Report(text=text, passed=passed)
