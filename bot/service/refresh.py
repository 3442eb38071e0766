"""Keeping the index fresh while the bot runs.

:class:`Refresher` polls the configured feeds every ``interval_s`` (and ingests single URLs on demand
for ``/ingest``). Ingesting and re-indexing run in their own single worker thread, so questions keep
being answered from the current generation. New generations, whether written here or by another
process, are taken into service by its :class:`bot.service.swap.IndexSwapper` (``on_swap`` hooks
included, e.g. the answerer's term weights). No restart, no blocking.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.service.swap import CHECK_SECONDS, IndexSwapper, Reloadable, SwapHook

if TYPE_CHECKING:
    from corpus.gate.ledger import FeedCounts
    from corpus.gate.model import Gate
    from corpus.records import IngestReport
    from corpus.sources import Fetcher
    from index.embed import Embedder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedOutcome:
    """What polling one feed did: ``ok``, ``not_modified`` (HTTP 304) or ``failed`` (with the reason)."""

    result: str
    added: int = 0
    updated: int = 0
    skipped: int = 0  # entries of the feed that could not be read
    error: str | None = None


@dataclass(frozen=True)
class UpdateOutcome:
    """What one ingest + index update did."""

    added: int = 0
    updated: int = 0
    failed: list[str] = field(default_factory=list)  # "source: reason" for inputs that failed
    feeds: dict[str, FeedOutcome] = field(default_factory=dict)  # per polled feed
    rejected: int = 0  # kept out by the topic gate (stored as rejected records)


@dataclass(frozen=True)
class RefreshResult:
    finished: datetime
    seconds: float
    outcome: UpdateOutcome
    swapped: bool  # a new index generation is now serving questions
    error: str | None = None


@dataclass(frozen=True)
class RefreshStatus:
    feeds: list[str]
    interval_s: float
    running: bool
    last: RefreshResult | None


Updater = Callable[[Sequence[str], Sequence[str]], UpdateOutcome]


def load_feeds(path: Path) -> list[str]:
    """Feed URLs from a TOML file: ``feeds = ["https://…"]`` or ``[[feed]]`` tables with ``url``."""
    from corpus.feeds import read_feeds_file

    return [feed.url for feed in read_feeds_file(path)]


class Refresher:
    def __init__(
        self,
        update: Updater,
        index: Reloadable,
        *,
        feeds: Sequence[str] = (),
        interval_s: float = 1800.0,
        on_swap: Iterable[SwapHook] = (),
        check_s: float = CHECK_SECONDS,
        counts: Callable[[], list[FeedCounts]] | None = None,
        observers: Sequence[Callable[[RefreshResult], None]] = (),
    ) -> None:
        self._update = update
        self._counts = counts
        self.swapper = IndexSwapper(index, on_swap=on_swap, check_s=check_s)
        self.feeds = list(feeds)
        self.interval_s = interval_s
        self._observers = list(observers)  # told of every result (logs per feed, metrics, the journal)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chipbot-refresh")
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.last: RefreshResult | None = None

    @property
    def on_swap(self) -> list[SwapHook]:
        """Hooks run after each swap to a newer generation (append to add one)."""
        return self.swapper.on_swap

    def status(self) -> RefreshStatus:
        return RefreshStatus(self.feeds, self.interval_s, self._lock.locked(), self.last)

    def feed_counts(self) -> list[FeedCounts]:
        """Per feed, items the gate admitted and rejected (reads the store: call it off the event loop)."""
        return self._counts() if self._counts else []

    async def refresh_now(self) -> RefreshResult:
        """Poll every feed once, ingest what is new, and swap in the new generation."""
        return await self._run([], self.feeds)

    async def ingest_url(self, url: str) -> RefreshResult:
        """Ingest one page (or feed) URL and swap in the new generation."""
        return await self._run([url], [])

    async def _run(self, sources: Sequence[str], feeds: Sequence[str]) -> RefreshResult:
        async with self._lock:  # one ingest at a time; questions are never blocked by it
            loop = asyncio.get_running_loop()
            started = time.perf_counter()
            swaps = self.swapper.swaps
            outcome, error = UpdateOutcome(), None
            try:
                outcome = await loop.run_in_executor(self._executor, self._update, sources, feeds)
            except Exception as exc:
                log.exception("refresh failed")
                error = f"{type(exc).__name__}: {exc}"
            try:  # also after a failure: what it stored may have been indexed
                await loop.run_in_executor(self._executor, self.swapper.swap)
            except Exception as exc:
                log.exception("loading the new index generation failed")
                error = error or f"{type(exc).__name__}: {exc}"
            swapped = self.swapper.swaps > swaps  # by this refresh, or by the watcher meanwhile
            result = RefreshResult(datetime.now(UTC), time.perf_counter() - started, outcome, swapped, error)
            self.last = result
            log.info(
                "refresh: %d added, %d updated, %d rejected as off-topic, %d failed, swapped=%s (%.1f s)",
                outcome.added,
                outcome.updated,
                outcome.rejected,
                len(outcome.failed),
                swapped,
                result.seconds,
            )
            for observe in self._observers:
                try:
                    observe(result)
                except Exception:
                    log.exception("a refresh observer failed")
            return result

    def start(self) -> None:
        """Watch for generations published elsewhere, and poll the feeds if there are any (from
        inside the running event loop)."""
        self.swapper.start()
        if self._task is None and self.feeds and self.interval_s > 0:
            self._task = asyncio.get_running_loop().create_task(self._poll(), name="chipbot-refresh")

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.refresh_now()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.swapper.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)


class IndexUpdater:
    """The real :data:`Updater`: ingest into the corpus store, then bring the index up to date with
    the *whole* store, not just this poll's additions: articles stored by an earlier poll that then
    failed, or by ``chipbot ingest --no-index``, are indexed by the next update (a build with
    nothing to add writes no generation).

    Feed items pass the topic ``gate``; URLs an admin gives (``/ingest url``) bypass it, their
    scores still recorded. Without a gate everything is admitted."""

    def __init__(
        self, data_dir: Path, embedder: Embedder, fetcher: Fetcher | None = None, *, gate: Gate | None = None
    ) -> None:
        self.data_dir = data_dir
        self.embedder = embedder
        self.fetcher = fetcher  # built by wiring.make_fetcher (address policy, robots exemptions)
        self.gate = gate  # built by wiring.make_gate (the trained weights, the threshold setting)

    def __call__(self, sources: Sequence[str], feeds: Sequence[str]) -> UpdateOutcome:
        from corpus.gate.model import Bypass
        from corpus.pipeline import ingest
        from corpus.store import open_store
        from index.builder import update_index

        store = open_store(self.data_dir)
        reports: list[IngestReport] = []
        per_feed: dict[str, FeedOutcome] = {}
        try:
            try:
                if sources:
                    bypass = Bypass(self.gate) if self.gate else None
                    reports.append(ingest(list(sources), store, fetcher=self.fetcher, gate=bypass))
                for feed in feeds:  # one at a time, so each feed's outcome is known
                    reports.append(ingest([], store, feeds=[feed], fetcher=self.fetcher, gate=self.gate))
                    per_feed[feed] = feed_outcome(feed, reports[-1])
            except Exception:
                log.warning("ingest failed part-way; indexing what it stored before reporting the failure")
                update_index(self.data_dir, store, self.embedder)
                raise
            update_index(self.data_dir, store, self.embedder)
        finally:
            store.close()
        return UpdateOutcome(
            added=sum(len(r.added) for r in reports),
            updated=sum(len(r.updated) for r in reports),
            failed=[f"{skip.source}: {skip.reason}" for r in reports for skip in r.skipped],
            rejected=sum(len(r.rejected) for r in reports),
            feeds=per_feed,
        )

    def feed_counts(self) -> list[FeedCounts]:
        from corpus.gate.ledger import GateLedger
        from corpus.store import open_store

        with open_store(self.data_dir) as store:
            return GateLedger(store).feed_counts()


def feed_outcome(feed: str, report: IngestReport) -> FeedOutcome:
    """A feed failed when the feed itself could not be read; a skipped entry is counted, not a failure."""
    for skip in report.skipped:
        if skip.source == feed:
            return FeedOutcome("failed", error=skip.reason)
    if report.not_modified == [feed] and not report.read - len(report.not_modified):
        return FeedOutcome("not_modified")
    return FeedOutcome("ok", len(report.added), len(report.updated), len(report.skipped))
