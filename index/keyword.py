"""BM25 keyword search over chunk text and title with SQLite FTS5.

Questions are turned into an OR query of their content words (stopwords dropped), so a passage
that shares the rare words of the question (names, chip models, numbers) ranks first even when
it misses the common ones. On a large index, FTS5 scores every chunk holding any query word, so
the query keeps its rarest words up to a budget of postings: common words barely move BM25
scores, and this bounds keyword latency whatever the corpus size (the dense side still sees all).
On a large index the two rarest words are first tried together (AND): the passages holding both
are the ones a BM25 OR query ranks first anyway, and their intersection is scored at a fraction
of the cost of either word's postings; only when fewer than ``limit`` passages hold both does the
pruned OR query run.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Callable

import numpy as np

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


def match_expression(terms: list[str]) -> str | None:
    """An FTS5 MATCH expression: any of the terms (each quoted, so no term is an operator)."""
    if not terms:
        return None
    return " OR ".join(f'"{term}"' for term in terms)


POSTINGS_BUDGET = 4_000  # chunks FTS5 may score per query (a few ms on 2 cores)...
PRUNE_FROM = 20_000  # ...once the index is this large (below it, every term is cheap)
MIN_TERMS = 3  # the rarest terms kept whatever the budget...
TERM_CAP = 5_000  # ...as long as each is in at most this many chunks (the rarest one is always kept).
# bench/pruning_quality.py, dev recall@1 standing for a 100k-chunk index: 0.77 with the budget alone,
# 0.84 with the three rarest words (0.94 unpruned); a higher cap costs 1M-chunk p95 (36 ms at 20,000).


def refresh_term_frequencies(conn: sqlite3.Connection, total: int) -> None:
    """Store each stemmed term's document frequency (FTS5 only keeps doclists, and counting them
    at query time costs as much as the search). Only large indexes need it; call in a transaction."""
    conn.execute("DELETE FROM term_df")
    if total >= PRUNE_FROM:
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_vocab USING fts5vocab(main, chunks_fts, row)")
        conn.execute("INSERT INTO term_df (term, docs) SELECT term, doc FROM temp.chunks_vocab")


class TermStats:
    """Document frequencies of query terms, stemmed the way the index stems them: a per-connection
    in-memory FTS5 table with the same tokenizer does the stemming (TEMP objects, so this works
    on a read-only connection), ``term_df`` holds the counts."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_probe USING fts5("
                     "t, tokenize='porter unicode61 remove_diacritics 2')")
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_vocab USING fts5vocab(temp, stem_probe, instance)")

    def frequencies(self, terms: list[str]) -> dict[str, int]:
        conn = self._conn
        conn.execute("DELETE FROM temp.stem_probe")
        conn.executemany("INSERT INTO temp.stem_probe (rowid, t) VALUES (?, ?)", list(enumerate(terms)))
        stems = {doc: term for term, doc in conn.execute("SELECT term, doc FROM temp.stem_vocab")}
        unique = sorted(set(stems.values()))
        counts = dict(conn.execute(
            f"SELECT term, docs FROM term_df WHERE term IN ({','.join('?' * len(unique))})", unique))
        return {term: counts.get(stems.get(i, ""), 0) for i, term in enumerate(terms)}


def prune_common(terms: list[str], frequencies: dict[str, int], budget: int | None = None,
                 cap: int | None = None) -> list[str]:
    """The rarest terms whose postings fit in ``budget``, and in any case the ``MIN_TERMS`` rarest
    that are in at most ``cap`` chunks each (never none), in query order. The defaults are the
    module's settings as they are at call time."""
    budget = POSTINGS_BUDGET if budget is None else budget
    cap = TERM_CAP if cap is None else cap
    keep: set[str] = set()
    spent = 0
    for term in sorted(terms, key=lambda t: frequencies.get(t, 0)):
        count = frequencies.get(term, 0)
        spent += count
        if spent > budget and keep and (len(keep) >= MIN_TERMS or count > cap):
            break
        keep.add(term)
    return [t for t in terms if t in keep]


