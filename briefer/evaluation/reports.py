"""The reports of `briefer eval`: the score table, the misses, the unlabelled differences and the JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from briefer.evaluation.labels import Case
from briefer.evaluation.runs import Run
from briefer.models import ArticleBrief
from briefer.storage import write_atomic

Measure = tuple[str, str, bool]  # (label, Totals attribute or usage field, higher is better)
MEASURES: list[Measure] = [
    ("commitments precision (item)", "item_precision", True),
    ("commitments recall (item)", "item_recall", True),
    ("commitments F1 (item)", "item_f1", True),
    ("precision (sentence)", "precision", True),
    ("recall (sentence)", "recall", True),
    ("F1 (sentence)", "f1", True),
    ("actor accuracy (matched)", "actor_accuracy", True),
    ("counterparty accuracy (matched)", "counterparty_accuracy", True),
    ("deadline accuracy (matched)", "deadline_accuracy", True),
    ("trap articles with no false commitment", "clean_traps", True),
    ("not_commitments listed", "traps_listed", False),
    ("facts recall", "facts_recall", True),
    ("items grounded", "grounded_share", True),
    ("commitments well formed", "form_share", True),
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
        [
            "item / sentence matched / shown / labelled",
            *(f"{r.totals.agreed}/{r.totals.matched}/{r.totals.shown}/{r.totals.labelled}" for r in runs),
        ]
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
                    "agreed": t.agreed,
                    "well_formed": t.well_formed,
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
                        "found_but_wrong": [
                            {"label": p.label.action, "actor": p.item.actor, "action": p.item.action}
                            for p in s.pairs
                            if not p.agrees
                        ],
                        "ill_formed": [
                            {"actor": i.actor, "action": i.action, "problems": list(f.problems)}
                            for i, f in s.forms
                            if not f.ok
                        ],
                        "facts_missed": s.facts_missed,
                    }
                    for s in run.scores
                ],
            }
        )
    return json.dumps({"configurations": data}, indent=2) + "\n"


def write_json(runs: Sequence[Run], path: Path) -> None:
    write_atomic(as_json(runs), path)
