"""BM25 keyword search over chunk text and title with SQLite FTS5.

Questions are turned into an OR query of their content words (stopwords dropped), so a passage
that shares the rare words of the question (names, chip models, numbers) ranks first even when
it misses the common ones.
"""

from __future__ import annotations

import re
import sqlite3

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


def keyword_search(
    conn: sqlite3.Connection,
    question: str,
    limit: int,
    *,
    title_weight: float,
    where: str = "",
    params: tuple = (),
) -> list[tuple[int, float]]:
    """(vid, bm25 score, higher is better) of the best ``limit`` chunks; ``where`` filters on
    ``c`` (chunks) and ``a`` (articles) with its own ``params``."""
    expression = match_expression(query_terms(question))
    if expression is None:
        return []
    join = "JOIN chunks c ON c.vid = f.rowid JOIN articles a ON a.id = c.article_id" if where else ""
    sql = (
        f"SELECT f.rowid, bm25(chunks_fts, ?, 1.0) AS s FROM chunks_fts f {join} "
        f"WHERE chunks_fts MATCH ? {('AND ' + where) if where else ''} ORDER BY s LIMIT ?"
    )
    rows = conn.execute(sql, (title_weight, expression, *params, limit)).fetchall()
    return [(int(vid), -float(score)) for vid, score in rows]
