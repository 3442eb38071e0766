"""Sentence vectors, computed when an article is indexed, so answers never embed passages per question.

Each article's text is cut into quote sentences (``corpus.text.sentences.sentence_spans``, the
splitter answers quote with) and every sentence is embedded twice: alone, and in its context
(``in_context``: after the article's title and the sentence before it). A sentence alone often
leaves out what it is about ("Its shares posted a modest gain."); read in context its vector says
whose shares, so the answer engine can tell which of a story's sentences states the detail asked.
Embeddings go through the embedding cache, so an unchanged text is never embedded again. The
article's spans and both sets of vectors are stored as one row of the generation's docstore:
float16 vectors (half the bytes; cosines change by < 1e-3). At answer time ``load`` fetches the rows
of the dozen or so candidate articles in one query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from corpus.text.sentences import sentence_spans

from .embed_cache import text_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT PRIMARY KEY, text_key TEXT NOT NULL, spans BLOB NOT NULL, vectors BLOB NOT NULL,
    context BLOB NOT NULL
);
"""

EmbedMissing = Callable[[dict[str, str]], dict[str, np.ndarray]]  # {key: text} -> {key: unit vector}
# Names how ``sentence_spans`` cuts and what ``in_context`` embeds: a new cut gets a new name, and
# every row is redone on the next update (its unchanged texts come from the embedding cache).
SPLITTER = "quote sentences v3: date lines dropped; in context: title, previous sentence"


@dataclass(frozen=True)
class SentenceVectors:
    """An article's quote sentences: ``spans[i] = (start, end)`` into its text; ``vectors[i]`` the
    sentence's unit vector, ``context[i]`` that of the sentence in its context (``in_context``)."""

    spans: np.ndarray  # (n, 2) int32
    vectors: np.ndarray  # (n, dim) float32
    context: np.ndarray | None = None  # (n, dim) float32; None where only the sentences were embedded


def in_context(title: str | None, sentences: list[str]) -> list[str]:
    """Each sentence as it is embedded in context: after the article's title and the sentence before it.

    >>> in_context("Intel sells a stake", ["The state bought 10%.", "Shares rose 5%."])
    ['Intel sells a stake. The state bought 10%.', 'Intel sells a stake. The state bought 10%. Shares rose 5%.']
    """
    title = (title or "").strip()
    if title and title[-1] not in ".?!":
        title += "."
    return [" ".join(p for p in (title, sentences[i - 1] if i else "", s) if p) for i, s in enumerate(sentences)]


def _layout_is_current(conn: sqlite3.Connection) -> bool:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(sentences)")}
    return not columns or "context" in columns


def sync(conn: sqlite3.Connection, embed_missing: EmbedMissing) -> int:
    """Give every article of the docstore its sentence row (new articles, and articles whose text
    changed, or were cut by another ``SPLITTER``) and drop rows of articles that are gone; returns how
    many articles were (re)done."""
    if not _layout_is_current(conn):  # rows without context vectors: all of them are redone anyway
        with conn:
            conn.execute("DROP TABLE sentences")
    conn.executescript(SCHEMA)
    have = dict(conn.execute("SELECT article_id, text_key FROM sentences").fetchall())
    todo: list[tuple[str, str, list[tuple[int, int]], list[str], list[str]]] = []
    current: set[str] = set()
    for article_id, title, text in conn.execute("SELECT id, title, text FROM articles"):
        current.add(article_id)
        key = text_key(f"{SPLITTER}\n{title or ''}\n{text}")
        if have.get(article_id) == key:
            continue
        spans = [(s.start, s.end) for s in sentence_spans(text)]
        texts = [text[a:b] for a, b in spans]
        todo.append((article_id, key, spans, texts, in_context(title, texts)))
    wanted = {text_key(t): t for *_, texts, contexts in todo for t in (*texts, *contexts)}
    vectors = embed_missing(wanted) if wanted else {}
    with conn:
        conn.executemany("DELETE FROM sentences WHERE article_id = ?", ((a,) for a in have.keys() - current))
        for article_id, key, spans, texts, contexts in todo:
            conn.execute(
                "INSERT OR REPLACE INTO sentences (article_id, text_key, spans, vectors, context)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    article_id,
                    key,
                    np.asarray(spans, dtype=np.int32).reshape(-1, 2).tobytes(),
                    _matrix(vectors, texts),
                    _matrix(vectors, contexts),
                ),
            )
    return len(todo)


def _matrix(vectors: dict[str, np.ndarray], texts: list[str]) -> bytes:
    """The texts' vectors as one float16 row-major blob (no rows for no texts)."""
    matrix = np.stack([vectors[text_key(t)] for t in texts]) if texts else np.zeros((0, 1), np.float32)
    return matrix.astype(np.float16).tobytes()


def _rows(blob: bytes, n: int, dim: int) -> np.ndarray:
    """A stored blob as ``n`` float32 rows (an article with no sentences has none)."""
    if not n:
        return np.zeros((0, dim), np.float32)
    return np.frombuffer(blob, dtype=np.float16).reshape(n, -1).astype(np.float32)


def load(conn: sqlite3.Connection, article_ids: Iterable[str], dim: int) -> dict[str, SentenceVectors]:
    """The sentence rows of ``article_ids`` (articles without one are left out)."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    # A generation built before the context vectors has no such column: its rows are read without them.
    for context in ("context", "NULL"):
        try:
            rows = conn.execute(
                f"SELECT article_id, spans, vectors, {context} FROM sentences WHERE article_id IN ({marks})", ids
            ).fetchall()
            break
        except sqlite3.OperationalError:
            continue
    else:  # a generation built before sentence vectors existed
        return {}
    found = {}
    for article_id, spans, vectors, context in rows:
        span_array = np.frombuffer(spans, dtype=np.int32).reshape(-1, 2)
        n = len(span_array)
        matrix = _rows(vectors, n, dim)
        if matrix.shape[1] != dim:
            continue
        found[article_id] = SentenceVectors(span_array, matrix, None if context is None else _rows(context, n, dim))
    return found
