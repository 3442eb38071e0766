"""What the keyword term cap costs in retrieval quality, measured on the shared dev corpus.

Keyword search scores each word of a question on at most ``index.keyword.TERM_CAP`` postings, its
best ones (``postings.bm25``); that is what bounds keyword latency on a 1M-chunk index
(bench/scale.py). Below the cap, scoring is exact. Synthetic chunks cannot say what the cap costs
in quality, so this script sets it on the real dev corpus to the same *share* of the chunks as on
an index of the size stood for: 50,000 postings is half of a 100k-chunk index and 5% of a 1M one.
A topic-focused news corpus has the same kind of word frequencies at any size, so a share of this
small corpus stands for the same share of a large one.

    .venv/bin/python bench/keyword_cap.py [--cap N ...]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import SHARED, build_shared_index, fresh_data_dir, table

from index import keyword
from index.evaluate import evaluate_search, load_questions
from index.search import Index

SIZES = (None, 100_000, 200_000, 400_000, 1_000_000, 2_000_000)  # None: the dev corpus as it is


def _recall(index: Index, questions) -> tuple[float, float, float]:
    report = evaluate_search(lambda question: index.search(question, k=5).hits, questions)
    return report.recall[1], report.recall[5], report.mrr


def run(caps: list[int]) -> str:
    questions = load_questions(SHARED / "dev_questions.jsonl")  # unanswerable ones are not scored
    saved = keyword.TERM_CAP
    rows = []
    with tempfile.TemporaryDirectory(prefix="chipbot-cap-") as tmp:
        data_dir = fresh_data_dir(Path(tmp) / "data")
        embedder = build_shared_index(data_dir)
        index = Index.open(data_dir, embedder)
        chunks = index.manifest.chunks
        try:
            for cap in caps:
                for size in SIZES:
                    keyword.TERM_CAP = 10**12 if size is None else max(1, round(cap * chunks / size))
                    rows.append(
                        (
                            f"{cap:,}",
                            "exact (no word capped)" if size is None else f"{size:,} chunks",
                            "-" if size is None else keyword.TERM_CAP,
                            *_recall(index, questions),
                        )
                    )
        finally:
            keyword.TERM_CAP = saved
    return f"{chunks} dev chunks; TERM_CAP {saved:,}\n\n" + table(
        ["cap", "index size stood for", "cap here", "recall@1", "recall@5", "MRR"], rows
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=int, nargs="*", default=[keyword.TERM_CAP], help="caps to measure")
    print(run(parser.parse_args().cap))
