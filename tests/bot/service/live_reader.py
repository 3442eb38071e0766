"""Run by test_live_swap.py: a reader process answering questions non-stop, as the bot does.

``python -m tests.bot.service.live_reader DATA_DIR`` serves the index the way the bot wires it (an
``IndexSwapper`` watching CURRENT, with ``Answerer.refresh`` as its hook) and answers questions from
short-lived worker threads (each new thread opens its own SQLite connection to the generation it
reads). A second, *stale* index is opened once and never reloaded, like a bot whose watcher is off:
its generation must survive every later build. One JSON line per query goes to stdout; the reader
stops when its stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.answering.answerer import Answerer
from bot.service.swap import IndexSwapper
from index.embedders.hashing import HashEmbedder
from index.search import Index

QUESTIONS = [
    "Which DUV tools need Dutch export licences?",
    "What did the SMIC teardown show?",
    "Did Nvidia prepare the H20 for China?",
    "What did the live story number 3 say about wafers?",
]


def ask(index: Index, answerer: Answerer, stale: Index, n: int) -> dict[str, object]:
    record: dict[str, object] = {"t": time.time(), "gen": index.generation, "stale_gen": stale.generation}
    try:
        answer = answerer.answer(QUESTIONS[n % len(QUESTIONS)])
        hits = stale.search(QUESTIONS[n % len(QUESTIONS)], k=3).hits
        record["ok"] = bool(answer.text) and bool(hits)
    except Exception as exc:  # a failed query is what the test counts
        record.update(ok=False, error=f"{type(exc).__name__}: {exc}")
    return record


async def serve(data_dir: Path) -> None:
    index = Index.open(data_dir, HashEmbedder())
    stale = Index.open(data_dir, HashEmbedder())
    answerer = Answerer(index)
    swapper = IndexSwapper(index, on_swap=[answerer.refresh], check_s=1.0)
    swapper.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True).start()
    print(json.dumps({"ready": index.generation}), flush=True)
    n = 0
    while not stop.is_set():
        with ThreadPoolExecutor(max_workers=2) as pool:  # fresh threads: fresh SQLite connections
            for _ in range(8):
                record = await loop.run_in_executor(pool, ask, index, answerer, stale, n)
                print(json.dumps(record), flush=True)
                n += 1
        await asyncio.sleep(0.02)
    await swapper.stop()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
