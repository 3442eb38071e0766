"""A reader process answers questions non-stop while another process ingests and publishes five
generations: no query fails, each new generation is served within 5 s of being published, and the
generations no reader holds any more are deleted meanwhile (so deletion really happened under load)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.bot.discord_world import build_index

REPO = Path(__file__).resolve().parents[3]
PUBLISHES = 5
SERVED_WITHIN_S = 5.0


def test_a_reader_keeps_answering_and_serves_each_new_generation_within_5_s(data_dir: Path, tmp_path: Path) -> None:
    build_index(data_dir)
    log, errors = tmp_path / "reader.jsonl", tmp_path / "reader.err"
    with log.open("w") as out, errors.open("w") as err:  # files, not pipes: the reader never blocks on output
        reader = subprocess.Popen(
            [sys.executable, "-m", "tests.bot.service.live_reader", str(data_dir)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            text=True,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
    try:
        run_writer_against(reader, data_dir, tmp_path, log, errors)
    finally:
        reader.kill()
        reader.wait(30)


def run_writer_against(reader: subprocess.Popen[str], data_dir: Path, tmp_path: Path, log: Path, errors: Path) -> None:
    started = time.monotonic()
    while not log.read_text() and reader.poll() is None and time.monotonic() - started < 60:
        time.sleep(0.05)
    assert json.loads(log.read_text().splitlines()[0]) == {"ready": "gen-000001"}, errors.read_text()

    writer = subprocess.run(
        [sys.executable, "-m", "tests.bot.service.live_writer", str(data_dir), str(tmp_path), str(PUBLISHES)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert writer.returncode == 0, writer.stderr
    published = [json.loads(line) for line in writer.stdout.splitlines()]
    assert [p["gen"] for p in published] == [f"gen-{n:06d}" for n in range(2, 2 + PUBLISHES)]
    time.sleep(SERVED_WITHIN_S)  # let the last one be picked up (or not) before stopping the reader
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(60)
    queries = [json.loads(line) for line in log.read_text().splitlines()[1:]]

    failed = [q for q in queries if not q["ok"]]
    assert not failed, (failed[:3], errors.read_text()[-2000:])
    assert len(queries) > 50
    for p in published:
        served = [q["t"] for q in queries if q["gen"] >= p["gen"]]
        assert served, f"{p['gen']} was never served"
        assert served[0] - p["t"] <= SERVED_WITHIN_S, (p, served[0] - p["t"])
    assert {q["stale_gen"] for q in queries} == {"gen-000001"}  # the stale reader kept its generation...
    kept = sorted(p.name for p in (data_dir / "index").iterdir() if p.name.startswith("gen-"))
    assert kept == ["gen-000001", "gen-000005", "gen-000006"]  # ...while the unleased ones were deleted
