"""Taking a newer index generation into service, whoever published it.

A generation is published either by this process (the refresher's ingest) or by another one
(``chipbot ingest`` from cron, while the bot serves). :meth:`IndexSwapper.swap` is the one place a
newer generation is taken into service: it reloads the index (``Index.reload_if_changed``: one
small read of ``CURRENT`` when nothing changed), then runs the ``on_swap`` hooks in order, in the
calling thread. :meth:`IndexSwapper.start` checks every ``check_s`` seconds from a thread of its
own, so a generation published elsewhere is served within seconds and no question waits for a
reload: the new generation is opened fully, then swapped in by reference, and searches already
running finish on the old one (which stays leased, so no build deletes it under them).

Hooks: wiring registers ``Answerer.refresh`` (term weights over the new articles); other features
append theirs to ``on_swap``. A hook runs after the new generation serves (``index.generation``
names it); one that raises is logged and the others still run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0  # how often CURRENT is checked for a generation published by another process
MAX_BACKOFF_SECONDS = 300.0  # a generation that fails to load is retried at most this rarely

SwapHook = Callable[[], None]


class Reloadable(Protocol):
    def reload_if_changed(self) -> bool: ...


class IndexSwapper:
    def __init__(self, index: Reloadable, *, on_swap: Iterable[SwapHook] = (), check_s: float = CHECK_SECONDS) -> None:
        self.index = index
        self.on_swap: list[SwapHook] = list(on_swap)
        self.check_s = check_s
        self._lock = threading.Lock()  # one reload at a time, from the watcher or the refresher
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chipbot-swap")
        self._task: asyncio.Task[None] | None = None
        self.swaps = 0  # generations taken into service so far

    def swap(self) -> bool:
        """Serve the newest published generation if it is not served yet; True when it switched.

        Blocking (it may open a large generation): call it from a worker thread."""
        with self._lock:
            if not self.index.reload_if_changed():
                return False
            self.swaps += 1
            generation = getattr(self.index, "generation", "?")
            log.info("now serving index generation %s", generation)
            for hook in list(self.on_swap):
                try:
                    hook()
                except Exception:
                    log.exception("on_swap hook %r failed after the swap to %s", hook, generation)
            return True

    def start(self) -> None:
        """Check for newer generations in the background (from inside the running event loop)."""
        if self._task is None and self.check_s > 0:
            self._task = asyncio.get_running_loop().create_task(self._watch(), name="chipbot-index-watch")

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        delay = self.check_s
        while True:
            await asyncio.sleep(delay)
            try:
                await loop.run_in_executor(self._executor, self.swap)
                delay = self.check_s
            except Exception as exc:  # e.g. a generation built with another model: keep serving ours
                delay = min(max(delay * 2, self.check_s), MAX_BACKOFF_SECONDS)
                log.error("could not load the newer index generation (%s); retrying in %.0f s", exc, delay)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._executor.shutdown(wait=False, cancel_futures=True)
