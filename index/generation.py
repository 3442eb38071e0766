"""Index generations: each build writes a complete folder, then one atomic rename makes it current.

Layout under ``<data_dir>/index/``::

    CURRENT               the name of the current generation (replaced atomically)
    gen-000007/           manifest.json, vectors.faiss, docs.db (articles, chunks, FTS5)
    gen-000008.tmp-1234/  a build in progress (or left by a killed build; removed by the next)

A reader resolves CURRENT once and then only reads that folder, which is never modified after it
is published, so it always sees one complete, consistent generation.

Readers in other processes (the bot, while ``chipbot ingest`` runs from cron) hold a *lease* on the
generation they serve: a shared ``flock`` on its ``reader.lock`` file, taken before its files are
opened and held until the reader lets the generation go. A builder prunes an old generation only
if it wins a non-blocking exclusive lock on that file; it then renames the folder to a trash name
before deleting it, so a reader that opened the lock file just before cannot validate its lease on
a folder being removed (it re-resolves CURRENT instead). A leased generation is kept and pruned by
a later build once its readers have moved on. Locks die with their process, so a killed reader
never pins a generation.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

MANIFEST, VECTORS, DOCS, LEASE = "manifest.json", "vectors.faiss", "docs.db", "reader.lock"
_GEN = re.compile(r"^gen-(\d{6})$")
_TRASH = ".trash-"  # a generation being deleted: gen folder renamed to .trash-gen-NNNNNN-PID
KEEP_GENERATIONS = 2  # the current one and the one before; older ones go once no reader leases them


@dataclass
class Manifest:
    model: str
    dim: int
    backend: str  # the embedding path that built it: onnx | torch | hash
    index_type: str
    normalised: bool = True
    articles: int = 0
    chunks: int = 0
    tombstones: int = 0
    built_at: str = ""
    build_seconds: float = 0.0
    embedded: int = 0  # chunks embedded by this build (the rest came from the cache or the last generation)
    versions: dict[str, str] = field(default_factory=dict)
    generation: str = ""

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        data = json.loads((folder / MANIFEST).read_text())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def write(self, folder: Path) -> None:
        _write_durably(folder / MANIFEST, json.dumps(asdict(self), indent=2).encode())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


class Lease:
    """A reader's shared lock on one generation: while it is held, no builder deletes the folder."""

    def __init__(self, folder: Path, fd: int | None) -> None:
        self.folder = folder
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the flock


def take_lease(folder: Path) -> Lease | None:
    """Lease ``folder`` for reading; None when it is gone or being deleted (re-resolve CURRENT).

    A generation written before leases existed gets its lock file now; in a data directory that
    cannot be written the lease is empty, which is safe: no builder can delete anything there."""
    path = folder / LEASE
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        if not (folder / MANIFEST).is_file():
            return None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError as exc:
            log.info("no reader lease on %s (%s): its directory is not writable", folder.name, exc)
            return Lease(folder, None)
    fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a builder renames the folder away
    try:
        current = os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        current = False
    if not current:  # pruned between our open and our lock
        os.close(fd)
        return None
    return Lease(folder, fd)


def _remove_unleased(folder: Path) -> bool:
    """Delete an old generation unless a reader leases it; True when it was removed."""
    try:
        fd = os.open(folder / LEASE, os.O_RDONLY | os.O_CREAT, 0o644)
    except FileNotFoundError:
        return True  # already gone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    trash = folder.with_name(f"{_TRASH}{folder.name}-{os.getpid()}")
    try:
        os.replace(folder, trash)  # a reader waiting on the lock now finds no lease file: it re-resolves
    finally:
        os.close(fd)
    shutil.rmtree(trash, ignore_errors=True)
    return True


class Generations:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "index"

    def current(self) -> Path | None:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        folder = self.root / name
        return folder if _GEN.match(name) and (folder / MANIFEST).is_file() else None

    def _numbers(self) -> list[int]:
        if not self.root.is_dir():
            return []
        return sorted(int(m[1]) for p in self.root.iterdir() if (m := _GEN.match(p.name)))

    @contextmanager
    def building(self) -> Iterator[Path]:
        """Lock out other builders, yield a fresh temp folder; on success it is published by
        ``publish`` inside the block; on any failure it is removed and CURRENT is untouched."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for stale in [*self.root.glob("gen-*.tmp-*"), *self.root.glob(f"{_TRASH}*")]:
                shutil.rmtree(stale, ignore_errors=True)  # left by a killed build
            for pointer in self.root.glob("CURRENT.tmp-*"):
                pointer.unlink(missing_ok=True)
            number = max(self._numbers(), default=0) + 1
            tmp = self.root / f"gen-{number:06d}.tmp-{os.getpid()}"
            tmp.mkdir()
            try:
                yield tmp
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)

    def publish(self, tmp: Path) -> Path:
        """Make ``tmp`` (fully written) the current generation atomically; prune unleased old ones.

        If CURRENT cannot be written (a full disk), the folder goes back to its temporary name, so
        the failed build leaves nothing behind and the previous generation stays current."""
        (tmp / LEASE).touch()
        for child in tmp.iterdir():
            with open(child, "rb") as fh:
                os.fsync(fh.fileno())
        final = self.root / tmp.name.split(".tmp-")[0]
        os.replace(tmp, final)
        _fsync_dir(self.root)
        pointer = self.root / f"CURRENT.tmp-{os.getpid()}"
        try:
            _write_durably(pointer, final.name.encode())
            os.replace(pointer, self.root / "CURRENT")
        except OSError:
            pointer.unlink(missing_ok=True)
            os.replace(final, tmp)
            raise
        _fsync_dir(self.root)
        log.info("published index generation %s", final.name)
        for number in self._numbers()[:-KEEP_GENERATIONS]:
            old = self.root / f"gen-{number:06d}"
            if not _remove_unleased(old):
                log.info("kept index generation %s: a reader still uses it", old.name)
        return final
