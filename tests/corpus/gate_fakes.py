"""Stand-ins for the gate's collaborators: a deterministic embedder and a gate that scores by words."""

from __future__ import annotations

import re

import numpy as np

from corpus.gate.model import GateDecision, GateItem

_CHIP_TRADE = re.compile(r"export|licen[cs]e|tariff|sanction|entity list|curb", re.IGNORECASE)


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


class WordGate:
    """Admits items whose title and text use trade-policy words; counts what it was asked."""

    admits_all = False

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        self.asked: list[str | None] = []

    def decide(self, item: GateItem) -> GateDecision:
        self.asked.append(item.title)
        hits = len(_CHIP_TRADE.findall(f"{item.title} {item.summary or ''} {item.text}"))
        score = round(min(0.95, 0.05 + 0.3 * hits), 6)
        return GateDecision(score >= self.threshold, score, self.threshold, "gate")
