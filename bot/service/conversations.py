"""Conversations per (user, channel): the state that lets "what about Tencent?" follow a question."""

from __future__ import annotations

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

    def get(self, user_id: int | str, channel_id: int | str) -> Conversation:
        """The live conversation for this user and channel, or a fresh one if it expired."""
        key = (user_id, channel_id)
        now = self._clock()
        current = self._items.get(key)
        if current is None or (current.last_question and now - current.updated_at > self._ttl_s):
            current = Conversation(clock=self._clock, updated_at=now)
            self._items[key] = current
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)
        return current

    def __len__(self) -> int:
        return len(self._items)
