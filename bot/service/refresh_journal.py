"""The last outcome of every feed, kept in ``<data_dir>/refresh-state.json``.

The :class:`bot.service.refresh.Refresher` tells the journal of each result. The journal writes one
log line per feed, counts the result in the metrics, and saves the latest state of each feed to a
small JSON file (replaced atomically) so that ``chipbot status`` can show it without a running bot.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.service.metrics import Metrics
    from bot.service.refresh import RefreshResult

log = logging.getLogger("bot.service.refresh")
STATE_FILE = "refresh-state.json"


@dataclass(frozen=True)
class FeedState:
    feed: str
    finished: str  # ISO time (UTC) of the refresh that polled it
    result: str  # ok | not_modified | failed
    added: int = 0
    updated: int = 0
    skipped: int = 0
    error: str | None = None

    def summary(self) -> str:
        if self.result == "failed":
            return f"FAILED: {self.error}"
        if self.result == "not_modified":
            return "not modified"
        return f"+{self.added} new, {self.updated} updated" + (f", {self.skipped} skipped" if self.skipped else "")

    def describe(self) -> str:
        return f"{self.finished[:16].replace('T', ' ')} UTC  {self.summary()}  {self.feed}"


class RefreshJournal:
    def __init__(self, path: Path, metrics: Metrics | None = None) -> None:
        self.path = path
        self.metrics = metrics
        self._feeds = {state.feed: state for state in self.load(path)}

    @classmethod
    def open(cls, data_dir: Path, metrics: Metrics | None = None) -> RefreshJournal:
        return cls(data_dir / STATE_FILE, metrics)

    @staticmethod
    def load(path: Path) -> list[FeedState]:
        """The saved states; a missing or unreadable file is an empty journal (it is only a cache)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return [FeedState(**entry) for entry in data["feeds"]]
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable %s: %s", path, exc)
            return []

    def feeds(self) -> list[FeedState]:
        return sorted(self._feeds.values(), key=lambda state: state.feed)

    def record(self, result: RefreshResult) -> None:
        finished = result.finished.isoformat(timespec="seconds")
        if self.metrics is not None:
            self.metrics.refreshes.labels("failed" if result.error else "ok").inc()
        for feed, outcome in result.outcome.feeds.items():
            state = FeedState(
                feed, finished, outcome.result, outcome.added, outcome.updated, outcome.skipped, outcome.error
            )
            self._feeds[feed] = state
            level = logging.WARNING if outcome.result == "failed" else logging.INFO
            log.log(level, "feed %s: %s", feed, state.summary(), extra={"event": "feed", **asdict(state)})
            if self.metrics is not None:
                self.metrics.feed_refreshed(feed, outcome.result)
        if result.outcome.feeds:
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps({"feeds": [asdict(s) for s in self.feeds()]}, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
