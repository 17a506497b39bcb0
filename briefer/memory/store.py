"""The history store: each run's briefing, its articles, and the commitments ledger, in one SQLite file.

It lives in the user data directory (`history.sqlite3`; `BRIEFER_HOME` or `BRIEFER_DATA_DIR` move it). Its
schema is versioned with SQLite's `user_version` (`briefer.memory.schema`): opening an older file applies the
missing migrations in order, each in one transaction, so a store survives upgrades; a file written by a newer
briefer is refused rather than damaged.

A run is kept per briefing name and date: running the same briefing again on the same date replaces that
day's run, so re-running a day gives the same ledger marks. Runs without --briefing are kept under the name
`default` and told apart by their sources (a `key`): one replaces only a run of the same day and the same
sources, so unrelated runs of one day are all kept. The ledger's commitments are shared by every
briefing of the store (a pledge is a pledge whichever briefing saw it); each sighting records the run, the
wording, deadline, quotes and sources of that day.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from briefer.errors import UsageError
from briefer.memory.records import DEFAULT_NAME, Entry, NewSighting, Sighting, StoredRun
from briefer.memory.schema import StoreError, migrate
from briefer.models import Briefing

STORE_FILE = "history.sqlite3"
LOCK_TIMEOUT = 30.0  # seconds to wait for another briefer writing to the store
__all__ = ["DEFAULT_NAME", "LOCK_TIMEOUT", "STORE_FILE", "Store", "open_store", "store_path"]


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILE


class Store:
    """An open history store (use `open_store`)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.db = connection
        self.path = path

    # Reading ------------------------------------------------------------------------------------------------

    def previous(self, name: str, before: date, key: str = "") -> tuple[date, Briefing] | None:
        """The latest run of the briefing `name` dated before `before`, with its briefing: of the same sources
        (`key`) when one was kept, else of any."""
        row = self.db.execute(
            "SELECT date, briefing FROM runs WHERE name = ? AND date < ? ORDER BY key = ? DESC, date DESC, id DESC "
            "LIMIT 1",
            (name, before.isoformat(), key),
        ).fetchone()
        if row is None:
            return None
        return date.fromisoformat(row[0]), self._briefing(row[1], f"the run of {row[0]}")

    def briefed(self, name: str, before: date) -> set[str]:
        """Ids of the articles earlier runs of the briefing `name` briefed and delivered (an id is its text's
        hash, so an article that changed has another)."""
        rows = self.db.execute(
            "SELECT DISTINCT a.article_id FROM run_articles a JOIN runs r ON r.id = a.run_id "
            "WHERE r.name = ? AND r.date < ? AND r.undelivered = 0",
            (name, before.isoformat()),
        )
        return {row[0] for row in rows}

    def first_seen(self, before: date) -> dict[str, date]:
        """The date each article was first briefed on, by any run dated before `before`: an undated article's
        relative deadline ("within two weeks") counts from there."""
        rows = self.db.execute(
            "SELECT a.article_id, MIN(r.date) FROM run_articles a JOIN runs r ON r.id = a.run_id "
            "WHERE r.date < ? GROUP BY a.article_id",
            (before.isoformat(),),
        )
        return {row[0]: date.fromisoformat(row[1]) for row in rows}

    def ledger(self, before: date | None = None, through: date | None = None) -> list[Entry]:
        """Every commitment of the ledger with its sightings dated before `before` (or up to and including
        `through`), in the order first seen; commitments with no such sighting are left out."""
        where, value = ("s.date < ?", before) if before is not None else ("s.date <= ?", through or date.max)
        entries: dict[str, Entry] = {}
        rows = self.db.execute(
            "SELECT c.id, c.actor, c.action, c.first_seen, c.done_on, c.done_quote, s.date, r.name, s.actor, "
            "s.action, s.counterparty, s.deadline, s.due, s.mark, s.changed, s.quotes, s.sources "
            "FROM commitments c JOIN sightings s ON s.commitment_id = c.id JOIN runs r ON r.id = s.run_id "
            f"WHERE {where} ORDER BY c.first_seen, c.id, s.date, r.name, r.id",
            (value.isoformat(),),
        )
        for row in rows:
            entry = entries.get(row[0])
            if entry is None:
                done_on = date.fromisoformat(row[4]) if row[4] else None
                if done_on is not None and (done_on >= before if before is not None else done_on > value):
                    done_on = None  # delivered later than the day asked about
                entry = entries[row[0]] = Entry(
                    row[0], row[1], row[2], date.fromisoformat(row[3]), done_on, row[5] if done_on else None
                )
            entry.sightings.append(
                Sighting(
                    day=date.fromisoformat(row[6]),
                    name=row[7],
                    actor=row[8],
                    action=row[9],
                    counterparty=row[10],
                    deadline=row[11],
                    due=date.fromisoformat(row[12]) if row[12] else None,
                    mark=row[13],
                    changed=json.loads(row[14]),
                    quotes=json.loads(row[15]),
                    sources=json.loads(row[16]),
                )
            )
        return list(entries.values())

    def runs(self, name: str | None = None, on: date | None = None) -> list[StoredRun]:
        """The runs kept (of the briefing `name`, dated `on`), newest first."""
        where = [("r.name = ?", name), ("r.date = ?", on.isoformat() if on else None)]
        chosen = [(clause, value) for clause, value in where if value is not None]
        rows = self.db.execute(
            _RUNS
            + (" WHERE " + " AND ".join(c for c, _ in chosen) if chosen else "")
            + " ORDER BY r.date DESC, r.name, r.id DESC",
            tuple(v for _, v in chosen),
        )
        return [_stored(row) for row in rows]

    def run(self, number: int) -> StoredRun | None:
        """The run kept under `number` (`briefer history list` shows it)."""
        row = self.db.execute(_RUNS + " WHERE r.id = ?", (number,)).fetchone()
        return None if row is None else _stored(row)

    def latest_day(self) -> date | None:
        """The date of the latest run kept: the ledger's "now" when no date is given."""
        row = self.db.execute("SELECT MAX(date) FROM runs").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def briefing(self, day: date, name: str) -> Briefing | None:
        """The briefing of the latest run of `name` dated `day`."""
        row = self.db.execute(
            "SELECT briefing FROM runs WHERE name = ? AND date = ? ORDER BY id DESC LIMIT 1", (name, day.isoformat())
        ).fetchone()
        return None if row is None else self._briefing(row[0], f"the run of {day.isoformat()}")

    def briefing_of(self, number: int) -> Briefing | None:
        """The briefing of the run kept under `number`."""
        row = self.db.execute("SELECT date, briefing FROM runs WHERE id = ?", (number,)).fetchone()
        return None if row is None else self._briefing(row[1], f"the run of {row[0]}")

    def _briefing(self, text: str, what: str) -> Briefing:
        try:
            return Briefing.model_validate_json(text)
        except ValidationError as e:
            raise StoreError(
                f"{self.path}: {what} is not a briefing this version can read ({e.errors()[0]['msg']})"
            ) from None

    def later(self, day: date) -> list[StoredRun]:
        """The runs dated after `day` (of every briefing: the ledger is shared), oldest first: marked without
        what `day` adds."""
        rows = self.db.execute(_RUNS + " WHERE r.date > ? ORDER BY r.date, r.name, r.id", (day.isoformat(),))
        return [_stored(row) for row in rows]

    # Writing ------------------------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction holding the write lock from its start: all or nothing."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def undelivered(self, name: str, day: date, key: str = "") -> None:
        """The run's email did not go out: its articles are not counted as briefed, so the next run sends them."""
        with self._transaction():
            self.db.execute(
                "UPDATE runs SET undelivered = 1 WHERE name = ? AND date = ? AND key = ?", (name, day.isoformat(), key)
            )

    def forget(self, number: int) -> None:
        """Drop the run kept under `number`: its articles, its sightings, the deliveries it reported, and the
        commitments only it saw."""
        with self._transaction():
            self._drop(number)
            self.db.execute("DELETE FROM commitments WHERE id NOT IN (SELECT commitment_id FROM sightings)")

    def _drop(self, run: int) -> None:
        day = self.db.execute("SELECT date FROM runs WHERE id = ?", (run,)).fetchone()
        if day is None:
            return
        self.db.execute(
            "UPDATE commitments SET done_on = NULL, done_quote = NULL, done_run = NULL "
            "WHERE done_run = ? OR (done_run IS NULL AND done_on = ?)",
            (run, day[0]),
        )
        self.db.execute("DELETE FROM runs WHERE id = ?", (run,))  # its articles and sightings too

    def save(
        self,
        briefing: Briefing,
        name: str,
        sightings: Sequence[NewSighting],
        done: Sequence[tuple[str, str]],
        key: str = "",
        sources: Sequence[str] = (),
    ) -> None:
        """Keep a run (replacing an earlier run of the same briefing, date and `key`: a named briefing's day,
        or the same sources of a run without --briefing), its articles, the sightings of its commitments and
        the commitments it reports done (id, quote); all or nothing."""
        day = briefing.date.isoformat()
        with self._transaction():
            old = self.db.execute(
                "SELECT id FROM runs WHERE name = ? AND date = ? AND key = ?", (name, day, key)
            ).fetchone()
            if old is not None:
                self._drop(old[0])
            run = self.db.execute(
                "INSERT INTO runs (name, date, generated_at, briefing, key, sources) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    name,
                    day,
                    briefing.generated_at.isoformat(),
                    briefing.model_dump_json(),
                    key,
                    json.dumps(list(sources), ensure_ascii=False),
                ),
            ).lastrowid
            self.db.executemany(
                "INSERT INTO run_articles (run_id, article_id, url, title) VALUES (?, ?, ?, ?)",
                [(run, a.id, a.url, a.title) for a in briefing.articles],
            )
            for s in sightings:
                self._sighting(s, run, day)
            self.db.executemany(
                "UPDATE commitments SET done_on = ?, done_quote = ?, done_run = ? WHERE id = ? AND done_on IS NULL",
                [(day, quote, run, cid) for cid, quote in done],
            )
            # A commitment no run sees any more (its only day was replaced) leaves the ledger.
            self.db.execute("DELETE FROM commitments WHERE id NOT IN (SELECT commitment_id FROM sightings)")

    def _sighting(self, s: NewSighting, run: int | None, day: str) -> None:
        self.db.execute(
            "INSERT INTO commitments (id, actor, action, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (s.id, s.actor, s.action, s.first_seen.isoformat()),
        )
        self.db.execute(
            "INSERT INTO sightings (commitment_id, run_id, date, actor, action, counterparty, deadline, due, "
            "mark, changed, quotes, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                s.id,
                run,
                day,
                s.actor,
                s.action,
                s.counterparty,
                s.deadline,
                s.due.isoformat() if s.due else None,
                s.mark,
                json.dumps(list(s.changed)),
                json.dumps(list(s.quotes), ensure_ascii=False),
                json.dumps(list(s.sources), ensure_ascii=False),
            ),
        )


