"""`briefer eval`: extraction quality on a labelled set, one configuration or several side by side.

A configuration is the settings a run would use (model, prompts, or the offline extractor). Each one
extracts every labelled article through the same extractor a run opens (so the cache serves unchanged
configurations for free), and `scoring` compares what it listed with the labels. The labelled set is read in
`labels`, the configurations run in `runs` and the reports written in `reports`; this module ties them together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefer.config import Settings
from briefer.errors import UsageError
from briefer.evaluation.labels import load_labels, prepare
from briefer.evaluation.reports import differences, misses, table, write_json
from briefer.evaluation.runs import Config, evaluate
from briefer.progress import Progress
from briefer.storage import write_atomic

# The whole of `briefer eval` stays importable from here (bench/ uses it so), wherever it now lives.


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
    for run in runs:  # the model a server chose is known once it was asked: its column names it
        run.config.name = run.config.name.replace("the endpoint's model", run.model or "the endpoint's model")
    if request.unlabelled:
        text = differences(runs, cases)
    else:
        text = table(runs, cases)
        if request.show_misses:
            text += "\n" + misses(runs)
    if request.json_path is not None:
        write_json(runs, request.json_path)
    f1 = runs[0].totals.item_f1
    passed = request.min_f1 is None or (f1 is not None and f1 >= request.min_f1)
    if not passed:
        text += f"\nF1 (item) {0.0 if f1 is None else f1:.2f} is below --min-f1 {request.min_f1:g}\n"
    return Report(text=text, passed=passed)
