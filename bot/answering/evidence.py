"""What a question asks, and how each candidate article reads against it.

``Query`` is the question parsed once: weighted content terms, names, numbers, the kind of answer
wanted (a date, a number, a name), the head noun of the wh-phrase, its time intent, its vector.
``Reading`` is one candidate article read once for that question: its quote sentences (with their
similarity to the question, from vectors computed at indexing time), the windows of one to three
sentences a quote can be, and the article's terms. The features the ranker and the quote chooser
learn from are computed from these two (``features.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

import numpy as np

from bot.answering.layout import Window, layout_of
from bot.answering.places import country_names
from bot.answering.terms import TermWeights, acronym_pattern, entities
from bot.answering.tuning import FOLLOW_UP_STRESS, REPEAT_SHARE, SHORT_QUESTION
from corpus.text.dates import month_number, month_pattern
from corpus.text.words import STOPWORDS, content_terms, tokens
from corpus.types import Article, Chunk
from index.timeparse import TimeIntent, parse_time

_MONTH = month_pattern(capitalised=True)  # "may" in lower case is a verb
_MONTH_NAME = re.compile(rf"\b{_MONTH}(?!\w)")
_DATE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}(?!\w)|\b\d{{4}}-\d{{2}}-\d{{2}}\b")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A name: a capitalised word or acronym ("Tencent", "ByteDance", "SMIC") that does not open a sentence.
_NAME = re.compile(r"(?<![.!?:;\n]\s)(?<!^)\b[A-Z][\w&-]*[A-Za-z0-9]\b")
_NUMERIC_QUESTION = re.compile(
    r"\b(?:how (?:many|much|long|large|big|soon|far)|by how|(?:what|which)\s+(?:\w+\s+){0,3}(?:share|percentage|"
    r"percent|price|rate|level|value|number|yield|stake|cost|revenue|threshold|amount|tariff|size|capacity|density|"
    r"fee|fine|penalty|subsidy|investment|guidance|sales|budget|units|deadline))\b",
    re.I,
)
_DATE_QUESTION = re.compile(
    r"^\s*when\b|\b(?:what date|which date|what day|what year|which year|until what|through what|by what date)\b",
    re.I,
)
_NAME_QUESTION = re.compile(
    r"^\s*(?:who|which\s+(?:\w+\s+){0,4}(?:secretary|analyst|spokesperson|official|minister|"
    r"director|outlet|firm|company|companies|ceo|chair|executive|president|regulator|agency|court|judge))\b",
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
# Words of a name that any company may carry: "Imagination Technologies" is named by "imagination".
_GENERIC_NAME_PARTS = frozenset(
    tokens(
        "technologies group corp corporation company co inc ltd holdings electronics international semiconductor "
        "semiconductors industries systems the of and"
    )
)


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
    """A question broken into what ranking and quote choice need."""

    text: str
    terms: tuple[str, ...]  # content terms, first-seen order
    weights: dict[str, float]  # IDF of each term
    entities: tuple[str, ...]  # capitalised names and acronyms
    numbers: tuple[str, ...]  # numbers the question states (not years)
    wants_date: bool
    wants_number: bool
    wants_name: bool
    focus: tuple[str, ...] = ()  # content term of the wh-phrase's head noun
    intent: TimeIntent = field(default_factory=TimeIntent)
    vector: np.ndarray | None = None  # unit-norm embedding of the question
    described: tuple[str, ...] = ()  # names it describes without naming them (also among ``entities``)

    @classmethod
    def parse(
        cls,
        question: str,
        term_weights: TermWeights,
        *,
        today: date,
        vector: np.ndarray | None = None,
        described: Sequence[str] = (),
        stressed: str = "",
    ) -> Query:
        """``described``: names of what the question describes without naming (``lexicon.Lexicon``):
        they count as its names and terms. ``stressed``: the part of a joined follow-up the user just
        asked, whose terms weigh ``FOLLOW_UP_STRESS`` times as much."""
        terms = tuple(
            dict.fromkeys([*content_terms(question), *(t for name in described for t in content_terms(name))])
        )
        stress = set(content_terms(stressed))
        return cls(
            text=question,
            terms=terms,
            weights={t: term_weights.idf(t) * (FOLLOW_UP_STRESS if t in stress else 1.0) for t in terms},
            entities=(*entities(question, term_weights.proper), *described),
            numbers=tuple(t for t in terms if t[:1].isdigit() and not _YEAR.fullmatch(t)),
            wants_date=bool(_DATE_QUESTION.search(question)),
            wants_number=bool(_NUMERIC_QUESTION.search(question)),
            wants_name=bool(_NAME_QUESTION.search(question)),
            focus=_focus(question),
            intent=parse_time(question, today),
            vector=vector,
            described=tuple(described),
        )

    @property
    def short(self) -> bool:
        """Whether it is a short question (``SHORT_QUESTION`` terms or fewer), which the abstainer
        decides at its own operating point."""
        return len(self.terms) <= SHORT_QUESTION

    @property
    def total_weight(self) -> float:
        return sum(self.weights.values()) or 1.0

    def coverage(self, found: set[str] | frozenset[str]) -> float:
        """IDF-weighted share of the question's terms present in ``found``."""
        return sum(w for t, w in self.weights.items() if t in found) / self.total_weight

    @cached_property
    def stated(self) -> frozenset[str]:
        """Every term of the question, stopwords included: an answer is something it does not state."""
        return frozenset(tokens(self.text))


