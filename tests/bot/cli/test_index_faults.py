"""`chipbot ingest` and `chipbot reindex` when the index folder cannot be written: one line naming the
data directory, no traceback, the articles stored, the old generation served, and the next ingest
catching up once the folder is writable again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from index.generation import Generations
from tests.bot.discord_world import NEW_ARTICLE, build_index, write_jsonl
from tests.index.test_storage_faults import cannot_override_modes

REPO = Path(__file__).resolve().parents[3]


def chipbot(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data_dir), *args],
        cwd=REPO,
        env={**os.environ, "CHIPBOT_EMBED_BACKEND": "hash", "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cannot_override_modes(),
    )


def test_an_unwritable_index_folder_is_one_clear_error_and_the_next_ingest_catches_up(
    data_dir: Path, tmp_path: Path
) -> None:
    build_index(data_dir)
    before = Generations(data_dir).current()
    new = write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE])
    folder = data_dir / "index"
    mode = folder.stat().st_mode
    folder.chmod(mode & ~0o222)
    try:
        ingest = chipbot(data_dir, "ingest", str(new))
        reindex = chipbot(data_dir, "reindex")
    finally:
        folder.chmod(mode)
    for done in (ingest, reindex):
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and f"could not update the search index in {data_dir}" in lines[0], lines
    assert ingest.stdout.startswith("added 1,")  # the article itself was stored
    assert Generations(data_dir).current() == before

    again = chipbot(data_dir, "ingest", str(new))  # nothing new to store, but the index catches up
    assert again.returncode == 0 and "unchanged 1" in again.stdout and "index: generation" in again.stdout
    found = chipbot(data_dir, "search", "--json", "TSMC Arizona volume production")
    assert '"article_id": "t-tsmc"' in found.stdout
