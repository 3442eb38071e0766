"""Feature vectors for the learned decisions: which articles answer, which of the first few leads (by
its best window), which quote, whether to answer.

Pure functions of a ``Query``, the search ``Hit``s and their ``Reading``s. Names are listed once
(``ARTICLE``, ``PASSAGE``, ``QUOTE``, ``ABSTAIN``): the trained models record the names they were fitted on and
refuse a mismatch, so a feature cannot be added or reordered without retraining.

Scores that depend on the corpus's scale (BM25, fused retrieval scores) enter relative to the best
candidate of the same question; similarities and coverages are already on a fixed scale. Whether an
article is dated is not a feature: it says nothing about whether it answers, and on the tune split
the ranker learned to prefer undated articles only because many answering ones happen to be.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.answering.evidence import Query, Reading, has_answer_type
from bot.answering.layout import Window
from bot.answering.terms import TermWeights
from bot.answering.tuning import LONE_MARGIN
from corpus.text.words import tokens
from index.types import Hit

BM25_K1, BM25_B = 1.2, 0.75  # the usual BM25 constants (Lucene's, FTS5's)

ARTICLE = (
    "retrieval_rank",  # 1 / (1 + the hybrid search's rank)
    "retrieval_score",  # fused score relative to the best candidate's
    "dense_chunk",  # best cosine of the article's chunks to the question
    "keyword_chunk",  # best chunk BM25, relative to the best candidate's
    "bm25_article",  # whole-article BM25 (title and text), relative to the best candidate's
    "bm25_article_rank",  # 1 / (1 + its rank by whole-article BM25)
    "coverage_article",  # IDF-weighted share of question terms anywhere in the article
    "coverage_title",
    "coverage_window",  # the best one-to-three-sentence window's share
    "dense_sentence",  # best cosine of a sentence to the question
    "dense_sentence_gap",  # that, minus the best of any candidate
    "missing_names",  # share of the question's names the article never mentions
    "missing_numbers",  # share of the question's numbers the article never states
    "in_period",  # published within the period the question names (0 when it names none)
    "out_of_period",  # dated outside it
    "newest",  # 1 for the newest dated candidate, falling to 0 for the oldest, when "latest" is asked
    "answer_type",  # the best window holds the kind of answer asked for
    "focus",  # the article contains the wh-phrase's head noun
    "previous",  # a follow-up, and the previous question's search found this article first (top 3)
)

WINDOW = (
    "coverage",  # IDF-weighted share of question terms in the window
    "coverage_gap",  # that, minus the article's best window's
    "dense_max",  # best sentence cosine in the window
    "dense_mean",
    "dense_gap",  # best in the window minus best in the article
    "answer_type",
    "focus",
    "names",  # share of the question's names in the window
    "numbers",  # share of the question's numbers in the window
    "size",  # sentences (1-3)
    "chars",  # length / 600
    "headline",  # the title repeated in the text
    "position",  # first sentence's index / sentences in the article
    "retrieved",  # inside a chunk the search returned
)

# The quoter compares the windows of one article, whose title is the same for every window, so it also
# reads the sentences in context (after the title and the sentence before: ``Reading.context_similarity``),
# which says what a sentence is about ("Its shares rose": whose). The passage model compares windows of
# different articles, where the title in that context would speak for the article, not the window.
QUOTE = (
    *WINDOW,
    "context_max",  # best cosine of the window's sentences read in context
    "context_mean",
)

# A window of a leading candidate, read with its article's features: the passage model compares the
# windows of the ranker's first candidates with one another, so a sibling that states the asked
# detail can lead over one that only covers the story.
PASSAGE = WINDOW + tuple(f"article_{name}" for name in ARTICLE)

ABSTAIN = (
    "lead",  # ranker probability of the lead article (a softmax over the candidates)
    "lead_margin",  # the lead's ranker score minus the runner-up's
    "quote",  # quote-chooser probability of the lead's quote
    "coverage_article",
    "coverage_window",
    "quote_coverage",  # coverage of the chosen quote
    "dense_sentence",
    "quote_dense",
    "missing_names",
    "missing_numbers",
    "answer_type_missing",  # a date/number/name is asked for and the quote has none
    "asks_date",  # the kind of answer asked for: a detail a story may never state
    "asks_number",
    "asks_name",
    "question_terms",  # content terms in the question / 10
    "question_names",  # names in the question / 3
    "missing_terms",  # question terms the lead article never uses / 3
    "missing_rare",  # the rarest such term's weight, relative to the question's rarest
    "quote_missing_rare",  # the same for terms the quote lacks
    "focus_missing",  # the wh-phrase's head noun ("province", "price") is nowhere in the article
)
# The abstainer's features that are one embedding model's similarities: another model's run on
# another scale, so the lexical abstainer (``Models.lexical_abstainer``) is fitted without them.
EMBEDDER_SPECIFIC = ("dense_sentence", "quote_dense")


def bm25(reading: Reading, weights: TermWeights) -> float:
    """Whole-article BM25 of the question's terms (title and text), with the corpus's IDF and mean length."""
    norm = BM25_K1 * (1 - BM25_B + BM25_B * reading.length / (weights.mean_length or 1.0))
    total = 0.0
    for term, count in reading.term_counts.items():
        total += weights.bm25_idf(term) * count * (BM25_K1 + 1) / (count + norm)
    return total


def _share_missing(wanted: Sequence[str], missing: int) -> float:
    return missing / len(wanted) if wanted else 0.0


def _relative(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def _rank_features(values: np.ndarray) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    return 1.0 / (1.0 + ranks)


def article_features(
    query: Query,
    hits: Sequence[Hit],
    readings: Sequence[Reading],
    weights: TermWeights,
    previous: frozenset[str] = frozenset(),
) -> np.ndarray:
    """One row per candidate (``ARTICLE`` columns), in the search's order; ``previous``: the ids the
    previous question's search found first, when this question follows it up."""
    n = len(hits)
    rows = np.zeros((n, len(ARTICLE)), dtype=np.float64)
    if not n:
        return rows
    col = {name: i for i, name in enumerate(ARTICLE)}
    whole = np.array([bm25(r, weights) for r in readings])
    rows[:, col["retrieval_rank"]] = 1.0 / (1.0 + np.arange(n))
    rows[:, col["retrieval_score"]] = _relative(np.array([h.score for h in hits]))
    rows[:, col["dense_chunk"]] = [h.dense_score or 0.0 for h in hits]
    rows[:, col["keyword_chunk"]] = _relative(np.array([h.keyword_score or 0.0 for h in hits]))
    rows[:, col["bm25_article"]] = _relative(whole)
    rows[:, col["bm25_article_rank"]] = _rank_features(whole)
    dense_sentence = np.array([float(r.similarity.max()) if len(r.similarity) else 0.0 for r in readings])
    rows[:, col["dense_sentence"]] = dense_sentence
    rows[:, col["dense_sentence_gap"]] = dense_sentence - dense_sentence.max()
    period = query.intent.period
    dated = [r.article.published for r in readings if r.article.published]
    oldest, newest = (min(dated), max(dated)) if dated else (None, None)
    for i, reading in enumerate(readings):
        article, best = reading.article, reading.best_window
        rows[i, col["coverage_article"]] = query.coverage(reading.terms)
        rows[i, col["coverage_title"]] = query.coverage(reading.title_terms)
        rows[i, col["coverage_window"]] = float(reading.window_coverage.max()) if len(reading.windows) else 0.0
        rows[i, col["missing_names"]] = _share_missing(query.entities, len(reading.missing_entities))
        rows[i, col["missing_numbers"]] = _share_missing(
            query.numbers, sum(t not in reading.terms for t in query.numbers)
        )
        if period and article.published:
            inside = period[0] <= article.published <= period[1]
            rows[i, col["in_period"] if inside else col["out_of_period"]] = 1.0
        if query.intent.prefer_recent and article.published and oldest and newest:
            span = (newest - oldest).days
            rows[i, col["newest"]] = 1.0 - (newest - article.published).days / span if span else 1.0
        rows[i, col["answer_type"]] = float(best is not None and has_answer_type(reading.quote(best), query))
        rows[i, col["focus"]] = float(any(t in reading.terms for t in query.focus))
        rows[i, col["previous"]] = float(bool(article_ids(hits[i]) & previous))
    return rows


