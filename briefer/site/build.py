"""`briefer site`: the archive built from the history store into a folder, and brought up to date after a
kept run. One build reads the store once, in one snapshot, and writes only the pages that changed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import jinja2

from briefer.config import Settings
from briefer.memory.history import Row
from briefer.memory.store import Store, open_store, store_path
from briefer.output.publish import templates
from briefer.output.templating import FrontMatterLoader, render_template
from briefer.site import commitments as ledger
from briefer.site.briefings import write_briefings
from briefer.site.calendar import calendar
from briefer.site.feed import feed
from briefer.site.pages import Site, write_pages
from briefer.site.records import kept_runs
from briefer.site.writing import SiteError, Writer, check_folder, fingerprint, locked, read_manifest
from briefer.version import __version__


@dataclass(frozen=True)
class Report:
    """What a build did."""

    folder: Path
    as_of: date
    runs: int
    commitments: int
    written: int
    unchanged: int
    removed: int
    seconds: float

    def line(self) -> str:
        return (
            f"site: {self.runs} briefing{'s' if self.runs != 1 else ''}, {self.commitments} commitment"
            f"{'s' if self.commitments != 1 else ''} as of {self.as_of.isoformat()} -> {self.folder} "
            f"({self.written} written, {self.unchanged} unchanged, {self.removed} removed; {self.seconds:.1f} s)"
        )


def build(settings: Settings, folder: Path, on: date | None = None, title: str | None = None) -> Report:
    """Build the site of the history store into `folder`: the runs dated up to `on` and the ledger as it
    stood that day (by default the latest run's date, never the clock's, so the same store always makes the
    same site). Only pages whose content changed are written; pages of an earlier build that are no longer
    part of the site are removed."""
    started = time.perf_counter()
    check_folder(folder)  # a folder of other files is refused before anything is written into it
    with open_store(store_path(settings.dirs.data), create=False) as store, locked(folder), _snapshot(store):
        old = read_manifest(folder)
        on = on or store.latest_day() or datetime.now().date()
        runs = kept_runs(store, on)
        entries = store.ledger(through=on)
        items = ledger.commitments(entries, on, settings.due_soon_days)
        env = templates(settings)
        site_title = title or settings.site.title
        site = Site(
            env=env,
            title=site_title,
            as_of=on,
            stamp=_stamp(env, settings, site_title),
            runs=runs,
            summaries={r.key: old.summaries[r.key] for r in runs if r.key in old.summaries},
            items=items,
            actors=ledger.actors(items),
            script=render_template(env, "site/filter.js", {}).strip(),
        )
        writer = Writer(folder, old)
        try:
            write_briefings(site, store, settings, writer)  # first: it summarises the runs new to the site
            write_pages(site, writer)
            writer.page("feed.xml", lambda: feed(site_title, site.dated(runs)))
            events = _calendar(writer, ledger.rows(entries, on), items)
        except BaseException:
            writer.abandon()
            raise
        writer.finish(site.summaries, events)
    seconds = time.perf_counter() - started
    return Report(folder, on, len(runs), len(items), writer.written, writer.unchanged, writer.removed, seconds)


def check_site(folder: Path, history: bool) -> None:
    """Before a run does its work: fail now if the run could not update the site in `folder` (the history
    store is off, or the folder holds other files)."""
    if not history:
        raise SiteError(f"--site {folder}: the site is made from the history store, which --no-history turns off")
    check_folder(folder)


def update_site(settings: Settings, folder: Path) -> str:
    """The site brought up to date after a kept run; the line that says so."""
    return build(settings, folder).line()


def _calendar(writer: Writer, rows: list[Row], items: list[ledger.Commitment]) -> dict[str, str]:
    """commitments.ics, made of the events of the earlier build where they did not change; its events."""
    text, events = calendar(rows, items, writer.old.events)
    writer.page("commitments.ics", lambda: text)
    return events


@contextmanager
def _snapshot(store: Store) -> Iterator[None]:
    """One read transaction: every read of the build sees the store as it was when the first one began, even
    while another briefer keeps a run."""
    store.db.execute("BEGIN")
    try:
        yield
    finally:
        store.db.execute("COMMIT")


def _stamp(env: jinja2.Environment, settings: Settings, title: str) -> str:
    """What every page depends on besides its own data: briefer's version, every template file on the search
    path (the user's overrides included), and the settings that change what a page says."""
    digest = hashlib.sha256()
    loader = env.loader
    folders = [Path(p) for p in loader.searchpath] if isinstance(loader, FrontMatterLoader) else []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return fingerprint(
        __version__,
        digest.hexdigest(),
        title,
        settings.include_ungrounded,
        sorted(settings.vars.items()),
        settings.due_soon_days,
    )
