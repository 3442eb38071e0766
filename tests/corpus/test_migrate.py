from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.answering.types import Answer
from bot.service.feedback_store import MIGRATIONS as FEEDBACK_MIGRATIONS
from bot.service.feedback_store import FeedbackStore
from corpus.migrate import NewerSchema, migrate, schema_version
from corpus.store import StoreError, open_store

# feedback.db as every chipbot before numbered migrations wrote it: the tables, user_version 0.
UNVERSIONED_FEEDBACK = """
CREATE TABLE answers (id INTEGER PRIMARY KEY, created REAL NOT NULL, user_id INTEGER, channel_id INTEGER,
    question TEXT NOT NULL, answer TEXT NOT NULL, cited_ids TEXT NOT NULL, abstained INTEGER NOT NULL);
CREATE TABLE votes (answer_id INTEGER NOT NULL REFERENCES answers(id), user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), created REAL NOT NULL, PRIMARY KEY (answer_id, user_id));
"""


def test_an_unversioned_feedback_file_full_of_votes_upgrades_without_losing_one(tmp_path: Path) -> None:
    path = tmp_path / "feedback.db"
    db = sqlite3.connect(path)
    db.executescript(UNVERSIONED_FEEDBACK)
    with db:
        for i in range(1, 501):
            db.execute("INSERT INTO answers VALUES (?, 0, 1, 2, ?, 'a', '[]', 0)", (i, f"question {i}"))
            for user in range(3):
                db.execute("INSERT INTO votes VALUES (?, ?, ?, 0)", (i, user, 1 if (i + user) % 2 else -1))
    db.close()

    store = FeedbackStore(path)
    summary = store.summary()
    assert summary.answers == 500 and summary.up + summary.down == 1500
    assert store.vote(7, 99, 1) and store.record_answer(Answer("new", "text", [], abstained=True)) == 501
    store.close()
    assert schema_version(sqlite3.connect(path)) == len(FEEDBACK_MIGRATIONS)


def test_a_feedback_file_with_follows_upgrades_keeping_votes_and_follows(tmp_path: Path) -> None:
    """A feedback.db at version 2 (main's follows, before the `searched` column) gains migration 3."""
    from bot.service.following.store import FollowStore

    path = tmp_path / "feedback.db"
    db = sqlite3.connect(path)
    migrate(db, FEEDBACK_MIGRATIONS[:2], name="feedback.db")
    with db:
        for i in range(1, 101):
            db.execute("INSERT INTO answers VALUES (?, 0, 1, 2, ?, 'a', '[]', 0)", (i, f"question {i}"))
            db.execute("INSERT INTO votes VALUES (?, 7, ?, 0)", (i, 1 if i % 2 else -1))
        db.execute(
            "INSERT INTO follows (guild_id, channel_id, topic, source, mode, created_by, created)"
            " VALUES (1, 5, 'export licences', '', 'each', 9, 0)"
        )
    db.close()

    store = FeedbackStore(path)
    summary = store.summary()
    assert summary.answers == 100 and (summary.up, summary.down) == (50, 50)
    old = store.get(3)
    assert old is not None and old.searched == "question 3"  # an answer from before: searched as asked
    store.close()
    assert schema_version(sqlite3.connect(path)) == len(FEEDBACK_MIGRATIONS) == 3
    follows = FollowStore(path)
    assert [(f.channel_id, f.topic) for f in follows.follows()] == [(5, "export licences")]
    follows.close()


def test_a_failing_migration_leaves_the_file_at_its_previous_version_whole() -> None:
    db = sqlite3.connect(":memory:")
    migrate(db, ["CREATE TABLE t (x INTEGER)"], name="t.db")
    db.execute("INSERT INTO t VALUES (1)")
    db.commit()
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, ["CREATE TABLE t (x INTEGER)", "ALTER TABLE t ADD y TEXT; CREATE TABLE t (oops)"], name="t.db")
    assert not db.in_transaction and schema_version(db) == 1
    assert [r[1] for r in db.execute("PRAGMA table_info(t)")] == ["x"]
    assert db.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_file_from_a_newer_chipbot_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA user_version = 9")
    with pytest.raises(NewerSchema, match="upgrade chipbot"):
        migrate(db, ["CREATE TABLE t (x)"], name="t.db")
    (tmp_path / "data").mkdir()
    newer = sqlite3.connect(tmp_path / "data" / "corpus.db")
    newer.execute("PRAGMA user_version = 99")
    newer.close()
    with pytest.raises(StoreError, match="upgrade chipbot"):
        open_store(tmp_path / "data")
