"""Ingest throughput on the shared corpus: articles per second through read -> clean -> dedupe -> chunk -> store.

Embedding is excluded (the index stage is not run). Each repeat ingests into a fresh data directory;
the first repeat also pays for loading pysbd and the tokenizer, so the best repeat is reported too.

    .venv/bin/python bench/ingest_throughput.py [--corpus ../shared/corpus/chip_trade_news.jsonl] [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpus.pipeline import ingest  # noqa: E402
from corpus.store import open_store  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "chip_trade_news.jsonl"


def run_once(corpus: Path) -> tuple[int, int, float]:
    with tempfile.TemporaryDirectory(prefix="chipbot-bench-") as tmp, open_store(Path(tmp)) as store:
        started = time.perf_counter()
        report = ingest([str(corpus)], store)
        elapsed = time.perf_counter() - started
        if report.skipped:
            raise SystemExit(f"bench input has unreadable records: {report.skipped[:3]}")
        return report.read, sum(1 for _ in store.all_chunks()), elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="a JSONL corpus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus} (pass --corpus)", file=sys.stderr)
        return 1
    runs = [run_once(args.corpus) for _ in range(max(1, args.repeat))]
    articles, chunks, _ = runs[0]
    for i, (_, _, seconds) in enumerate(runs, start=1):
        label = "cold (loads pysbd + tokenizer)" if i == 1 else "warm"
        print(
            f"run {i}: {articles} articles, {chunks} chunks in {seconds:.2f} s = {articles / seconds:.1f} articles/s "
            f"[{label}]"
        )
    best = min(seconds for _, _, seconds in runs)
    print(
        f"ingest throughput (embedding excluded): {articles / best:.1f} articles/s best, "
        f"{articles / runs[0][2]:.1f} articles/s cold"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
