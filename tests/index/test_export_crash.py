"""A process killed (-9) while it writes the one-off model export leaves no partial model under the
model's name, and what it did leave is removed by the next start, while a live export is left alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from index.embed import resolve_model
from index.embedders.onnx_runtime import clean_stale_exports, ensure_onnx_export, onnx_path_for

REPO = Path(__file__).resolve().parents[2]

# Writes 2 MB of the "model" through the export's own staging, then waits to be killed.
EXPORTER = """
import sys, time
from pathlib import Path
from index.embedders.onnx_runtime import _written_once
with _written_once(Path(sys.argv[1])) as tmp:
    with open(tmp, "wb") as fh:
        fh.write(b"\\0" * (2 << 20))
        fh.flush()
        print("writing", flush=True)
        time.sleep(60)
"""


def start_export(target: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", EXPORTER, str(target)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    return proc


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir())


def test_a_killed_export_leaves_nothing_under_the_model_name_and_the_next_start_cleans_up(tmp_path: Path) -> None:
    cache = tmp_path / "models"
    name, model_dir = resolve_model("all-MiniLM-L6-v2")
    assert model_dir is not None
    target = onnx_path_for(model_dir, cache, name)
    (cache).mkdir()
    (cache / f"{target.stem}.tmp-999999999").write_bytes(b"\0" * 1024)  # left by the old recipe's kill

    live = start_export(target)
    killed = start_export(target)
    killed.kill()
    killed.wait(10)
    try:
        assert not target.exists()  # never a partial file under the model's name
        assert len([n for n in leftovers(cache) if n.startswith(".partial-")]) == 2

        # The next start (a real model load goes through here first) cleans what the dead one left...
        target.write_bytes(b"an earlier complete export")  # so that no real export runs in this test
        assert ensure_onnx_export(model_dir, cache, name) == target
        remaining = leftovers(cache)
        assert f"{target.stem}.tmp-999999999" not in remaining
        assert len([n for n in remaining if n.startswith(".partial-")]) == 1  # ...and keeps the live one
    finally:
        live.kill()
        live.wait(10)
    assert len(clean_stale_exports(cache)) == 1
    assert leftovers(cache) == [target.name]
