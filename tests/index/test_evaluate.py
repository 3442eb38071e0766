from __future__ import annotations

import json
from pathlib import Path

from index.evaluate import Outcome, Question, load_questions, percentile, summarise


def test_recall_mrr_and_latency() -> None:
    outcomes = [
        Outcome(Question("q1", "?", "a"), [["a"], ["b"]], 10.0),
        Outcome(Question("q2", "?", "b"), [["a"], ["c", "b"]], 20.0),  # found as a folded copy at rank 2
        Outcome(Question("q3", "?", "z"), [["a"]], 30.0),
        Outcome(Question("q4", "?", None), [["a"]], 40.0),  # unanswerable: not scored
    ]
    report = summarise(outcomes)
    assert report.answerable == 3 and report.questions == 4
    assert report.recall == {1: 1 / 3, 3: 2 / 3, 5: 2 / 3}
    assert abs(report.mrr - (1 + 0.5) / 3) < 1e-9
    assert report.latency_ms["p50"] == 20.0 and report.latency_ms["max"] == 40.0
    assert [m["id"] for m in report.misses] == ["q2", "q3"]


def test_percentile_nearest_rank() -> None:
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([5.0], 50) == 5.0
    assert percentile([], 50) == 0.0


def test_load_questions_reads_the_shared_format(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "x", "question": "Q?", "answer": None, "article_id": None}) + "\n\n")
    assert load_questions(path) == [Question("x", "Q?", None)]
