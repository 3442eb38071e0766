from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.answering.types import Answer, Citation
from bot.cli import main
from bot.service.feedback_store import FeedbackStore, format_summary
from corpus.types import Article

ARTICLE = Article(
    "a1", "https://x.example/a", "https://x.example/a", "T", "x.example", date(2024, 1, 1), "Chips are scarce."
)


def answer(question: str, *, abstained: bool = False) -> Answer:
    citations = [] if abstained else [Citation(1, ARTICLE, "Chips are scarce.", 0, 17)]
    return Answer(question, "Not covered." if abstained else "“Chips are scarce.” [1]", citations, abstained)


def test_votes_are_stored_with_the_answer_and_summarised(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.db")
    first = store.record_answer(answer("Are chips scarce?"), user_id=1, channel_id=2)
    gap = store.record_answer(answer("Who won the match?", abstained=True))
    store.record_answer(answer("who won the match?", abstained=True))
    assert store.get(first).cited_ids == ["a1"] and store.get(gap).abstained
    assert store.vote(first, user_id=7, vote=1)
    assert store.vote(first, user_id=8, vote=-1)
    assert store.vote(first, user_id=8, vote=1)  # changed mind: one vote per user
    assert not store.vote(999, user_id=7, vote=1)
    with pytest.raises(ValueError):
        store.vote(first, user_id=7, vote=5)
    summary = store.summary()
    assert (summary.answers, summary.up, summary.down) == (3, 2, 0)
    assert [(q.lower(), n) for q, n in summary.abstained] == [("who won the match?", 2)]
    text = format_summary(summary)
    assert "abstained on (1)" in text and "2×" in text
    store.close()


def test_chipbot_feedback_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "feedback"]) == 0
    assert "no feedback yet" in capsys.readouterr().out
    store = FeedbackStore.open(tmp_path)
    store.vote(store.record_answer(answer("Are chips scarce?")), user_id=1, vote=-1)
    store.record_answer(answer("What is the capital of Mars?", abstained=True))
    store.close()
    assert main(["--data-dir", str(tmp_path), "feedback"]) == 0
    out = capsys.readouterr().out
    assert "👎 1" in out and "What is the capital of Mars?" in out and "Are chips scarce?" in out
