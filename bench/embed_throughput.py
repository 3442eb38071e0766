"""Embedding throughput (chunks/s) for chunks of about 128 word pieces, per backend, against the
float32 matrix-multiply ceiling of this machine, measured here, and the load average (other
processes share the cores).

FLOPs per chunk of MiniLM-L6 (6 layers, hidden 384, FFN 1536, 130 tokens with [CLS]/[SEP]):
per token and layer, Q/K/V/output projections 4*384^2 and the FFN 2*384*1536 multiply-adds, plus
2*130*384 for attention scores and weighted values: ~1.87M MACs; x 6 layers x 130 tokens x 2
= ~2.9 GFLOP. Almost all of it is matrix multiplication, so the best float32 throughput the
cores can give (NumPy's BLAS on a large product of the model's own shapes) bounds chunks/s:
on the 2-core machine this was written on, ~200 GFLOPS, i.e. ~70 chunks/s. The opt-in int8
backend passes that bound but changes the vectors: the table gives its mean cosine to the float32
vectors and how many of each chunk's 10 nearest chunks stay the same.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
from common import MODEL, SHARED, model_tokenizer, table

from index.embed import make_embedder


def sample_chunks(count: int, tokens: int = 128) -> list[str]:
    tokenizer = model_tokenizer()
    texts = [json.loads(line)["text"] for line in (SHARED / "chip_trade_news.jsonl").open()]
    chunks = []
    for text in texts:
        enc = tokenizer.encode(text, add_special_tokens=False)
        for start in range(0, len(enc.offsets) - tokens, tokens):
            a, b = enc.offsets[start][0], enc.offsets[start + tokens - 1][1]
            chunks.append(text[a:b])
    return (chunks * (count // max(len(chunks), 1) + 1))[:count]


def measure(backend: str, chunks: list[str], cache_dir: Path) -> tuple[str, float, np.ndarray]:
    embedder = make_embedder(MODEL, backend, cache_dir=cache_dir)
    embedder.embed(chunks[:8])  # load
    started = time.perf_counter()
    vectors = embedder.embed(chunks)
    return embedder.backend, len(chunks) / (time.perf_counter() - started), vectors


def neighbour_overlap(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    """Mean share of each row's k nearest other rows that ``a`` and ``b`` agree on."""

    def nearest(v: np.ndarray) -> np.ndarray:
        sims = v @ v.T
        np.fill_diagonal(sims, -np.inf)
        return np.argsort(-sims, axis=1)[:, :k]

    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(nearest(a).tolist(), nearest(b).tolist())]))


LAYERS, HIDDEN, FFN, TOKENS = 6, 384, 1536, 130


def gflop_per_chunk(tokens: float) -> float:
    return 2 * LAYERS * tokens * (4 * HIDDEN**2 + 2 * HIDDEN * FFN + 2 * tokens * HIDDEN) / 1e9


GFLOP_PER_CHUNK = gflop_per_chunk(TOKENS)


def gemm_ceiling(repeat: int = 20) -> float:
    """GFLOPS of a float32 (4096 x 384) @ (384 x 1536) product on all cores: the FFN's shape, large
    enough that the BLAS runs at its best."""
    rng = np.random.default_rng(0)
    a = rng.random((4096, HIDDEN), dtype=np.float32)
    b = rng.random((HIDDEN, FFN), dtype=np.float32)
    a @ b
    started = time.perf_counter()
    for _ in range(repeat):
        a @ b
    return 2 * 4096 * HIDDEN * FFN * repeat / (time.perf_counter() - started) / 1e9


def run(cache_dir: Path, count: int = 512) -> str:
    chunks = sample_chunks(count)
    ceiling = gemm_ceiling()
    rows, reference = [], None
    for backend in ("onnx", "torch", "onnx-int8"):
        used, rate, vectors = measure(backend, chunks, cache_dir)
        reference = vectors if reference is None else reference
        gflops = rate * GFLOP_PER_CHUNK
        rows.append(
            (
                backend,
                used,
                rate,
                gflops,
                f"{gflops / ceiling:.0%}",
                float((vectors * reference).sum(axis=1).mean()),
                neighbour_overlap(vectors, reference),
                f"{os.getloadavg()[0]:.2f}",
            )
        )
    return (
        f"{GFLOP_PER_CHUNK:.2f} GFLOP per chunk; float32 matrix-multiply ceiling measured here: "
        f"{ceiling:.0f} GFLOPS = {ceiling / GFLOP_PER_CHUNK:.0f} chunks/s at most ({os.cpu_count()} cores)\n\n"
        + table(
            [
                "backend asked",
                "backend used",
                "chunks/s (128 word pieces)",
                "GFLOPS",
                "of the float32 ceiling",
                "mean cosine to onnx",
                "top-10 overlap with onnx",
                "load avg 1 min",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    from common import OUT

    print(run(OUT / "models"))
