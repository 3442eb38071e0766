"""Near-duplicate detection: MinHash signatures of word shingles, with LSH banding for candidates."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

_WORD_RE = re.compile(r"\w+")
_PRIME = np.uint64((1 << 61) - 1)
_MASK32 = (1 << 32) - 1


@dataclass(frozen=True)
class Match:
    article_id: str
    similarity: float  # estimated Jaccard similarity of the two texts' shingle sets


class NearDuplicateIndex:
    """Finds a stored article whose text is the same story with other headers, footers or small edits.

    Texts are compared as sets of ``shingle``-word sequences (case and punctuation folded); MinHash
    estimates their Jaccard similarity, and LSH bands keep lookups fast on a large store.
    """

    def __init__(
        self, *, num_perm: int = 128, bands: int = 64, shingle: int = 5, threshold: float = 0.5, seed: int = 1
    ) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, _MASK32, size=num_perm, dtype=np.uint64)
        self._b = rng.integers(0, _MASK32, size=num_perm, dtype=np.uint64)
        self._rows = num_perm // bands
        self._bands = bands
        self._shingle = shingle
        self.threshold = threshold
        self._signatures: dict[str, np.ndarray] = {}
        self._buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)

    def signature(self, text: str) -> np.ndarray | None:
        """The MinHash signature of a text, or None when it has no words."""
        words = _WORD_RE.findall(text.casefold())
        if not words:
            return None
        n = self._shingle
        grams = {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}
        hashes = np.fromiter(
            (int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little") for g in grams),
            dtype=np.uint64,
            count=len(grams),
        )
        with np.errstate(over="ignore"):
            values = (np.outer(hashes, self._a) + self._b) % _PRIME
        return values.min(axis=0)

    def add(self, article_id: str, signature: np.ndarray) -> None:
        self.remove(article_id)
        self._signatures[article_id] = signature
        for key in self._band_keys(signature):
            self._buckets[key].append(article_id)

    def remove(self, article_id: str) -> None:
        old = self._signatures.pop(article_id, None)
        if old is not None:
            for key in self._band_keys(old):
                self._buckets[key].remove(article_id)

    def query(self, signature: np.ndarray, *, exclude: str | None = None) -> Match | None:
        """The most similar indexed article at or above the threshold, if any."""
        candidates = {aid for key in self._band_keys(signature) for aid in self._buckets.get(key, ())}
        if exclude is not None:
            candidates.discard(exclude)
        best: Match | None = None
        for aid in sorted(candidates):
            similarity = float(np.mean(self._signatures[aid] == signature))
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(aid, similarity)
        return best

    def _band_keys(self, signature: np.ndarray) -> list[tuple[int, bytes]]:
        r = self._rows
        return [(band, signature[band * r : (band + 1) * r].tobytes()) for band in range(self._bands)]

    @staticmethod
    def to_bytes(signature: np.ndarray) -> bytes:
        return signature.astype("<u8").tobytes()

    @staticmethod
    def from_bytes(blob: bytes) -> np.ndarray:
        return np.frombuffer(blob, dtype="<u8").astype(np.uint64)
