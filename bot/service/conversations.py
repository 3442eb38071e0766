"""Conversations per (user, channel): the state that lets "what about Tencent?" follow a question.

Worker threads answer questions in parallel, so the book is locked; it stays bounded: silent
conversations are dropped from the least recently used end as they expire, and beyond
``max_conversations`` the least recently used go even before.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.answering.followup import Conversation

DEFAULT_TTL_MINUTES = 15.0
MAX_CONVERSATIONS = 10_000


class Conversations:
    """Conversations keyed by (user id, channel id), forgotten after ``ttl_minutes`` of silence."""

    def __init__(
        self,
        *,
        ttl_minutes: float = DEFAULT_TTL_MINUTES,
        clock: Callable[[], float] = time.monotonic,
        max_conversations: int = MAX_CONVERSATIONS,
    ) -> None:
        self._ttl_s = ttl_minutes * 60
        self._clock = clock
        self._max = max_conversations
        self._items: OrderedDict[tuple[int | str, int | str], Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def _expired(self, conversation: Conversation, now: float) -> bool:
        return now - conversation.updated_at > self._ttl_s

    def get(self, user_id: int | str, channel_id: int | str) -> Conversation:
        """The live conversation for this user and channel, or a fresh one if it expired."""
        key = (user_id, channel_id)
        with self._lock:
            now = self._clock()
            while self._items:  # the least recently used first: drop the silent ones
                oldest = next(iter(self._items.values()))
                if not self._expired(oldest, now):
                    break
                self._items.popitem(last=False)
            current = self._items.get(key)
            if current is None or self._expired(current, now):
                current = Conversation(clock=self._clock, updated_at=now)
                self._items[key] = current
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
            return current

    def __len__(self) -> int:
        return len(self._items)
