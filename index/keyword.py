"""Keyword search: a question's content words, stemmed as the index stems them, scored by BM25.

Questions become their content words (stopwords dropped), so a passage that shares the rare words
of the question (names, chip models, numbers) ranks first even when it misses the common ones.
Scoring is ``postings.bm25``: FTS5's formula over the generation's postings arrays. On a very
large index a word in more than ``TERM_CAP`` chunks is scored on its best ``TERM_CAP`` postings
only, which bounds keyword latency whatever the corpus size.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from corpus.text.words import FTS5Stemmer, keyword_words

from .postings import Postings, bm25

TERM_CAP = 30_000  # postings scored per word, its best ones: exact below it. bench/keyword_cap.py: dev
# recall@1 0.94 (exact) up to the 200k share, 0.82 at the 1M share; 1M p95 ~17-22 ms (bench/scale.py).
MAX_TERMS = 32  # distinct words scored per query (a 10,000-character paste took 0.7 s at 1M chunks, now ~30 ms)


def keyword_search(
    postings: Postings,
    stemmer: FTS5Stemmer,
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
    ids = [i for stem in stemmer.stems(keyword_words(question)) if (i := postings.term_id(stem)) is not None]
    if len(set(ids)) > MAX_TERMS:  # a pasted passage, not a question: its rarest words say what it is about
        rarest = set(sorted(set(ids), key=lambda i: (postings.offsets[i + 1] - postings.offsets[i], i))[:MAX_TERMS])
        ids = [i for i in ids if i in rarest]
    docs, scores = bm25(postings, ids, title_weight, limit, TERM_CAP if cap is None else cap, allowed)
    vids = np.asarray(postings.vids)[docs]
    order = np.lexsort((vids, -scores))[:limit]  # best first; ties by chunk id, so results are repeatable
    return list(zip(vids[order].tolist(), scores[order].tolist()))
