"""Words: the one tokeniser and stopword list, and the two stemmers, side by side.

Why two stemmers:
- ``FTS5Stemmer`` (keyword search) must stem exactly as SQLite FTS5's ``porter`` tokenizer stemmed
  the chunks when the index's postings were built, or a question word would miss its postings; so
  it asks FTS5 itself.
- ``stem`` (answers: quote choice, question coverage, names) is Snowball English with irregular and
  derived forms folded: a quote that says "sold", "licence" or "revocation" answers a question that
  says "sell", "license" or "revoked", which porter keeps apart. Answers can afford the folds because
  they compare a handful of retrieved articles, not a fixed index.
They agree on regular inflections ("exports"/"exported", "approval"/"approved" -> one stem each);
tests/corpus/text/test_words.py shows where, and where the folds go further.

>>> content_terms("Which companies did Beijing approve to buy the H200?")
['compani', 'beij', 'approv', 'buy', 'h200']
>>> keyword_words("Which companies did Beijing approve to buy the H200?")
['companies', 'beijing', 'approve', 'buy', 'h200']
"""

from __future__ import annotations

import re
import sqlite3
import threading
from functools import cache, lru_cache

import snowballstemmer

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what whats when where which while who whom whose why
    will with would you your yours yourself yourselves according reported report reportedly said say says
    much many approximately around roughly nearly least last per cent new got get gets getting go goes
    going went gone give gave given vs versus
    """.split()
)

# Words that say what kind of answer is wanted; they never need to appear in the evidence.
QUESTION_WORDS = frozenset("who whom whose what when where which why how date many much".split())

# Initialisms ("U.S."), words with inner apostrophes, hyphens, ampersands and digits ("H200",
# "R&D", "self-sufficiency"), single letters, and numbers with separators and a percent sign.
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z][A-Za-z0-9&'’\-]*[A-Za-z0-9]|[A-Za-z]|\d+(?:[.,]\d+)*%?")

# Word forms the Snowball stemmer keeps apart but a reader would not: irregular verbs, British
# spellings, and nouns made from verbs ("revocation" answers "revoked", "licence" is "license").
_SAME_STEM = {
    "fell": "fall", "fallen": "fall", "sold": "sell", "bought": "buy", "paid": "pay", "rose": "rise",
    "risen": "rise", "grew": "grow", "grown": "grow", "cut": "cut", "won": "win", "held": "hold",
    "licenc": "licens", "revoc": "revok", "suspens": "suspend", "approval": "approv", "restriction": "restrict",
    "spent": "spend", "led": "lead", "began": "begin", "begun": "begin", "took": "take", "taken": "take",
}  # fmt: skip
_SNOWBALL = threading.local()  # Snowball stemmers keep per-call state: one per thread


@cache
def stem(word: str) -> str:
    """The answer side's stem of a lower-case word: Snowball English with irregular forms folded."""
    if not word.isalpha():
        return word
    if word in _SAME_STEM:
        return _SAME_STEM[word]
    stemmer = getattr(_SNOWBALL, "english", None)
    if stemmer is None:
        stemmer = _SNOWBALL.english = snowballstemmer.stemmer("english")
    stemmed = stemmer.stemWord(word)
    return _SAME_STEM.get(stemmed, stemmed)


@lru_cache(maxsize=65536)  # the same article sentences are read again for every question
def words(text: str) -> tuple[tuple[str, str], ...]:
    """(lower-cased word, term) pairs: possessives dropped, "U.S." read as "us", words stemmed,
    numbers kept as written without separators ("1,000" -> "1000", "15%" -> "15")."""
    pairs: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        word = match.group().lower().replace("’", "'")
        if word.endswith(".") and "." in word[:-1]:
            word = word.replace(".", "")
        word = word.removesuffix("'s").strip("'-")
        if not word:
            continue
        term = word.replace(",", "").rstrip("%") if word[:1].isdigit() else stem(word)
        pairs.append((word, term))
    return tuple(pairs)


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Terms of every word and number in ``text``."""
    return tuple(term for _, term in words(text))


def _meaningful(word: str, term: str) -> bool:
    return word not in STOPWORDS and (len(term) > 1 or term.isdigit())


def content_terms(text: str) -> list[str]:
    """Terms that carry meaning (no stopwords, no question words), in first-seen order."""
    seen = {term: None for word, term in words(text) if word not in QUESTION_WORDS and _meaningful(word, term)}
    return list(seen)


def keyword_words(text: str) -> list[str]:
    """Content words for keyword search, lower-cased and unstemmed (``FTS5Stemmer`` stems them)."""
    return list({word: None for word, term in words(text) if _meaningful(word, term)})


FTS5_TOKENIZER = "porter unicode61 remove_diacritics 2"  # the index's keyword tokenizer


def fts5_probe(*columns: str) -> sqlite3.Connection:
    """An in-memory FTS5 table ``probe`` with ``columns`` and the index's tokenizer, and
    ``probe_vocab`` listing every token of it (term, doc, col, offset): FTS5 as a tokeniser."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE probe USING fts5({', '.join(columns)}, tokenize='{FTS5_TOKENIZER}')")
    conn.execute("CREATE VIRTUAL TABLE probe_vocab USING fts5vocab(probe, instance)")
    return conn


class FTS5Stemmer:
    """Stems words exactly as the index's FTS5 tokenizer does: an in-memory FTS5 table per thread
    tokenises them; stems are cached (a bot sees the same words again and again)."""

    def __init__(self, cache_size: int = 100_000) -> None:
        self._local = threading.local()
        self._cache: dict[str, tuple[str, ...]] = {}
        self._cache_size = cache_size

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = fts5_probe("t")
        return conn

    def stems(self, words: list[str]) -> list[str]:
        """The stems of ``words``, in order. Two words with one stem ("share", "shares") give it
        twice, as an FTS5 OR query of the words scores it twice: the question stresses it. A word
        FTS5 splits ("self-sufficiency") gives each piece's stem."""
        known = {w: stems for w in dict.fromkeys(words) if (stems := self._cache.get(w)) is not None}
        missing = [w for w in dict.fromkeys(words) if w not in known]
        if missing:
            fresh = self._tokenise(missing)
            known.update(fresh)
            if len(self._cache) + len(fresh) > self._cache_size:
                self._cache.clear()
            self._cache.update(fresh)
        return [stem for w in words for stem in known[w]]

    def _tokenise(self, words: list[str]) -> dict[str, tuple[str, ...]]:
        conn = self._conn()
        with conn:
            conn.execute("DELETE FROM probe")
            conn.executemany("INSERT INTO probe (rowid, t) VALUES (?, ?)", enumerate(words))
            found: dict[int, list[str]] = {}
            for term, doc in conn.execute("SELECT term, doc FROM probe_vocab ORDER BY doc, offset"):
                found.setdefault(doc, []).append(term)
        return {w: tuple(found.get(i, ())) for i, w in enumerate(words)}
