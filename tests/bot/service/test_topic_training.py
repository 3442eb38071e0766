"""Fitting the topic models: tune topics only, folds by topic, the floor chosen out of fold, deterministic."""

from __future__ import annotations

import pytest

from bot.answering.relevance import TopicRelevance
from bot.answering.terms import TermWeights
from bot.answering.topic_eval import LabelledTopic
from bot.answering.topic_features import SEED, TOPIC
from bot.service.topic_training import fit_topic_models, fold_of, probabilities, read_topics
from tests.bot.corpus_fixture import small_corpus
from tests.bot.fakes import FakeIndex

LABELLED = [
    LabelledTopic("Nvidia H200 exports to China", frozenset({"h200-approval", "h200-fee"}), frozenset()),
    LabelledTopic("H200 chips", frozenset({"h200-approval", "h200-fee"}), frozenset()),
    LabelledTopic("gallium and germanium export controls", frozenset({"gallium"}), frozenset()),
    LabelledTopic("China export curbs on metals", frozenset({"gallium"}), frozenset()),
    LabelledTopic("Rapidus funding", frozenset({"rapidus"}), frozenset()),
    LabelledTopic("Japan chip subsidies", frozenset({"rapidus"}), frozenset()),
    LabelledTopic("ASML DUV export rules", frozenset({"asml-duv"}), frozenset({"h200-fee"})),
    LabelledTopic("Dutch lithography curbs", frozenset({"asml-duv"}), frozenset()),
]


def reads():
    articles = small_corpus()
    weights = TermWeights.from_texts(f"{a.title}\n{a.text}" for a in articles)
    relevance = TopicRelevance(FakeIndex(articles), weights=lambda: weights, version=lambda: "g")
    ids = [a.id for a in articles] + ["copy-1"]  # a syndicated copy is read as its article
    return read_topics(relevance, articles, ids, LABELLED), ids


def test_reading_labels_every_article_and_folds_a_copy_into_its_article() -> None:
    found, ids = reads()
    assert len({fold_of(t.topic) for t in LABELLED}) >= 2
    first = found[0]
    assert len(first.found) == len(ids) and first.found[-1] is first.found[0]  # copy-1 is h200-approval's
    assert first.labels.tolist() == [True, True, False, False, False, False]
    asml = found[6]
    assert asml.counted.tolist() == [True, False, True, True, True, True]  # h200-fee is borderline there
    assert first.seed_rows().shape == (len(ids), len(SEED))


def test_fitted_models_rank_the_labelled_articles_first_and_are_deterministic() -> None:
    found, ids = reads()
    fitted = fit_topic_models(found, ids, embedder="hash")
    models = fitted.models
    assert models.seed.names == SEED and models.topic.names == TOPIC
    assert 0.0 < models.topic.threshold < 1.0
    assert models.topic.about["embedder"] == "hash" and "cv_recall" in models.topic.about
    assert set(fitted.held_out) == {(t.topic, i) for t in LABELLED for i in ids}
    scored = probabilities(models, found, ids)
    for topic in LABELLED:
        right = min(scored[(topic.topic, i)] for i in topic.articles)
        wrong = max(scored[(topic.topic, i)] for i in ids if i not in topic.articles | topic.borderline | {"copy-1"})
        assert right > wrong, topic.topic
    again = fit_topic_models(found, ids, embedder="hash").models
    assert again.topic.to_json() == models.topic.to_json() and again.seed.to_json() == models.seed.to_json()


def test_fitting_needs_topics_in_two_folds() -> None:
    found, ids = reads()
    one_fold = [t for t in found if t.fold == found[0].fold]
    with pytest.raises(ValueError, match="two folds"):
        fit_topic_models(one_fold, ids)
