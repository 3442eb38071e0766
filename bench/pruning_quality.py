"""What keyword pruning costs in retrieval quality, measured on the shared dev corpus.

On a large index (``index.keyword.PRUNE_FROM`` chunks or more), BM25 only scores the query's
rarest words (up to ``POSTINGS_BUDGET`` postings, and the ``MIN_TERMS`` rarest if each is in at most
``TERM_CAP`` chunks); that is what bounds keyword latency at 100k and 1M chunks (bench/scale.py).
Synthetic chunks cannot say what this costs in quality, so this script forces the large-index path
on the real dev corpus with the budget and cap set to the same *share* of the chunks as on an index
of the size stood for: 4,000 postings is 4% of a 100k-chunk index and 0.4% of a 1M one. A topic-focused news
corpus has the same kind of word frequencies at any size, so a share of this small corpus stands
for the same share of a large one.

    .venv/bin/python bench/pruning_quality.py
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from common import OUT, SHARED, build_shared_index, table

from index import keyword
from index.evaluate import evaluate_search, load_questions
from index.generation import DOCS, Generations
from index.search import Index

SIZES = (None, 50_000, 100_000, 200_000, 400_000, 1_000_000)  # None: no pruning (a small index)
def _recall(index: Index, questions) -> tuple[float, float]:
    report = evaluate_search(lambda question: index.search(question, k=5).hits, questions)
    return report.recall[1], report.recall[5]


def run() -> str:
    questions = load_questions(SHARED / "dev_questions.jsonl")  # unanswerable ones are not scored
    with tempfile.TemporaryDirectory(prefix="chipbot-prune-") as tmp:
        data_dir = Path(tmp)
        if (OUT / "models").is_dir():
            shutil.copytree(OUT / "models", data_dir / "models")
        embedder = build_shared_index(data_dir)
        conn = sqlite3.connect(Generations(data_dir).current() / DOCS)
        with conn:  # the term frequencies a large index stores
            keyword.refresh_term_frequencies(conn, keyword.PRUNE_FROM)
        chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        conn.close()
        saved = keyword.PRUNE_FROM, keyword.POSTINGS_BUDGET, keyword.TERM_CAP
        rows = []
        try:
            for size in SIZES:
                share = 1.0 if size is None else chunks / size  # the budget and cap as shares of the index
                keyword.PRUNE_FROM = 10**12 if size is None else 0
                keyword.POSTINGS_BUDGET = max(1, round(saved[1] * share))
                keyword.TERM_CAP = max(1, round(saved[2] * share))
                rows.append(("unpruned (any size below PRUNE_FROM)" if size is None else f"{size:,} chunks",
                             "-" if size is None else f"{keyword.POSTINGS_BUDGET} / {keyword.TERM_CAP}",
                             *_recall(Index.open(data_dir, embedder), questions)))
        finally:
            keyword.PRUNE_FROM, keyword.POSTINGS_BUDGET, keyword.TERM_CAP = saved
    return (f"{chunks} dev chunks; POSTINGS_BUDGET {saved[1]:,}, TERM_CAP {saved[2]:,}, MIN_TERMS {keyword.MIN_TERMS}\n\n"
            + table(["index size stood for", "budget / cap here", "recall@1", "recall@5"], rows))


if __name__ == "__main__":
    print(run())
