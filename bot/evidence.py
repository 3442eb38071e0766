"""Find the passage of an article that best answers a question: one or two whole sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.types import Article, Chunk

from .sentences import Span, sentence_spans
from .terms import TermWeights, content_terms, entities, tokens

MAX_PASSAGE_CHARS = 600
MAX_PASSAGE_SENTENCES = 3
EXTRA_SENTENCE_COST = 0.05  # a longer quote must cover that much more of the question
ANSWER_TYPE_BONUS = 0.12  # the passage holds the kind of thing asked for, not already in the question
RETRIEVED_BONUS = 0.04  # the retriever picked the chunk this passage sits in
_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\b\d{4}-\d{2}-\d{2}\b"
)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")
_NUMERIC_QUESTION = re.compile(
    r"\b(?:how (?:many|much|long|large)|what (?:share|percentage|percent|price|rate|level|value|number)|by how)\b",
    re.I,
)
_DATE_QUESTION = re.compile(r"\b(?:when|what date|which date|until what|through what|by what date)\b", re.I)
_NAME_QUESTION = re.compile(r"^\s*(?:who|which \w+ (?:\w+ )?(?:secretary|analyst|spokesperson|official|minister|"
                            r"director|outlet|firm|company|ceo|chair))\b", re.I)
_MONTHS = "January February March April May June July August September October November December".split()


@dataclass(frozen=True)
class Query:
    """A question broken into what lead selection needs: weighted terms and named entities."""

    text: str
    terms: tuple[str, ...]
    weights: dict[str, float]
    entities: tuple[str, ...]
    wants_date: bool
    wants_number: bool
    wants_name: bool

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
            wants_name=bool(_NAME_QUESTION.search(question)),
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


def _windows(text: str, spans: list[Span]) -> list[tuple[int, int, int]]:
    """(start, end, sentence count) for runs of up to ``MAX_PASSAGE_SENTENCES`` sentences of a paragraph."""
    windows: list[tuple[int, int, int]] = []
    for i, first in enumerate(spans):
        for size in range(1, MAX_PASSAGE_SENTENCES + 1):
            if i + size > len(spans):
                break
            end = spans[i + size - 1].end
            if size > 1 and (end - first.start > MAX_PASSAGE_CHARS or "\n" in text[first.start : end]):
                break
            windows.append((first.start, end, size))
    return windows


# Words of a name that any company may carry: "Imagination Technologies" is named by "imagination".
_GENERIC_NAME_PARTS = frozenset(tokens(
    "technologies group corp corporation company co inc ltd holdings electronics international semiconductor "
    "semiconductors industries systems the of and"
))


def _entity_present(entity: str, found: set[str]) -> bool:
    words = [t for t in tokens(entity) if (len(t) > 1 or t.isdigit()) and t not in _GENERIC_NAME_PARTS]
    return all(w in found for w in words)


def _answer_type_bonus(piece: str, found: set[str], query: Query) -> float:
    """Reward a passage that holds a number, date or name the question asks for but does not state."""
    asked = set(tokens(query.text))
    if query.wants_date and any(set(tokens(m.group())) - asked for m in _DATE.finditer(piece)):
        return ANSWER_TYPE_BONUS
    if query.wants_number and any(t[:1].isdigit() and t not in asked for t in found):
        return ANSWER_TYPE_BONUS
    if query.wants_name and any(set(tokens(m.group())) - asked for m in _NAME.finditer(piece)):
        return ANSWER_TYPE_BONUS
    return 0.0


def _article_terms(article: Article) -> set[str]:
    """Words of the title and text, plus the publication month and year (a "December 2024" question)."""
    dated = f"{_MONTHS[article.published.month - 1]} {article.published.year}" if article.published else ""
    return set(tokens(f"{article.title or ''}\n{article.text}\n{dated}"))


def best_passage(article: Article, query: Query, retrieved: list[Chunk] = ()) -> Passage:
    """The run of one to three sentences of ``article`` that answers the question best."""
    text = article.text
    article_terms = _article_terms(article)
    missing = tuple(e for e in query.entities if not _entity_present(e, article_terms))
    article_coverage = query.coverage(article_terms)
    best: Passage | None = None
    for start, end, size in _windows(text, sentence_spans(text)):
        piece = text[start:end]
        found = set(tokens(piece))
        coverage = query.coverage(found)
        score = coverage + _answer_type_bonus(piece, found, query) - EXTRA_SENTENCE_COST * (size - 1)
        if any(c.start <= start and end <= c.end for c in retrieved):
            score += RETRIEVED_BONUS
        if best is None or score > best.score + 1e-9:
            best = Passage(article, start, end, score, coverage, article_coverage, missing)
    if best is None:  # an empty article: quote nothing, score nothing
        return Passage(article, 0, 0, 0.0, 0.0, article_coverage, missing)
    return best
