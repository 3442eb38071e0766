from __future__ import annotations

from pathlib import Path

import pytest

from bot.service import comparison, evaluation
from bot.service.labelled import LabelledQuestion


def outcome(qid: str, *, answerable: bool = True, cited_first: bool = False, abstained: bool = False):
    kind = "fact" if answerable else "unanswerable"
    evidence = {"a1": ("x",)} if answerable else {}
    question = LabelledQuestion(qid, "test", kind, qid, f"{qid}?", evidence=evidence)
    return evaluation.Outcome(question, abstained, cited_first, cited_first, 1.0, "a1" if cited_first else None, 0.5)


def test_outcomes_round_trip_through_a_file(tmp_path: Path) -> None:
    rows = comparison.records("test", [outcome("q1", cited_first=True), outcome("q2", answerable=False)])
    path = tmp_path / "outcomes.jsonl"
    comparison.write(path, rows)
    back = comparison.read(path)
    assert set(back) == {("test", "q1"), ("test", "q2")}
    assert back["test", "q1"]["cited_first"] and not back["test", "q2"]["answerable"]


def test_a_file_that_is_not_outcomes_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.jsonl"
    path.write_text('{"run": "test", "id": "q1", "answerable": true}\n')  # no outcome fields
    with pytest.raises(comparison.OutcomesFileError, match=r"outcomes.jsonl:1: .*chipbot eval --outcomes"):
        comparison.read(path)


def test_each_measure_counts_questions_better_and_worse_over_the_questions_of_both_runs() -> None:
    before = comparison.records(
        "tune",
        [
            outcome("q1", cited_first=False),
            outcome("q2", cited_first=True),
            outcome("q3", cited_first=False, abstained=True),
            outcome("u1", answerable=False, abstained=False),
            outcome("gone", cited_first=True),  # not asked again: not compared
        ],
    )
    now = comparison.records(
        "tune",
        [
            outcome("q1", cited_first=True),
            outcome("q2", cited_first=True),
            outcome("q3", cited_first=True),  # no longer abstained on
            outcome("u1", answerable=False, abstained=True),
            outcome("new", cited_first=False),  # not in the earlier run: not compared
        ],
    )
    [(run, rows)] = comparison.compare(comparison.index_records(before), now).items()
    by = {r.measure: r for r in rows}
    assert run == "tune" and by["cited first"].questions == 3
    assert (by["cited first"].before, by["cited first"].now) == (pytest.approx(1 / 3), 1.0)
    assert (by["cited first"].better, by["cited first"].worse) == (2, 0)
    # Fewer wrong abstentions is the better direction.
    assert (by["wrongly abstained"].better, by["wrongly abstained"].worse) == (1, 0)
    assert (by["unanswerable abstained"].questions, by["unanswerable abstained"].better) == (1, 1)
    assert "| cited first | 3 | 33.3% | 100.0% | 2 | 0 |" in comparison.format_comparison(run, rows, missing=1)


def test_sign_test_is_the_exact_two_sided_binomial() -> None:
    assert comparison.sign_test_p(0, 0) == 1.0
    assert comparison.sign_test_p(9, 2) == pytest.approx(0.0654296875)  # 2 * P(X <= 2), X ~ Bin(11, 1/2)
    assert comparison.sign_test_p(3, 3) == 1.0
    assert comparison.sign_test_p(10, 0) == pytest.approx(2 / 2**10)
