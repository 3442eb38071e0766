"""The reliability suite's bad-input half: every class of bad input in ONE batch with good records.

Each bad input is one skip with a clear reason (or, when it can still be read, a stored article
with a note); every good record is stored; nothing raises. bench/reliability_corpus.py prints the
same batch as a table.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from corpus.pipeline import ingest
from corpus.store import open_store
from tests.corpus.bad_input_cases import FILE_CASES, GOOD_IDS, LINE_CASES, write_batch


def test_at_least_40_classes_of_bad_input_in_one_batch(data_dir: Path, tmp_path: Path) -> None:
    sources, feeds, expected = write_batch(tmp_path / "batch")
    assert len(LINE_CASES) + len(FILE_CASES) >= 40
    with open_store(data_dir) as store:
        report = ingest(sources, store, feeds=feeds)
        stored = {a.id: a for a in store.articles()}
    skipped = {s.source: s.reason for s in report.skipped}
    assert len(skipped) == len(report.skipped)  # one skip per bad input, never two
    notes = {n.source: n.message for n in report.notices}
    for label, case in expected.items():
        if case.outcome == "skip":
            assert case.says in skipped.pop(label, ""), f"{case.name}: {label} -> {report.skipped}"
        else:
            assert label not in skipped, f"{case.name} was refused: {skipped[label]}"
            if case.says:
                assert case.says in notes.get(label, ""), f"{case.name}: no note in {notes}"
    assert not skipped, f"unexpected skips: {skipped}"
    kept = [c for c in expected.values() if c.outcome == "kept"]
    assert set(GOOD_IDS) <= set(stored)
    assert len(report.added) == len(GOOD_IDS) + len(kept) and not report.duplicates and not report.updated
    future, unreadable = stored["k2"], stored["k3"]
    assert future.published is None and (future.published_given, future.date_problem) == ("2099-05-01", "future")
    assert unreadable.published is None and unreadable.date_problem == "unreadable"
    assert "Händler" in stored["k1"].text  # the Latin-1 line, decoded
    (page,) = [a for a in stored.values() if a.url.endswith("cp1252.html")]
    assert "Händler “zitieren” das Gesetz" in page.text  # a legacy-encoded page, decoded
    assert stored["good-1"].url == "https://good.example/1"  # the reused id did not replace the first story


def test_a_date_within_tomorrow_is_kept_and_the_flag_clears_when_the_input_is_fixed(
    data_dir: Path, tmp_path: Path
) -> None:
    from corpus.pipeline import to_article
    from corpus.records import Document

    today = date(2026, 3, 1)
    tomorrow, _ = to_article(Document("t", "Text.", url="https://a.example/1", published="2026-03-02"), today=today)
    after, _ = to_article(Document("t", "Text.", url="https://a.example/1", published="2026-03-03"), today=today)
    assert tomorrow.published == date(2026, 3, 2) and tomorrow.date_problem is None
    assert after.published is None and after.date_problem == "future"
    from_url, _ = to_article(Document("t", "Text.", url="https://a.example/2099/01/02/x"), today=today)
    assert from_url.published is None  # a future date spelled in the URL is not trusted either
