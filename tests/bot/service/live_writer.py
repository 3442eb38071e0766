"""Run by test_live_swap.py: another process ingesting and publishing generations, as cron would run
``chipbot ingest``: ``python -m tests.bot.service.live_writer DATA_DIR WORK N`` stores one new article
and updates the index N times, printing each published generation with the time it was published."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from corpus.pipeline import ingest
from corpus.store import open_store
from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from tests.bot.discord_world import write_jsonl

PAUSE_S = 1.5  # between publishes, so each one can be seen being taken into service


def story(i: int) -> dict[str, str]:
    return {
        "id": f"live-{i}",
        "url": f"https://live.example/{i}",
        "source": "live.example",
        "published": f"2025-03-{10 + i:02d}",
        "title": f"Live story number {i} on wafer exports",
        "text": f"Live story number {i} says wafer exports rose {i * 7} percent in the quarter. "
        f"Officials expect {i + 2} new fabs to be licensed by the end of the year.",
    }


def main(data_dir: Path, work: Path, count: int) -> None:
    for i in range(count):
        source = write_jsonl(work / f"live-{i}.jsonl", [story(i)])
        with open_store(data_dir) as store:
            ingest([str(source)], store)
            report = update_index(data_dir, store, HashEmbedder())
        print(json.dumps({"gen": report.generation, "t": time.time()}), flush=True)
        time.sleep(PAUSE_S)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
