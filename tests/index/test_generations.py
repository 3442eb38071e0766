"""Generations across readers: a generation a reader leases is never deleted under it, however many
builds publish after it, and goes once the reader has moved on."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from index.generation import LEASE, Generations, _remove_unleased, take_lease
from index.search import Index

from .fakes import ARTICLES, MemoryStore, make_article


def in_new_thread(fn):
    """Run ``fn`` in a fresh thread (so the index opens a fresh SQLite connection) and return its result."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except Exception as exc:
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out["value"]


def generation_names(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "index").iterdir() if p.name.startswith("gen-"))


def test_a_leased_generation_outlives_later_builds_and_goes_once_released(data_dir: Path) -> None:
    store = MemoryStore(ARTICLES)
    update_index(data_dir, store, HashEmbedder())
    reader = Index.open(data_dir, HashEmbedder())
    assert reader.generation == "gen-000001"

    for i in range(3):  # another writer publishes three generations; only the last two are kept...
        store.put(make_article(f"n{i}", f"New article {i} about wafer tariffs."))
        update_index(data_dir, store, HashEmbedder())
    assert generation_names(data_dir) == ["gen-000001", "gen-000003", "gen-000004"]  # ...and the leased one

    # A thread that never searched before opens its own connection to the old generation's files.
    hits = in_new_thread(lambda: reader.search("ASML immersion lithography licences", k=1).hits)
    assert hits[0].article.id == "a2"
    assert in_new_thread(lambda: reader.article("n0")) is None  # still the generation it leased

    assert reader.reload_if_changed() and reader.generation == "gen-000004"
    gc.collect()
    store.put(make_article("n9", "One more article about export licences."))
    update_index(data_dir, store, HashEmbedder())
    assert generation_names(data_dir) == ["gen-000004", "gen-000005"]  # the released one is gone now
    assert in_new_thread(lambda: reader.article("n0")) is not None


def test_a_search_in_flight_keeps_its_generation_through_the_swap(data_dir: Path) -> None:
    store = MemoryStore(ARTICLES)
    update_index(data_dir, store, HashEmbedder())
    reader = Index.open(data_dir, HashEmbedder())
    held = reader._loaded  # what a search that started before the swap still holds
    for i in range(3):
        store.put(make_article(f"n{i}", f"New article {i} about wafer tariffs."))
        update_index(data_dir, store, HashEmbedder())
        reader.reload_if_changed()
    assert (data_dir / "index" / held.folder.name / LEASE).is_file()  # kept while that search runs
    # a new thread's connection, to the generation that search holds
    rows = in_new_thread(lambda: held.conn().execute("SELECT COUNT(*) FROM articles").fetchone())
    assert rows == (len(ARTICLES),)
    held = None  # the search ends
    gc.collect()
    update_index(data_dir, MemoryStore(ARTICLES), HashEmbedder())
    assert "gen-000001" not in generation_names(data_dir)


def test_a_folder_being_removed_cannot_be_leased_and_a_leased_one_cannot_be_removed(data_dir: Path) -> None:
    update_index(data_dir, MemoryStore(ARTICLES), HashEmbedder())
    folder = Generations(data_dir).current()
    assert folder is not None
    lease = take_lease(folder)
    assert lease is not None
    assert not _remove_unleased(folder) and folder.is_dir()
    lease.release()
    assert _remove_unleased(folder) and not folder.exists()
    assert take_lease(folder) is None  # a reader that resolved CURRENT before the removal re-resolves
    assert not list((data_dir / "index").glob(".trash-*"))


def test_a_generation_from_before_leases_gets_its_lock_file(data_dir: Path) -> None:
    update_index(data_dir, MemoryStore(ARTICLES), HashEmbedder())
    folder = Generations(data_dir).current()
    assert folder is not None
    (folder / LEASE).unlink()
    reader = Index.open(data_dir, HashEmbedder())
    assert (folder / LEASE).is_file()
    assert not _remove_unleased(folder)
    reader.close()
    assert _remove_unleased(folder)
