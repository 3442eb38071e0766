"""Index generations: each build writes a complete folder, then one atomic rename makes it current.

Layout under ``<data_dir>/index/``::

    CURRENT               the name of the current generation (replaced atomically)
    gen-000007/           manifest.json, vectors.faiss, docs.db (articles, chunks, FTS5)
    gen-000008.tmp-1234/  a build in progress (or left by a killed build; removed by the next)

A reader resolves CURRENT once and then only reads that folder, which is never modified after it
is published, so it always sees one complete, consistent generation.
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

MANIFEST, VECTORS, DOCS = "manifest.json", "vectors.faiss", "docs.db"
_GEN = re.compile(r"^gen-(\d{6})$")
KEEP_GENERATIONS = 2  # the current one and the one before (a reader may still hold it)


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
            for stale in self.root.glob("gen-*.tmp-*"):
                shutil.rmtree(stale, ignore_errors=True)
            number = max(self._numbers(), default=0) + 1
            tmp = self.root / f"gen-{number:06d}.tmp-{os.getpid()}"
            tmp.mkdir()
            try:
                yield tmp
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)

    def publish(self, tmp: Path) -> Path:
        """Make ``tmp`` (fully written) the current generation atomically; prune old ones."""
        for child in tmp.iterdir():
            with open(child, "rb") as fh:
                os.fsync(fh.fileno())
        final = self.root / tmp.name.split(".tmp-")[0]
        os.replace(tmp, final)
        _fsync_dir(self.root)
        pointer = self.root / f"CURRENT.tmp-{os.getpid()}"
        _write_durably(pointer, final.name.encode())
        os.replace(pointer, self.root / "CURRENT")
        _fsync_dir(self.root)
        log.info("published index generation %s", final.name)
        for number in self._numbers()[:-KEEP_GENERATIONS]:
            shutil.rmtree(self.root / f"gen-{number:06d}", ignore_errors=True)
        return final
