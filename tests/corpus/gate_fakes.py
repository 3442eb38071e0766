"""Stand-ins for the gate's collaborators: a deterministic embedder."""

from __future__ import annotations

import re

import numpy as np


class WordEmbedder:
    """Unit vectors from hashed words: the same text always gets the same vector (no model)."""

    def __init__(self, name: str = "word-test", dim: int = 32) -> None:
        self.name = name
        self.dim = dim
        self.seen: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        out = np.zeros((len(texts), self.dim))
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[row, sum(map(ord, word)) % self.dim] += 1.0
            out[row, 0] += 1e-3
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)