_RUNS = (
    "SELECT r.id, r.name, r.date, r.generated_at, "
    "(SELECT COUNT(*) FROM run_articles a WHERE a.run_id = r.id), "
    "(SELECT COUNT(*) FROM sightings s WHERE s.run_id = r.id), r.key, r.sources FROM runs r"
)


def _stored(row: tuple[object, ...]) -> StoredRun:
    number, name, day, generated, articles, commitments, key, sources = row
    return StoredRun(
        name=str(name),
        date=date.fromisoformat(str(day)),
        generated_at=str(generated),
        articles=int(str(articles)),
        commitments=int(str(commitments)),
        number=int(str(number)),
        key=str(key),
        sources=tuple(json.loads(str(sources))),
    )


@contextmanager
def open_store(path: Path, create: bool = True) -> Iterator[Store]:
    """The store at `path`, migrated to the current schema (created when `create`, else a UsageError when
    there is none yet); closed when the block ends."""
    if not path.exists():
        if not create:
            raise UsageError(f"{path}: no history yet: `briefer run` keeps each briefing there")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)  # transactions are explicit
    except sqlite3.Error as e:
        raise StoreError(f"{path}: cannot open the history store: {e}") from None
    with closing(connection) as db:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            migrate(db, path)
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.OperationalError as e:
            raise StoreError(f"{path}: cannot use the history store ({_why(e)})") from None
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: not a briefer history store ({e})") from None
        try:
            yield Store(db, path)
        except sqlite3.Error as e:
            raise StoreError(f"{path}: the history store failed ({_why(e)})") from None


def _why(e: sqlite3.Error) -> str:
    text = str(e)
    if "locked" in text:
        return f"{text}: another briefer is using it; try again when it has finished"
    return text
