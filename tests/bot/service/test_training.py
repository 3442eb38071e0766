from __future__ import annotations

import numpy as np
import pytest

from bot.answering.answerer import Answerer
from bot.answering.features import ABSTAIN, EMBEDDER_SPECIFIC
from bot.answering.tuning import MAX_WRONG_ABSTENTION
from bot.cli.train import MODEL_FILES
from bot.service import training
from bot.service.labelled import LabelledQuestion
from tests.bot.corpus_fixture import small_corpus
from tests.bot.fakes import FakeIndex

NAMES = ("signal", "noise")


def planted_groups(seed: int, n: int = 60) -> list[training.Group]:
    """Groups of five rows where the right one has the largest ``signal`` (and random noise)."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(n):
        rows = rng.normal(size=(5, 2))
        right = np.zeros(5, dtype=bool)
        right[int(np.argmax(rows[:, 0]))] = True
        groups.append((rows, right))
    return groups


def test_pairwise_fitting_learns_which_row_of_a_group_is_right() -> None:
    model = training.fit_pairwise(planted_groups(0), 1.0, NAMES, {"C": 1.0})
    assert model.kind == "pairwise" and model.coef[0] > 0 and abs(model.coef[1]) < model.coef[0] / 3
    assert training.top1(model, planted_groups(1)) >= 0.9  # held-out groups
    assert model.about == {"C": 1.0}


def test_the_operating_point_keeps_wrong_abstentions_under_the_bound_and_catches_what_it_can() -> None:
    answerable_p = [0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3] * 4 + [0.32, 0.33, 0.1, 0.1]
    probabilities = np.array([*answerable_p, 0.2, 0.3, 0.55, 0.95])
    answerable = np.array([True] * 40 + [False] * 4)
    threshold, stats = training.choose_threshold(probabilities, answerable)
    answered = probabilities >= threshold
    assert (~answered[answerable]).mean() <= MAX_WRONG_ABSTENTION  # 2 of 40 answerable sit at 0.1
    # 0.3 abstains on the two at 0.1 and the unanswerable one at 0.2; 0.32 would also drop the four at 0.3
    assert threshold == pytest.approx(0.3) and stats == {"wrongly_abstained": 0.05, "unanswerable_abstained": 0.25}


def test_short_questions_get_their_own_operating_point_so_the_bound_holds_for_them_too() -> None:
    # Short answerable questions score lower (their features are coarser), so one operating point
    # for all would put most of its wrong abstentions on them.
    rng = np.random.default_rng(0)
    n = 400
    short = np.arange(n) < 100
    answerable = rng.random(n) < 0.8
    signal = np.where(answerable, 1.0, -1.0) + rng.normal(0, 1.0, n) - np.where(short & answerable, 1.0, 0.0)
    x = np.column_stack([signal, *(rng.normal(size=(len(ABSTAIN) - 1, n)))])
    fold = np.arange(n) % training.FOLDS
    model, per_fold = training.fit_abstainer(x, answerable, fold, short)
    assert model.short_threshold < model.threshold and len(per_fold) == training.FOLDS
    assert all((m.threshold, m.short_threshold) == (model.threshold, model.short_threshold) for m in per_fold)
    groups = model.about["short_questions"]
    assert groups["rows"] == 100 and groups["wrongly_abstained"] <= MAX_WRONG_ABSTENTION
    assert model.about["wrongly_abstained"] <= MAX_WRONG_ABSTENTION
    # Without short questions of both kinds there is one operating point, chosen on all of them.
    alone, _ = training.fit_abstainer(x, answerable, fold, short & answerable)
    assert alone.short_threshold == alone.threshold > 0.0


def test_the_confidence_is_fitted_to_whether_the_lead_answers_and_states_it_as_often_as_it_comes_true() -> None:
    # The lead answers with probability sigmoid(signal): a well fitted confidence says, out of fold,
    # about as much as comes true, bin by bin.
    rng = np.random.default_rng(1)
    n = 1000
    signal = rng.normal(0, 1.5, n)
    right = rng.random(n) < 1 / (1 + np.exp(-signal))
    x = np.column_stack([signal, *(rng.normal(size=(len(ABSTAIN) - 1, n)))])
    fold = np.arange(n) % training.FOLDS
    model, per_fold = training.fit_confidence(x, right, fold)
    assert len(per_fold) == training.FOLDS and model.names == ABSTAIN and model.kind == "pointwise"
    briers = model.about["cv_brier"]
    assert model.about["C"] == min(briers, key=lambda c: (briers[c], -c))  # the lowest out-of-fold Brier
    assert model.about["cv_calibration_error"] < 0.05 and model.about["lead_answers"] == round(right.mean(), 4)
    weights = dict(zip(ABSTAIN, model.coef))
    assert weights[ABSTAIN[0]] > 1.0 and all(abs(w) < 0.2 for name, w in weights.items() if name != ABSTAIN[0])
    oof = np.concatenate([m.probabilities(x[fold == k]) for k, m in enumerate(per_fold)])
    assert abs(oof.mean() - right[np.argsort(fold, kind="stable")].mean()) < 0.03


def test_unanswerable_rows_are_weighed_to_their_share_among_the_questions_as_first_written() -> None:
    answerable = np.array([True] * 70 + [False] * 30)
    weight = training.as_first_written(answerable)
    share = weight[~answerable].sum() / weight.sum()
    assert share == pytest.approx(training.NATURAL_UNANSWERABLE) and (weight[answerable] == 1.0).all()
    assert (training.as_first_written(np.ones(5, dtype=bool)) == 1.0).all()  # nothing to weigh


QUESTIONS = [
    ("How much did Japan approve for Rapidus?", "rapidus", "590 billion yen"),
    ("When does Rapidus plan mass production?", "rapidus", "mass production in 2027"),
    ("Which firms did Beijing clear to buy H200 chips?", "h200-approval", "ByteDance, Alibaba and Tencent"),
    ("How big is Washington's cut of H200 sales?", "h200-fee", "25% cut"),
    ("Which exports will the Dutch restrict?", "asml-duv", "DUV lithography"),
    ("When do the gallium controls start?", "gallium", "from August 1"),
    ("Are the gallium controls a ban?", "gallium", "not a ban"),
    ("Where is the Rapidus plant?", "rapidus", "Hokkaido"),
    ("Who will take a cut of H200 sales?", "h200-fee", "Washington will take"),
    ("What did Nvidia say about the approvals?", "h200-approval", "declined to comment"),
]


def labelled() -> list[LabelledQuestion]:
    rows = [
        LabelledQuestion(f"q{i}", "tune", "fact", f"g{i}", question, evidence={article: (evidence,)})
        for i, (question, article, evidence) in enumerate(QUESTIONS)
    ]
    rows += [
        LabelledQuestion(f"u{i}", "tune", "unanswerable", f"h{i}", question)
        for i, question in enumerate(["How much did Brazil spend on CEITEC?", "Who runs Intel's Ohio fab?"])
    ]
    return rows


def test_reading_labels_the_answering_candidates_and_the_windows_holding_the_evidence() -> None:
    reads = training.read_all(Answerer(FakeIndex(small_corpus())), labelled())
    first = reads[0]
    assert first.right.any()
    for i, labels in first.windows:
        reading, rows = first.evidence.readings[i], first.window_features(i)
        assert rows.shape[0] == len(reading.windows) == len(labels)
        assert all("590 billion yen" in reading.quote(w) for w, held in zip(reading.windows, labels) if held)
    assert not reads[-1].right.any() and reads[-1].windows == []  # unanswerable: nothing is right


def test_training_is_deterministic() -> None:
    answerer = Answerer(FakeIndex(small_corpus()))
    first, _ = training.train(training.read_all(answerer, labelled()))
    again, folds = training.train(training.read_all(answerer, labelled()))
    for name in MODEL_FILES:
        assert getattr(first, name).to_json() == getattr(again, name).to_json()
    assert len(folds) == training.FOLDS


def test_the_confidence_learns_whether_the_lead_it_weighs_answers() -> None:
    reads = training.read_all(Answerer(FakeIndex(small_corpus())), labelled())
    models, folds = training.train(reads)
    assert models.confidence is not None and all(f.confidence is not None for f in folds)
    # Its label: the question is answerable and the lead ``abstain_row`` weighs is an answering
    # article (the unanswerable questions have none).
    weighed = [(r, found[1]) for r in reads if (found := training.abstain_row(*first_three(models), r)) is not None]
    right = {r.question.id: bool(r.right[lead]) for r, lead in weighed}
    assert not any(ok for qid, ok in right.items() if qid.startswith("u")) and sum(right.values()) >= 7
    answerable = sum(r.question.answerable for r, _ in weighed) / len(weighed)
    assert 0.0 < models.confidence.about["lead_answers"] <= answerable


def first_three(models):
    assert models.passage is not None
    return models.ranker, models.quoter, models.passage


def test_the_lexical_abstainer_gives_the_embedding_models_similarities_no_weight() -> None:
    models, folds = training.train(training.read_all(Answerer(FakeIndex(small_corpus())), labelled()), "model-a")
    for lexical in [
        models.lexical_abstainer,
        models.lexical_confidence,
        *(f.lexical_abstainer for f in folds),
        *(f.lexical_confidence for f in folds),
    ]:
        assert lexical is not None
        weights = dict(zip(lexical.names, lexical.coef))
        assert all(weights[name] == 0.0 for name in EMBEDDER_SPECIFIC)
    assert models.lexical_abstainer.about["embedder"] == "model-a"


def test_folds_keep_a_story_together_and_hold_about_as_many_questions_each() -> None:
    questions = [LabelledQuestion(f"q{i}", "tune", "fact", f"s{i % 7}", "q?") for i in range(70)]
    questions += [LabelledQuestion(f"b{i}", "tune", "fact", "big", "q?") for i in range(20)]
    fold = training.assign_folds(questions)
    by_story: dict[str, set[int]] = {}
    for q in questions:
        by_story.setdefault(q.story, set()).add(fold[q.id])
    assert all(len(folds) == 1 for folds in by_story.values())
    sizes = [list(fold.values()).count(k) for k in range(training.FOLDS)]
    assert max(sizes) - min(sizes) <= 10 and sum(sizes) == 90  # stories of 10 and 20 questions
