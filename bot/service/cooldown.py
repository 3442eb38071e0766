"""A per-user sliding-window cooldown shared by slash commands, DMs and mentions."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class Cooldown:
    """Allow ``rate`` questions per ``per`` seconds for each user."""

    def __init__(self, rate: int = 3, per: float = 30.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("rate must be >= 1 and per > 0")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}

    def hit(self, user_id: int) -> float:
        """Record a question from ``user_id``; return 0 when allowed, else the seconds left to wait."""
        now = self._clock()
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= self.per:
            hits.popleft()
        if len(hits) >= self.rate:
            return self.per - (now - hits[0])
        hits.append(now)
        return 0.0

    def reset(self, user_id: int) -> None:
        self._hits.pop(user_id, None)
