"""Storage faults during an index build (a full disk at each write, a kernel file-size limit, a
read-only data directory): one ``IndexStorageError`` naming the data directory, nothing left
behind, the previous generation still served, and the next build catching up once there is room."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from index import builder, docstore, generation
from index.attributes import ChunkAttributes
from index.builder import update_index
from index.embed_cache import EmbeddingCache
from index.embedders.hashing import HashEmbedder
from index.errors import IndexStorageError
from index.generation import Generations, Manifest
from index.postings import Postings
from index.search import Index

from .fakes import ARTICLES, MemoryStore, make_article

REPO = Path(__file__).resolve().parents[2]
NEW = make_article("n1", "Malaysia now requires permits to export US-made AI chips.", title="Malaysia chip permits")


def disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "somefile")


def sqlite_full(*args: object, **kwargs: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


def faiss_full(*args: object, **kwargs: object) -> None:
    raise RuntimeError(
        "Error in void faiss::write_index(const Index*, IOWriter*, int) at index_write.cpp:499: Error: "
        "'ret == (size * 4)' failed: write error in vectors.faiss: 0 != 1536 (No space left on device)"
    )


def pointer_full(real: Callable[[Path, bytes], None]) -> Callable[[Path, bytes], None]:
    def write(path: Path, data: bytes) -> None:
        if path.name.startswith("CURRENT"):
            disk_full()
        real(path, data)

    return write


# Each place a build writes, failing as a full disk makes it fail.
FAULTS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "copying the docs snapshot": lambda mp: mp.setattr(builder.shutil, "copyfile", disk_full),
    "writing the docs snapshot": lambda mp: mp.setattr(docstore, "insert_chunks", sqlite_full),
    "caching embeddings": lambda mp: mp.setattr(EmbeddingCache, "put_many", sqlite_full),
    "saving the vectors": lambda mp: mp.setattr("faiss.write_index", faiss_full),
    "saving the filter arrays": lambda mp: mp.setattr(ChunkAttributes, "save", disk_full),
    "saving the keyword postings": lambda mp: mp.setattr(Postings, "save", disk_full),
    "writing the manifest": lambda mp: mp.setattr(Manifest, "write", disk_full),
    "writing CURRENT": lambda mp: mp.setattr(generation, "_write_durably", pointer_full(generation._write_durably)),
}


def index_entries(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "index").iterdir() if p.name != ".build.lock")


@pytest.mark.parametrize("where", FAULTS)
def test_a_full_disk_anywhere_in_a_build_is_one_clear_error_and_loses_nothing(
    where: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore(ARTICLES)
    update_index(data_dir, store, HashEmbedder())
    reader = Index.open(data_dir, HashEmbedder())
    before = index_entries(data_dir)
    store.put(NEW)

    with monkeypatch.context() as mp:
        FAULTS[where](mp)
        with pytest.raises(IndexStorageError) as failure:
            update_index(data_dir, store, HashEmbedder())
    message = str(failure.value)
    assert str(data_dir) in message and ("No space left" in message or "disk is full" in message), message
    assert index_entries(data_dir) == before  # no half-written generation, temp pointer or trash
    assert not reader.reload_if_changed()
    assert reader.search("ASML immersion lithography licences", k=1).hits[0].article.id == "a2"
    assert Index.open(data_dir, HashEmbedder()).generation == reader.generation

    report = update_index(data_dir, store, HashEmbedder())  # room again: the next build catches up
    assert report.changed and reader.reload_if_changed()
    assert reader.search("Malaysia permits for AI chips", k=1).hits[0].article.id == "n1"


# A child process builds under a kernel limit on the size of any file it writes (RLIMIT_FSIZE):
# writes past it fail with EFBIG, as they would on a disk that fills up during the build.
LIMITED_BUILD = """
import json, resource, signal, sys
from pathlib import Path
from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from index.errors import IndexStorageError
from tests.index.fakes import MemoryStore
from tests.index.test_storage_faults import corpus
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    update_index(Path(sys.argv[1]), MemoryStore(corpus(80)), HashEmbedder())
    print(json.dumps({"error": None}))
