"""A per-user sliding-window cooldown shared by slash commands, DMs and mentions.

The map of users stays small: a user whose last question left the window is forgotten (checked
from the least recently active end on every hit, so the sweep costs O(1) amortised), and beyond
``max_users`` the least recently active are dropped even inside their window.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

MAX_USERS = 100_000


class Cooldown:
    """Allow ``rate`` questions per ``per`` seconds for each user."""

    def __init__(
        self,
        rate: int = 3,
        per: float = 30.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = MAX_USERS,
    ) -> None:
        if rate < 1 or per <= 0 or max_users < 1:
            raise ValueError("rate and max_users must be >= 1 and per > 0")
        self.rate = rate
        self.per = per
        self.max_users = max_users
        self._clock = clock
        self._hits: OrderedDict[int, deque[float]] = OrderedDict()  # least recently active first
        self._lock = threading.Lock()

    def hit(self, user_id: int) -> float:
        """Record a question from ``user_id``; return 0 when allowed, else the seconds left to wait."""
        with self._lock:
            now = self._clock()
            self._forget_idle(now)
            hits = self._hits.setdefault(user_id, deque())
            self._hits.move_to_end(user_id)
            while hits and now - hits[0] >= self.per:
                hits.popleft()
            if len(hits) >= self.rate:
                return self.per - (now - hits[0])
            hits.append(now)
            while len(self._hits) > self.max_users:
                self._hits.popitem(last=False)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        while self._hits:
            user, hits = next(iter(self._hits.items()))
            if hits and now - hits[-1] < self.per:
                return
            del self._hits[user]  # nothing of theirs is left in the window

    def reset(self, user_id: int) -> None:
        with self._lock:
            self._hits.pop(user_id, None)

    def __len__(self) -> int:
        return len(self._hits)
