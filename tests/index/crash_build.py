"""Run by test_crash.py in a subprocess: builds an index with a slow embedder, to be killed part-way."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from index.builder import update_index
from index.embedders.hashing import HashEmbedder

from .fakes import ARTICLES, MemoryStore, make_article


class SlowEmbedder(HashEmbedder):
    def embed(self, texts: list[str]) -> np.ndarray:
        print("embedding", flush=True)  # the test kills us once it reads this
        time.sleep(60)
        return super().embed(texts)


if __name__ == "__main__":
    data_dir = Path(sys.argv[1])
    extra = [make_article(f"n{i}", f"New article number {i} about wafer tariffs.") for i in range(3)]
    update_index(data_dir, MemoryStore([*ARTICLES, *extra]), SlowEmbedder())
