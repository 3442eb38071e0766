"""The gate in the ingest pipeline: rejected items kept whole with their scores, nothing re-scored
needlessly, bypass and --no-gate admit, admins overrule it, per-feed counts, and the migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from corpus.chunk import default_chunker
from corpus.gate.ledger import GateLedger
from corpus.gate.model import Bypass
from corpus.gate.overrule import NothingToOverrule, admit, reject
from corpus.migrate import schema_version
from corpus.pipeline import Ingester, ingest
from corpus.records import Document, IngestReport
from corpus.store import MIGRATIONS, ArticleStore, open_store
from tests.corpus.gate_fakes import WordGate
from tests.corpus.helpers import OTHER_STORY, WIRE_STORY, record, write_jsonl

OFF_TOPIC = (
    "The new gaming laptop has a 16-inch OLED screen, a fast graphics card and a keyboard with per-key "
    "lighting. In our tests the battery lasted seven hours of video playback, and the fans stayed quiet."
)
FEED = "https://feeds.example/tech.xml"


@pytest.fixture
def store(data_dir: Path) -> ArticleStore:
    with open_store(data_dir) as opened:
        yield opened


def mixed(tmp_path: Path, off_text: str = OFF_TOPIC) -> Path:
    return write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            record("on-1", "https://wire.example/permits", WIRE_STORY, title="Malaysia requires export permits"),
            record("off-1", "https://reviews.example/laptop", off_text, title="Laptop review"),
            record("on-2", "https://other.example/japan", OTHER_STORY, title="Japan export control list grows"),
        ],
    )


def test_off_topic_items_become_rejected_records_with_their_scores(store: ArticleStore, tmp_path: Path) -> None:
    gate = WordGate()
    report = ingest([str(mixed(tmp_path))], store, gate=gate)
    assert report.added == ["on-1", "on-2"] and [r.article_id for r in report.rejected] == ["off-1"]
    assert report.read == 3 and "rejected as off-topic 1" in report.summary_lines()[0]
    assert "  rejected (score 0.05): off-1 Laptop review" in report.summary_lines()
    assert store.get("off-1") is None and store.count() == 2

    ledger = GateLedger(store)
    (kept_out,) = ledger.rejected_items()
    assert kept_out.article.id == "off-1" and kept_out.article.text == OFF_TOPIC and kept_out.score == 0.05
    assert kept_out.threshold == 0.5
    on = ledger.decision("https://wire.example/permits")
    assert on is not None and on.admitted and on.reason == "gate" and on.score is not None and on.score > 0.5


def test_an_unchanged_rejected_item_is_not_scored_again_but_a_changed_one_is(
    store: ArticleStore, tmp_path: Path
) -> None:
    gate = WordGate()
    ingest([str(mixed(tmp_path))], store, gate=gate)
    assert len(gate.asked) == 3
    again = ingest([str(mixed(tmp_path))], store, gate=gate)
    assert len(gate.asked) == 3 and sorted(again.unchanged) == ["off-1", "on-1", "on-2"] and not again.rejected

    changed_text = OFF_TOPIC + " Its maker says a new tariff and an export licence rule raise its price."
    changed = ingest([str(mixed(tmp_path, changed_text))], store, gate=gate)
    assert gate.asked[3:] == ["Laptop review"] and changed.added == ["off-1"]  # the new text scores 0.95
    assert GateLedger(store).rejected_items() == [] and store.get("off-1") is not None


def test_a_bypass_or_an_ungated_ingest_admits_an_item_the_gate_kept_out(store: ArticleStore, tmp_path: Path) -> None:
    ingest([str(mixed(tmp_path))], store, gate=WordGate())
    bypassed = ingest([str(mixed(tmp_path))], store, gate=Bypass(WordGate()))
    assert bypassed.added == ["off-1"] and not GateLedger(store).rejected_items()
    decision = GateLedger(store).decision("https://reviews.example/laptop")
    assert decision is not None and decision.admitted and decision.reason == "bypass" and decision.score == 0.05


def test_without_a_gate_everything_is_admitted_and_recorded_as_ungated(store: ArticleStore, tmp_path: Path) -> None:
    report = ingest([str(mixed(tmp_path))], store)
    assert report.added == ["on-1", "off-1", "on-2"]
    decision = GateLedger(store).decision("https://reviews.example/laptop")
    assert decision is not None and decision.admitted and decision.reason == "ungated" and decision.score is None


def test_per_feed_counts(store: ArticleStore) -> None:
    ingester = Ingester(store, default_chunker(), gate=WordGate())
    report = IngestReport()
    items = [(FEED, WIRE_STORY), (FEED, OFF_TOPIC), (FEED, OTHER_STORY), ("https://b.example/rss", OFF_TOPIC[::-1])]
    for n, (feed, text) in enumerate(items):
        ingester.ingest(Document(source=f"{feed}#{n}", text=text, url=f"https://x.example/{n}", feed=feed), report)
    assert len(report.added) == 2 and len(report.rejected) == 2
    counts = {c.feed: (c.admitted, c.rejected) for c in GateLedger(store).feed_counts()}
    assert counts == {FEED: (2, 1), "https://b.example/rss": (0, 1)}


def test_an_admin_admits_a_rejected_item_and_the_correction_is_recorded(store: ArticleStore, tmp_path: Path) -> None:
    ingest([str(mixed(tmp_path))], store, gate=WordGate())
    article = admit(store, "off-1")
    assert store.get("off-1") == article and store.chunks("off-1")
    assert all(article.text[c.start : c.end] == c.text for c in store.chunks("off-1"))
    ledger = GateLedger(store)
    assert ledger.rejected_items() == []
    decision = ledger.decision(article.canonical_url)
    assert decision is not None and decision.admitted and decision.reason == "admin" and decision.score == 0.05
    (correction,) = ledger.corrections()
    assert correction.label == 1 and correction.item.title == "Laptop review" and correction.score == 0.05
    assert correction.item.text == OFF_TOPIC
    with pytest.raises(NothingToOverrule, match="already an article"):
        admit(store, "off-1")
    with pytest.raises(NothingToOverrule, match="articles --rejected"):
        admit(store, "nope")


def test_a_rejected_item_keeps_a_doubtful_date_through_admit_and_reject(store: ArticleStore, tmp_path: Path) -> None:
    """A date the input gave but that is not used (migration 2) survives the rejected records (migration 5)."""
    path = write_jsonl(
        tmp_path / "dated.jsonl",
        [record("off-1", "https://reviews.example/laptop", OFF_TOPIC, title="Laptop review", published="2099-05-01")],
    )
    report = ingest([str(path)], store, gate=WordGate())
    assert [r.article_id for r in report.rejected] == ["off-1"] and report.notices
    (kept_out,) = GateLedger(store).rejected_items()
    given = (kept_out.article.published, kept_out.article.published_given, kept_out.article.date_problem)
    assert given == (None, "2099-05-01", "future")
    admitted = admit(store, "off-1")
    assert store.get("off-1") == admitted
    assert (admitted.published_given, admitted.date_problem) == ("2099-05-01", "future")
    reject(store, "off-1")
    (again,) = GateLedger(store).rejected_items()
    assert (again.article.published_given, again.article.date_problem) == ("2099-05-01", "future")


def test_an_admin_rejects_an_admitted_article(store: ArticleStore, tmp_path: Path) -> None:
    ingest([str(mixed(tmp_path))], store, gate=WordGate())
    reject(store, "on-2")
    assert store.get("on-2") is None and store.chunks("on-2") == []
    ledger = GateLedger(store)
    assert {i.article.id for i in ledger.rejected_items()} == {"off-1", "on-2"}
    assert [(c.article_id, c.label) for c in ledger.corrections()] == [("on-2", 0)]
    again = ingest([str(mixed(tmp_path))], store, gate=WordGate())  # the feed still carries it: it stays out
    assert "on-2" in again.unchanged and store.get("on-2") is None
    with pytest.raises(NothingToOverrule):
        reject(store, "on-2")


def test_an_older_corpus_gains_the_gate_tables_and_keeps_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "old" / "corpus.db"
    path.parent.mkdir()
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + ";\nPRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO articles (id, url, canonical_url, title, source, text, origin, content_hash, updated_at) "
        "VALUES ('a', 'https://a.example', 'https://a.example', 'A', 'a.example', 'Text.', 'jsonl', 'h', 'now')"
    )
    db.commit()
    db.close()
    with ArticleStore(path) as store:
        assert store.get("a") is not None and GateLedger(store).rejected_items() == []
        assert schema_version(store.db) == len(MIGRATIONS)
