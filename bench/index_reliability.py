"""Index reliability figures (issue 12): kills, storage faults, live swaps across processes.

    .venv/bin/python bench/index_reliability.py [--export-kills 2,5,8,11]

Prints four tables; the same properties are held by tests (tests/index/test_crash.py,
test_export_crash.py, test_storage_faults.py, tests/bot/service/test_live_swap.py):
1. kill -9 at 20 points of an ingest (store writes, then the index build, two inside publish);
2. kill -9 of a real one-off ONNX model export at several moments, and what the next start removes;
3. a full disk at each write of an index build, under a kernel file-size limit, and a read-only
   data directory: the error, CURRENT, what is left behind, and whether search still works;
4. a reader process answering non-stop while another process publishes 5 generations.
Uses the hash embedder except for (2), which exports the packaged MiniLM model.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import pytest
from common import REPO, table

from corpus.store import open_store
from index.builder import update_index
from index.embed import resolve_model
from index.embedders.hashing import HashEmbedder
from index.embedders.onnx_runtime import clean_stale_exports, onnx_path_for
from index.errors import IndexStorageError
from index.generation import Generations
from index.search import Index
from tests.index.fakes import ARTICLES, MemoryStore, make_article

PY = sys.executable
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}


def kills(work: Path) -> str:
    done = subprocess.run(
        [PY, "-m", "tests.index.crash_ingest", str(work), "20"], cwd=REPO, capture_output=True, text=True, env=ENV
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    rows = []
    baseline = {f"c-{s}" for s in range(6)}
    for n, run in enumerate((json.loads(line) for line in done.stdout.splitlines()), start=1):
        data_dir = Path(run["dir"])
        log = data_dir / "committed.txt"
        committed = set(log.read_text().split()) if log.exists() else set()
        index = Index.open(data_dir, HashEmbedder())
        served = {a.id for a in index.articles()}
        with closing(sqlite3.connect(data_dir / "corpus.db")) as db:
            intact = db.execute("PRAGMA integrity_check").fetchone()[0]
        with open_store(data_dir) as store:
            stored = {a.id for a in store.articles()}
            update_index(data_dir, store, HashEmbedder())
        index.close()
        recovered = {a.id for a in Index.open(data_dir, HashEmbedder()).articles()} == stored
        lost = len((baseline | committed) - stored)
        rows.append(
            [n, run["in"], len(committed), len(stored), f"{index.generation} ({len(served)})", intact, lost, recovered]
        )
    headers = [
        "kill",
        "killed in",
        "committed",
        "stored",
        "served after kill",
        "corpus.db",
        "lost",
        "next build = store",
    ]
    return table(headers, rows)


def export_kills(work: Path, moments: list[float]) -> str:
    name, model_dir = resolve_model("all-MiniLM-L6-v2")
    assert model_dir is not None
    code = (
        "import sys; from pathlib import Path; from index.embedders.onnx_runtime import ensure_onnx_export;"
        "from index.embed import resolve_model; n, d = resolve_model('all-MiniLM-L6-v2');"
        "ensure_onnx_export(d, Path(sys.argv[1]), n)"
    )
    rows = []
    for moment in moments:
        cache = work / f"models-{moment}"
        proc = subprocess.Popen([PY, "-c", code, str(cache)], cwd=REPO, env=ENV, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        finished = proc.poll() is not None
        proc.kill()
        proc.wait()
        target = onnx_path_for(model_dir, cache, name)
        left = [p for p in cache.rglob("*") if p.is_file() and p != target] if cache.exists() else []
        left_mb = sum(p.stat().st_size for p in left) / 1e6
        clean_stale_exports(cache)  # what the next start does first
        after = [p for p in cache.rglob("*") if p.is_file() and p != target] if cache.exists() else []
        state = "complete" if target.is_file() else "absent"
        rows.append([f"{moment:g} s", "yes" if finished else "no", state, len(left), f"{left_mb:.1f}", len(after)])
    headers = ["killed after", "export had finished", "model file", "files left", "MB left", "left after next start"]
    return table(headers, rows)


def faults(work: Path) -> str:
    from tests.index.test_storage_faults import FAULTS, LIMITED_BUILD, cannot_override_modes, corpus, index_entries

    rows = []
    for where, inject in FAULTS.items():
        data_dir = work / f"fault-{len(rows)}"
        store = MemoryStore(ARTICLES)
        update_index(data_dir, store, HashEmbedder())
        reader, before = Index.open(data_dir, HashEmbedder()), index_entries(data_dir)
        store.put(make_article("n1", "Malaysia requires permits for AI chip exports."))
        with pytest.MonkeyPatch.context() as mp:
            inject(mp)
            try:
                update_index(data_dir, store, HashEmbedder())
                error = "none"
            except IndexStorageError as exc:
                error = f"IndexStorageError{' naming the dir' if str(data_dir) in str(exc) else ''}"
        rows.append(row(f"disk full: {where}", error, data_dir, before, reader))
    for kb in (24, 96, 160):
        data_dir = work / f"rlimit-{kb}"
        update_index(data_dir, MemoryStore(corpus(40)), HashEmbedder())
        reader, before = Index.open(data_dir, HashEmbedder()), index_entries(data_dir)
        done = subprocess.run(
            [PY, "-c", LIMITED_BUILD, str(data_dir), str(kb * 1024)], cwd=REPO, capture_output=True, text=True, env=ENV
        )
        result = json.loads(done.stdout)
        error = f"IndexStorageError: {result['reason']}" if result["error"] else "none"
        rows.append(row(f"file size limit {kb} KB", error, data_dir, before, reader))
    data_dir = work / "read-only"
    update_index(data_dir, MemoryStore(ARTICLES), HashEmbedder())
    reader, before = Index.open(data_dir, HashEmbedder()), index_entries(data_dir)
    paths = [data_dir, *data_dir.rglob("*")]
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(modes[p] & ~0o222)
    code = (
        "import sys; from pathlib import Path; from index.builder import update_index;"
        "from index.embedders.hashing import HashEmbedder; from index.errors import IndexStorageError;"
        "from tests.index.fakes import ARTICLES, MemoryStore\n"
        "try: update_index(Path(sys.argv[1]), MemoryStore(ARTICLES[:2]), HashEmbedder()); print('none')\n"
        "except IndexStorageError as exc: print('IndexStorageError: ' + exc.reason)"
    )
    done = subprocess.run(
        [PY, "-c", code, str(data_dir)], cwd=REPO, capture_output=True, text=True, env=ENV,
        preexec_fn=cannot_override_modes(),
    )  # fmt: skip
    rows.append(row("read-only data directory", done.stdout.strip() or done.stderr[-200:], data_dir, before, reader))
    for p in reversed(paths):
        p.chmod(modes[p])
    return table(["fault", "error", "CURRENT unchanged", "left behind", "old generation serves"], rows)


def row(fault: str, error: str, data_dir: Path, before: list[str], reader: Index) -> list[object]:
    from tests.index.test_storage_faults import index_entries

    unchanged = Generations(data_dir).current() == data_dir / "index" / reader.generation
    extra = sorted(set(index_entries(data_dir)) - set(before))
    serves = bool(reader.search("export licences", k=1).hits) and not reader.reload_if_changed()
    return [fault, error, unchanged, ", ".join(extra) or "nothing", serves]


def live(work: Path) -> str:
    from tests.bot.discord_world import build_index

    data_dir = work / "live"
    build_index(data_dir)
    log, err = work / "reader.jsonl", work / "reader.err"
    with log.open("w") as out, err.open("w") as errors:
        reader = subprocess.Popen(
            [PY, "-m", "tests.bot.service.live_reader", str(data_dir)],
            cwd=REPO, env=ENV, stdin=subprocess.PIPE, stdout=out, stderr=errors, text=True,
        )  # fmt: skip
    while not log.read_text():
        time.sleep(0.05)
    writer = subprocess.run(
        [PY, "-m", "tests.bot.service.live_writer", str(data_dir), str(work), "5"],
        cwd=REPO, env=ENV, capture_output=True, text=True,
    )  # fmt: skip
    time.sleep(5)
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(60)
    queries = [json.loads(line) for line in log.read_text().splitlines()[1:]]
    rows = []
    for published in (json.loads(line) for line in writer.stdout.splitlines()):
        served = [q["t"] for q in queries if q["gen"] >= published["gen"]]
        rows.append([published["gen"], f"{served[0] - published['t']:.2f}" if served else "never"])
    failed = sum(not q["ok"] for q in queries)
    kept = sorted(p.name for p in (data_dir / "index").iterdir() if p.name.startswith("gen-"))
    head = f"{len(queries)} queries, {failed} failed; generation folders at the end: {', '.join(kept)}\n\n"
    return head + table(["generation published", "served after (s)"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--export-kills", default="2,5,8,11", help="seconds into the export at which to kill it")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="chipbot-reliability-"))
    try:
        print("## kill -9 at 20 points of an ingest\n")
        print(kills(work / "crash"), flush=True)
        print("\n## kill -9 during the one-off model export\n")
        print(export_kills(work, [float(s) for s in args.export_kills.split(",")]), flush=True)
        print("\n## Storage faults in an index build\n")
        print(faults(work), flush=True)
        print("\n## A reader process while another publishes 5 generations\n")
        print(live(work), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
