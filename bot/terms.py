"""Question terms and their weights: the lexical signals behind lead selection and abstention."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

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

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z][A-Za-z0-9&'’\-]*[A-Za-z0-9]|[A-Za-z]|\d+(?:[.,]\d+)*%?")
_ENTITY = re.compile(r"\b(?:[A-Z][a-zA-Z0-9&\-]+|[A-Z]{2,}[0-9A-Za-z\-]*)(?:\s+(?:[A-Z][a-zA-Z0-9&\-]+))*")


def _stem(word: str) -> str:
    """A light suffix stripper: "approved", "approves", "approving" and "approve" all become "approv"."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[:-3] + "y" if suffix == "ies" else word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "aeious":  # "shipped" -> "ship"
                word = word[:-1]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def _words(text: str) -> list[tuple[str, str]]:
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
    return pairs


def normalise(token: str) -> str:
    """The term a single word counts as."""
    pairs = _words(token)
    return pairs[0][1] if pairs else ""


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


def entities(question: str) -> list[str]:
    """Capitalised names and acronyms in a question ("Tata Electronics", "ASML"), minus question words."""
    found: list[str] = []
    for match in _ENTITY.finditer(question):
        words = match.group().split()
        while words and words[0].lower() in STOPWORDS | QUESTION_WORDS:
            words.pop(0)
        if words and not all(w.lower().rstrip(".") in GENERIC_NAMES for w in words):
            found.append(" ".join(words))
    return found


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
