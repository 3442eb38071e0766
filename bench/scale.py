"""Query latency, HNSW recall and memory at 100k and 1M chunks (synthetic texts and vectors).

Texts mix real sentences with a Zipf vocabulary of a large news corpus's size (``synthetic.py``);
vectors are mixtures of the real chunk embeddings plus noise, so they cluster like real ones. Queries are the
dev questions, embedded by the real model and searched end to end (embedding, dense, BM25, fusion), with
the generation's files in the page cache (read once before timing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from common import OUT, SHARED, build_shared_index, fresh_data_dir, table
from synthetic import DESCRIPTION, TextSampler

from index import docstore
from index.attributes import ChunkFilter
from index.builder import write_attributes
from index.evaluate import load_questions, percentile
from index.generation import DOCS, VECTORS, Generations, Manifest
from index.postings import TERMS, Postings, tokenize
from index.search import Index
from index.vectors import VectorStore, choose_kind

CHUNKS_PER_ARTICLE = 10
BATCH = 50_000
FIRST_DAY, DAYS = date(2018, 1, 1), 3000  # synthetic articles are published uniformly over these days


def _base_vectors(dev_dir: Path) -> np.ndarray:
    folder = Generations(dev_dir).current()
    store = VectorStore.load(folder / VECTORS, Manifest.read(folder).index_type)
    import faiss

    flat = faiss.downcast_index(store._index.index)
    return flat.reconstruct_n(0, flat.ntotal)


def synthetic_vectors(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        a, b = base[rng.integers(len(base), size=m)], base[rng.integers(len(base), size=m)]
        x = a + rng.uniform(0, 0.6, (m, 1)).astype(np.float32) * b
        x += rng.standard_normal(x.shape, dtype=np.float32) * 0.03
        out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def write_generation(data_dir: Path, n: int, vectors: np.ndarray, embedder, rng: np.random.Generator) -> float:
    sampler = TextSampler(SHARED / "chip_trade_news.jsonl", rng)
    started = time.perf_counter()
    generations = Generations(data_dir)
    with generations.building() as tmp:
        conn = docstore.connect_writable(tmp / DOCS)
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        vids = np.arange(1, n + 1, dtype=np.int64)
        keyword_parts = []
        with conn:
            for a in range(n // CHUNKS_PER_ARTICLE):
                day = FIRST_DAY + timedelta(days=int(rng.integers(0, DAYS)))
                conn.execute(
                    f"INSERT INTO articles ({docstore.ARTICLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        f"s{a}",
                        f"https://s{a % 500}.example/{a}",
                        f"https://s{a % 500}.example/{a}",
                        f"synthetic {a}",
                        f"s{a % 500}.example",
                        day.isoformat(),
                        "",
                        None,
                        None,
                        "jsonl",
                        "[]",
                    ),
                )
            for start in range(0, n, BATCH):
                texts = sampler.texts(min(BATCH, n - start), rng)
                conn.executemany(
                    "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        (
                            int(vids[i]),
                            f"c{i}",
                            f"s{i // CHUNKS_PER_ARTICLE}",
                            i % CHUNKS_PER_ARTICLE,
                            0,
                            len(text),
                            "",
                            text,
                            f"k{i}",
                        )
                        for i, text in enumerate(texts, start=start)
                    ),
                )
                keyword_parts.append(tokenize((int(vids[i]), "", text) for i, text in enumerate(texts, start=start)))
        conn.close()
        Postings.empty().merge((), *keyword_parts).save(tmp)
        kind = choose_kind(n)
        store = VectorStore(embedder.dim, kind)
        for start in range(0, n, 100_000):
            store.add(vids[start : start + 100_000], vectors[start : start + 100_000])
        store.save(tmp / VECTORS)
        write_attributes(tmp, store)
        Manifest(
            model=embedder.name,
            dim=embedder.dim,
            backend=embedder.backend,
            index_type=kind,
            articles=n // CHUNKS_PER_ARTICLE,
            chunks=n,
            generation=tmp.name.split(".tmp-")[0],
        ).write(tmp)
        generations.publish(tmp)
    return time.perf_counter() - started


FILTERS = {  # name -> Index.search keyword arguments
    "since, keeps ~50%": {"since": FIRST_DAY + timedelta(days=DAYS // 2)},
    "since, keeps ~1%": {"since": FIRST_DAY + timedelta(days=DAYS * 99 // 100)},
    "one source of 500 (~0.2%)": {"sources": ["s7.example"]},
}
TODAY = date(2026, 6, 1)  # after every synthetic date: recency words in the questions do not empty the range


def _latency(index: Index, questions: list[str], **filters) -> tuple[float, float, float, float]:
    totals, denses, keywords = [], [], []
    for q in questions * 2:
        t = index.search(q, k=5, today=TODAY, **filters).timings_ms
        totals.append(t["total"]), denses.append(t.get("filter", 0) + t["dense"]), keywords.append(t["keyword"])
    return (percentile(totals, 50), percentile(totals, 95), percentile(denses, 95), percentile(keywords, 95))


def _read_through(folder: Path) -> None:
    """Read the generation's files once, so its SQLite pages are in the page cache, as in a bot that
    has been running for a while on a machine with the RAM to hold its index (the 1M docstore is
    ~0.8 GB); without this, the first questions after a build or a reboot wait on the disk."""
    for path in folder.iterdir():
        with path.open("rb") as f:
            while f.read(1 << 24):
                pass


def _recall(got: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(g) & set(e)) / len(e) for g, e in zip(got.tolist(), exact.tolist())]))


def measure(n: int, embedder, base: np.ndarray, reuse: bool = False) -> tuple[tuple, list[tuple]]:
    """The size's table row, and one row per filter."""
    rng = np.random.default_rng(n)
    data_dir = OUT / f"scale-{n}"
    vectors = synthetic_vectors(base, n, rng)
    build_s: float | str = "reused"
    current = Generations(data_dir).current()
    if not (reuse and current and (current / TERMS).is_file()):
        shutil.rmtree(data_dir, ignore_errors=True)
        build_s = write_generation(data_dir, n, vectors, embedder, rng)
    folder = Generations(data_dir).current()
    _read_through(folder)
    index = Index.open(data_dir, embedder)
    questions = [q.question for q in load_questions(SHARED / "dev_questions.jsonl")]
    index.search(questions[0])
    # FAISS reads its files whole into memory; the postings are memory-mapped and the SQLite snapshot
    # stays on disk (both through the page cache).
    ram_per_chunk = sum(f.stat().st_size for f in folder.glob(VECTORS.split(".")[0] + ".*")) / n
    keyword_per_chunk = sum(f.stat().st_size for f in folder.glob("kw.*")) / n
    disk_per_chunk = (folder / DOCS).stat().st_size / n
    p50, p95, dense95, keyword95 = _latency(index, questions)
    qv = embedder.embed(questions)
    scores = vectors @ qv.T  # exact inner products, one column per question; vids are row + 1
    del vectors
    exact = np.argsort(-scores, axis=0)[:10].T + 1
    loaded = index._loaded
    _, got = loaded.vectors.search(qv, 10)
    row = (
        f"{n:,}",
        index.manifest.index_type,
        build_s,
        p50,
        p95,
        dense95,
        keyword95,
        _recall(got, exact),
        ram_per_chunk,
        keyword_per_chunk,
        disk_per_chunk,
    )
    filtered = []
    for name, filters in FILTERS.items():
        chunk_filter = ChunkFilter(filters.get("since"), filters.get("until"), tuple(filters.get("sources", ())))
        mask = loaded.attributes.mask(chunk_filter) & loaded.live
        allowed = np.flatnonzero(mask)  # positions are rows: the generation adds vectors in row order
        top = np.argsort(-scores[allowed], axis=0)[:10].T
        _, got = loaded.vectors.search(qv, 10, mask=mask)
        filtered.append(
            (
                f"{n:,}",
                name,
                f"{mask.mean():.2%}",
                *_latency(index, questions, **filters),
                _recall(got, allowed[top] + 1),
            )
        )
    return row, filtered