except IndexStorageError as exc:
    print(json.dumps({"error": str(exc), "reason": exc.reason}))
"""


def corpus(n: int) -> list:
    words = "export licence tariff wafer lithography subsidy foundry sanction memory packaging".split()
    return [
        make_article(
            f"s{i}",
            "\n".join(
                f"Paragraph {p} of story {i} on {words[(i + p) % 10]} and {words[(i * p) % 10]}." for p in range(6)
            ),
            title=f"Story {i}",
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("limit_kb", [24, 96, 160])
def test_a_build_that_fills_the_disk_fails_cleanly_and_the_old_generation_serves(limit_kb: int, data_dir: Path) -> None:
    update_index(data_dir, MemoryStore(corpus(40)), HashEmbedder())
    before = index_entries(data_dir)
    done = subprocess.run(
        [sys.executable, "-c", LIMITED_BUILD, str(data_dir), str(limit_kb * 1024)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    result = json.loads(done.stdout)
    assert result["error"] and str(data_dir) in result["error"], result
    assert any(word in result["reason"] for word in ("File too large", "disk I/O error", "full")), result
    assert index_entries(data_dir) == before
    index = Index.open(data_dir, HashEmbedder())
    assert index.manifest.articles == 40
    assert index.search("story 7 lithography", k=3).hits


# --- a data directory the process cannot write -----------------------------------------------------------


def cannot_override_modes() -> Callable[[], None] | None:
    """For a child of root, which ignores file modes: drop the two capabilities that let it (from
    the bounding set, so they stay dropped across exec). The child is still uid 0, but a folder
    without write bits is as read-only to it as to any user. Other users need nothing."""
    if os.geteuid() != 0:
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

    return drop


@pytest.fixture
def read_only_dir(data_dir: Path):
    """``data_dir`` with its index built, then every write bit removed (restored afterwards)."""
    update_index(data_dir, MemoryStore(ARTICLES), HashEmbedder())
    paths = [data_dir, *data_dir.rglob("*")]
    modes = {path: path.stat().st_mode for path in paths}
    for path in paths:
        path.chmod(modes[path] & ~0o222)
    yield data_dir
    for path in reversed(paths):
        path.chmod(modes[path])


READ_ONLY_BUILD = """
import json, sys
from pathlib import Path
from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from index.errors import IndexStorageError
from index.search import Index
from tests.index.fakes import ARTICLES, MemoryStore, make_article
data_dir = Path(sys.argv[1])
out = {}
try:
    update_index(data_dir, MemoryStore([*ARTICLES, make_article("n1", "Malaysia chip permits.")]), HashEmbedder())
except IndexStorageError as exc:
    out["error"] = str(exc)
index = Index.open(data_dir, HashEmbedder())
out["hit"] = index.search("ASML immersion lithography licences", k=1).hits[0].article.id
out["generation"] = index.generation
print(json.dumps(out))
"""


def test_a_read_only_data_directory_is_one_clear_error_and_search_still_works(read_only_dir: Path) -> None:
    before = index_entries(read_only_dir)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", READ_ONLY_BUILD, str(read_only_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cannot_override_modes(),
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    result = json.loads(done.stdout)
    assert str(read_only_dir) in result["error"] and "Permission denied" in result["error"], result
    current = Generations(read_only_dir).current()
    assert current is not None and result == {**result, "hit": "a2", "generation": current.name}
    assert index_entries(read_only_dir) == before

    search = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(read_only_dir), "search", "--json", "ASML licences"],
        cwd=REPO,
        env={**env, "CHIPBOT_EMBED_BACKEND": "hash"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cannot_override_modes(),
    )
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)["hits"][0]["article_id"] == "a2"