def article_ids(hit: Hit) -> set[str]:
    """The hit's article and the copies folded into it (by the search or by deduplication)."""
    return {hit.article.id, *hit.copies} | {a.article_id for a in hit.article.alternates if a.article_id}


def window_features(reading: Reading) -> np.ndarray:
    """One row per window of ``reading`` (``QUOTE`` columns: the ``WINDOW`` ones, then the context
    ones), in ``reading.windows`` order."""
    query, windows = reading.query, reading.windows
    rows = np.zeros((len(windows), len(QUOTE)), dtype=np.float64)
    if not windows:
        return rows
    col = {name: i for i, name in enumerate(QUOTE)}
    text, sims = reading.article.text, reading.similarity
    # Sentence-level facts first; a window holds what any of its sentences holds.
    typed = np.array([has_answer_type(text[a:b], query) for a, b in reading.spans], dtype=bool)
    focus = np.array([any(t in terms for t in query.focus) for terms in reading.sentence_terms], dtype=bool)
    named = [_name_terms(e) for e in query.entities]
    names = np.array(
        [[any(t in terms for t in name) for name in named] for terms in reading.sentence_terms], dtype=bool
    )
    names = names.reshape(len(reading.spans), len(named))
    numbers = np.array([[t in terms for t in query.numbers] for terms in reading.sentence_terms], dtype=bool)
    numbers = numbers.reshape(len(reading.spans), len(query.numbers))
    layout = reading.layout
    firsts, sizes = layout.firsts, layout.sizes
    rows[:, col["dense_max"]], rows[:, col["dense_mean"]] = layout.max_mean(sims)
    rows[:, col["context_max"]], rows[:, col["context_mean"]] = layout.max_mean(reading.context_similarity)
    rows[:, col["answer_type"]] = layout.held(typed)
    rows[:, col["focus"]] = layout.held(focus)
    if named:
        rows[:, col["names"]] = layout.held(names).mean(axis=1)
    if query.numbers:
        rows[:, col["numbers"]] = layout.held(numbers).mean(axis=1)
    rows[:, col["size"]] = sizes
    rows[:, col["chars"]] = (layout.ends - layout.starts) / 600
    rows[:, col["headline"]] = layout.headline
    rows[:, col["position"]] = firsts / max(len(reading.spans), 1)
    rows[:, col["retrieved"]] = [reading.in_retrieved_chunk(w) for w in windows]
    coverage = reading.window_coverage
    rows[:, col["coverage"]] = coverage
    rows[:, col["coverage_gap"]] = coverage - coverage.max()
    rows[:, col["dense_gap"]] = rows[:, col["dense_max"]] - (float(sims.max()) if len(sims) else 0.0)
    return rows


