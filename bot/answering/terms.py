"""Question terms and their weights: the lexical signals behind lead selection and abstention."""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours according reported report reportedly said say says did does much many what whats which
    approximately around roughly nearly least up under last per cent new got get gets getting go goes going
    went gone give gave given
    """.split()
)

# Capitalised words that name no particular thing: months, days, and acronyms every article uses.
GENERIC_NAMES = frozenset(
    """
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday ai us u.s usa
    eu uk ceo cfo gpu gpus chip chips q1 q2 q3 q4 fy
    """.split()
)

# Words that say what kind of answer is wanted; they never need to appear in the evidence.
QUESTION_WORDS = frozenset("who whom whose what when where which why how date many much".split())

# Snowball stemmers keep per-call state, so each worker thread gets its own.
_STEMMERS = threading.local()
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z][A-Za-z0-9&'’\-]*[A-Za-z0-9]|[A-Za-z]|\d+(?:[.,]\d+)*%?")
_ENTITY = re.compile(r"\b(?:[A-Z][a-zA-Z0-9&\-]+|[A-Z]{2,}[0-9A-Za-z\-]*)(?:\s+(?:[A-Z][a-zA-Z0-9&\-]+))*")


# Word forms the Snowball stemmer keeps apart but a reader would not: irregular verbs, British
# spellings, and nouns made from verbs ("revocation" answers "revoked", "licence" is "license").
_SAME_STEM = {
    "fell": "fall",
    "fallen": "fall",
    "sold": "sell",
    "bought": "buy",
    "paid": "pay",
    "rose": "rise",
    "risen": "rise",
    "grew": "grow",
    "grown": "grow",
    "cut": "cut",
    "won": "win",
    "held": "hold",
    "licenc": "licens",
    "revoc": "revok",
    "suspens": "suspend",
    "approval": "approv",
    "restriction": "restrict",
    "spent": "spend",
    "led": "lead",
    "began": "begin",
    "begun": "begin",
    "took": "take",
    "taken": "take",
}


@cache
def _stem(word: str) -> str:
    """English Snowball stem, with irregular forms folded: "approved" and "approval" are both "approv"."""
    if not word.isalpha():
        return word
    if word in _SAME_STEM:
        return _SAME_STEM[word]
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    stem = stemmer.stemWord(word)
    return _SAME_STEM.get(stem, stem)


@lru_cache(maxsize=65536)  # the same article sentences are scored again for every question
def _words(text: str) -> tuple[tuple[str, str], ...]:
    """(lower-cased word, normalised term) pairs: possessives dropped, words stemmed, numbers kept."""
    pairs: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        word = match.group().lower().replace("’", "'")
        if word.endswith(".") and "." in word[:-1]:  # "U.S." is "us", "E.U." is "eu"
            word = word.replace(".", "")
        if word.endswith("'s"):
            word = word[:-2]
        word = word.strip("'-")
        if not word:
            continue
        term = word.replace(",", "").rstrip("%") if word[:1].isdigit() else _stem(word)
        pairs.append((word, term))
    return tuple(pairs)


def tokens(text: str) -> list[str]:
    """Normalised word and number terms of ``text``."""
    return [term for _, term in _words(text)]


def content_terms(text: str) -> list[str]:
    """Terms that carry meaning: no stopwords, no question words, in first-seen order."""
    seen: dict[str, None] = {}
    for word, term in _words(text):
        if word in STOPWORDS or word in QUESTION_WORDS:
            continue
        if len(term) > 1 or term.isdigit():
            seen.setdefault(term, None)
    return list(seen)


def _looks_like_name(words: list[str], at_start: bool) -> bool:
    """A lone capitalised word opening the question ("Apart from China ...") is just capitalised;
    acronyms, words with digits and multi-word names are names wherever they stand."""
    if len(words) > 1 or not at_start:
        return True
    word = words[0]
    return word.isupper() or any(ch.isdigit() for ch in word) or any(ch.isupper() for ch in word[1:])


def entities(question: str) -> list[str]:
    """Capitalised names and acronyms in a question ("Tata Electronics", "ASML"), minus question words."""
    found: list[str] = []
    for match in _ENTITY.finditer(question):
        words = match.group().split()
        dropped = 0
        while words and words[0].lower() in STOPWORDS | QUESTION_WORDS:
            words.pop(0)
            dropped += 1
        at_start = not question[: match.start()].strip() and dropped == 0
        if (
            words
            and not all(w.lower().rstrip(".") in GENERIC_NAMES for w in words)
            and _looks_like_name(words, at_start)
        ):
            found.append(" ".join(words))
    return found


_ACRONYM = re.compile(r"[A-Z][A-Z&]*[A-Z]")
_LINKING = r"(?:\s+(?:and|of|for|the|on|&)\b)*\s+"


@cache
def acronym_pattern(acronym: str) -> re.Pattern[str] | None:
    """A pattern for the spelled-out form of an acronym: "CSIS" finds "Center for Strategic and
    International Studies", "R&D" "research and development", "USTR" "U.S. Trade Representative"
    (None for non-acronyms)."""
    if not _ACRONYM.fullmatch(acronym):
        return None
    letters = [c for c in acronym if c.isalpha()]
    if len(letters) < 2:
        return None
    pieces = [rf"{c}(?:[a-z]+{_LINKING}|\.\s*)" for c in letters[:-1]]
    body = "".join(pieces) + rf"{letters[-1]}(?:[a-z]+|\.)"
    return re.compile(rf"\b{body}\b", re.I)


@dataclass(frozen=True)
class TermWeights:
    """Inverse document frequencies over the indexed articles: rare words count for more."""

    document_frequency: dict[str, int]
    documents: int

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> TermWeights:
        frequency: Counter[str] = Counter()
        documents = 0
        for text in texts:
            documents += 1
            frequency.update(set(tokens(text)))
        return cls(dict(frequency), documents)

    def idf(self, term: str) -> float:
        seen = self.document_frequency.get(term, 0)
        return math.log((self.documents + 1) / (seen + 0.5))

    def known(self, term: str) -> bool:
        return term in self.document_frequency
