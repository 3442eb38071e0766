from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from corpus.chunk import chunk_article
from corpus.normalize import content_hash
from corpus.store import ArticleStore, StoreError, open_store
from corpus.types import Alternate, Article, Chunk


def article(text: str = "Chips were approved. Exports resumed in May.", article_id: str = "a-1") -> Article:
    return Article(
        id=article_id,
        url="https://x.example/a",
        canonical_url="https://x.example/a",
        title="Approval",
        source="x.example",
        published=date(2025, 5, 2),
        text=text,
        author="A. Writer",
        site_name="X",
        origin="jsonl",
    )


def put(store: ArticleStore, art: Article) -> None:
    store.put(art, chunk_article(art), content_hash=content_hash(art.text), signature=None)


def test_round_trip(data_dir: Path) -> None:
    with open_store(data_dir) as store:
        art = article()
        put(store, art)
        assert (data_dir / "corpus.db").is_file()
        assert store.get("a-1") == art
        assert store.count() == 1
        assert [a.id for a in store.articles()] == ["a-1"]
        chunks = store.chunks("a-1")
        assert chunks == chunk_article(art)
        assert list(store.all_chunks()) == chunks
        assert store.find_url("https://x.example/a") == ("a-1", False)
        assert store.find_hash(content_hash(art.text)) == "a-1"
        assert store.get("missing") is None


def test_replacing_an_article_replaces_its_chunks(data_dir: Path) -> None:
    with open_store(data_dir) as store:
        put(store, article())
        old_ids = {c.id for c in store.chunks("a-1")}
        new = article("A different text. It has other sentences entirely.")
        put(store, new)
        assert store.get("a-1").text == new.text  # type: ignore[union-attr]
        assert {c.id for c in store.chunks("a-1")}.isdisjoint(old_ids)
        assert all(new.text[c.start : c.end] == c.text for c in store.all_chunks())


def test_a_failed_write_leaves_nothing_behind(data_dir: Path) -> None:
    with open_store(data_dir) as store:
        art = article()
        chunk = chunk_article(art)[0]
        with pytest.raises(sqlite3.IntegrityError):  # the same chunk twice violates the primary key
            store.put(art, [chunk, chunk], content_hash="h", signature=None)
        assert store.get("a-1") is None and store.chunks("a-1") == []


def test_chunks_must_be_spans_of_the_article(data_dir: Path) -> None:
    with open_store(data_dir) as store:
        art = article()
        bad = Chunk(id="c", article_id="a-1", ordinal=0, start=0, end=5, text="Nope!")
        with pytest.raises(ValueError, match="not a span"):
            store.put(art, [bad], content_hash="h", signature=None)
        assert store.count() == 0


def test_alternates_are_kept_and_resolve_to_their_article(data_dir: Path) -> None:
    with open_store(data_dir) as store:
        put(store, article())
        alt = Alternate(url="https://y.example/copy", source="y.example", title="Copy", article_id="dev-9")
        store.add_alternate("a-1", alt, "https://y.example/copy")
        store.add_alternate("a-1", alt, "https://y.example/copy")  # idempotent
        assert store.get("a-1").alternates == [alt]  # type: ignore[union-attr]
        assert store.find_url("https://y.example/copy") == ("a-1", True)
        assert store.resolve("dev-9") == "a-1" and store.resolve("a-1") == "a-1" and store.resolve("x") is None


def test_http_validators_are_remembered(data_dir: Path) -> None:
    with open_store(data_dir) as store:
        assert store.validators("https://f.example/rss") == (None, None)
        store.remember_validators("https://f.example/rss", '"v1"', "Fri, 14 Mar 2025 08:30:00 GMT")
    with open_store(data_dir) as store:
        assert store.validators("https://f.example/rss") == ('"v1"', "Fri, 14 Mar 2025 08:30:00 GMT")


def test_a_database_from_another_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="schema version 99"):
        ArticleStore(path)


def test_update_keeps_alternates(data_dir: Path) -> None:
    with open_store(data_dir) as store:
        put(store, article())
        store.add_alternate("a-1", Alternate(url="https://y.example/c", source="y.example"), "https://y.example/c")
        put(store, replace(article(), text="Updated text. With more."))
        assert len(store.get("a-1").alternates) == 1  # type: ignore[union-attr]
