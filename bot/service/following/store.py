"""Follows, matched stories, the outbox and the seen-article watermark, in feedback.db.

The schema is migration 2 of ``bot.service.feedback_store.MIGRATIONS`` (one list per file, so one
``user_version``). Every change that must not half-happen is one transaction: a new generation's
matches, outbox rows and seen articles together; a summary post and the stories it lists; a pause
and the notice that tells the follower.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from bot.service.feedback_store import MIGRATIONS
from bot.service.following.types import (
    DIGEST_POST,
    EACH,
    MODES,
    NOTICE,
    STORY,
    SUMMARY,
    Follow,
    FollowError,
    Post,
    StoryCard,
)
from corpus.migrate import migrate

MAX_TOPIC_CHARS = 200
REGULAR_POSTS = (STORY, DIGEST_POST)  # what the hourly limit counts
_FOLLOW = "id, guild_id, channel_id, topic, source, mode, role_id, created_by, paused"


def _follow(row: Sequence) -> Follow:
    return Follow(row[0], row[1], row[2], row[3], row[4] or None, row[5], row[6], row[7], row[8])


def _card(data: dict) -> StoryCard:
    return StoryCard(**{**data, "also": tuple(data.get("also", ()))})


class FollowStore:
    """Thread-safe (one connection, one lock); the connection is separate from FeedbackStore's."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        migrate(self._db, MIGRATIONS, name=str(path))

    @classmethod
    def open(cls, data_dir: Path, *, clock: Callable[[], float] = time.time) -> FollowStore:
        return cls(data_dir / "feedback.db", clock=clock)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # follows -----------------------------------------------------------------------------------

    def add_follow(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        topic: str,
        created_by: int,
        source: str | None = None,
        mode: str = EACH,
        role_id: int | None = None,
    ) -> tuple[Follow, bool]:
        """Store a follow (or update the channel's follow of the same topic and outlet, which also
        resumes it); returns it and whether it is new."""
        topic = " ".join(topic.split())
        if not topic:
            raise FollowError("Give a topic to follow, e.g. `export licences for ASML`.")
        if len(topic) > MAX_TOPIC_CHARS:
            raise FollowError(f"Please keep the topic under {MAX_TOPIC_CHARS} characters.")
        if mode not in MODES:
            raise FollowError(f"mode must be one of {', '.join(MODES)}, not {mode!r}.")
        source = (source or "").strip().lower()
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT id FROM follows WHERE channel_id = ? AND lower(topic) = lower(?) AND source = ?",
                (channel_id, topic, source),
            ).fetchone()
            if row is None:
                cursor = self._db.execute(
                    "INSERT INTO follows (guild_id, channel_id, topic, source, mode, role_id, created_by, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (guild_id, channel_id, topic, source, mode, role_id, created_by, self.clock()),
                )
                follow_id, created = int(cursor.lastrowid or 0), True
            else:
                follow_id, created = int(row[0]), False
                self._db.execute(
                    "UPDATE follows SET mode = ?, role_id = ?, created_by = ?, paused = NULL WHERE id = ?",
                    (mode, role_id, created_by, follow_id),
                )
            found = self._db.execute(f"SELECT {_FOLLOW} FROM follows WHERE id = ?", (follow_id,)).fetchone()
        return _follow(found), created

    def follows(self, channel_id: int | None = None, *, active: bool = False) -> list[Follow]:
        sql = f"SELECT {_FOLLOW} FROM follows WHERE (? IS NULL OR channel_id = ?)"
        if active:
            sql += " AND paused IS NULL"
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id", (channel_id, channel_id)).fetchall()
        return [_follow(r) for r in rows]

    def remove_follow(self, channel_id: int, topic: str) -> int:
        """Remove the channel's follows of ``topic`` (any outlet); returns how many."""
        with self._lock, self._db:
            ids = [
                r[0]
                for r in self._db.execute(
                    "SELECT id FROM follows WHERE channel_id = ? AND lower(topic) = lower(?)",
                    (channel_id, " ".join(topic.split())),
                )
            ]
            self._delete(ids)
        return len(ids)

    def remove_channel(self, channel_id: int) -> int:
        """Remove every follow of a channel that no longer exists; returns how many."""
        with self._lock, self._db:
            ids = [r[0] for r in self._db.execute("SELECT id FROM follows WHERE channel_id = ?", (channel_id,))]
            self._delete(ids)
        return len(ids)

    def _delete(self, ids: list[int]) -> None:
        for follow_id in ids:
            self._db.execute("DELETE FROM follows WHERE id = ?", (follow_id,))
            self._db.execute("DELETE FROM follow_matches WHERE follow_id = ?", (follow_id,))
            self._db.execute("DELETE FROM outbox WHERE follow_id = ? AND state IN ('pending', 'sending')", (follow_id,))

    def pause(self, follow_id: int, reason: str, notice: str) -> bool:
        """Pause an active follow and queue ``notice`` to its follower, together; False when it was
        already paused or is gone (so the follower is told once)."""
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT created_by FROM follows WHERE id = ? AND paused IS NULL", (follow_id,)
            ).fetchone()
            if row is None:
                return False
            now = self.clock()
            self._db.execute("UPDATE follows SET paused = ? WHERE id = ?", (reason, follow_id))
            self._db.execute(
                "INSERT INTO outbox (follow_id, user_id, kind, story, payload, created) VALUES (?, ?, ?, ?, ?, ?)",
                (follow_id, row[0], NOTICE, f"paused-{now:.6f}", json.dumps({"text": notice}), now),
            )
        return True

    # the watermark and matches -----------------------------------------------------------------

    def state(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM follow_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def seen_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT article_id FROM seen_articles")}

    def record_generation(
        self, generation: str, seen: Iterable[str], matches: Sequence[tuple[Follow, StoryCard]], week: str
    ) -> int:
        """Record what a new index generation brought, in one transaction: its new articles as
        seen, each match, and an outbox row for each match of an ``each`` follow. Returns the rows
        queued. A match already recorded is not queued again."""
        now = self.clock()
        queued = 0
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO seen_articles (article_id, seen) VALUES (?, ?)", ((i, now) for i in seen)
            )
            for follow, card in matches:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO follow_matches (follow_id, article_id, card, score, matched, week)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (follow.id, card.article_id, json.dumps(asdict(card)), card.score, now, week),
                )
                if cursor.rowcount and follow.mode == EACH:
                    queued += self._queue(follow, STORY, card.article_id, {"cards": [asdict(card)]}, now)
            self._db.execute(
                "INSERT INTO follow_state (key, value) VALUES ('generation', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (generation,),
            )
        return queued

    def _queue(self, follow: Follow, kind: str, story: str, payload: dict, now: float) -> int:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO outbox (follow_id, channel_id, kind, story, payload, created)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (follow.id, follow.channel_id, kind, story, json.dumps(payload), now),
        )
        return cursor.rowcount

    def queue_digests(self, current_week: str, top: int) -> int:
        """Queue one digest post per digest follow and finished week that has matches: the week's
        ``top`` stories by score. Returns the posts queued."""
        now = self.clock()
        queued = 0
        with self._lock, self._db:
            weeks = self._db.execute(
                "SELECT DISTINCT m.follow_id, m.week FROM follow_matches m JOIN follows f ON f.id = m.follow_id"
                " WHERE f.mode = 'digest' AND m.digest_id IS NULL AND m.week < ? ORDER BY m.week",
                (current_week,),
            ).fetchall()
            for follow_id, week in weeks:
                row = self._db.execute(f"SELECT {_FOLLOW} FROM follows WHERE id = ?", (follow_id,)).fetchone()
                cards = [
                    json.loads(r[0])
                    for r in self._db.execute(
                        "SELECT card FROM follow_matches WHERE follow_id = ? AND week = ? AND digest_id IS NULL"
                        " ORDER BY score DESC, article_id",
                        (follow_id, week),
                    )
                ]
                payload = {"cards": cards[:top], "week": week, "matched": len(cards)}
                queued += self._queue(_follow(row), DIGEST_POST, week, payload, now)
                digest = self._db.execute(
                    "SELECT id FROM outbox WHERE follow_id = ? AND kind = ? AND story = ?",
                    (follow_id, DIGEST_POST, week),
                ).fetchone()[0]
                self._db.execute(
                    "UPDATE follow_matches SET digest_id = ? WHERE follow_id = ? AND week = ? AND digest_id IS NULL",
                    (digest, follow_id, week),
                )
        return queued

    # the outbox ---------------------------------------------------------------------------------

    def unsent(self) -> list[tuple[Post, str]]:
        """Posts not yet known to be sent, oldest first, with their state (pending: never tried;
        sending: tried, and perhaps sent before chipbot stopped). Paused follows' posts wait."""
        with self._lock:
            rows = self._db.execute(
                "SELECT o.id, o.kind, o.channel_id, o.user_id, o.payload, o.state, f.topic, f.role_id"
                " FROM outbox o JOIN follows f ON f.id = o.follow_id"
                " WHERE o.state IN ('pending', 'sending') AND (f.paused IS NULL OR o.kind = 'notice')"
                " ORDER BY o.id"
            ).fetchall()
        return [(self._post(r), r[5]) for r in rows]

    @staticmethod
    def _post(row: Sequence) -> Post:
        outbox_id, kind, channel_id, user_id, payload, _, topic, role_id = row
        data = json.loads(payload)
        return Post(
            outbox_id=outbox_id,
            kind=kind,
            channel_id=channel_id,
            user_id=user_id,
            topic=topic,
            stories=tuple(_card(c) for c in data.get("cards", [])),
            role_id=role_id if kind in REGULAR_POSTS else None,
            text=data.get("text", ""),
            week=data.get("week"),
            matched=int(data.get("matched", 0)),
        )

    def follow_of(self, outbox_id: int) -> Follow | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {', '.join('f.' + c for c in _FOLLOW.split(', '))} FROM follows f"
                " JOIN outbox o ON o.follow_id = f.id WHERE o.id = ?",
                (outbox_id,),
            ).fetchone()
        return _follow(row) if row else None

    def mark_sending(self, outbox_id: int) -> None:
        """Recorded before the send: a restart treats the post as perhaps sent."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE outbox SET state = 'sending', attempted = ? WHERE id = ?", (self.clock(), outbox_id)
            )

    def mark_pending(self, outbox_id: int) -> None:
        """The send was refused, so certainly not made: back to waiting."""
        with self._lock, self._db:
            self._db.execute("UPDATE outbox SET state = 'pending' WHERE id = ?", (outbox_id,))

    def mark_sent(self, outbox_id: int, message_id: int) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE outbox SET state = 'sent', sent = ?, message_id = ? WHERE id = ?",
                (self.clock(), message_id, outbox_id),
            )

    def attempted(self, outbox_id: int) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT attempted FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
        return row[0] if row else None

    def posts_since(self, channel_id: int, since: float) -> tuple[int, int]:
        """(stories and digests, summaries) sent to the channel since ``since``."""
        with self._lock:
            regular, summaries = self._db.execute(
                "SELECT COALESCE(SUM(kind IN ('story', 'digest')), 0), COALESCE(SUM(kind = 'summary'), 0)"
                " FROM outbox WHERE channel_id = ? AND state = 'sent' AND sent >= ?",
                (channel_id, since),
            ).fetchone()
        return int(regular), int(summaries)

    def summarise(self, channel_id: int, outbox_ids: Sequence[int]) -> Post | None:
        """Fold waiting story posts of a channel into one summary post, in one transaction: the
        summary is queued and the stories are marked as listed by it."""
        now = self.clock()
        with self._lock, self._db:
            rows = self._db.execute(
                "SELECT o.id, o.follow_id, o.payload, f.topic FROM outbox o JOIN follows f ON f.id = o.follow_id"
                " WHERE o.state = 'pending' AND o.kind IN ('story', 'digest')"
                f" AND o.id IN ({','.join('?' * len(outbox_ids))}) ORDER BY o.id",
                list(outbox_ids),
            ).fetchall()
            if not rows:
                return None
            cards = [c for _, _, payload, _ in rows for c in json.loads(payload).get("cards", [])]
            topics = "; ".join(dict.fromkeys(topic for *_, topic in rows))
            payload = json.dumps({"cards": cards, "text": topics})
            cursor = self._db.execute(
                "INSERT INTO outbox (follow_id, channel_id, kind, story, payload, created) VALUES (?, ?, ?, ?, ?, ?)",
                (rows[0][1], channel_id, SUMMARY, f"summary-{rows[0][0]}", payload, now),
            )
            summary_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "UPDATE outbox SET state = 'summarised', summary_id = ? WHERE id = ?",
                [(summary_id, r[0]) for r in rows],
            )
            row = self._db.execute(
                "SELECT o.id, o.kind, o.channel_id, o.user_id, o.payload, o.state, f.topic, f.role_id"
                " FROM outbox o JOIN follows f ON f.id = o.follow_id WHERE o.id = ?",
                (summary_id,),
            ).fetchone()
        return self._post(row)

    def sent_posts(self, channel_id: int | None = None) -> list[tuple[int, str, int | None]]:
        """(outbox id, kind, message id) of sent posts, oldest first: for `chipbot` status and tests."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, kind, message_id FROM outbox WHERE state = 'sent' AND (? IS NULL OR channel_id = ?)"
                " ORDER BY id",
                (channel_id, channel_id),
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]
