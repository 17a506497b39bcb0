"""Each kept briefing's page: rendered by the output templates exactly as `briefer run` renders it (so a user's
template override applies), then fitted into the site: the page's Content-Security-Policy, the way back to
the archive and to the days around it, and the ledger ids it names linked to their commitments' pages."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2

from briefer.config import Settings
from briefer.memory.store import Store, open_store
from briefer.output.publish import render, templates
from briefer.output.templating import render_template
from briefer.site.pages import Site, policy
from briefer.site.records import Run, Summary
from briefer.site.writing import SiteError, Writer, fingerprint

PARALLEL_FROM = 24  # pages to make before worker processes pay for their start
MAX_WORKERS = 4

_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_DOCTYPE = re.compile(r"\A\s*<!doctype[^>]*>", re.I)
_HEAD_END = re.compile(r"</head\s*>", re.I)
_BODY = re.compile(r"<body\b[^>]*>", re.I)
# A ledger id as the packaged template shows it; article text cannot make one, since it is escaped.
_LEDGER_ID = re.compile(r"<code>([0-9a-f]{8})</code>")


@dataclass(frozen=True)
class Around:
    """The days on either side of a run, of the same briefing."""

    older: Run | None
    newer: Run | None

    def as_context(self) -> dict[str, Run | None]:
        return {"older": self.older, "newer": self.newer}


def neighbours(runs: Sequence[Run]) -> dict[str, Around]:
    """For each run (by key), the previous and next run of the same named briefing."""
    by_name: dict[str, list[Run]] = {}
    for run in sorted(runs, key=lambda r: (r.name, r.day)):
        by_name.setdefault(run.name, []).append(run)
    around = {}
    for same in by_name.values():
        for i, run in enumerate(same):
            around[run.key] = Around(same[i - 1] if i else None, same[i + 1] if i + 1 < len(same) else None)
    return around


def fit(html: str, csp: str, nav: str, style: str, ids: Collection[str], root: str) -> str:
    """A rendered briefing made a page of the site: the policy first in <head> (else after the doctype), the
    nav's style at the end of <head>, the nav first in <body>, and the known ledger ids linked."""
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{csp}">\n<link rel="icon" href="data:,">'
    head = _HEAD.search(html)
    if head is not None:
        html = html[: head.end()] + meta + html[head.end() :]
    else:
        doctype = _DOCTYPE.search(html)
        at = doctype.end() if doctype else 0
        html = html[:at] + meta + html[at:]
    styled = f"<style>\n{style}</style>\n"
    end = _HEAD_END.search(html)
    html = html[: end.start()] + styled + html[end.start() :] if end else html.replace(meta, meta + "\n" + styled, 1)
    body = _BODY.search(html)
    at = body.end() if body else len(html)
    html = html[:at] + "\n" + nav.strip() + html[at:]

    def link(found: re.Match[str]) -> str:
        ident = found.group(1)
        return f'<a href="{root}c/{ident}.html">{found.group(0)}</a>' if ident in ids else found.group(0)

    return _LEDGER_ID.sub(link, html)


@dataclass(frozen=True)
class Task:
    """A briefing page to make: the run, its page, the nav above it; the ledger ids it may link are those of
    its summary found in the ledger (`known`)."""

    number: int
    page: str
    nav: str


@dataclass(frozen=True)
class Made:
    page: str
    summary: Summary
    ids: tuple[str, ...]


def write_briefings(site: Site, store: Store, settings: Settings, writer: Writer) -> None:
    """A page for every run of the site, and the summary of every run not summarised before (read from the
    same parse). Pages to make are made in parallel when there are many (the first build of a long history)."""
    around = neighbours(site.runs)
    known = frozenset(c.id for c in site.items)
    style = render_template(site.env, "site/briefing-nav.css", {})
    tasks: list[Task] = []
    for run in site.runs:
        near = around[run.key]
        summary = site.summaries.get(run.key)
        if summary is not None and writer.fresh(run.page, _key(site, run, near, _linked(summary, known))):
            continue
        nav = render_template(site.env, "site/briefing-nav.html.j2", {"root": "../", **near.as_context()})
        tasks.append(Task(run.number, run.page, nav))
    job = Job(settings, store.path, style, known)
    if len(tasks) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        made = _in_parallel(tasks, job)
    else:
        made = [_made_with(job, site.env, store, task) for task in tasks]
    pages = {task.page: done for task, done in zip(tasks, made, strict=True)}
    for run in site.runs:
        if run.page in pages:
            done = pages[run.page]
            site.summaries[run.key] = done.summary
            writer.page(run.page, partial(str, done.page), _key(site, run, around[run.key], done.ids))


def _linked(summary: Summary, known: frozenset[str]) -> tuple[str, ...]:
    return tuple(i for i in summary.ledger_ids if i in known)


def _key(site: Site, run: Run, near: Around, ids: tuple[str, ...]) -> str:
    return fingerprint(site.stamp, run.key, near.older, near.newer, ids)


@dataclass(frozen=True)
class Job:
    """What every briefing page of a build is made with."""

    settings: Settings
    path: Path  # the history store
    style: str  # the nav's stylesheet
    known: frozenset[str]  # the ledger's ids


def _made_with(job: Job, env: jinja2.Environment, store: Store, task: Task) -> Made:
    """The briefing read once: its page, rendered as `briefer run` renders it and fitted into the site, and its
    summary."""
    briefing = store.briefing_of(task.number)
    if briefing is None:  # dropped by another briefer since the build read the runs
        raise SiteError(f"{store.path}: a run changed while the site was built; build it again")
    summary = Summary.of(briefing)
    ids = _linked(summary, job.known)
    page = fit(render(briefing, "html", job.settings, env), policy(), task.nav, job.style, ids, "../")
    return Made(page, summary, ids)


def _in_parallel(tasks: list[Task], job: Job) -> list[Made]:
    """The pages made by worker processes (of the platform's kind, as the offline extractor's)."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS, max(1, len(tasks) // PARALLEL_FROM))
    with ProcessPoolExecutor(workers, initializer=_start, initargs=(job,)) as pool:
        return list(pool.map(_made, tasks, chunksize=max(1, len(tasks) // (workers * 4))))


_worker: list[tuple[Job, jinja2.Environment]] = []  # a worker process's job and templates, set by _start


def _start(job: Job) -> None:
    _worker.append((job, templates(job.settings)))


def _made(task: Task) -> Made:
    job, env = _worker[0]
    with open_store(job.path, create=False) as store:
        return _made_with(job, env, store, task)