def entity_present(entity: str, found: set[str] | frozenset[str], weights: dict[str, float], text: str) -> bool:
    """Whether the name's most distinctive word is in ``found`` ("South Korea" is named by "korea"),
    or, for an acronym, whether ``text`` spells it out ("CSIS", "Center for Strategic and ...")."""
    words = [t for t in tokens(entity) if (len(t) > 1 or t.isdigit()) and t not in _GENERIC_NAME_PARTS]
    if not words or max(words, key=lambda w: weights.get(w, 0.0)) in found:
        return True
    if any(_all_in(name, found) for name in country_names(entity)):  # "Tokyo" is named by "Japan"
        return True
    pattern = acronym_pattern(entity)
    return bool(pattern and pattern.search(text))


def _all_in(name: str, found: set[str] | frozenset[str]) -> bool:
    words = [t for t in tokens(name) if len(t) > 1 and t not in _GENERIC_NAME_PARTS]
    return bool(words) and all(t in found for t in words)


def _months(text: str) -> set[int | None]:
    """The months a text names, as numbers (capitalised only: "may" is a verb)."""
    return {month_number(m.group()) for m in _MONTH_NAME.finditer(text)}


def _new_date(found: str, query: Query) -> bool:
    """Whether a date in a passage is news to the question: not one it states, nor a day of a month
    it names ("the January 2026 proclamation" is the subject, "January 14, 2026" is not the answer)."""
    return bool(set(tokens(found)) - query.stated) and not _months(found) & _months(query.text)


def has_answer_type(piece: str, query: Query) -> bool:
    """Whether ``piece`` holds a date, number or name of the kind asked for that the question does
    not already state (always False when the question asks for none of these)."""
    if not (query.wants_date or query.wants_number or query.wants_name):
        return False
    dates, numbers, names = _answers_in(piece)
    if query.wants_date and any(_new_date(found, query) for found in dates):
        return True
    if query.wants_number and any(t not in query.stated for t in numbers):
        return True
    return query.wants_name and any(name - query.stated for name in names)


@lru_cache(maxsize=65536)  # the same sentences are read again for every question
def _answers_in(piece: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[frozenset[str], ...]]:
    """What in ``piece`` could answer a question, whatever it asks: its dates as written, its numbers
    as terms (not years, nor the parts of an ISO date), and the terms of each of its names."""
    dates = tuple(m.group() for m in _DATE.finditer(piece))
    numbers = tuple(t for t in tokens(_ISO_DATE.sub(" ", piece)) if t[:1].isdigit() and not _YEAR.fullmatch(t))
    names = tuple(frozenset(tokens(m.group())) for m in _NAME.finditer(piece.strip()))
    return dates, numbers, names


