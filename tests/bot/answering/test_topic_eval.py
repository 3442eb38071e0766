"""The labelled topics, their fixed split, and the precision/recall arithmetic of follow matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.topic_eval import LabelledTopic, assign_splits, choose_floor, load_topics, match_figures

REPO = Path(__file__).resolve().parents[3]


def test_the_shipped_topics_load_and_split_sixty_forty_by_name() -> None:
    topics = load_topics(REPO / "eval" / "topics" / "topics.jsonl")
    assert len(topics) >= 20
    tune = [t for t in topics if t.split == "tune"]
    assert len(tune) == round(0.6 * len(topics))
    again = {t.topic: t.split for t in assign_splits(list(reversed(topics)))}
    assert again == {t.topic: t.split for t in topics}  # fixed by the names, not the file order
    assert all(not (t.articles & t.borderline) for t in topics)


def test_a_bad_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "topics.jsonl"
    path.write_text(json.dumps({"topic": "x", "articles": [], "borderline": []}) + "\n{nope\n")
    with pytest.raises(ValueError, match=r"topics.jsonl:2"):
        load_topics(path)


def test_figures_count_pairs_and_skip_borderline() -> None:
    topics = [
        LabelledTopic("a", frozenset({"1", "2"}), frozenset({"3"})),
        LabelledTopic("b", frozenset({"4"}), frozenset()),
    ]
    figures = match_figures(topics, ["1", "2", "3", "4", "5"], {"a": {"1", "3", "5"}, "b": {"4"}})
    # a: 1 right, 3 borderline (not counted), 5 wrong, 2 missed; b: 4 right
    assert (figures.true_positives, figures.false_positives, figures.false_negatives) == (2, 1, 1)
    assert figures.precision == pytest.approx(2 / 3) and figures.recall == pytest.approx(2 / 3)


def test_choose_floor_takes_the_lowest_floor_reaching_the_precision() -> None:
    topics = [LabelledTopic("a", frozenset({"1", "2", "3"}), frozenset())]
    probabilities = {("a", "1"): 0.9, ("a", "2"): 0.8, ("a", "4"): 0.7, ("a", "3"): 0.6, ("a", "5"): 0.2}
    # floor 0.8: 2/2 right; 0.7: 2/3; 0.6: 3/4; so at precision 0.9 the lowest floor is 0.8
    assert choose_floor(topics, ["1", "2", "3", "4", "5"], probabilities) == 0.8
    assert choose_floor(topics, ["1", "2", "3", "4", "5"], probabilities, min_precision=0.75) == 0.6
