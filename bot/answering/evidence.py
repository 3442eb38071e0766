"""Find the passage of an article that best answers a question: one or two whole sentences."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answering.terms import TermWeights, acronym_pattern, entities
from corpus.text.dates import MONTH_NAMES, month_number, month_pattern
from corpus.text.sentences import LINE_BREAK, Span, sentence_spans
from corpus.text.words import content_terms, tokens
from corpus.types import Article, Chunk

MAX_PASSAGE_CHARS = 600
MAX_PASSAGE_SENTENCES = 3
EXTRA_SENTENCE_COST = 0.1  # a longer quote must cover that much more of the question
ANSWER_TYPE_BONUS = 0.2  # the passage holds the kind of thing asked for, not already in the question
RETRIEVED_BONUS = 0.04  # the retriever picked the chunk this passage sits in
HEADLINE_PENALTY = 0.3  # the headline repeated in the text restates the topic; it never answers
_MONTH = month_pattern(capitalised=True)  # "may" in lower case is a verb
_DATE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}(?!\w)|\b\d{{4}}-\d{{2}}-\d{{2}}\b")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_YEAR = re.compile(r"(?:19|20)\d\d")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")
_NUMERIC_QUESTION = re.compile(
    r"\b(?:how (?:many|much|long|large|big|soon|far)|by how|(?:what|which)\s+(?:\w+\s+){0,3}(?:share|percentage|"
    r"percent|price|rate|level|value|number|yield|stake|cost|revenue|threshold|amount|tariff|size|capacity|density|fee|fine|"
    r"penalty|subsidy|investment|guidance|sales|budget|units|deadline))\b",
    re.I,
)
_DATE_QUESTION = re.compile(
    r"^\s*when\b|\b(?:what date|which date|what day|until what|through what|by what date)\b", re.I
)
_NAME_QUESTION = re.compile(
    r"^\s*(?:who|which\s+(?:\w+\s+){0,4}(?:secretary|analyst|spokesperson|official|minister|"
    r"director|outlet|firm|company|ceo|chair|executive|president))\b",
    re.I,
)
# The head noun of the wh-phrase ("yield" in "What was the reported yield of ...", "spokesperson" in
# "Which Ministry of Commerce spokesperson said ...") names what the answer is about.
_FOCUS = re.compile(
    r"^\s*(?:(?:at least|up to|by|on|in|for|under|at|to)\s+)?(?:what|which|how much|how many|who)\s+"
    r"(?:(?:was|is|were|are|did|does|do)\s+)?(?P<phrase>(?:[\w’'.-]+\s+){0,8}?)"
    r"(?:(?:was|is|were|are|did|does|do|has|have|had|will|would|can|could|said|in|for|to|from|under|on|at)\b"
    r"|(?<!\bthe )(?<!\ba )(?<!\ban )[a-z]+ed\b)",
    re.I,
)
FOCUS_BONUS = 0.3
_MONTH_NAME = re.compile(rf"\b{_MONTH}(?!\w)")


def _focus(question: str) -> tuple[str, ...]:
    """The head noun of the question's wh-phrase, as a term (empty when there is none)."""
    match = _FOCUS.match(question)
    if not match:
        return ()
    words = match.group("phrase").split()
    if "of" in words:
        head = words[: words.index("of")]
        if head and head[-1][:1].islower():
            words = head
    for word in reversed(words):
        terms = content_terms(word)
        if terms and word[:1].islower():
            return (terms[-1],)
    return ()


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
    focus: tuple[str, ...] = ()  # content terms of the wh-phrase

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
            focus=_focus(question),
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
    best_coverage: float  # the highest coverage of any passage of the article (this one or another)
    missing_entities: tuple[str, ...]  # question entities found nowhere in the article
    runners_up: tuple[Passage, ...] = ()  # the next best passages of the article, best first

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
            if size > 1 and (end - first.start > MAX_PASSAGE_CHARS or LINE_BREAK.search(text, first.start, end)):
                break
            windows.append((first.start, end, size))
    return windows


# Words of a name that any company may carry: "Imagination Technologies" is named by "imagination".
_GENERIC_NAME_PARTS = frozenset(
    tokens(
        "technologies group corp corporation company co inc ltd holdings electronics international semiconductor "
        "semiconductors industries systems the of and"
    )
)


