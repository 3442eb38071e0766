"""The gate's labelled set and training: fixed splits, clear errors, tune-only fitting, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corpus.gate.labelled import Labelled, LabelledSetError, fingerprint, hash_split, load_shared, load_written
from corpus.gate.model import GateItem, GateModel
from corpus.gate.train import Hyper, choose_threshold, confusion, evaluate, fit, probabilities, train
from tests.conftest import REPO
from tests.corpus.gate_fakes import WordEmbedder

ITEMS = REPO / "eval" / "gate" / "items.jsonl"
STORIES = REPO / "eval" / "questions" / "stories.jsonl"

ON = ["US widens export curbs on chip tools", "Licence rules for AI chips tightened", "Tariff on chips from China"]
OFF = ["Gaming laptop review with OLED screen", "New phone camera tested at night", "Cloud region opens in Ohio"]


def synthetic(n: int = 40) -> list[Labelled]:
    """Two clearly separable classes, with ids chosen so both splits hold both."""
    items = []
    for k in range(n):
        label = k % 2
        title = (ON if label else OFF)[k % 3] + f" part {k}"
        text = " ".join([title] * 3)
        split = "test" if k % 5 == 0 else "tune"
        items.append(Labelled(f"s-{k}", label, split, f"s-{k}", "written", GateItem(title, text)))
    return items


def test_the_written_items_split_by_a_fixed_hash_of_their_id() -> None:
    pinned = ["test", "tune", "test", "tune", "tune", "tune"]  # the split must never move: figures rest on it
    assert [hash_split(f"g-000{n}") for n in range(1, 7)] == pinned
    items = load_written(ITEMS)
    assert all(i.split == hash_split(i.id) for i in items)
    share = sum(i.split == "test" for i in items) / len(items)
    assert 0.33 < share < 0.47
    for split in ("tune", "test"):  # both sides hold both labels and hard cases of both
        side = [i for i in items if i.split == split]
        assert {(i.label, i.hard) for i in side} == {(0, False), (0, True), (1, False), (1, True)}
    assert len({i.id for i in items}) == len(items) and sum(1 - i.label for i in items) >= 300


def test_a_malformed_labelled_line_is_reported_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "items.jsonl"
    bad.write_text(json.dumps({"id": "x", "label": 2, "text": "t", "kind": "k"}) + "\n")
    with pytest.raises(LabelledSetError, match=r"items.jsonl:1: not a labelled item"):
        load_written(bad)
    bad.write_text("{oops\n")
    with pytest.raises(LabelledSetError, match=r"items.jsonl:1: not valid JSON"):
        load_written(bad)


def test_without_the_shared_corpus_training_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(LabelledSetError, match="CHIPBOT_SHARED_CORPUS"):
        load_shared(tmp_path / "nowhere" / "chip_trade_news.jsonl", STORIES)


def test_shared_articles_follow_the_story_split(shared_corpus: Path) -> None:
    shared = load_shared(shared_corpus / "chip_trade_news.jsonl", STORIES)
    assert len(shared) == 147 and all(i.label == 1 and i.origin == "shared" for i in shared)
    assert sum(i.split == "tune" for i in shared) == 87 and sum(i.split == "test" for i in shared) == 60
    groups: dict[str, set[str]] = {}
    for item in shared:
        groups.setdefault(item.group, set()).add(item.split)
    assert all(len(splits) == 1 for splits in groups.values())  # a story group never straddles the split
    assert not any("(inferred" in (i.item.title or "") for i in shared)


def test_the_threshold_keeps_the_wanted_share_of_positives_midway_in_a_gap() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.3, 0.6, 0.2, 0.1])
    labels = np.array([1, 1, 1, 1, 0, 0, 0])
    assert choose_threshold(scores, labels, 0.75) == pytest.approx(0.65)  # keeps 3 of 4; midway to 0.6
    assert choose_threshold(scores, labels, 1.0) == pytest.approx(0.25)
    result = confusion(scores, labels, 0.25)
    assert (result.tp, result.fn, result.tn, result.fp) == (4, 0, 2, 1)


def test_folding_the_standardisation_into_the_weights_keeps_the_fitted_probabilities() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = np.hstack([rng.normal(size=(60, 4)), rng.poisson(2.0, size=(60, 5)).astype(float)])
    y = (x[:, 0] + x[:, 5] > 2).astype(int)
    weights, bias = fit(x, y, Hyper(1.0, 1.0))
    mean, scale = x.mean(axis=0), x.std(axis=0)
    reference = LogisticRegression(C=1.0, class_weight="balanced", max_iter=10_000).fit((x - mean) / scale, y)
    assert np.allclose(probabilities(x, weights, bias), reference.predict_proba((x - mean) / scale)[:, 1])


def test_training_reads_only_tune_items_and_is_deterministic() -> None:
    items = synthetic()
    embedder = WordEmbedder()
    first = train(items, embedder, text_chars=200, grid=[Hyper(1.0, 1.0), Hyper(0.1, 3.0)])
    test_titles = {i.item.title for i in items if i.split == "test"}
    assert not any(title in text for text in embedder.seen for title in test_titles)
    again = train(items, WordEmbedder(), text_chars=200, grid=[Hyper(1.0, 1.0), Hyper(0.1, 3.0)])
    assert first.model.to_json() == again.model.to_json()
    model = GateModel.from_json(first.model.to_json())
    assert model.about["labelled_set"] == fingerprint(items) and model.about["tune_cv"]["admit_rate"] >= 0.98
    result = evaluate(model, embedder, [i for i in items if i.split == "test"])
    assert result.confusion.admit_rate == 1.0 and result.confusion.reject_rate == 1.0 and not result.misclassified


def test_training_needs_both_labels_on_tune() -> None:
    only_on = [i for i in synthetic() if i.label == 1]
    with pytest.raises(ValueError, match="both chip-trade and off-topic"):
        train(only_on, WordEmbedder())


def test_the_packaged_weights_were_trained_on_the_current_labelled_set(shared_corpus: Path) -> None:
    items = load_written(ITEMS) + load_shared(shared_corpus / "chip_trade_news.jsonl", STORIES)
    assert GateModel.load().about["labelled_set"] == fingerprint(items), (
        "eval/gate/items.jsonl changed since corpus/gate/weights.json was trained: run `make train-gate`"
    )
