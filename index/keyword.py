"""Keyword search: a question's content words, stemmed as the index stems them, scored by BM25.

Questions become their content words (stopwords dropped), so a passage that shares the rare words
of the question (names, chip models, numbers) ranks first even when it misses the common ones.
Scoring is ``postings.bm25``: FTS5's formula over the generation's postings arrays. On a very
large index a word in more than ``TERM_CAP`` chunks is scored on its best ``TERM_CAP`` postings
only, which bounds keyword latency whatever the corpus size.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable

import numpy as np

from .postings import Postings, bm25, fts5_probe

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # what FTS5's unicode61 tokenizer keeps

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves according many much whose say said
    says reportedly report reported roughly around approximately about also""".split()
)


def query_terms(question: str) -> list[str]:
    """Content words of ``question``, lower-cased and deduplicated, in order."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(question.lower()):
        if token not in STOPWORDS and (len(token) > 1 or token.isdigit()):
            seen.setdefault(token, None)
    return list(seen)


TERM_CAP = 30_000  # postings scored per word, its best ones: exact below it. bench/keyword_cap.py: dev
# recall@1 0.94 (exact) up to the 200k share, 0.82 at the 1M share; 1M p95 ~17-22 ms (bench/scale.py).
MAX_TERMS = 32  # distinct words scored per query (a 10,000-character paste took 0.7 s at 1M chunks, now ~30 ms)


class Stemmer:
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
        twice, as an FTS5 OR query of the words scores it twice: the question stresses it."""
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


def keyword_search(
    postings: Postings,
    stemmer: Stemmer,
    question: str,
    limit: int,
    *,
    title_weight: float,
    allowed: Callable[[np.ndarray], np.ndarray] | None = None,
    cap: int | None = None,
) -> list[tuple[int, float]]:
    """(chunk id, BM25 score, higher is better) of the best ``limit`` chunks, best first, among the
    postings' documents that ``allowed(documents)`` lets through. ``cap`` defaults to ``TERM_CAP``
    as it is at call time."""
    ids = [i for stem in stemmer.stems(query_terms(question)) if (i := postings.term_id(stem)) is not None]
    if len(set(ids)) > MAX_TERMS:  # a pasted passage, not a question: its rarest words say what it is about
        rarest = set(sorted(set(ids), key=lambda i: (postings.offsets[i + 1] - postings.offsets[i], i))[:MAX_TERMS])
        ids = [i for i in ids if i in rarest]
    docs, scores = bm25(postings, ids, title_weight, limit, TERM_CAP if cap is None else cap, allowed)
    vids = np.asarray(postings.vids)[docs]
    order = np.lexsort((vids, -scores))[:limit]  # best first; ties by chunk id, so results are repeatable
    return list(zip(vids[order].tolist(), scores[order].tolist()))