def restates(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two quotes, by their words (``Reading.quote_words``), say nearly the same thing: at
    least ``REPEAT_SHARE`` of the shorter one's words are in the other."""
    shorter = min(len(a), len(b))
    return shorter > 0 and len(a & b) >= REPEAT_SHARE * shorter


class Reading:
    """One candidate article as read for one question (computed once, used by every feature).

    Sentence-level facts are arrays: ``present[i, j]`` says whether sentence ``i`` holds question
    term ``j``, ``similarity[i]`` is its cosine to the question, and ``context_similarity[i]`` that
    of the sentence read in context (``index.sentences.in_context``; the sentence's own where no
    context vectors are stored). A window's coverage is then the weight of the union of its
    sentences' rows, computed for all windows at once.
    """

    def __init__(
        self,
        article: Article,
        query: Query,
        *,
        spans: np.ndarray | None = None,
        vectors: np.ndarray | None = None,
        context: np.ndarray | None = None,
        retrieved: Sequence[Chunk] = (),
    ) -> None:
        self.article, self.query, self.retrieved = article, query, list(retrieved)
        self.layout = layout = layout_of(article, spans)
        self.spans, self.sentence_terms = layout.spans, layout.sentence_terms
        self.title_terms, self.terms = layout.title_terms, layout.terms
        self.present = layout.present(query.terms)
        if vectors is not None and query.vector is not None and len(vectors) == len(self.spans):
            self.similarity = vectors @ query.vector
        else:
            self.similarity = np.zeros(len(self.spans), dtype=np.float32)
        if context is not None and query.vector is not None and len(context) == len(self.spans):
            self.context_similarity = context @ query.vector
        else:
            self.context_similarity = self.similarity
        names_text = f"{article.title or ''}\n{article.text}"
        self.missing_entities = tuple(
            e for e in query.entities if not entity_present(e, self.terms, query.weights, names_text)
        )

    @cached_property
    def term_counts(self) -> Counter[str]:
        """How often each question term occurs in the title and text (for BM25)."""
        wanted = self.query.weights  # in the text's order, as BM25 has always summed them
        return Counter({t: n for t, n in self.layout.counts.items() if t in wanted})

    @property
    def length(self) -> int:
        return self.layout.length

    @property
    def windows(self) -> tuple[Window, ...]:
        return self.layout.windows

    @cached_property
    def window_present(self) -> np.ndarray:
        """``[w, j]``: window ``w`` holds question term ``j``."""
        return self.layout.held(self.present)

    @cached_property
    def window_coverage(self) -> np.ndarray:
        weights = np.array([self.query.weights[t] for t in self.query.terms], dtype=np.float64)
        return self.window_present @ weights / self.query.total_weight if len(weights) else np.zeros(len(self.windows))

    def window_terms(self, window: Window) -> frozenset[str]:
        return frozenset().union(*self.sentence_terms[window.first : window.first + window.size])

    def quote_words(self, window: Window) -> frozenset[str]:
        """The window's terms without stopwords: what ``restates`` compares."""
        return self.window_terms(window) - STOPWORDS

    def window_similarity(self, window: Window) -> tuple[float, float]:
        """(max, mean) similarity of the window's sentences to the question."""
        sims = self.similarity[window.first : window.first + window.size]
        return (float(sims.max()), float(sims.mean())) if len(sims) else (0.0, 0.0)

    @cached_property
    def best_window(self) -> Window | None:
        """The window covering most of the question (the first of equals: earlier, shorter)."""
        if not self.windows:
            return None
        return self.windows[int(np.argmax(np.round(self.window_coverage, 9)))]

    def quote(self, window: Window) -> str:
        return self.article.text[window.start : window.end]

    def prose_words(self, window: Window) -> int:
        """How many words the window holds outside links."""
        return self.layout.facts(window).prose_words

    def ends_sentence(self, window: Window) -> bool:
        """Whether the window ends as a sentence does (``layout.QuoteFacts.ends_sentence``)."""
        return self.layout.facts(window).ends_sentence

    def restated(self, window: Window) -> bool:
        """Whether the text right after the window begins by repeating it (``QuoteFacts.restated``)."""
        return self.layout.facts(window).restated

    def is_caption(self, window: Window) -> bool:
        """Whether the window is a photo's caption or credit, never quoted (``QuoteFacts.caption``)."""
        return self.layout.facts(window).caption

    def shares_terms(self, window: Window) -> bool:
        """Whether the window holds a word of the question (always, for a question without terms)."""
        rows = self.present[window.first : window.first + window.size]
        return bool(rows.any()) or not self.query.terms

    def in_retrieved_chunk(self, window: Window) -> bool:
        return any(c.start <= window.start and window.end <= c.end for c in self.retrieved)
