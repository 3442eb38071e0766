"""What keyword pruning costs in retrieval quality, measured on the shared dev corpus.

On a large index (``index.keyword.PRUNE_FROM`` chunks or more), BM25 only scores the query's
rarest words, up to ``POSTINGS_BUDGET`` postings; that is what bounds keyword latency at 100k and
1M chunks (bench/scale.py). Synthetic chunks cannot say what this costs in quality, so this script
forces the large-index path on the real dev corpus with the budget set to the same *share* of the
chunks: 4,000 postings is 4% of a 100k-chunk index and 0.4% of a 1M one. A topic-focused news
corpus has the same kind of word frequencies at any size, so a share of this small corpus stands
for the same share of a large one.

    .venv/bin/python bench/pruning_quality.py
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from common import OUT, SHARED, build_shared_index, table

from index import keyword
from index.evaluate import load_questions
from index.generation import DOCS, Generations
from index.search import Index

SHARES = (None, 0.08, 0.04, 0.02, 0.01, 0.004)  # None: no pruning (what a small index does)


def _recall(index: Index, questions) -> tuple[float, float]:
    first = top5 = 0
    for q in questions:
        hits = index.search(q.question, k=5, today=date(2026, 11, 28)).hits
        found = [h.article.id == q.article_id or q.article_id in h.copies for h in hits]
        first += bool(found and found[0])
        top5 += any(found)
    return first / len(questions), top5 / len(questions)


def run() -> str:
    questions = [q for q in load_questions(SHARED / "dev_questions.jsonl") if q.article_id]
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
        saved = keyword.PRUNE_FROM, keyword.POSTINGS_BUDGET
        rows = []
        try:
            for share in SHARES:
                keyword.PRUNE_FROM = 10**12 if share is None else 0
                keyword.POSTINGS_BUDGET = 0 if share is None else max(1, round(share * chunks))
                at = "-" if share is None else f"{keyword.POSTINGS_BUDGET:,} of {chunks} chunks"
                scale = "any size, unpruned" if share is None else \
                    f"{saved[1] / share:,.0f} chunks with the budget of {saved[1]:,}"
                rows.append((f"{share:.1%}" if share else "none", at, scale,
                             *_recall(Index.open(data_dir, embedder), questions)))
        finally:
            keyword.PRUNE_FROM, keyword.POSTINGS_BUDGET = saved
    return table(["postings budget (share)", "budget here", "stands for an index of", "recall@1", "recall@5"], rows)


if __name__ == "__main__":
    print(run())
