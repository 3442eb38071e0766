"""Run the index benchmarks and print their tables (``make bench``).

    .venv/bin/python bench/run_all.py [--sizes 100000,1000000]

Embedding throughput per backend, end-to-end ingest and in-process query latency on the shared
corpus, a whole cited answer against its search, cold start of ``chipbot search``, latency / HNSW
recall / memory at scale, and what the keyword term cap of large indexes costs in recall.
The corpus-only ingest benchmark is ``bench/ingest_throughput.py``.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import answer_latency
import embed_throughput
import keyword_cap
import latest_topics
import query_latency
import scale
from common import OUT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="chunk counts for the scale table")
    args = parser.parse_args()
    print("## Embedding throughput\n")
    print(embed_throughput.run(OUT / "models"), flush=True)
    print("\n## Shared corpus: ingest, query latency, cold start\n")
    print(query_latency.run(), flush=True)
    print("\n## A whole cited answer against its search (shared corpus, labelled questions)\n")
    print(answer_latency.run(), flush=True)
    print("\n## Scale (synthetic chunks, dev questions as queries)\n")
    print(scale.run([int(s) for s in args.sizes.split(",")]), flush=True)
    print("\n## What the keyword term cap costs in recall (dev corpus)\n")
    print(keyword_cap.run([keyword_cap.keyword.TERM_CAP]), flush=True)
    print("\n## /latest topic: precision of the 10 lines before and after the relevance floor\n")
    print(latest_topics.run(), flush=True)


if __name__ == "__main__":
    main()
