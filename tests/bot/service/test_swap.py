"""The bot takes newer generations into service whoever published them, and each update catches the
index up with the whole store."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.answering.answerer import Answerer
from bot.service.refresh import IndexUpdater, Refresher
from bot.service.swap import IndexSwapper
from corpus.pipeline import ingest
from corpus.store import open_store
from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from index.search import Index
from tests.bot.discord_world import ARTICLES, NEW_ARTICLE, build_index, write_jsonl


class Flipping:
    """An index whose next reload switches generations when told to."""

    def __init__(self) -> None:
        self.pending = False
        self.generation = "gen-000001"

    def reload_if_changed(self) -> bool:
        changed, self.pending = self.pending, False
        return changed


def test_swap_runs_every_hook_in_order_even_when_one_fails(caplog: pytest.LogCaptureFixture) -> None:
    index = Flipping()
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("hook bug")

    swapper = IndexSwapper(index, on_swap=[lambda: calls.append("first"), broken])
    swapper.on_swap.append(lambda: calls.append("last"))
    assert not swapper.swap() and calls == []  # nothing new: no hooks
    index.pending = True
    assert swapper.swap() and calls == ["first", "last"] and swapper.swaps == 1
    assert any("hook bug" in r.exc_text for r in caplog.records if r.exc_text)


def ingest_only(data_dir: Path, path: Path) -> None:
    """What ``chipbot ingest --no-index`` does: store the articles, leave the index alone."""
    with open_store(data_dir) as store:
        ingest([str(path)], store)


async def test_a_generation_published_elsewhere_is_served_within_seconds_with_fresh_term_weights(
    data_dir: Path, tmp_path: Path
) -> None:
    index = build_index(data_dir)
    answerer = Answerer(index)
    before = answerer.weights.documents
    refresher = Refresher(lambda s, f: None, index, on_swap=[answerer.refresh], check_s=0.2)  # type: ignore[arg-type]
    refresher.start()
    try:
        # Another process (here: the same calls, as `chipbot ingest` makes them) publishes a generation.
        ingest_only(data_dir, write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE]))
        with open_store(data_dir) as store:
            published = update_index(data_dir, store, HashEmbedder()).generation
        started = time.monotonic()
        while index.generation != published and time.monotonic() - started < 10:
            await asyncio.sleep(0.05)
        assert index.generation == published
        for _ in range(100):  # the hook runs right after the swap, in the watcher's thread
            if answerer.weights.documents == before + 1:
                break
            await asyncio.sleep(0.05)
        assert answerer.weights.documents == before + 1
        answer = answerer.answer("Did TSMC start volume production in Arizona?")
        assert answer.citations[0].article.id == "t-tsmc"
    finally:
        await refresher.stop()


def test_an_update_indexes_what_an_earlier_no_index_ingest_stored(data_dir: Path, tmp_path: Path) -> None:
    index = build_index(data_dir)
    ingest_only(data_dir, write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE]))
    outcome = IndexUpdater(data_dir, index.embedder)([], [])  # a poll that finds nothing new
    assert outcome.added == 0
    assert index.reload_if_changed()
    assert index.article("t-tsmc") is not None


def test_a_poll_that_fails_part_way_still_indexes_what_it_stored(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = build_index(data_dir)
    import corpus.pipeline

    real_ingest = corpus.pipeline.ingest

    def failing_ingest(sources, store, **kwargs):
        real_ingest([str(write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE]))], store)
        raise ConnectionResetError("feed server reset the connection")

    monkeypatch.setattr(corpus.pipeline, "ingest", failing_ingest)
    with pytest.raises(ConnectionResetError):
        IndexUpdater(data_dir, index.embedder)([], ["https://feeds.example/rss"])
    assert index.reload_if_changed()
    assert index.article("t-tsmc") is not None
    assert {a.id for a in index.articles()} == {r["id"] for r in ARTICLES} | {"t-tsmc"}


async def test_a_refresh_that_fails_still_serves_what_it_indexed(data_dir: Path, tmp_path: Path) -> None:
    index = build_index(data_dir)
    real = IndexUpdater(data_dir, index.embedder)

    def update(sources, feeds):
        real([str(write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE]))], [])
        raise OSError("the second feed failed")

    refresher = Refresher(update, index, check_s=0)
    try:
        result = await refresher.refresh_now()
    finally:
        await refresher.stop()
    assert result.error == "OSError: the second feed failed" and result.swapped
    assert Index.open(data_dir, index.embedder).generation == index.generation
    assert index.article("t-tsmc") is not None
