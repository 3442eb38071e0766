"""Shared helpers for the benchmarks: locating the shared corpus, building its index, printing tables."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHIPBOT_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))
sys.path.insert(0, str(REPO))  # the benchmarks run as scripts from a checkout
OUT = REPO / "bench" / "out"  # git-ignored: model export cache, benchmark data directories
MODEL = os.environ.get("CHIPBOT_MODEL", "all-MiniLM-L6-v2")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[f"{c:.2f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def model_tokenizer():
    """The word-piece tokenizer of ``MODEL``, without padding or truncation."""
    from tokenizers import Tokenizer

    from index.embed import resolve_model

    _, model_dir = resolve_model(MODEL)
    if model_dir is None:
        raise SystemExit(f"{MODEL} is not a local model directory: the benchmarks need its tokenizer.json")
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def fresh_data_dir(path: Path) -> Path:
    """An empty data directory at ``path``, holding a copy of the ONNX export cache when there is one."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    if (OUT / "models").is_dir():
        shutil.copytree(OUT / "models", path / "models")
    return path


def build_shared_index(data_dir: Path, backend: str = "auto"):
    """Ingest the shared corpus into ``data_dir`` and index it; returns the embedder."""
    from corpus.pipeline import ingest
    from corpus.store import open_store
    from index.builder import update_index
    from index.embed import make_embedder

    embedder = make_embedder(MODEL, backend, cache_dir=data_dir / "models")
    with open_store(data_dir) as store:
        ingest([str(SHARED / "chip_trade_news.jsonl")], store)
        update_index(data_dir, store, embedder)
    return embedder


def open_shared_index(data_dir: Path | None, default: Path):
    """(folder, ``Index``) of the shared corpus: the index in ``data_dir`` when there is one, else
    built afresh there (or in ``default``)."""
    from index.embed import make_embedder
    from index.search import Index

    if data_dir is None or not (data_dir / "index" / "CURRENT").is_file():
        data_dir = fresh_data_dir(data_dir or default)
        embedder = build_shared_index(data_dir)
    else:
        embedder = make_embedder(MODEL, "auto", cache_dir=data_dir / "models")
    return data_dir, Index.open(data_dir, embedder)