def run(sizes: list[int], reuse: bool = False) -> str:
    dev_dir = fresh_data_dir(OUT / "scale-dev")
    embedder = build_shared_index(dev_dir)
    base = _base_vectors(dev_dir)
    rows, filtered = [], []
    for n in sizes:
        row, more = measure(n, embedder, base, reuse)
        rows.append(row), filtered.extend(more)
    load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return (
        DESCRIPTION
        + "\n\n"
        + table(
            [
                "chunks",
                "index",
                "build s",
                "query p50 ms",
                "query p95 ms",
                "dense p95 ms",
                "BM25 p95 ms",
                "ANN recall@10",
                "vector RAM B/chunk",
                "BM25 postings B/chunk",
                "SQLite disk B/chunk",
            ],
            rows,
        )
        + "\n\nFiltered queries (filter mask + dense under 'dense'; recall@10 against exact search of the "
        "chunks that pass)\n\n"
        + table(
            [
                "chunks",
                "filter",
                "share kept",
                "query p50 ms",
                "query p95 ms",
                "dense p95 ms",
                "BM25 p95 ms",
                "filtered recall@10",
            ],
            filtered,
        )
        + "\n\n"
        + load
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated chunk counts")
    parser.add_argument("--reuse", action="store_true", help="measure existing generations instead of rebuilding")
    args = parser.parse_args()
    print(run([int(s) for s in args.sizes.split(",")], args.reuse))
