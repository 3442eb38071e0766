"""Topic relevance: the answer engine's reading as topic signals, the reference level, the seed-weighted
neighbours, the packaged models, and what is kept per index generation."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from bot.answering.evidence import Query, Reading
from bot.answering.model import LinearModel, ModelMismatch
from bot.answering.relevance import TopicModels, TopicRelevance
from bot.answering.terms import TermWeights
from bot.answering.topic_features import (
    MIN_LEVEL,
    NEIGHBOUR,
    SCALED,
    SEED,
    TOPIC,
    Reference,
    Signals,
    Vocabulary,
    seed_features,
    signals,
    term_matrices,
    term_vector,
)
from corpus.types import Article
from tests.bot.corpus_fixture import small_corpus
from tests.bot.fakes import FakeIndex, make_article


class CountingIndex(FakeIndex):
    def __init__(self, articles: list[Article]) -> None:
        super().__init__(articles)
        self.vector_loads: list[list[str]] = []
        self.vectors_used: list[np.ndarray | None] = []  # the query vector each search used

    def sentence_vectors(self, article_ids: list[str]):
        self.vector_loads.append(list(article_ids))
        return super().sentence_vectors(article_ids)

    def search(self, query: str, **kwargs):
        result = super().search(query, **kwargs)
        self.vectors_used.append(result.query_vector)
        return result


def judge(articles: list[Article], version: list[str] | None = None) -> tuple[TopicRelevance, CountingIndex]:
    index = CountingIndex(articles)
    weights = TermWeights.from_texts(f"{a.title}\n{a.text}" for a in articles)
    generation = version or ["gen-1"]
    return TopicRelevance(index, weights=lambda: weights, version=lambda: generation[0]), index


def test_packaged_models_put_articles_about_the_topic_over_the_floor_and_others_under() -> None:
    articles = small_corpus()
    relevance, _ = judge(articles)
    assert 0.0 < relevance.floor < 1.0
    scores = dict(zip((a.id for a in articles), relevance.scores("Nvidia H200 exports to China", articles)))
    assert all(0.0 <= p <= 1.0 for p in scores.values())
    assert scores["h200-fee"] >= relevance.floor
    unrelated = max(scores["rapidus"], scores["gallium"], scores["asml-duv"])
    assert unrelated < relevance.floor and scores["h200-approval"] > unrelated
    gallium = dict(zip((a.id for a in articles), relevance.scores("gallium and germanium export controls", articles)))
    assert gallium["gallium"] >= relevance.floor > max(v for k, v in gallium.items() if k != "gallium")


def test_an_empty_topic_or_no_articles_scores_nothing_and_searches_nothing() -> None:
    relevance, index = judge(small_corpus())
    assert relevance.scores("  ", small_corpus()) == [0.0] * 5
    assert relevance.scores("Rapidus", []) == []
    assert index.queries == []


def test_a_known_embedding_of_the_topic_spares_embedding_it_again() -> None:
    articles, topic = small_corpus(), "Nvidia H200 exports to China"  # no time words: its search embeds it whole
    relevance, index = judge(articles)
    scored = relevance.scores(topic, articles)
    vector = index.embedder.embed([topic])[0]
    for known, reused in (((topic, vector), True), (("Nvidia H200 exports", vector), False)):
        relevance, index = judge(articles)
        assert relevance.scores(topic, articles, known=known) == scored
        assert len(index.vectors_used) == 1 and (index.vectors_used[0] is vector) == reused  # else embedded again


def test_signals_are_the_readings_coverage_names_and_sentence_similarity() -> None:
    about = make_article("a", "Rapidus will build a 2nm fab in Hokkaido with state funding.", title="Rapidus fab")
    other = make_article("b", "Japan will fund a 2nm fab in Hokkaido, officials said.", title="Japan fab")
    weights = TermWeights.from_texts(f"{a.title}\n{a.text}" for a in (about, other))
    vector = np.zeros(4, dtype=np.float32)
    vector[0] = 1.0
    query = Query.parse("Rapidus Hokkaido fab", weights, today=date(2026, 1, 1), vector=vector)
    sentence_vectors = np.array([[0.6, 0.8, 0.0, 0.0]], dtype=np.float32)
    read = [Reading(a, query, vectors=sentence_vectors) for a in (about, other)]
    vocabulary = Vocabulary()
    first, second = (signals(r, weights, sentence_vectors, term_vector(r, weights, vocabulary)) for r in read)
    values = dict(zip(SCALED, first.scaled))
    assert values["coverage_article"] == pytest.approx(1.0) and values["coverage_title"] > 0
    assert values["dense_sentence"] == pytest.approx(0.6) and values["dense_mean"] == pytest.approx(0.6)
    assert first.missing_names == 0.0 and second.missing_names == 1.0  # "Rapidus" is never named in b
    assert dict(zip(SCALED, second.scaled))["coverage_article"] < 1.0
    assert first.centroid is not None and float(np.linalg.norm(first.centroid)) == pytest.approx(1.0)


VOCABULARY = Vocabulary()


def _signals(article_id: str, value: float, terms: dict[str, float] | None = None) -> Signals:
    centroid = np.array([1.0, 0.0]) if value > 0.5 else np.array([0.0, 1.0])
    vector = VOCABULARY.vector(terms or {article_id: 1.0})
    return Signals(article_id, np.full(len(SCALED), value), 0.0, centroid, vector)


def test_reference_levels_average_the_best_values_leave_the_scored_article_out_and_have_a_floor() -> None:
    reference = Reference(tuple(_signals(f"r{i}", v) for i, v in enumerate((0.9, 0.8, 0.7, 0.6, 0.5, 0.1))))
    assert reference.levels("elsewhere") == pytest.approx([0.7] * 4 + [MIN_LEVEL["bm25_article"]] + [0.7] * 5)
    assert reference.levels("r0") == pytest.approx([0.54] * 4 + [MIN_LEVEL["bm25_article"]] + [0.54] * 5)
    assert Reference(()).levels("x") == pytest.approx([MIN_LEVEL[name] for name in SCALED])
    row = seed_features([_signals("r0", 0.9)], reference)[0]
    assert len(row) == len(SEED)
    assert row[len(SCALED) + 2 :] == pytest.approx(np.full(len(SCALED), 0.9) / reference.levels("r0"))


def test_neighbours_weigh_reference_articles_by_their_seed_probability() -> None:
    members = (
        _signals("sure", 0.9, {"asml": 0.8, "licenc": 0.6}),
        _signals("unsure", 0.2, {"tariff": 1.0}),
    )
    with pytest.raises(ValueError, match="seed probabilities"):
        Reference(members).neighbours(members[:1])
    reference = Reference(members, seeds=(0.9, 0.1))
    like_sure = _signals("new", 0.9, {"asml": 0.8, "licenc": 0.6})
    like_unsure = _signals("other", 0.2, {"tariff": 1.0})
    rows = reference.neighbours([like_sure, like_unsure, members[0]])
    sure, unsure, itself = (dict(zip(NEIGHBOUR, row)) for row in rows)
    assert sure["words_like_sure"] == pytest.approx(0.9) and unsure["words_like_sure"] == pytest.approx(0.1)
    assert sure["words_like_mean"] == pytest.approx(0.9) and unsure["words_like_mean"] == pytest.approx(0.1)
    assert sure["meaning_like_mean"] > unsure["meaning_like_mean"]
    # an article is never its own neighbour: only "unsure" is left to compare "sure" with
    assert itself["words_like_sure"] == pytest.approx(0.0) and itself["meaning_like_sure"] == pytest.approx(0.0)
    assert Reference((), seeds=()).neighbours([like_sure]).tolist() == [[0.0] * len(NEIGHBOUR)]


def test_term_vectors_are_unit_and_weigh_rare_terms_more() -> None:
    articles = small_corpus()
    weights = TermWeights.from_texts(f"{a.title}\n{a.text}" for a in articles)
    query = Query.parse("gallium", weights, today=date(2026, 1, 1))
    vocabulary = Vocabulary()
    vector = term_vector(Reading(articles[-1], query), weights, vocabulary)
    (matrix,) = term_matrices([vector])
    assert float(matrix[0] @ matrix[0]) == pytest.approx(1.0)

    def weight(term: str) -> float:
        mine, single = term_matrices([vector], [vocabulary.vector({term: 1.0})])
        return float(mine[0] @ single[0])

    assert weight("gallium") > weight("china") > 0.0 and weight("tariff") == 0.0


def test_topics_and_stored_vectors_are_kept_for_one_generation() -> None:
    version = ["gen-1"]
    articles = small_corpus()
    relevance, index = judge(articles, version)
    relevance.scores("Rapidus funding", articles)
    searches, loads = len(index.queries), len(index.vector_loads)
    relevance.scores("rapidus  FUNDING", articles)  # the same topic, written differently
    relevance.scores("Rapidus funding", articles[:2])
    assert len(index.queries) == searches and len(index.vector_loads) == loads
    version[0] = "gen-2"  # a new generation: the reference and the vectors are read again
    relevance.scores("Rapidus funding", articles)
    assert len(index.queries) == searches + 1 and len(index.vector_loads) > loads


def test_models_fitted_on_other_features_are_refused() -> None:
    def model(names: tuple[str, ...]) -> LinearModel:
        return LinearModel(names, (0.0,) * len(names), (1.0,) * len(names), (0.0,) * len(names), 0.0)

    weights = TermWeights.from_texts(["a"])
    index = FakeIndex(small_corpus())
    wrong = TopicModels(model(SEED[:-1]), model(TOPIC))
    with pytest.raises(ModelMismatch, match=r"topic_relevance\.py --fit"):
        TopicRelevance(index, weights=lambda: weights, version=lambda: "g", models=wrong)
    assert TopicModels.load().topic.names == TOPIC


def test_a_misspelt_name_in_a_topic_is_read_as_the_name() -> None:
    articles = small_corpus()
    weights = TermWeights.from_articles(articles)
    relevance = TopicRelevance(CountingIndex(articles), weights=lambda: weights, version=lambda: "gen-1")
    assert "nvidia" in weights.proper
    right = relevance.scores("Nvidia H200 exports to China", articles)
    assert relevance.scores("Nvdia H200 exports to China", articles) == pytest.approx(right)