Keep = Callable[[np.ndarray], np.ndarray]  # chunk ids -> which of them pass the filter
SELECTIVE_SHARE = 0.1  # a filter passing at most this share of chunks is applied before BM25 scoring


def _ranked(conn: sqlite3.Connection, expression: str, limit: int, title_weight: float, keep: Keep | None,
            share: float) -> list[tuple[int, float]]:
    """The best ``limit`` matches of ``expression`` that ``keep`` lets through. A filter is applied
    to ranked matches: ``limit / share`` of them are fetched first (``share``: the expected
    fraction that passes), then all of them when too few passed."""
    sql = "SELECT rowid, bm25(chunks_fts, ?, 1.0) AS s FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY s LIMIT ?"
    fetch = limit if keep is None else math.ceil(2 * limit / max(share, 1e-4))
    while True:
        rows = conn.execute(sql, (title_weight, expression, fetch)).fetchall()
        fetched = len(rows)
        if keep is not None and rows:
            passed = keep(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
            rows = [r for r, ok in zip(rows, passed.tolist()) if ok]
        if keep is None or len(rows) >= limit or fetch < 0 or fetched < fetch:
            return [(int(vid), -float(score)) for vid, score in rows[:limit]]
        fetch = -1  # SQLite: no limit


def _ranked_selective(conn: sqlite3.Connection, expression: str, limit: int, title_weight: float,
                      keep: Keep) -> list[tuple[int, float]]:
    """The best ``limit`` matches of ``expression`` that a selective ``keep`` lets through. BM25
    scoring is what costs (about 1.5 us a match, against 0.1 us to list one), so the matching ids
    are listed first, filtered in NumPy, and only those that pass are scored. The unary ``+`` keeps
    SQLite from handing the id list to FTS5 as a constraint, which it would evaluate id by id."""
    listed = conn.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?", (expression,)).fetchall()
    vids = np.fromiter((r[0] for r in listed), dtype=np.int64, count=len(listed))
    passed = vids[keep(vids)] if len(vids) else vids
    if not len(passed):
        return []
    rows = conn.execute(
        "SELECT rowid, bm25(chunks_fts, ?, 1.0) AS s FROM chunks_fts WHERE chunks_fts MATCH ? "
        "AND +rowid IN (SELECT value FROM json_each(?)) ORDER BY s LIMIT ?",
        (title_weight, expression, json.dumps(passed.tolist()), limit)).fetchall()
    return [(int(vid), -float(score)) for vid, score in rows]


def keyword_search(
    conn: sqlite3.Connection,
    question: str,
    limit: int,
    *,
    title_weight: float,
    keep: Keep | None = None,
    share: float = 1.0,
    stats: TermStats | None = None,
    total: int = 0,
) -> list[tuple[int, float]]:
    """(vid, bm25 score, higher is better) of the best ``limit`` chunks that ``keep`` lets through
    (``share``: the fraction of chunks it lets through). With ``stats`` and the index's ``total``
    chunk count, very common terms are pruned from large indexes."""
    terms = query_terms(question)
    frequencies: dict[str, int] = {}
    if stats is not None and total >= PRUNE_FROM and len(terms) > 1:
        frequencies = stats.frequencies(terms)
    expression = match_expression(prune_common(terms, frequencies) if frequencies else terms)
    if expression is None:
        return []
    if keep is not None and share <= SELECTIVE_SHARE:
        return _ranked_selective(conn, expression, limit, title_weight, keep)
    if frequencies:
        rarest = sorted(terms, key=lambda t: frequencies[t])[:2]
        rows = _ranked(conn, " AND ".join(f'"{t}"' for t in rarest), limit, title_weight, keep, share)
        if len(rows) >= limit:
            return rows
    return _ranked(conn, expression, limit, title_weight, keep, share)
