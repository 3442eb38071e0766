from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from corpus.pipeline import ingest
from corpus.store import ArticleStore, open_store
from tests.corpus.helpers import OTHER_STORY, WIRE_STORY, record, syndicated_copy, write_jsonl

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(data_dir: Path) -> ArticleStore:
    with open_store(data_dir) as opened:
        yield opened


def test_jsonl_ids_are_kept_and_reingest_changes_nothing(store: ArticleStore, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            record("dev-1", "https://www.news.example/2025/07/21/malaysia?utm_source=rss", WIRE_STORY),
            record("dev-2", "https://other.example/japan", OTHER_STORY, published="2023-05-23", source="other.example"),
        ],
    )
    report = ingest([str(path)], store)
    assert report.added == ["dev-1", "dev-2"] and not report.skipped
    first = store.get("dev-1")
    assert first is not None
    assert first.canonical_url == "https://news.example/2025/07/21/malaysia"
    assert first.source == "news.example"
    assert first.published == date(2025, 7, 21)  # from the URL, since the record has none
    assert store.get("dev-2").published == date(2023, 5, 23)  # type: ignore[union-attr]
    chunk_ids = [c.id for c in store.all_chunks()]
    again = ingest([str(path)], store)
    assert again.unchanged == ["dev-1", "dev-2"] and not (again.added or again.updated or again.duplicates)
    assert [c.id for c in store.all_chunks()] == chunk_ids
    same_page = write_jsonl(
        tmp_path / "b.jsonl",
        [record("dev-1", "http://news.example/2025/07/21/malaysia/?utm_medium=email#top", WIRE_STORY)],
    )
    assert ingest([str(same_page)], store).unchanged == ["dev-1"]


def test_changed_text_at_the_same_url_updates_the_article(store: ArticleStore, tmp_path: Path) -> None:
    ingest([str(write_jsonl(tmp_path / "v1.jsonl", [record(None, "https://n.example/story", WIRE_STORY)]))], store)
    (article,) = store.articles()
    revised = WIRE_STORY + " A spokesperson later added that the permits would be free of charge."
    report = ingest(
        [str(write_jsonl(tmp_path / "v2.jsonl", [record(None, "https://n.example/story#comments", revised)]))], store
    )
    assert report.updated == [article.id] and store.count() == 1
    assert store.get(article.id).text == revised  # type: ignore[union-attr]
    assert all(revised[c.start : c.end] == c.text for c in store.chunks(article.id))
    assert "free of charge" in store.chunks(article.id)[-1].text


def test_exact_and_near_duplicates_become_alternates(store: ArticleStore, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "dups.jsonl",
        [
            record("w-1", "https://wire.example/malaysia-permits", WIRE_STORY),
            record("w-2", "https://mirror.example/copy", WIRE_STORY.upper()),
            record("w-3", "https://asiatech.example/malaysia", syndicated_copy()),
            record("w-4", "https://other.example/japan", OTHER_STORY),
        ],
    )
    report = ingest([str(path)], store)
    assert report.added == ["w-1", "w-4"]
    assert [(d.duplicate_of, d.kind) for d in report.duplicates] == [("w-1", "exact"), ("w-1", "near")]
    assert 0.5 <= report.duplicates[1].similarity < 1.0
    assert "w-1" in "\n".join(report.summary_lines())
    kept = store.get("w-1")
    assert [a.url for a in kept.alternates] == ["https://mirror.example/copy", "https://asiatech.example/malaysia"]
    assert store.resolve("w-3") == "w-1"
    assert ingest([str(path)], store).unchanged == ["w-1", "w-1", "w-1", "w-4"]


def test_directories_are_read_recursively_with_metadata(store: ArticleStore) -> None:
    report = ingest([str(FIXTURES / "pages")], store)
    assert len(report.added) == 2
    assert [s.reason for s in report.skipped] == ["empty file"]
    by_title = {a.title: a for a in store.articles()}
    dump = by_title["Seoul Weighs Stockpile of Rare Earth Inputs for Memory Fabs"]
    assert dump.canonical_url == "https://koreachipwire.example/news/seoul-rare-earth-stockpile"
    assert dump.published == date(2025, 7, 2) and dump.author == "Ji-ho Park" and dump.origin == "text"
    assert "Also read" not in dump.text and "senior reporter" not in dump.text and "Share this" not in dump.text
    assert dump.text.endswith("in the spring.")
    note = by_title[None]
    assert note.published == date(2025, 8, 10)  # from the dateline
    assert note.source == "local"


def test_stdin_jsonl(store: ArticleStore) -> None:
    stream = io.StringIO(json.dumps(record("s-1", "https://s.example/x", OTHER_STORY)) + "\n")
    assert ingest(["-"], store, stdin=stream).added == ["s-1"]


def test_dates_are_never_invented(store: ArticleStore, tmp_path: Path) -> None:
    ingest([str(write_jsonl(tmp_path / "d.jsonl", [record("n-1", "https://x.example/story", OTHER_STORY)]))], store)
    assert store.get("n-1").published is None  # type: ignore[union-attr]


def test_a_record_s_page_furniture_is_not_stored(store: ArticleStore, tmp_path: Path) -> None:
    text = f"Skip to main content\n\n{WIRE_STORY}\n\nAdvertisement\n\nYou May Also Like\n\nMore From Author"
    path = write_jsonl(tmp_path / "a.jsonl", [record("dev-1", "https://news.example/malaysia", text)])
    ingest([str(path)], store)
    stored = store.get("dev-1")
    assert stored is not None and stored.text == WIRE_STORY.strip()
