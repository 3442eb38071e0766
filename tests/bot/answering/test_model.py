from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.answering.features import ABSTAIN, ARTICLE, EMBEDDER_SPECIFIC, PASSAGE, QUOTE
from bot.answering.model import LinearModel, ModelMismatch, Models
from bot.answering.tuning import NATURAL_UNANSWERABLE

MODEL = LinearModel(("a", "b"), mean=(1.0, 0.0), scale=(2.0, 1.0), coef=(1.0, -1.0), intercept=0.5, about={"C": 1})


def test_a_model_survives_its_json_and_standardises_its_rows() -> None:
    again = LinearModel.from_json(MODEL.to_json())
    assert again == MODEL
    rows = np.array([[3.0, 1.0], [1.0, 0.0]])
    assert np.allclose(again.scores(rows), [(3 - 1) / 2 - 1 + 0.5, 0.5])


def test_short_rows_may_have_their_own_operating_point_which_survives_the_json() -> None:
    two = LinearModel.from_json(replace(MODEL, threshold=0.6, short_threshold=0.35).to_json())
    assert (two.threshold_for(short=False), two.threshold_for(short=True)) == (0.6, 0.35)
    assert MODEL.threshold_for(short=True) == MODEL.threshold == 0.5  # none chosen: the one point
    one = two.at(0.2)
    assert (one.threshold_for(short=False), one.threshold_for(short=True)) == (0.2, 0.2)


def test_pairwise_probabilities_are_a_softmax_over_the_rows() -> None:
    pairwise = replace(MODEL, kind="pairwise")
    probabilities = pairwise.probabilities(np.array([[3.0, 1.0], [5.0, 0.0], [1.0, 5.0]]))
    assert np.isclose(probabilities.sum(), 1.0) and probabilities.argmax() == 1
    assert pairwise.probabilities(np.zeros((0, 2))).shape == (0,)


def test_a_model_trained_on_other_features_is_refused_with_advice() -> None:
    with pytest.raises(ModelMismatch, match="chipbot train"):
        MODEL.check(("a", "c"))


def test_the_shipped_models_match_the_features_the_code_computes() -> None:
    models = Models.load()
    assert (models.ranker.names, models.quoter.names, models.abstainer.names) == (ARTICLE, QUOTE, ABSTAIN)
    assert models.passage is not None and models.passage.names == PASSAGE
    assert models.ranker.kind == models.quoter.kind == models.passage.kind == "pairwise"
    assert models.abstainer.kind == "pointwise"
    assert 0.0 < models.abstainer.threshold < 1.0
    assert models.abstainer.about["wrongly_abstained"] <= 0.05  # the operating point's bound, on tune


def test_an_index_embedded_by_another_model_gets_the_lexical_abstainer() -> None:
    models = Models.load()
    trained = models.ranker.about["embedder"]
    assert models.lexical_abstainer is not None and models.lexical_abstainer.names == ABSTAIN
    assert models.lexical_abstainer.about["wrongly_abstained"] <= 0.05
    weights = dict(zip(ABSTAIN, models.lexical_abstainer.coef))
    assert [weights[name] for name in EMBEDDER_SPECIFIC] == [0.0] * len(EMBEDDER_SPECIFIC)
    assert sum(abs(w) > 0.05 for name, w in weights.items() if name not in EMBEDDER_SPECIFIC) >= 5  # the rest decide
    assert models.for_embedder(trained) is models and models.for_embedder(None) is models
    other = models.for_embedder("hash-384")
    assert other.abstainer is models.lexical_abstainer and other.ranker is models.ranker
    assert other.confidence is models.lexical_confidence is not None


def test_the_shipped_confidence_states_about_as_often_as_the_lead_answers() -> None:
    models = Models.load()
    for confidence in (models.confidence, models.lexical_confidence):
        assert confidence is not None and confidence.names == ABSTAIN and confidence.kind == "pointwise"
        # out of fold on tune, weighed as first written (the abstainer's probability: 0.04)
        assert confidence.about["cv_calibration_error"] < 0.06
        # weighed as the questions were first written: at most the answerable share, 1 - 60 / 393
        assert 0.5 < confidence.about["lead_answers"] < 1 - NATURAL_UNANSWERABLE


def test_models_trained_before_the_confidence_model_still_load(tmp_path) -> None:
    from bot.answering.model import MODELS

    for name in ("ranker", "quoter", "abstainer", "lexical_abstainer"):
        (tmp_path / f"{name}.json").write_text((MODELS / f"{name}.json").read_text())
    older = Models.load(tmp_path)
    assert older.passage is None and older.confidence is None and older.lexical_confidence is None
