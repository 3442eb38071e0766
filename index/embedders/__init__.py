"""Embedding backends; pick one with ``index.embed.make_embedder``."""

from __future__ import annotations

import json
from pathlib import Path


def pooling(model_dir: Path) -> tuple[str, int]:
    """A sentence-transformers model's (pooling mode, vector size), from ``1_Pooling/config.json``
    in either format: the hub's (``pooling_mode_mean_tokens``: true, ``word_embedding_dimension``)
    or the one sentence-transformers 6 saves (``pooling_mode``: "mean", ``embedding_dimension``).
    Raises OSError or ValueError when the file is missing or unreadable."""
    config = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    dim = config.get("embedding_dimension", config.get("word_embedding_dimension"))
    if dim is None:
        raise ValueError(f"{model_dir / '1_Pooling' / 'config.json'} gives no vector size")
    mode = config.get("pooling_mode") or next(
        (
            k.removeprefix("pooling_mode_").removesuffix("_tokens")
            for k, on in config.items()
            if k.startswith("pooling_mode_") and on is True
        ),
        "",
    )
    return str(mode), int(dim)
