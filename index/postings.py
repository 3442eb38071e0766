"""BM25 postings of a generation: SQLite FTS5 tokenises, NumPy scores.

FTS5's ``bm25()`` costs about 0.75 us per matching row, so an OR query over a question's words
took 5-20 ms on a 100k-1M chunk index, or had to drop the question's common words to stay fast.
Here FTS5 (the same ``porter unicode61`` tokenizer) turns chunks into postings once, when a
generation is built, and a query scores every posting of its words with FTS5's own formula in a
few vectorised operations (~30 ns a posting). The scores equal ``bm25()``'s (a test checks them
against an FTS5 table). Files, memory-mapped when a generation is opened::

    kw.terms.txt    the stemmed terms, sorted, one per line (written last: marks a complete set)
    kw.offsets.npy  int64, one more than the terms: term t's postings are [offsets[t], offsets[t+1])
    kw.docs.npy     int32 per posting: its document, a row of kw.vids.npy
    kw.tf.npy       uint16 per posting: occurrences in (title, text)
    kw.impact.npy   float32 per posting: its BM25 weight before idf at the default title weight
    kw.vids.npy     int64 per document: its chunk id
    kw.lengths.npy  int32 per document: tokens in title + text (BM25's document length)

Within a term, postings are ordered by that weight, highest first, so a very common word on a very
large index can be scored on its best postings only.
A new generation merges the previous one's postings with the added chunks' and drops the
removed chunks' (nothing is re-tokenised).
"""

from __future__ import annotations

import bisect
import logging
import math
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.text.words import fts5_probe

log = logging.getLogger(__name__)

K1, B = 1.2, 0.75  # FTS5's bm25() constants
DEFAULT_TITLE_WEIGHT = 1.5  # orders postings within a term; any weight can be used to score
TERMS, OFFSETS, DOCS, TF, IMPACT, VIDS, LENGTHS = (
    "kw.terms.txt",
    "kw.offsets.npy",
    "kw.docs.npy",
    "kw.tf.npy",
    "kw.impact.npy",
    "kw.vids.npy",
    "kw.lengths.npy",
)
ARRAYS = (OFFSETS, DOCS, TF, IMPACT, VIDS, LENGTHS)
TOKENIZE_BATCH = 20_000  # chunks tokenised at a time (bounds the memory of a large build)


