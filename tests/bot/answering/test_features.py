from __future__ import annotations

from datetime import date

import numpy as np

from bot.answering.evidence import Query, Reading
from bot.answering.features import (
    ABSTAIN,
    ARTICLE,
    PASSAGE,
    QUOTE,
    WINDOW,
    abstain_features,
    article_features,
    passage_features,
    window_features,
)
from bot.answering.terms import TermWeights
from corpus.text.sentences import sentence_spans
from corpus.types import Alternate
from index.types import Hit
from tests.bot.corpus_fixture import small_corpus
from tests.bot.fakes import make_article, paragraph_chunks

ARTICLES = small_corpus()
WEIGHTS = TermWeights.from_texts(f"{a.title}\n{a.text}" for a in ARTICLES)


def read(question: str, articles=ARTICLES, previous: frozenset[str] = frozenset()):
    query = Query.parse(question, WEIGHTS, today=date(2026, 2, 1))
    hits = [Hit(a, paragraph_chunks(a)[0], score=10.0 - i, keyword_score=5.0 - i) for i, a in enumerate(articles)]
    readings = [Reading(a, query) for a in articles]
    return query, hits, readings, article_features(query, hits, readings, WEIGHTS, previous)


def column(rows: np.ndarray, name: str) -> list[float]:
    return rows[:, ARTICLE.index(name)].round(6).tolist()


def test_article_rows_put_scale_dependent_scores_relative_to_the_best_candidate() -> None:
    _, hits, _, rows = read("How much did Japan approve for Rapidus?")
    assert rows.shape == (len(hits), len(ARTICLE))
    assert column(rows, "retrieval_rank") == [1.0, 0.5, round(1 / 3, 6), 0.25, 0.2]
    for name in ("retrieval_score", "keyword_chunk", "bm25_article"):
        assert max(column(rows, name)) == 1.0 and min(column(rows, name)) >= 0.0
    rapidus = [a.id for a in ARTICLES].index("rapidus")
    assert column(rows, "bm25_article").index(1.0) == rapidus  # the article using the question's words
    assert column(rows, "bm25_article_rank")[rapidus] == 1.0
    assert column(rows, "coverage_article")[rapidus] == 1.0


def test_names_numbers_periods_and_follow_up_context_are_read_per_article() -> None:
    _, _, _, rows = read("Did Samsung get 590 billion yen in 2024?", previous=frozenset({"copy-1"}))
    rapidus = [a.id for a in ARTICLES].index("rapidus")
    assert column(rows, "missing_names") == [1.0] * len(ARTICLES)  # nobody mentions Samsung
    assert column(rows, "missing_numbers")[rapidus] == 0.0 and column(rows, "missing_numbers")[0] == 1.0
    assert column(rows, "in_period")[rapidus] == 1.0  # published April 2024
    assert column(rows, "out_of_period")[0] == 1.0  # published 2026
    assert column(rows, "previous")[0] == 1.0  # h200-approval folds copy-1, which the last search found


def test_newest_is_only_read_when_the_question_asks_for_the_latest() -> None:
    assert set(column(read("Nvidia H200 chips China")[3], "newest")) == {0.0}
    newest = column(read("latest on Nvidia H200 chips China")[3], "newest")
    assert newest[0] == 1.0 and newest[[a.id for a in ARTICLES].index("gallium")] == 0.0


def test_window_rows_follow_the_readings_windows() -> None:
    article = make_article("a", "Japan approved 590 billion yen for Rapidus. Rapidus is in Hokkaido.", title="Rapidus")
    query = Query.parse("How much did Japan approve for Rapidus?", WEIGHTS, today=date(2026, 2, 1))
    reading = Reading(article, query)
    rows = window_features(reading)
    assert rows.shape == (len(reading.windows), len(QUOTE)) and QUOTE[: len(WINDOW)] == WINDOW
    coverage = rows[:, WINDOW.index("coverage")]
    assert np.allclose(coverage, reading.window_coverage)
    assert rows[:, WINDOW.index("coverage_gap")].max() == 0.0
    assert rows[:, WINDOW.index("answer_type")].tolist() == [1.0, 1.0, 0.0]  # "590 billion" is a number
    assert rows[:, WINDOW.index("size")].tolist() == [1, 2, 1]


def test_the_quoter_reads_sentences_in_context_and_the_passage_model_does_not() -> None:
    article = make_article("a", "Intel sold the state a stake. Its shares rose 5%. Analysts were wary.", title="Intel")
    query = Query.parse("How did Intel's stock react?", WEIGHTS, today=date(2026, 2, 1), vector=np.array([1.0, 0.0]))
    spans = np.array([(s.start, s.end) for s in sentence_spans(article.text)])
    alone = np.array([[0.2, 1.0], [0.1, 1.0], [0.3, 1.0]])  # "its shares rose" alone: not about Intel
    context = np.array([[0.2, 1.0], [0.9, 1.0], [0.3, 1.0]])  # after "Intel. Intel sold ...": it is
    plain = window_features(Reading(article, query, spans=spans, vectors=alone))
    read = window_features(Reading(article, query, spans=spans, vectors=alone, context=context))
    windows = Reading(article, query, spans=spans).windows
    one = [w.size == 1 for w in windows]
    # Without context vectors the context columns repeat the sentences' own similarities.
    assert np.array_equal(plain[:, QUOTE.index("context_max")], plain[:, QUOTE.index("dense_max")])
    assert read[one, QUOTE.index("context_max")].tolist() == [0.2, 0.9, 0.3]
    assert read[one, QUOTE.index("dense_max")].tolist() == [0.2, 0.1, 0.3]
    # The passage model's rows take the window columns alone, then the article's.
    passage = passage_features(read, np.ones(len(ARTICLE)))
    assert passage.shape == (len(windows), len(PASSAGE))
    assert np.array_equal(passage[:, : len(WINDOW)], plain[:, : len(WINDOW)])


def test_abstain_rows_say_what_the_lead_lacks() -> None:
    query = Query.parse("Which province suspended the data centre project?", WEIGHTS, today=date(2026, 2, 1))
    lead = Reading(ARTICLES[0], query)
    row = abstain_features(query, lead, 0.6, 1.5, lead.best_window, 0.4, np.zeros(len(ARTICLE)))
    values = dict(zip(ABSTAIN, row.tolist()))
    assert values["lead"] == 0.6 and values["lead_margin"] == 1.5 and values["quote"] == 0.4
    assert values["focus_missing"] == 1.0  # "province" is nowhere in the article
    assert values["missing_terms"] > 0


def test_copies_folded_into_a_hit_count_as_that_article() -> None:
    article = make_article("a", "text", alternates=[Alternate(url="u", source="s", article_id="a-copy")])
    hit = Hit(article, paragraph_chunks(article)[0], score=1.0, copies=["b"])
    from bot.answering.features import article_ids

    assert article_ids(hit) == {"a", "a-copy", "b"}
