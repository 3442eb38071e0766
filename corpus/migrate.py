"""Numbered SQLite migrations: an append-only list of scripts, applied in order, each atomically.

A database records how many migrations it has had in ``PRAGMA user_version``. Opening it applies the
missing ones, each in its own transaction together with the version bump, so a crash leaves the file
at the previous version, whole. A file from a newer chipbot (a higher version than the list knows)
is refused rather than guessed at. Used for ``corpus.db`` and ``feedback.db``.

>>> import sqlite3
>>> db = sqlite3.connect(":memory:")
>>> MIGRATIONS = ["CREATE TABLE votes (id INTEGER PRIMARY KEY, vote INTEGER)", "ALTER TABLE votes ADD note TEXT"]
>>> migrate(db, MIGRATIONS, name="votes.db")
2
>>> [row[1] for row in db.execute("PRAGMA table_info(votes)")]
['id', 'vote', 'note']
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from corpus.errors import CorpusError


class NewerSchema(CorpusError):
    """The database was written by a newer chipbot than this one."""


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, migrations: Sequence[str], *, name: str) -> int:
    """Bring ``db`` up to ``len(migrations)``; returns the version it is at. Never edit or reorder
    an entry once released: append a new one."""
    version = schema_version(db)
    if version > len(migrations):
        raise NewerSchema(
            f"{name} has schema version {version}, but this chipbot knows only {len(migrations)}: "
            "upgrade chipbot, or move the file away to start afresh"
        )
    for number in range(version + 1, len(migrations) + 1):
        try:
            db.executescript(f"BEGIN;\n{migrations[number - 1]};\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.Error:
            if db.in_transaction:
                db.rollback()
            raise
    return len(migrations)
