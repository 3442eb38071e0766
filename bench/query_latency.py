"""Query latency in-process on the dev questions (hybrid search, real model), and the cold start
of ``chipbot search`` (process start until the passages are printed)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, SHARED, build_shared_index, fresh_data_dir, model_tokenizer, table
from embed_throughput import gflop_per_chunk

from index.builder import embed_text
from index.evaluate import load_questions, percentile
from index.search import Index


def mean_word_pieces(index: Index) -> float:
    """Mean length in word pieces (with [CLS]/[SEP]) of what was embedded per chunk: title + text."""
    tokenizer = model_tokenizer()
    tokenizer.enable_truncation(max_length=256)  # the model's max_seq_length, as the embedder truncates
    rows = index._loaded.conn().execute("SELECT title, text FROM chunks").fetchall()
    encoded = tokenizer.encode_batch([embed_text(title, text) for title, text in rows])
    return sum(len(e.ids) for e in encoded) / max(len(encoded), 1)


def ingest_row(data_dir: Path, backend: str = "auto") -> tuple[tuple, Index]:
    """Read, clean, dedupe, chunk, store, embed and index the shared corpus into ``data_dir``."""
    started = time.perf_counter()
    embedder = build_shared_index(data_dir, backend)
    ingest_s = time.perf_counter() - started
    index = Index.open(data_dir, embedder)
    chunks, tokens = index.stats()["chunks"], mean_word_pieces(index)
    return (
        (
            f"{embedder.backend}, fresh embedding cache",
            chunks,
            tokens,
            ingest_s,
            chunks / ingest_s,
            chunks / ingest_s * gflop_per_chunk(tokens),
        ),
        index,
    )


def dev_latency(data_dir: Path) -> tuple[str, Index]:
    row, index = ingest_row(data_dir)
    int8_row, _ = ingest_row(fresh_data_dir(OUT / "dev-index-int8"), "onnx-int8")  # the opt-in int8 backend
    embedder, chunks = index.embedder, row[1]
    ingest = table(
        [
            "end-to-end ingest of the shared corpus",
            "chunks",
            "word pieces per chunk",
            "seconds",
            "chunks/s",
            "model GFLOPS",
        ],
        [row, int8_row],
    )
    questions = load_questions(SHARED / "dev_questions.jsonl")
    index.search("warm up")
    parts: dict[str, list[float]] = {}
    for _ in range(3):
        for q in questions:
            for name, ms in index.search(q.question, k=5).timings_ms.items():
                parts.setdefault(name, []).append(ms)
    rows = [(name, percentile(v, 50), percentile(v, 95)) for name, v in parts.items()]
    header = (
        f"query latency in-process, dev questions x3 ({chunks} chunks, {embedder.backend}, {index.manifest.index_type})"
    )
    return ingest + "\n\n" + header + "\n" + table(["stage", "p50 ms", "p95 ms"], rows), index


def cold_start(data_dir: Path, runs: int = 5) -> str:
    chipbot = Path(sys.executable).with_name("chipbot")
    cmd = [str(chipbot), "--data-dir", str(data_dir), "search", "H20 export licence", "-k", "3"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run(cmd, check=True, capture_output=True, env=env)  # page cache warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return table(
        ["command", "median s", "max s"],
        [("chipbot search (cold process, ONNX)", sorted(times)[runs // 2], max(times))],
    )


def run() -> str:
    data_dir = fresh_data_dir(OUT / "dev-index")
    latency, _ = dev_latency(data_dir)
    return latency + "\n\n" + cold_start(data_dir)


if __name__ == "__main__":
    print(run())
