"""The gate's decision logic: what it reads of an item, its weights file, thresholds, bypass."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corpus.gate.model import (
    LEXICAL_FEATURES,
    WEIGHTS_PATH,
    Bypass,
    GateItem,
    GateModel,
    GateModelError,
    TopicGate,
    gate_text,
    lexical_features,
)
from tests.corpus.gate_fakes import WordEmbedder, WordGate


def one_hot_model(embedder: WordEmbedder, word: str, threshold: float = 0.5) -> GateModel:
    """Weights that score an item by how much of its vector lies on ``word``'s dimension."""
    weights = np.zeros(embedder.dim + len(LEXICAL_FEATURES))
    weights[int(np.argmax(embedder.embed([word])[0]))] = 12.0
    return GateModel(embedder.name, embedder.dim, 500, weights, -6.0, threshold)


def test_gate_text_is_title_summary_and_start_of_text_without_repeating_a_summary() -> None:
    item = GateItem("Dutch widen  licence rules", summary="More DUV tools need licences.", text="ASML: " + "x " * 400)
    text = gate_text(item, 100)
    assert text.splitlines()[:2] == ["Dutch widen licence rules", "More DUV tools need licences."]
    assert len(text.splitlines()[2]) == 100
    summary_item = GateItem("T", summary="The text itself, a feed summary.", text="The text itself, a feed summary.")
    assert gate_text(summary_item, 1000) == "T\nThe text itself, a feed summary."
    assert gate_text(GateItem(None, "only text"), 1000) == "only text"


def test_lexical_features_count_trade_words_only_as_chip_trade_when_chips_are_named() -> None:
    features = dict(zip(LEXICAL_FEATURES, lexical_features("US tariff on steel and a sanction on oil")))
    assert features["policy_terms"] > 0 and features["chip_terms"] == 0 and features["policy_x_chip"] == 0
    both = dict(zip(LEXICAL_FEATURES, lexical_features("Export controls on Nvidia GPUs and ASML tools")))
    assert both["policy_x_chip"] == pytest.approx(both["policy_terms"] * both["chip_terms"]) and both["chip_terms"] > 0


def test_weights_round_trip_and_bad_files_are_refused_with_a_hint(tmp_path) -> None:
    embedder = WordEmbedder()
    model = one_hot_model(embedder, "export")
    again = GateModel.from_json(model.to_json())
    assert again.embedder == model.embedder and np.allclose(again.weights, model.weights)
    assert again.threshold == model.threshold and again.text_chars == 500

    data = json.loads(model.to_json())
    with pytest.raises(GateModelError, match="train-gate"):
        GateModel.from_json(json.dumps(data | {"weights": data["weights"][:-1]}))
    with pytest.raises(GateModelError, match="another version"):
        GateModel.from_json(json.dumps(data | {"lexical_features": ["x"]}))
    with pytest.raises(GateModelError, match="not a gate weights file"):
        GateModel.from_json("not json")
    with pytest.raises(GateModelError, match="cannot read"):
        GateModel.load(tmp_path / "missing.json")


def test_the_gate_admits_at_or_above_its_threshold_and_the_threshold_can_be_overridden() -> None:
    embedder = WordEmbedder()
    model = one_hot_model(embedder, "export")
    on, off = GateItem("export export", text="export"), GateItem("gaming review", text="frames per second")
    gate = TopicGate(model, embedder)
    yes, no = gate.decide(on), gate.decide(off)
    assert yes.admitted and not no.admitted and yes.score > 0.5 > no.score and yes.reason == "gate"
    assert yes.threshold == 0.5 and not gate.admits_all
    assert TopicGate(model, embedder, threshold=0.0).decide(off).admitted  # 0 admits everything
    assert not TopicGate(model, embedder, threshold=1.0).decide(on).admitted


def test_the_gate_refuses_vectors_of_another_model() -> None:
    model = one_hot_model(WordEmbedder(), "export")
    with pytest.raises(GateModelError, match="trained on 'word-test' vectors, not 'other'"):
        TopicGate(model, WordEmbedder(name="other"))


def test_a_bypass_admits_everything_but_keeps_the_score() -> None:
    gate = WordGate()
    decision = Bypass(gate).decide(GateItem("Gaming laptop review", text="Battery life is long."))
    assert decision.admitted and decision.reason == "bypass" and decision.score == 0.05
    assert Bypass(gate).admits_all and gate.asked == ["Gaming laptop review"]


def test_the_packaged_weights_expect_the_packaged_model() -> None:
    model = GateModel.load(WEIGHTS_PATH)
    assert model.embedder == "sentence-transformers/all-MiniLM-L6-v2" and model.dim == 384
    assert 0.0 < model.threshold < 1.0
    cv = model.about["tune_cv"]
    assert cv["admit_rate"] >= 0.97 and cv["reject_rate"] >= 0.95  # what training reported on tune
