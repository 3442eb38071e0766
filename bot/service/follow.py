"""Switching to index generations that another process built.

The refresher of *this* process swaps in what it builds. A generation can also come from elsewhere:
``chipbot ingest`` run beside the bot, or the one process that refreshes when several processes
share a data directory (one per group of shards, see docs/deploy.md). The follower looks at the
``CURRENT`` pointer every ``interval_s`` and loads a newer generation in a thread, so questions keep
being answered from the old one meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bot.service.refresh import Reloadable

log = logging.getLogger(__name__)


class GenerationFollower:
    def __init__(self, index: Reloadable, *, interval_s: float, on_swap: Callable[[], None] | None = None) -> None:
        self.index = index
        self.interval_s = interval_s
        self.on_swap = on_swap
        self._task: asyncio.Task[None] | None = None

    async def check(self) -> bool:
        """Load a newer generation if there is one; True when it switched."""
        try:
            swapped = await asyncio.to_thread(self.index.reload_if_changed)
        except Exception:
            log.exception("could not load the newer index generation; still answering from the loaded one")
            return False
        if swapped:
            log.info("switched to an index generation built by another process")
            if self.on_swap is not None:
                self.on_swap()
        return swapped

    def start(self) -> None:
        if self._task is None and self.interval_s > 0:
            self._task = asyncio.get_running_loop().create_task(self._poll(), name="chipbot-follow")

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.check()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
