"""The labelled topics, their fixed split, and the precision/recall arithmetic of follow matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.topic_eval import LabelledTopic, assign_splits, choose_floor, load_topics, match_figures

REPO = Path(__file__).resolve().parents[3]


def test_the_shipped_topics_load_and_split_sixty_forty_by_name() -> None:
    path = REPO / "eval" / "topics" / "topics.jsonl"
    topics = load_topics(path)
    assert len(topics) >= 20
    named = {r["topic"] for r in map(json.loads, path.read_text().splitlines()) if "split" in r}
    hashed = [t for t in topics if t.topic not in named]
    assert len([t for t in hashed if t.split == "tune"]) == round(0.6 * len(hashed))
    again = {t.topic: t.split for t in assign_splits(list(reversed(hashed)))}
    assert again == {t.topic: t.split for t in hashed}  # fixed by the names, not the file order
    assert all(not (t.articles & t.borderline) for t in topics)


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps({"articles": ["1"], "borderline": [], **r}) + "\n" for r in records))
    return path


def test_a_topic_that_names_its_split_keeps_it_and_moves_no_other(tmp_path: Path) -> None:
    first = [{"topic": f"topic {n}"} for n in range(10)]
    before = {t.topic: t.split for t in load_topics(_write(tmp_path / "a.jsonl", first))}
    later = [{"topic": f"later {n}", "split": "tune"} for n in range(5)]
    after = {t.topic: t.split for t in load_topics(_write(tmp_path / "b.jsonl", first + later))}
    assert {k: after[k] for k in before} == before
    assert all(after[f"later {n}"] == "tune" for n in range(5))
    with pytest.raises(ValueError, match=r"c.jsonl:1: .*split 'dev' is not one of tune, test"):
        load_topics(_write(tmp_path / "c.jsonl", [{"topic": "x", "split": "dev"}]))


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
