"""The reference embedder: sentence-transformers on CPU (imports torch, 4-5 s)."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from index.embedders import pooling
from index.errors import EmbedderUnavailable

log = logging.getLogger(__name__)


class TorchEmbedder:
    backend = "torch"

    def __init__(self, name: str, path: Path | None, batch_size: int = 32) -> None:
        self.name = name
        self._source = str(path) if path is not None else name
        self._batch_size = batch_size
        self._model: Any = None  # SentenceTransformer, loaded on first use
        self._lock = threading.Lock()
        self.dim = 384 if path is None else _dim_from_config(path)

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self._source, device="cpu")
            except Exception as exc:
                raise EmbedderUnavailable(f"cannot load sentence-transformers model {self._source!r}: {exc}") from exc
            get_dim = getattr(self._model, "get_embedding_dimension", None) or (
                self._model.get_sentence_embedding_dimension
            )
            self.dim = int(get_dim())
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            model = self._load()
            vectors = model.encode(
                texts,
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _dim_from_config(path: Path) -> int:
    import json

    if (path / "1_Pooling" / "config.json").is_file():
        return pooling(path)[1]
    return int(json.loads((path / "config.json").read_text())["hidden_size"])
