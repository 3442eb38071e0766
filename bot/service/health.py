"""What an operator asks of a running chipbot: is it connected, what index serves questions, how
fresh is it, how did each feed fare, how busy is it. One :class:`Health` answers ``/healthz`` and
``chipbot status`` alike; the latter reads the data directory and needs no running bot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from bot.service.refresh_journal import FeedState


class LoadedIndex(Protocol):
    """The part of :class:`index.search.Index` the health check reads."""

    @property
    def manifest(self) -> Any: ...

    def latest(self, n: int, topic: str | None = None) -> Sequence[Any]: ...


@dataclass(frozen=True)
class IndexFacts:
    generation: str
    articles: int
    chunks: int
    built_at: str
    newest_article: date | None

    @classmethod
    def on_disk(cls, data_dir: Path) -> IndexFacts | None:
        """The current generation of ``data_dir``, read from its files (no model, no FAISS)."""
        from index.docstore import connect_readonly
        from index.generation import DOCS, Generations, Manifest

        folder = Generations(data_dir).current()
        if folder is None:
            return None
        manifest = Manifest.read(folder)
        conn = connect_readonly(folder / DOCS)
        try:
            (newest,) = conn.execute("SELECT MAX(published) FROM articles").fetchone()
        finally:
            conn.close()
        return cls(
            manifest.generation or folder.name,
            manifest.articles,
            manifest.chunks,
            manifest.built_at,
            date.fromisoformat(newest) if newest else None,
        )

    @classmethod
    def loaded(cls, index: LoadedIndex) -> IndexFacts:
        """The generation a running bot answers from (which may lag the one on disk)."""
        manifest = index.manifest
        latest = index.latest(1)
        return cls(
            manifest.generation,
            manifest.articles,
            manifest.chunks,
            manifest.built_at,
            latest[0].published if latest else None,
        )


@dataclass(frozen=True)
class Health:
    index: IndexFacts | None
    feeds: list[FeedState]
    gateway_connected: bool | None = None  # None: no bot process was asked (chipbot status)
    worker_jobs: int | None = None  # answer jobs running or waiting

    @property
    def ok(self) -> bool:
        """Serving: connected to Discord with an index loaded."""
        return bool(self.gateway_connected) and self.index is not None

    def as_json(self) -> dict[str, Any]:
        index = asdict(self.index) if self.index else None
        if index and index["newest_article"]:
            index["newest_article"] = index["newest_article"].isoformat()
        return {
            "ok": self.ok,
            "gateway_connected": self.gateway_connected,
            "index": index,
            "feeds": [asdict(feed) for feed in self.feeds],
            "worker_jobs": self.worker_jobs,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Health:
        """The inverse of :meth:`as_json` (``chipbot status --live`` reads a bot's /healthz)."""
        index = dict(data["index"]) if data.get("index") else None
        if index is not None:
            newest = index.get("newest_article")
            index["newest_article"] = date.fromisoformat(newest) if newest else None
        return cls(
            IndexFacts(**index) if index is not None else None,
            [FeedState(**feed) for feed in data.get("feeds", [])],
            data.get("gateway_connected"),
            data.get("worker_jobs"),
        )

    def lines(self, today: date | None = None) -> list[str]:
        """The text ``chipbot status`` prints."""
        today = today or datetime.now(UTC).date()
        out: list[str] = []
        if self.gateway_connected is not None:
            out.append(f"gateway: {'connected' if self.gateway_connected else 'NOT connected'}")
        if self.index is None:
            out.append("index: none yet (`chipbot ingest` or `chipbot run` builds one)")
        else:
            ix = self.index
            out.append(f"index: {ix.generation}, {ix.articles} articles, {ix.chunks} chunks, built {ix.built_at}")
            if ix.newest_article:
                age = (today - ix.newest_article).days
                out.append(f"newest article: {ix.newest_article.isoformat()} ({age} days old)")
            else:
                out.append("newest article: no dated articles")
        if self.worker_jobs is not None:
            out.append(f"worker jobs: {self.worker_jobs}")
        if not self.feeds:
            out.append("feeds: not refreshed yet")
        else:
            out.append("feeds (last refresh):")
            out += [f"  {feed.describe()}" for feed in self.feeds]
        return out
