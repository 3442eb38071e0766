"""Follow rounds: notice new index generations, match their new articles, deliver the outbox.

New articles are found by comparing the index's articles with the ones already seen (stored in
feedback.db), whenever the index's generation differs from the last one checked. So articles
published by another process (an ingest run from cron) are caught as surely as the bot's own
refreshes: each round first takes any newer generation into service (``reload``: the bot's
``IndexSwapper.swap``). The follow cog runs a round every ``poll_s`` seconds, on start (the first
delivery is the recovery pass) and after every swap (``wake``).
The first check of a fresh database only records what is there: old stories are not news.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from bot.service.following.delivery import Delivery, DeliveryReport, Poster
from bot.service.following.matching import FollowMatcher
from bot.service.following.store import FollowStore
from corpus.types import Article

log = logging.getLogger(__name__)

DIGEST_TOP = 5  # stories in a weekly digest


class ArticleSource(Protocol):
    def articles(self) -> Iterable[Article]: ...


def iso_week(timestamp: float) -> str:
    year, week, _ = datetime.fromtimestamp(timestamp, UTC).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class CheckResult:
    generation: str
    new_articles: int
    queued: int
    baseline: bool = False  # the first check: articles recorded as seen, nothing posted


class FollowService:
    def __init__(
        self,
        store: FollowStore,
        articles: ArticleSource,
        matcher: FollowMatcher,
        *,
        generation: Callable[[], str],
        reload: Callable[[], bool] = lambda: False,
        posts_per_hour: int = 5,
        poll_s: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.matcher = matcher
        self.posts_per_hour = posts_per_hour
        self.poll_s = poll_s
        self.clock = clock
        self._articles = articles
        self._generation = generation
        self._reload = reload
        self._check_lock = threading.Lock()
        self.on_wake: Callable[[], None] | None = None

    def check(self) -> CheckResult | None:
        """Blocking (run it in a thread): pick up a newer generation and queue what matches.
        None when the generation was already checked."""
        with self._check_lock:
            try:
                self._reload()
            except Exception:  # a half-published or broken generation: keep serving the loaded one
                log.exception("could not reload the index; checking the loaded generation")
            generation = self._generation()
            last = self.store.state("generation")
            if generation == last:
                return None
            articles = list(self._articles.articles())
            seen = self.store.seen_ids()
            week = iso_week(self.clock())
            if last is None and not seen:
                self.store.record_generation(generation, [a.id for a in articles], [], week)
                log.info("follows: first check, %d articles recorded as seen", len(articles))
                return CheckResult(generation, 0, 0, baseline=True)
            new = [a for a in articles if a.id not in seen]
            matches = self.matcher.match(self.store.follows(active=True), new) if new else []
            queued = self.store.record_generation(generation, [a.id for a in new], matches, week)
            log.info("follows: %s brought %d new articles, %d posts queued", generation, len(new), queued)
            return CheckResult(generation, len(new), queued)

    def queue_digests(self) -> int:
        return self.store.queue_digests(iso_week(self.clock()), DIGEST_TOP)

    async def step(self, delivery: Delivery) -> DeliveryReport:
        """One round: check for new articles, queue due digests, deliver."""
        await asyncio.to_thread(self.check)
        await asyncio.to_thread(self.queue_digests)
        return await delivery.deliver()

    def delivery(self, poster: Poster) -> Delivery:
        return Delivery(self.store, poster, posts_per_hour=self.posts_per_hour, clock=self.clock)

    def wake(self) -> None:
        """Ask for a round now (from any thread, e.g. after a refresh swapped the index in): calls
        ``on_wake``, which the runner of the rounds sets (the follow cog schedules one on its loop)."""
        if self.on_wake is not None:
            self.on_wake()
