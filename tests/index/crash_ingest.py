"""Run by test_crash.py: kill -9 an ingest (store, then index build) at N points spread over its run.

``python -m tests.index.crash_ingest WORK N`` builds a baseline data directory (articles stored and
indexed), then for each point copies it and forks a child that ingests new articles and updates the
index, SIGKILLing itself at the point-th call into the storage or index code (the calls are counted
by a profile hook, so the points cover the whole run: store writes, snapshot sync, embedding,
FAISS, arrays, publish). Each child logs every article whose store write returned (committed) to
``committed.txt``. One JSON line per point goes to stdout; the test checks the directories.
Forking from one process keeps 20 runs fast (no interpreter start-up per kill).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sys
from pathlib import Path

import corpus.store
from corpus.pipeline import ingest
from corpus.store import open_store
from index.builder import update_index
from index.embedders.hashing import HashEmbedder

INDEX = Path(__file__).resolve().parents[2] / "index"
# Calls into these files are the kill points: the store and pipeline, and every index module.
WATCHED = ("corpus/store.py", "corpus/pipeline.py", *(f"index/{p.name}" for p in INDEX.glob("*.py")))
VOCABULARY = """export licence tariff wafer lithography subsidy foundry sanction memory packaging Nvidia ASML TSMC
Huawei SMIC Samsung Intel Rapidus Malaysia Japan Netherlands Commerce ministry rule permit shipment accelerator
chip fab equipment controls entity list review court filing investment plant capacity node yield""".split()


def story(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    sentences = [" ".join(rng.choices(VOCABULARY, k=14)).capitalize() + "." for _ in range(12)]
    return {
        "id": f"c-{seed}",
        "url": f"https://crash.example/{seed}",
        "title": f"Crash story {seed}",
        "source": "crash.example",
        "published": f"2025-0{1 + seed % 9}-1{seed % 10}",
        "text": " ".join(sentences),
    }


def write_jsonl(path: Path, seeds: range) -> Path:
    path.write_text("".join(json.dumps(story(s)) + "\n" for s in seeds), encoding="utf-8")
    return path


def run_ingest(data_dir: Path, source: Path) -> None:
    with open_store(data_dir) as store:
        ingest([str(source)], store)
        update_index(data_dir, store, HashEmbedder())


def in_child(body) -> int:
    """Run ``body`` in a forked child; returns its wait status."""
    pid = os.fork()
    if pid == 0:
        try:
            body()
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1]


ANONYMOUS = ("<genexpr>", "<listcomp>", "<dictcomp>", "<setcomp>", "<lambda>")


class KillSwitch:
    """A profile hook counting calls into the watched files, per phase (ingest, then index build),
    that SIGKILLs the process at call ``at`` of phase ``phase``, or at the first call of ``function``."""

    def __init__(self, phase: str | None = None, at: int = 0, function: str | None = None, where: Path | None = None):
        self.phase, self.at, self.function, self.where = phase, at, function, where
        self.calls = {"ingest": 0, "build": 0}
        self.current = "ingest"

    def __call__(self, frame, event, arg) -> None:
        code = frame.f_code
        if event != "call" or code.co_name in ANONYMOUS or not code.co_filename.endswith(WATCHED):
            return
        if code.co_name == "update_index":
            self.current = "build"
        self.calls[self.current] += 1
        hit = (
            code.co_name == self.function
            if self.function
            else (self.current == self.phase and self.calls[self.current] == self.at)
        )
        if hit:
            assert self.where is not None
            self.where.write_text(
                f"{self.current}: " + "/".join(Path(code.co_filename).parts[-2:]) + ":" + code.co_name
            )
            os.kill(os.getpid(), signal.SIGKILL)


def instrumented_run(data_dir: Path, source: Path, switch: KillSwitch) -> None:
    committed = data_dir / "committed.txt"
    real_put = corpus.store.ArticleStore.put

    def put(self, article, chunks, **kwargs):
        real_put(self, article, chunks, **kwargs)
        with open(committed, "a") as fh:  # only once the store's transaction has returned
            fh.write(article.id + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    corpus.store.ArticleStore.put = put  # type: ignore[method-assign]
    switch.where = data_dir / "killed_in.txt"
    sys.setprofile(switch)
    try:
        run_ingest(data_dir, source)
    finally:
        sys.setprofile(None)
    (data_dir / "calls.json").write_text(json.dumps(switch.calls))


def kill_points(calls: dict[str, int], points: int) -> list[KillSwitch]:
    """Two at the publish step (before the folder rename, between it and the CURRENT pointer),
    the rest spread evenly over the ingest's and the build's calls."""
    switches = [KillSwitch(function="publish"), KillSwitch(function="_fsync_dir")]
    spread = points - len(switches)
    for phase, share in (("ingest", spread // 2), ("build", spread - spread // 2)):
        switches += [KillSwitch(phase, max(1, round(i * calls[phase] / (share + 1)))) for i in range(1, share + 1)]
    return switches


def main(work: Path, points: int) -> None:
    base = work / "base"
    base.mkdir(parents=True)
    status = in_child(lambda: run_ingest(base, write_jsonl(work / "old.jsonl", range(6))))
    assert status == 0, f"baseline ingest failed: {status}"
    new = write_jsonl(work / "new.jsonl", range(100, 108))

    count_dir = work / "count"
    shutil.copytree(base, count_dir)
    assert in_child(lambda: instrumented_run(count_dir, new, KillSwitch())) == 0
    calls = json.loads((count_dir / "calls.json").read_text())
    for i, switch in enumerate(kill_points(calls, points), start=1):
        target = work / f"kill-{i:02d}"
        shutil.copytree(base, target)
        status = in_child(lambda t=target, s=switch: instrumented_run(t, new, s))
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        where = (target / "killed_in.txt").read_text() if killed else None
        print(json.dumps({"dir": str(target), "killed": killed, "in": where, "calls": calls}), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