@dataclass(frozen=True)
class Postings:
    terms: list[str]
    offsets: np.ndarray
    docs: np.ndarray
    tf: np.ndarray
    impact: np.ndarray
    vids: np.ndarray
    lengths: np.ndarray
    norm: np.ndarray = field(init=False, repr=False)  # BM25's length normalisation per document
    _scratch: threading.local = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "norm", _length_norm(self.lengths))
        object.__setattr__(self, "_scratch", threading.local())

    def accumulator(self) -> np.ndarray:
        """This thread's score per document, all zero between queries (``bm25`` leaves it so)."""
        acc = getattr(self._scratch, "acc", None)
        if acc is None:
            acc = self._scratch.acc = np.zeros(len(self), dtype=np.float32)
        return acc

    @classmethod
    def empty(cls) -> Postings:
        return cls(
            [],
            np.zeros(1, np.int64),
            np.zeros(0, np.int32),
            np.zeros((0, 2), np.uint16),
            np.zeros(0, np.float32),
            np.zeros(0, np.int64),
            np.zeros(0, np.int32),
        )

    def __len__(self) -> int:
        return len(self.vids)

    def term_id(self, term: str) -> int | None:
        i = bisect.bisect_left(self.terms, term)
        return i if i < len(self.terms) and self.terms[i] == term else None

    def save(self, folder: Path) -> None:
        for name, array in zip(ARRAYS, (self.offsets, self.docs, self.tf, self.impact, self.vids, self.lengths)):
            np.save(folder / name, array)
        (folder / TERMS).write_text("\n".join(self.terms), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Postings | None:
        """The saved postings (memory-mapped), or None when the generation predates them."""
        if not (folder / TERMS).is_file():
            return None
        text = (folder / TERMS).read_text(encoding="utf-8")
        p = cls(text.split("\n") if text else [], *(np.load(folder / name, mmap_mode="r") for name in ARRAYS))
        fits = (
            len(p.offsets) == len(p.terms) + 1
            and int(p.offsets[-1]) == len(p.docs) == len(p.tf) == len(p.impact)
            and len(p.vids) == len(p.lengths)
        )
        if not fits:
            raise ValueError(f"{folder / TERMS}: keyword postings arrays do not fit together")
        return p

    def merge(self, removed: Iterable[int], *added: Postings) -> Postings:
        """These postings without the chunk ids ``removed``, with those of ``added`` (new chunk ids)."""
        keep = ~np.isin(self.vids, np.fromiter(removed, dtype=np.int64))
        parts = [self, *list(added)]
        terms = sorted(set().union(*(p.terms for p in parts)))
        index = {term: i for i, term in enumerate(terms)}
        renumber = np.cumsum(keep) - 1
        tids, docs, tfs = [], [], []
        base = int(keep.sum())
        for n, part in enumerate(parts):
            term_of = np.fromiter((index[t] for t in part.terms), dtype=np.int64, count=len(part.terms))
            tid = np.repeat(term_of, np.diff(part.offsets))
            if n == 0:
                alive = keep[part.docs]
                tids.append(tid[alive])
                docs.append(renumber[part.docs[alive]])
                tfs.append(part.tf[alive])
            else:
                tids.append(tid)
                docs.append(np.asarray(part.docs, np.int64) + base)
                tfs.append(part.tf)
                base += len(part)
        vids = np.concatenate([self.vids[keep]] + [p.vids for p in added])
        lengths = np.concatenate([self.lengths[keep]] + [p.lengths for p in added])
        return _assemble(terms, np.concatenate(tids), np.concatenate(docs), np.concatenate(tfs), vids, lengths)


def _assemble(
    terms: list[str], tid: np.ndarray, doc: np.ndarray, tf: np.ndarray, vids: np.ndarray, lengths: np.ndarray
) -> Postings:
    """Postings from unordered (term id, document, tf) triples; terms left without postings go."""
    if len(np.unique(vids)) != len(vids):
        raise ValueError("a chunk id appears twice in the keyword postings")
    impact = _impact(tf, doc, _length_norm(lengths), DEFAULT_TITLE_WEIGHT).astype(np.float32)
    # By term, then best weight first, as one int64 key: a non-negative float32's bits sort as the
    # float does. A merge's input is nearly in this order already, which a stable sort exploits
    # (0.1 s for 50M postings, against 12 s for a three-key lexsort).
    key = (tid.astype(np.int64) << 32) | (~impact.view(np.uint32)).astype(np.int64)
    order = np.argsort(key, kind="stable")  # ties keep their input order: by document
    tid, doc, tf, impact = tid[order], doc[order], tf[order], impact[order]
    counts = np.bincount(tid, minlength=len(terms))
    present = counts > 0
    offsets = np.concatenate([[0], np.cumsum(counts[present])]).astype(np.int64)
    return Postings(
        [t for t, p in zip(terms, present.tolist()) if p],
        offsets,
        doc.astype(np.int32),
        np.ascontiguousarray(tf, dtype=np.uint16),
        impact,
        vids.astype(np.int64),
        lengths.astype(np.int32),
    )


def _impact(tf: np.ndarray, doc: np.ndarray, norm: np.ndarray, title_weight: float) -> np.ndarray:
    """A posting's BM25 weight before idf: ``f * (k1 + 1) / (f + norm)`` with f its weighted tf."""
    f = title_weight * tf[:, 0] + tf[:, 1].astype(np.float64)
    return (K1 + 1) * f / (f + norm[doc])


def _length_norm(lengths: np.ndarray) -> np.ndarray:
    """``k1 * (1 - b + b * D / avgdl)`` per document, as FTS5 computes it."""
    lengths = np.asarray(lengths, dtype=np.float64)
    avgdl = lengths.sum() / len(lengths) if len(lengths) else 1.0
    return K1 * (1 - B + B * lengths / (avgdl or 1.0))


def tokenize(rows: Iterable[tuple[int, str, str]]) -> Postings:
    """Postings of (chunk id, title, text) rows, tokenised and stemmed by FTS5 in an in-memory table."""
    conn = fts5_probe("title", "text")
    try:
        parts, batch = [], []
        for row in rows:
            batch.append(row)
            if len(batch) >= TOKENIZE_BATCH:
                parts.append(_tokenize_batch(conn, batch))
                batch = []
        if batch or not parts:
            parts.append(_tokenize_batch(conn, batch))
    finally:
        conn.close()
    return parts[0] if len(parts) == 1 else Postings.empty().merge((), *parts)


def _tokenize_batch(conn: sqlite3.Connection, rows: Sequence[tuple[int, str, str]]) -> Postings:
    if not rows:
        return Postings.empty()
    with conn:
        conn.execute("DELETE FROM probe")
        conn.executemany("INSERT INTO probe (rowid, title, text) VALUES (?, ?, ?)", rows)
    vids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    order = np.argsort(vids)
    terms: list[str] = []
    tid, vid_col, text_col, counts = [], [], [], []
    for term, vid, column, count in conn.execute(
        "SELECT term, doc, col, count(*) FROM probe_vocab GROUP BY term, doc, col"
    ):
        if not terms or terms[-1] != term:
            terms.append(term)
        tid.append(len(terms) - 1)
        vid_col.append(vid)
        text_col.append(column == "text")
        counts.append(count)
    tid_a = np.asarray(tid, dtype=np.int64)
    doc = order[np.searchsorted(vids[order], np.asarray(vid_col, dtype=np.int64))]  # row of each chunk id
    column = np.asarray(text_col, dtype=np.int64)
    count = np.asarray(counts, dtype=np.int64)
    pair = tid_a * len(rows) + doc  # one posting per (term, document), both columns in it
    unique, posting = np.unique(pair, return_inverse=True)
    tf = np.zeros((len(unique), 2), dtype=np.int64)
    np.add.at(tf, (posting, column), count)
    lengths = np.bincount(doc, weights=count, minlength=len(rows)).astype(np.int32)
    return _assemble(
        terms, unique // len(rows), unique % len(rows), np.minimum(tf, np.iinfo(np.uint16).max), vids, lengths
    )


def bm25(
    postings: Postings,
    term_ids: Sequence[int],
    title_weight: float,
    limit: int,
    cap: int | None = None,
    allowed: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(documents, scores) of the best ``limit`` documents holding any of ``term_ids`` (and any tied
    with the last), unordered, scored as FTS5's ``bm25(table, title_weight, 1.0)`` (negated: higher
    is better). ``allowed(documents)`` says which may be returned. ``cap``: score at most this many
    postings of each term, its best ones (its document frequency still sets its idf). A document
    whose score is zero (a word only in its title, at title weight 0) is left out.

    Scores add up per term in this thread's accumulator, which costs a few ns per posting, where
    sorting the postings or sweeping every document would cost as much as the scoring."""
    n = len(postings)
    if not n or not term_ids or limit <= 0:
        return np.zeros(0, np.int64), np.zeros(0)
    acc = postings.accumulator()
    try:
        docs, scores = _accumulate(postings, acc, term_ids, title_weight, cap)
    except BaseException:
        acc[:] = 0  # never leave another query's scores behind
        raise
    hit = np.flatnonzero(scores > 0)
    if allowed is not None and len(hit):
        # Most filters let through a fair share of the best hits: check those first, and only
        # check every hit when too few of them pass (a selective filter).
        best = _best(hit, scores, 4 * limit)
        passed = best[allowed(docs[best])]
        hit = passed if len(passed) >= limit or len(best) == len(hit) else hit[allowed(docs[hit])]
    hit = _best(hit, scores, limit)
    return docs[hit].astype(np.int64), scores[hit]


def _best(hit: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """The ``limit`` entries of ``hit`` with the highest ``scores``, and any tied with the last."""
    if len(hit) <= limit:
        return hit
    threshold = np.partition(scores[hit], len(hit) - limit)[len(hit) - limit]
    return hit[scores[hit] >= threshold]


def _accumulate(
    postings: Postings, acc: np.ndarray, term_ids: Sequence[int], title_weight: float, cap: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(document, total score) per posting scored; a document's total is given once, zeros after."""
    n = len(postings)
    slices = []
    for t in term_ids:
        start, end = int(postings.offsets[t]), int(postings.offsets[t + 1])
        idf = math.log((n - (end - start) + 0.5) / ((end - start) + 0.5))
        idf = idf if idf > 0 else 1e-6  # FTS5's floor for words in over half the rows
        if cap is not None:
            end = min(end, start + cap)
        docs = postings.docs[start:end]
        if title_weight == DEFAULT_TITLE_WEIGHT:
            weight = postings.impact[start:end]
        else:
            weight = _impact(postings.tf[start:end], docs, postings.norm, title_weight)
        acc[docs] += idf * weight  # a term's documents are distinct, so this adds once per document
        slices.append(docs)
    docs = np.concatenate(slices)
    scores = np.empty(len(docs), dtype=np.float32)
    at = 0
    for part in slices:  # each document's total once (then zero: acc is left all zero)
        scores[at : at + len(part)] = acc[part]
        acc[part] = 0
        at += len(part)
    return docs, scores
