"""The SQLite cache of model extractions: a repeated run pays nothing for an article it has seen.

A key is the SHA-256 of everything that determines the answer: the model, the endpoint, the settings that
change the output, the output schema, and the exact messages (which hold the prompt templates as rendered
and the article text). A changed prompt or article therefore misses, and only where it changed. Entries
are written as each article finishes, in WAL mode, so concurrent runs can share the file and a run killed
halfway keeps what it finished.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS extractions (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    created REAL NOT NULL
);
"""


def key_for(parts: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class Cache:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    @classmethod
    def at(cls, directory: Path) -> Cache:
        return cls(directory / "cache.sqlite3")

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM extractions WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, model: str, value: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO extractions (key, model, value, created) VALUES (?, ?, ?, ?)",
            (key, model, value, time.time()),
        )

    def save_batch(self, batch_id: str, state: str) -> None:
        """What a submitted batch needs to be collected later: its articles and settings, as JSON."""
        self._db.execute(
            "INSERT OR REPLACE INTO batches (id, state, created) VALUES (?, ?, ?)", (batch_id, state, time.time())
        )

    def load_batch(self, batch_id: str) -> str | None:
        row = self._db.execute("SELECT state FROM batches WHERE id = ?", (batch_id,)).fetchone()
        return row[0] if row else None

    def stats(self) -> dict[str, Any]:
        count, oldest, newest = self._db.execute(
            "SELECT COUNT(*), MIN(created), MAX(created) FROM extractions"
        ).fetchone()
        models = dict(self._db.execute("SELECT model, COUNT(*) FROM extractions GROUP BY model").fetchall())
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return {
            "path": str(self.path),
            "entries": count,
            "bytes": size,
            "oldest": oldest,
            "newest": newest,
            "models": models,
        }

    def clear(self) -> int:
        removed = self._db.execute("DELETE FROM extractions").rowcount
        self._db.execute("VACUUM")
        return int(removed)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
