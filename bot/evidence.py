"""Find the passage of an article that best answers a question: one or two whole sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.types import Article, Chunk

from .sentences import Span, sentence_spans
from .terms import TermWeights, content_terms, entities, tokens

MAX_PASSAGE_CHARS = 520
_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\b\d{4}-\d{2}-\d{2}\b"
)
_NUMBER = re.compile(r"\d")
_NUMERIC_QUESTION = re.compile(
    r"\b(?:how (?:many|much|long|large)|what (?:share|percentage|percent|price|rate|level|value|number)|by how)\b",
    re.I,
)
_DATE_QUESTION = re.compile(r"\b(?:when|what date|which date|until what|through what|by what date)\b", re.I)


@dataclass(frozen=True)
class Query:
    """A question broken into what lead selection needs: weighted terms and named entities."""

    text: str
    terms: tuple[str, ...]
    weights: dict[str, float]
    entities: tuple[str, ...]
    wants_date: bool
    wants_number: bool

    @classmethod
    def parse(cls, question: str, term_weights: TermWeights) -> Query:
        terms = tuple(content_terms(question))
        return cls(
            text=question,
            terms=terms,
            weights={t: term_weights.idf(t) for t in terms},
            entities=tuple(entities(question)),
            wants_date=bool(_DATE_QUESTION.search(question)),
            wants_number=bool(_NUMERIC_QUESTION.search(question)),
        )

    @property
    def total_weight(self) -> float:
        return sum(self.weights.values()) or 1.0

    def coverage(self, found: set[str]) -> float:
        """IDF-weighted share of the question's terms present in ``found``."""
        return sum(w for t, w in self.weights.items() if t in found) / self.total_weight


@dataclass(frozen=True)
class Passage:
    """A candidate quote: ``article.text[start:end]``, scored against the question."""

    article: Article
    start: int
    end: int
    score: float  # coverage plus small bonuses for answer type and retrieval agreement
    coverage: float  # IDF-weighted share of question terms in the passage
    article_coverage: float  # the same over the article's title and whole text
    missing_entities: tuple[str, ...]  # question entities found nowhere in the article

    @property
    def quote(self) -> str:
        return self.article.text[self.start : self.end]


def _windows(spans: list[Span]) -> list[tuple[int, int]]:
    windows = [(s.start, s.end) for s in spans]
    for first, second in zip(spans, spans[1:]):
        if second.end - first.start <= MAX_PASSAGE_CHARS:
            windows.append((first.start, second.end))
    return windows


def _entity_present(entity: str, found: set[str]) -> bool:
    words = [t for t in tokens(entity) if len(t) > 1 or t.isdigit()]
    return not words or sum(w in found for w in words) * 2 >= len(words)


def best_passage(article: Article, query: Query, retrieved: list[Chunk] = ()) -> Passage:
    """The one- or two-sentence window of ``article`` that covers the question best."""
    text = article.text
    article_terms = set(tokens(f"{article.title or ''}\n{text}"))
    missing = tuple(e for e in query.entities if not _entity_present(e, article_terms))
    article_coverage = query.coverage(article_terms)
    spans = sentence_spans(text)
    best: Passage | None = None
    for start, end in _windows(spans):
        found = set(tokens(text[start:end]))
        coverage = query.coverage(found)
        score = coverage
        piece = text[start:end]
        if query.wants_date and _DATE.search(piece):
            score += 0.08
        if query.wants_number and _NUMBER.search(piece):
            score += 0.05
        if any(c.start <= start and end <= c.end for c in retrieved):
            score += 0.04
        if end - start > 300:
            score -= 0.03 * (end - start) / MAX_PASSAGE_CHARS
        if best is None or score > best.score + 1e-9:
            best = Passage(article, start, end, score, coverage, article_coverage, missing)
    if best is None:  # an empty article: quote nothing, score nothing
        return Passage(article, 0, 0, 0.0, 0.0, article_coverage, missing)
    return best