def passage_features(window_rows: np.ndarray, article_row: np.ndarray) -> np.ndarray:
    """The ``PASSAGE`` rows of an article's windows: the ``WINDOW`` part of their ``window_features``
    rows, each followed by the article's ``article_features`` row."""
    return np.hstack([window_rows[:, : len(WINDOW)], np.repeat(article_row[None, :], len(window_rows), axis=0)])


def _name_terms(entity: str) -> list[str]:
    return [t for t in tokens(entity) if len(t) > 1 or t.isdigit()]


def lead_margin(scores: np.ndarray) -> float:
    """The ranker's score margin of its first candidate over its second (``LONE_MARGIN`` for a lone one)."""
    if len(scores) < 2:
        return LONE_MARGIN
    second, first = np.sort(scores)[-2:]
    return float(first - second)


def abstain_features(
    query: Query,
    lead: Reading,
    lead_probability: float,
    lead_margin: float,
    window: Window | None,
    window_probability: float,
    article_row: np.ndarray,
) -> np.ndarray:
    """The ``ABSTAIN`` row for answering with ``lead``, quoting ``window``."""
    a = {name: article_row[i] for i, name in enumerate(ARTICLE)}
    quote_terms = lead.window_terms(window) if window else frozenset()
    quote = lead.quote(window) if window else ""
    wants = query.wants_date or query.wants_number or query.wants_name
    rarest = max(query.weights.values(), default=0.0) or 1.0
    absent = [t for t in query.terms if t not in lead.terms]
    absent_from_quote = [t for t in query.terms if t not in quote_terms]
    values = {
        "lead": lead_probability,
        "lead_margin": lead_margin,
        "quote": window_probability,
        "coverage_article": a["coverage_article"],
        "coverage_window": a["coverage_window"],
        "quote_coverage": query.coverage(quote_terms),
        "dense_sentence": a["dense_sentence"],
        "quote_dense": lead.window_similarity(window)[0] if window else 0.0,
        "missing_names": a["missing_names"],
        "missing_numbers": a["missing_numbers"],
        "answer_type_missing": float(wants and not has_answer_type(quote, query)),
        "asks_date": float(query.wants_date),
        "asks_number": float(query.wants_number),
        "asks_name": float(query.wants_name),
        "question_terms": len(query.terms) / 10,
        "question_names": len(query.entities) / 3,
        "missing_terms": len(absent) / 3,
        "missing_rare": max((query.weights[t] for t in absent), default=0.0) / rarest,
        "quote_missing_rare": max((query.weights[t] for t in absent_from_quote), default=0.0) / rarest,
        "focus_missing": float(bool(query.focus) and not any(t in lead.terms for t in query.focus)),
    }
    return np.array([values[name] for name in ABSTAIN], dtype=np.float64)
