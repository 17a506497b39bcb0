"""The site's own pages (index, months, commitments, a page per commitment and per actor, the timeline), each
made from its template in `templates/site/` with what it shows, and the fingerprint that says when a page
must be made again."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

import jinja2
from markupsafe import Markup

from briefer.output.templating import render_template
from briefer.site.commitments import GROUP_TITLES, GROUPS, Actor, Commitment, grouped
from briefer.site.records import Run, Summary
from briefer.site.timeline import Timeline, timeline
from briefer.site.writing import Writer, fingerprint
from briefer.version import __version__

WIDE = {"commitments.html.j2", "commitments-page.html.j2", "actor.html.j2"}  # pages of tables, wider
RECENT = 30  # runs on the index; every run is on its month's page
GROUP_ROWS = 200  # rows of a group on commitments.html; the rest on pages of as many
# Nothing may be loaded from anywhere: no script but the page's own (by its hash), styles only inline, images
# only data: URLs (the empty icon), no form posts, no <base>.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def policy(script: str | None = None) -> str:
    """The Content-Security-Policy of a page, allowing its one inline `script` by hash."""
    if not script:
        return POLICY
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"{POLICY}; script-src 'sha256-{digest}'"


@dataclass(frozen=True)
class Month:
    key: str  # 2026-11
    label: str  # November 2026
    count: int

    @property
    def page(self) -> str:
        return f"months/{self.key}.html"


@dataclass(frozen=True)
class PageLink:
    number: int
    path: str


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    total: int
    items: tuple[Commitment, ...]  # on commitments.html
    more: tuple[tuple[Commitment, ...], ...]  # on its further pages

    @property
    def pages(self) -> tuple[PageLink, ...]:
        return tuple(PageLink(n + 2, f"commitments/{self.id}-{n + 2}.html") for n in range(len(self.more)))


def groups(items: Sequence[Commitment]) -> list[Group]:
    result = []
    for group, members in grouped(items).items():
        chunks = [tuple(members[i : i + GROUP_ROWS]) for i in range(0, len(members), GROUP_ROWS)] or [()]
        result.append(Group(group, GROUP_TITLES[group], len(members), chunks[0], tuple(chunks[1:])))
    return result


def months(runs: Sequence[Run]) -> list[Month]:
    counts: dict[str, int] = {}
    for run in runs:
        key = run.day.strftime("%Y-%m")
        counts[key] = counts.get(key, 0) + 1
    return [Month(key, date.fromisoformat(key + "-01").strftime("%B %Y"), n) for key, n in counts.items()]


def events(c: Commitment, on: date) -> list[tuple[date, str]]:
    """What happened to a commitment, day by day: first seen, each change, its deadline passing, done."""
    first = c.history[0]
    said = f", deadline “{first.deadline}”" if first.deadline else ""
    if first.due is not None:
        said = f", due {first.due.isoformat()}"
    found: list[tuple[date, int, str]] = [(first.day, 0, "first seen" + said)]
    for before, seen in zip(c.history, c.history[1:], strict=False):
        found += [(seen.day, 1, change) for change in seen.changed]
        if (seen.actor, seen.action) != (before.actor, before.action):
            found.append((seen.day, 1, f"worded anew: {seen.actor}: {seen.action}"))
    if c.due is not None and c.due < on and (c.done_on is None or c.done_on > c.due):
        found.append((c.due, 2, "its deadline passed" + ("" if c.done_on else ", with no report of it done")))
    if c.done_on is not None:
        found.append((c.done_on, 3, "reported done"))
    return [(day, what) for day, _, what in sorted(found, key=lambda e: (e[0], e[1]))]


@dataclass
class Site:
    """Everything the site's pages show, read once per build."""

    env: jinja2.Environment
    title: str
    as_of: date
    stamp: str  # what the templates and settings are: part of every fingerprint
    runs: list[Run]  # newest first
    summaries: dict[str, Summary]
    items: list[Commitment]
    actors: list[Actor]
    script: str
    several_names: bool = field(init=False)
    by_day: dict[date, list[Run]] = field(init=False)

    def __post_init__(self) -> None:
        self.several_names = len({r.name for r in self.runs}) > 1
        self.by_day = {}
        for run in sorted(self.runs, key=lambda r: (r.name, r.number)):
            self.by_day.setdefault(run.day, []).append(run)

    def render(self, name: str, root: str = "", script: str | None = None, **context: Any) -> str:
        """The page made from `templates/site/<name>`, its links relative to `root`, with its one inline
        `script` allowed by the page's policy."""
        common = {
            "site_title": self.title,
            "root": root,
            "csp": policy(script),
            "script": Markup(script or ""),
            "as_of": self.as_of,
            "version": __version__,
            "several_names": self.several_names,
            "group_titles": GROUP_TITLES,
            "here": "",
            "wide": name in WIDE,
        }
        return render_template(self.env, f"site/{name}", {**common, **context})

    def dated(self, runs: Sequence[Run]) -> list[tuple[Run, Summary]]:
        return [(r, self.summaries[r.key]) for r in runs]


