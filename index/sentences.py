"""Sentence vectors, computed when an article is indexed, so answers never embed passages per question.

Each article's text is cut into quote sentences (``corpus.text.sentences.sentence_spans``, the
splitter answers quote with), every sentence is embedded once (through the embedding cache, so an
unchanged sentence is never embedded again), and the article's spans and vectors are stored as one
row of the generation's docstore: float16 vectors (half the bytes; cosines change by < 1e-3).
At answer time ``load`` fetches the rows of the dozen or so candidate articles in one query.
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
    article_id TEXT PRIMARY KEY, text_key TEXT NOT NULL, spans BLOB NOT NULL, vectors BLOB NOT NULL
);
"""

EmbedMissing = Callable[[dict[str, str]], dict[str, np.ndarray]]  # {key: text} -> {key: unit vector}
# Names how ``sentence_spans`` cuts: a new cut gets a new name, and every row is redone on the next
# update (its unchanged sentences come from the embedding cache).
SPLITTER = "quote sentences v2: date lines dropped"


@dataclass(frozen=True)
class SentenceVectors:
    """An article's quote sentences: ``spans[i] = (start, end)`` into its text, ``vectors[i]`` unit-norm."""

    spans: np.ndarray  # (n, 2) int32
    vectors: np.ndarray  # (n, dim) float32


def sync(conn: sqlite3.Connection, embed_missing: EmbedMissing) -> int:
    """Give every article of the docstore its sentence row (new articles, and articles whose text
    changed, or were cut by another ``SPLITTER``) and drop rows of articles that are gone; returns how
    many articles were (re)done."""
    conn.executescript(SCHEMA)
    have = dict(conn.execute("SELECT article_id, text_key FROM sentences").fetchall())
    todo: list[tuple[str, str, list[tuple[int, int]], list[str]]] = []
    current: set[str] = set()
    for article_id, text in conn.execute("SELECT id, text FROM articles"):
        current.add(article_id)
        key = text_key(f"{SPLITTER}\n{text}")
        if have.get(article_id) == key:
            continue
        spans = [(s.start, s.end) for s in sentence_spans(text)]
        todo.append((article_id, key, spans, [text[a:b] for a, b in spans]))
    wanted = {text_key(t): t for *_, texts in todo for t in texts}
    vectors = embed_missing(wanted) if wanted else {}
    with conn:
        conn.executemany("DELETE FROM sentences WHERE article_id = ?", ((a,) for a in have.keys() - current))
        for article_id, key, spans, texts in todo:
            matrix = np.stack([vectors[text_key(t)] for t in texts]) if texts else np.zeros((0, 1), np.float32)
            conn.execute(
                "INSERT OR REPLACE INTO sentences (article_id, text_key, spans, vectors) VALUES (?, ?, ?, ?)",
                (
                    article_id,
                    key,
                    np.asarray(spans, dtype=np.int32).reshape(-1, 2).tobytes(),
                    matrix.astype(np.float16).tobytes(),
                ),
            )
    return len(todo)


def load(conn: sqlite3.Connection, article_ids: Iterable[str], dim: int) -> dict[str, SentenceVectors]:
    """The sentence rows of ``article_ids`` (articles without one are left out)."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    try:
        rows = conn.execute(
            f"SELECT article_id, spans, vectors FROM sentences WHERE article_id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
    except sqlite3.OperationalError:  # a generation built before sentence vectors existed
        return {}
    found = {}
    for article_id, spans, vectors in rows:
        span_array = np.frombuffer(spans, dtype=np.int32).reshape(-1, 2)
        matrix = np.frombuffer(vectors, dtype=np.float16).reshape(len(span_array), -1).astype(np.float32)
        if len(span_array) and matrix.shape[1] != dim:
            continue
        found[article_id] = SentenceVectors(span_array, matrix)
    return found
