"""The history store's schema: its migrations, version by version, and bringing an open file up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from briefer.errors import InputError

# Each entry moves the schema up one version; never edit one that has shipped, add the next.
MIGRATIONS: tuple[str, ...] = (
    # 1: runs, the articles each briefed, the ledger's commitments and every sighting of one.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        date TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        briefing TEXT NOT NULL,
        UNIQUE (name, date)
    );
    CREATE TABLE run_articles (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL
    );
    CREATE TABLE commitments (
        id TEXT PRIMARY KEY,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        first_seen TEXT NOT NULL
    );
    CREATE TABLE sightings (
        commitment_id TEXT NOT NULL REFERENCES commitments (id),
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        counterparty TEXT,
        deadline TEXT,
        due TEXT,
        mark TEXT NOT NULL,
        changed TEXT NOT NULL,
        quotes TEXT NOT NULL,
        sources TEXT NOT NULL
    );
    """,
    # 2: delivery (a later fact reports the commitment done), and lookups by commitment and by article.
    """
    ALTER TABLE commitments ADD COLUMN done_on TEXT;
    ALTER TABLE commitments ADD COLUMN done_quote TEXT;
    CREATE INDEX sightings_by_commitment ON sightings (commitment_id, date);
    CREATE INDEX run_articles_by_article ON run_articles (article_id);
    """,
    # 3: which run reported a commitment done (re-running another briefing's day keeps it), and runs whose
    # email did not go out (their articles are not counted as briefed).
    """
    ALTER TABLE commitments ADD COLUMN done_run INTEGER;
    ALTER TABLE runs ADD COLUMN undelivered INTEGER NOT NULL DEFAULT 0;
    """,
    # 4: several runs of one day under one name: a run without --briefing is told apart by its sources (`key`,
    # a hash of them; '' for a named briefing's run, which a run of its day again replaces), and the sources
    # are kept, to say how to run it again. SQLite cannot change a UNIQUE constraint: the table is rebuilt,
    # its ids kept (foreign keys are off while migrating).
    """
    CREATE TABLE runs_new (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        date TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        briefing TEXT NOT NULL,
        undelivered INTEGER NOT NULL DEFAULT 0,
        key TEXT NOT NULL DEFAULT '',
        sources TEXT NOT NULL DEFAULT '[]',
        UNIQUE (name, date, key)
    );
    INSERT INTO runs_new (id, name, date, generated_at, briefing, undelivered)
        SELECT id, name, date, generated_at, briefing, undelivered FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_new RENAME TO runs;
    CREATE INDEX run_articles_by_run ON run_articles (run_id);
    CREATE INDEX sightings_by_run ON sightings (run_id);
    """,
)
VERSION = len(MIGRATIONS)


class StoreError(InputError):
    """The history store cannot be opened or read."""


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Apply the missing migrations, each in one transaction that holds the write lock from its start, so two
    processes opening a new store at once do not both apply one. Foreign keys are off meanwhile (a table
    rebuilt must not take its rows' dependants with it) and checked before each commit; the caller turns them
    on afterwards."""
    if db.execute("PRAGMA user_version").fetchone()[0] == VERSION:
        return  # up to date: no write lock needed (another briefer may be writing)
    db.execute("PRAGMA foreign_keys = OFF")
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > VERSION:
                raise StoreError(
                    f"{path}: the history store was written by a newer briefer (schema {version}, this one "
                    f"knows {VERSION}); upgrade briefer, or set BRIEFER_DATA_DIR to use another store"
                )
            if version == VERSION:
                db.execute("COMMIT")
                return
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    db.execute(statement)
            if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StoreError(
                    f"{path}: the history store is inconsistent (schema {version + 1}); nothing was changed"
                )
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