def write_pages(site: Site, writer: Writer) -> None:
    """Every page of the site but the briefings' own."""
    _index(site, writer)
    _months(site, writer)
    _commitments(site, writer)
    for c in site.items:
        done = site.by_day.get(c.done_on) if c.done_on else None
        page_events = events(c, site.as_of)
        done_page = done[0].page if done else None
        writer.page(
            c.page,
            partial(site.render, "commitment.html.j2", "../", c=c, events=page_events, done_page=done_page),
            fingerprint(site.stamp, c, page_events, done_page, site.several_names),
        )
    writer.page("actors.html", partial(site.render, "actors.html.j2", actors=site.actors, here="actors"))
    for actor in site.actors:
        make = partial(site.render, "actor.html.j2", "../", actor=actor)
        writer.page(actor.page, make, fingerprint(site.stamp, actor))
    drawn = timeline(site.items, site.as_of, overdue=20, upcoming=40)
    writer.page("timeline.html", partial(site.render, "timeline.html.j2", timeline=drawn, here="timeline"))


def _index(site: Site, writer: Writer) -> None:
    recent: list[tuple[Month, list[tuple[Run, Summary]]]] = []
    for run, summary in site.dated(site.runs[:RECENT]):
        key = run.day.strftime("%Y-%m")
        if not recent or recent[-1][0].key != key:
            recent.append((Month(key, run.day.strftime("%B %Y"), 0), []))
        recent[-1][1].append((run, summary))
    counts = {group: sum(1 for c in site.items if c.group == group) for group in GROUPS}
    compact: Timeline = timeline(site.items, site.as_of, overdue=3, upcoming=5)
    context: dict[str, Any] = {
        "recent": recent,
        "months": months(site.runs),
        "runs_total": len(site.runs),
        "first_day": site.runs[-1].day if site.runs else None,
        "counts": counts,
        "timeline": compact,
        "here": "index",
    }
    writer.page("index.html", partial(site.render, "index.html.j2", **context))


def _months(site: Site, writer: Writer) -> None:
    every = months(site.runs)
    for i, month in enumerate(every):
        runs = [r for r in site.runs if r.day.strftime("%Y-%m") == month.key]
        newer = every[i - 1] if i > 0 else None
        older = every[i + 1] if i + 1 < len(every) else None
        writer.page(
            month.page,
            partial(site.render, "month.html.j2", "../", month=month, runs=site.dated(runs), newer=newer, older=older),
            fingerprint(site.stamp, month, [r.key for r in runs], newer, older, site.several_names),
        )


def _commitments(site: Site, writer: Writer) -> None:
    shown = groups(site.items)
    total = len(site.items)
    make = partial(
        site.render, "commitments.html.j2", script=site.script, groups=shown, total=total, here="commitments"
    )
    writer.page("commitments.html", make)
    for group in shown:
        for link, items in zip(group.pages, group.more, strict=True):
            writer.page(
                link.path,
                partial(site.render, "commitments-page.html.j2", "../", group=group, number=link.number, items=items),
                fingerprint(site.stamp, group.id, group.total, link.number, items, len(group.more)),
            )
