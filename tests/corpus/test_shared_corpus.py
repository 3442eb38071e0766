"""Integration: the whole shared development corpus goes through the real pipeline."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from corpus.normalize import display_url
from corpus.pipeline import ingest
from corpus.store import open_store


def test_ingest_the_shared_corpus(shared_corpus: Path, data_dir: Path) -> None:
    path = shared_corpus / "chip_trade_news.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with open_store(data_dir) as store:
        report = ingest([str(path)], store)
        assert not report.skipped and not report.updated
        assert len(report.added) + len(report.duplicates) == len(records)
        assert store.count() == len(report.added)
        assert len(report.duplicates) <= len(records) // 20  # syndicated copies are rare, not the norm
        stored_ids = {a.id for a in store.articles()}
        trimmed = 0
        for rec in records:  # every id is kept, as an article or as an alternate's id
            assert store.resolve(rec["id"]) is not None
            if rec["id"] in stored_ids:
                article = store.get(rec["id"])
                assert article is not None and article.url == display_url(rec["url"]) and article.title == rec["title"]
                if rec["published"]:
                    assert article.published == date.fromisoformat(rec["published"])
                # cleaning touches whitespace and drops whole lines of page furniture, nothing else
                kept, given = _lines(article.text), _lines(rec["text"])
                assert _in_order(kept, given)
                trimmed += kept != given
        assert trimmed <= len(records) // 10  # furniture is left in a few records, not in most
        for dup in report.duplicates:
            assert dup.duplicate_of in stored_ids and dup.kind in ("exact", "near")
        for article in store.articles():
            chunks = store.chunks(article.id)
            assert chunks and [c.ordinal for c in chunks] == list(range(len(chunks)))
            assert all(article.text[c.start : c.end] == c.text and c.text.strip() for c in chunks)
        questions = [json.loads(line) for line in (shared_corpus / "dev_questions.jsonl").open(encoding="utf-8")]
        for q in questions:  # the evidence of every dev question is still quotable verbatim
            if q["article_id"]:
                article = store.get(store.resolve(q["article_id"]) or "")
                assert article is not None and q["evidence"] in article.text
        again = ingest([str(path)], store)
        assert len(again.unchanged) == len(records) and not (again.added or again.updated or again.duplicates)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.replace("\u00a0", " ").split("\n") if line.strip()]


def _in_order(part: list[str], whole: list[str]) -> bool:
    """Whether ``part`` is ``whole`` with some lines left out."""
    rest = iter(whole)
    return all(any(line == other for other in rest) for line in part)
