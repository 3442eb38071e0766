"""Topic relevance: the signals, the reference level, the logistic model and its fitting."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.answering.relevance import TopicRelevance
from bot.answering.terms import TermWeights
from bot.answering.topic_model import DEFAULT_FLOOR, TOPIC_MODEL, LogisticModel, fit_logistic
from bot.answering.topic_signals import FEATURE_NAMES, MIN_LEVEL, RELATIVE, TopicSignals, reference_levels
from corpus.types import Article
from index.embedders.hashing import HashEmbedder
from tests.bot.corpus_fixture import small_corpus
from tests.bot.fakes import FakeIndex, make_article, paragraph_chunks


class ParagraphVectors:
    """Chunk vectors of the fake index's paragraph chunks, with the hash embedder."""

    def __init__(self) -> None:
        self.embedder = HashEmbedder()

    def topic_vector(self, topic: str) -> np.ndarray:
        return self.embedder.embed([topic])[0]

    def vectors(self, article: Article) -> np.ndarray:
        return self.embedder.embed([f"{article.title}\n{c.text}" for c in paragraph_chunks(article)])


def relevance(articles: list[Article]) -> tuple[TopicRelevance, FakeIndex]:
    index = FakeIndex(articles)
    weights = TermWeights.from_texts(f"{a.title}\n{a.text}" for a in articles)
    return TopicRelevance(index, ParagraphVectors(), weights=lambda: weights, version=lambda: "gen-1"), index


def test_articles_about_the_topic_clear_the_floor_and_others_do_not() -> None:
    judge, _ = relevance(small_corpus())
    articles = small_corpus()
    scores = dict(zip((a.id for a in articles), judge.scores("Nvidia H200 exports to China", articles)))
    assert all(0.0 <= p <= 1.0 for p in scores.values())
    assert scores["h200-fee"] >= DEFAULT_FLOOR and scores["h200-approval"] >= DEFAULT_FLOOR
    assert max(scores["rapidus"], scores["gallium"], scores["asml-duv"]) < DEFAULT_FLOOR
    gallium = dict(zip((a.id for a in articles), judge.scores("gallium and germanium export controls", articles)))
    assert gallium["gallium"] >= DEFAULT_FLOOR > max(v for k, v in gallium.items() if k != "gallium")


def test_an_empty_topic_or_no_articles_scores_nothing() -> None:
    judge, index = relevance(small_corpus())
    assert judge.scores("  ", small_corpus()) == [0.0] * 5
    assert judge.scores("Rapidus", []) == []
    assert index.queries == []


def test_reference_level_leaves_the_scored_article_out_and_is_cached_per_generation() -> None:
    version = ["gen-1"]
    articles = small_corpus()
    index = FakeIndex(articles)
    weights = TermWeights.from_texts(a.text for a in articles)
    judge = TopicRelevance(index, ParagraphVectors(), weights=lambda: weights, version=lambda: version[0])
    rapidus = next(a for a in articles if a.id == "rapidus")
    (features,) = judge.features("Rapidus funding", [rapidus])
    # the only article the search finds is the scored one: its reference level falls to the minimum
    assert [h.article.id for h in index.search("Rapidus funding").hits] == ["rapidus"]
    raw = features[: len(FEATURE_NAMES) - len(RELATIVE)]
    relative = features[len(raw) :]
    signals = dict(zip(FEATURE_NAMES, raw))
    assert relative == pytest.approx([signals[name] / MIN_LEVEL for name in RELATIVE])
    searches = len(index.queries)
    judge.scores("Rapidus funding", [rapidus])
    assert len(index.queries) == searches  # same generation: the reference is reused
    version[0] = "gen-2"
    judge.scores("Rapidus funding", [rapidus])
    assert len(index.queries) == searches + 1


def test_reference_levels_average_the_best_values() -> None:
    def signals(value: float) -> TopicSignals:
        return TopicSignals(value, value, value, value, 0, value, value, value)

    levels = reference_levels([signals(v) for v in (0.9, 0.8, 0.7, 0.6, 0.5, 0.1)])
    assert levels == pytest.approx([0.7] * len(RELATIVE))
    assert reference_levels([]) == [MIN_LEVEL] * len(RELATIVE)


def test_logistic_model_probability_and_bad_input() -> None:
    model = LogisticModel(("a", "b"), mean=(1.0, 0.0), scale=(2.0, 1.0), weights=(1.0, -0.5), intercept=0.25)
    z = 0.25 + 1.0 * (3.0 - 1.0) / 2.0 - 0.5 * 2.0
    assert model.probability([3.0, 2.0]) == pytest.approx(1 / (1 + math.exp(-z)))
    with pytest.raises(ValueError, match="expected 2 features"):
        model.probability([1.0])
    assert len(TOPIC_MODEL.weights) == len(TOPIC_MODEL.names) == len(FEATURE_NAMES)


def test_fit_logistic_learns_which_feature_matters() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] + 0.1 * rng.normal(size=400) > 0).astype(float)  # only the first feature decides
    model = fit_logistic(["signal", "noise"], x, y)
    assert model.weights[0] > 2.0 and abs(model.weights[1]) < 0.5
    predicted = np.array([model.probability(row) >= 0.5 for row in x])
    assert (predicted == y.astype(bool)).mean() > 0.9


def test_a_name_the_article_never_mentions_counts_against_it() -> None:
    about = make_article("a", "Rapidus will build a 2nm fab in Hokkaido with state funding.", title="Rapidus fab")
    other = make_article("b", "Japan will fund a 2nm fab in Hokkaido, officials said.", title="Japan fab")
    judge, _ = relevance([about, other])
    signals = judge.signals("Rapidus Hokkaido fab", [about, other])
    assert signals[0].missing_entities == 0 and signals[1].missing_entities == 1
    first, second = judge.scores("Rapidus Hokkaido fab", [about, other])
    assert first > second
