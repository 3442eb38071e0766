"""Feedback on answers, in SQLite: every answer shown, the 👍/👎 votes on it, and the abstentions.

One row per answer keeps the question, the answer text and the cited article ids, so a vote can be
traced to exactly what the user saw. ``summary()`` feeds ``chipbot feedback``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.answering.types import Answer
from corpus.migrate import migrate

# Append-only: a released entry is never edited (corpus/migrate.py). Votes cannot be recomputed.
MIGRATIONS = [
    """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    created REAL NOT NULL,
    user_id INTEGER,
    channel_id INTEGER,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    cited_ids TEXT NOT NULL,
    abstained INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id INTEGER NOT NULL REFERENCES answers(id),
    user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    created REAL NOT NULL,
    PRIMARY KEY (answer_id, user_id)
)
""",
    # 2: follows (bot/service/following/store.py): the follows, their matched stories, the outbox of
    # posts (recorded before sending, marked after), and the articles already seen (the watermark).
    """
CREATE TABLE follows (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER,
    channel_id INTEGER NOT NULL,
    topic TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL CHECK (mode IN ('each', 'digest')),
    role_id INTEGER,
    created_by INTEGER NOT NULL,
    created REAL NOT NULL,
    paused TEXT,
    UNIQUE (channel_id, topic, source)
);
CREATE TABLE follow_matches (
    follow_id INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    card TEXT NOT NULL,
    score REAL NOT NULL,
    matched REAL NOT NULL,
    week TEXT NOT NULL,
    digest_id INTEGER,
    PRIMARY KEY (follow_id, article_id)
);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    follow_id INTEGER NOT NULL,
    channel_id INTEGER,
    user_id INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('story', 'digest', 'summary', 'notice')),
    story TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'summarised')),
    summary_id INTEGER,
    created REAL NOT NULL,
    attempted REAL,
    sent REAL,
    message_id INTEGER,
    UNIQUE (follow_id, kind, story)
);
CREATE INDEX outbox_unsent ON outbox (state) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_channel_sent ON outbox (channel_id, sent);
CREATE TABLE seen_articles (article_id TEXT PRIMARY KEY, seen REAL NOT NULL);
CREATE TABLE follow_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)
""",
    # 3: the question as searched, when a follow-up was resolved against the conversation ("More sources")
    "ALTER TABLE answers ADD COLUMN searched TEXT",
]


@dataclass(frozen=True)
class StoredAnswer:
    id: int
    question: str  # as the user asked it
    answer: str
    cited_ids: list[str]
    abstained: bool
    searched: str  # what was searched: the follow-up resolved against the conversation, else the question


@dataclass(frozen=True)
class FeedbackSummary:
    answers: int
    up: int
    down: int
    abstained: list[tuple[str, int]]  # question, times asked
    disliked: list[tuple[str, int]]  # question, 👎 count


class FeedbackStore:
    """Thread-safe (one connection, one lock): called from worker threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        migrate(self._db, MIGRATIONS, name=str(path))

    @classmethod
    def open(cls, data_dir: Path) -> FeedbackStore:
        return cls(data_dir / "feedback.db")

    def record_answer(self, answer: Answer, *, user_id: int | None = None, channel_id: int | None = None) -> int:
        cited = [c.article.id for c in answer.citations]
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO answers (created, user_id, channel_id, question, answer, cited_ids, abstained, searched)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    user_id,
                    channel_id,
                    answer.question,
                    answer.text,
                    json.dumps(cited),
                    answer.abstained,
                    answer.resolved_question,
                ),
            )
        return int(cursor.lastrowid or 0)

    def get(self, answer_id: int) -> StoredAnswer | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, question, answer, cited_ids, abstained, searched FROM answers WHERE id = ?", (answer_id,)
            ).fetchone()
        if row is None:
            return None
        return StoredAnswer(row[0], row[1], row[2], json.loads(row[3]), bool(row[4]), row[5] or row[1])

    def vote(self, answer_id: int, user_id: int, vote: int) -> bool:
        """Store (or change) a user's vote; False when the answer is unknown."""
        if vote not in (-1, 1):
            raise ValueError("vote must be 1 or -1")
        with self._lock, self._db:
            if self._db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                return False
            self._db.execute(
                "INSERT INTO votes (answer_id, user_id, vote, created) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote, created = excluded.created",
                (answer_id, user_id, vote, time.time()),
            )
        return True

    def summary(self, limit: int = 20) -> FeedbackSummary:
        with self._lock:
            answers = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            up, down = self._db.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM votes"
            ).fetchone()
            abstained = self._db.execute(
                "SELECT question, COUNT(*) FROM answers WHERE abstained GROUP BY lower(question)"
                " ORDER BY COUNT(*) DESC, MAX(created) DESC LIMIT ?",
                (limit,),
            ).fetchall()
            disliked = self._db.execute(
                "SELECT a.question, COUNT(*) FROM votes v JOIN answers a ON a.id = v.answer_id"
                " WHERE v.vote = -1 GROUP BY lower(a.question) ORDER BY COUNT(*) DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return FeedbackSummary(answers, int(up), int(down), [tuple(r) for r in abstained], [tuple(r) for r in disliked])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def format_summary(summary: FeedbackSummary) -> str:
    """The text ``chipbot feedback`` prints."""
    lines = [f"answers shown: {summary.answers}   👍 {summary.up}   👎 {summary.down}"]
    lines.append("")
    lines.append(f"questions chipbot abstained on ({len(summary.abstained)}):")
    lines += [f"  {count:>3}×  {question}" for question, count in summary.abstained] or ["  (none)"]
    lines.append("")
    lines.append("questions with 👎 votes:")
    lines += [f"  {count:>3}×  {question}" for question, count in summary.disliked] or ["  (none)"]
    return "\n".join(lines)