def _entity_present(entity: str, found: set[str], weights: dict[str, float], text: str = "") -> bool:
    """Whether the name's most distinctive word is in ``found`` ("South Korea" is named by "korea"),
    or, for an acronym, whether ``text`` spells it out ("CSIS", "Center for Strategic and ...")."""
    words = [t for t in tokens(entity) if (len(t) > 1 or t.isdigit()) and t not in _GENERIC_NAME_PARTS]
    if not words or max(words, key=lambda w: weights.get(w, 0.0)) in found:
        return True
    pattern = acronym_pattern(entity)
    return bool(pattern and pattern.search(text))


def _is_headline(piece: str, article: Article) -> bool:
    """Whether the passage is the article's title repeated in its text."""
    return bool(article.title) and tokens(piece) == tokens(article.title or "")


def _months(text: str) -> set[int | None]:
    """The months a text names, as numbers (capitalised only: "may" is a verb)."""
    return {month_number(m.group()) for m in _MONTH_NAME.finditer(text)}


def _new_date(found: str, query: Query) -> bool:
    """Whether a date in a passage is news to the question: not one it states, nor a day of a month
    it names ("the January 2026 proclamation" is the subject, "January 14, 2026" is not the answer)."""
    return bool(set(tokens(found)) - set(tokens(query.text))) and not _months(found) & _months(query.text)


def _answer_type_bonus(piece: str, found: set[str], query: Query) -> float:
    """Reward a passage that holds a number, date or name the question asks for but does not state."""
    asked = set(tokens(query.text))
    if query.wants_date and any(_new_date(m.group(), query) for m in _DATE.finditer(piece)):
        return ANSWER_TYPE_BONUS
    numbers = set(tokens(_ISO_DATE.sub(" ", piece))) if query.wants_number else set()
    if any(t[:1].isdigit() and t not in asked and not _YEAR.fullmatch(t) for t in numbers):
        return ANSWER_TYPE_BONUS
    if query.wants_name and any(set(tokens(m.group())) - asked for m in _NAME.finditer(piece)):
        return ANSWER_TYPE_BONUS
    return 0.0


def _article_terms(article: Article) -> set[str]:
    """Words of the title and text, plus the publication month and year (a "December 2024" question)."""
    dated = f"{MONTH_NAMES[article.published.month - 1]} {article.published.year}" if article.published else ""
    return set(tokens(f"{article.title or ''}\n{article.text}\n{dated}"))


def best_passage(article: Article, query: Query, retrieved: Sequence[Chunk] = (), *, keep: int = 1) -> Passage:
    """The run of one to three sentences of ``article`` that answers the question best, with up to
    ``keep - 1`` runners-up (windows that do not overlap a better one) for a re-ranker to weigh."""
    text = article.text
    article_terms = _article_terms(article)
    missing = tuple(
        e for e in query.entities if not _entity_present(e, article_terms, query.weights, f"{article.title}\n{text}")
    )
    article_coverage = query.coverage(article_terms)
    scored: list[Passage] = []
    best_coverage = 0.0
    for start, end, size in _windows(text, sentence_spans(text)):
        piece = text[start:end]
        found = set(tokens(piece))
        coverage = query.coverage(found)
        best_coverage = max(best_coverage, coverage)
        score = coverage + _answer_type_bonus(piece, found, query) - EXTRA_SENTENCE_COST * (size - 1)
        if query.focus:
            score += FOCUS_BONUS * sum(t in found for t in query.focus) / len(query.focus)
        if any(c.start <= start and end <= c.end for c in retrieved):
            score += RETRIEVED_BONUS
        if size == 1 and _is_headline(piece, article):
            score -= HEADLINE_PENALTY
        scored.append(Passage(article, start, end, score, coverage, article_coverage, 0.0, missing))
    if not scored:  # an empty article: quote nothing, score nothing
        return Passage(article, 0, 0, 0.0, 0.0, article_coverage, 0.0, missing)
    # Stable: of equal scores the earlier (and shorter) window wins, as a reader would quote it.
    ranked = sorted(scored, key=lambda p: -round(p.score, 9))
    picked: list[Passage] = []
    for passage in ranked:
        if all(passage.end <= q.start or passage.start >= q.end for q in picked):
            picked.append(replace(passage, best_coverage=best_coverage))
        if len(picked) == keep:
            break
    return replace(picked[0], runners_up=tuple(picked[1:]))
