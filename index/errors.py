"""Domain errors of the index stage, with messages that say what to do."""

from __future__ import annotations

from pathlib import Path


class IndexStageError(Exception):
    """Base class for index errors."""


class IndexNotFound(IndexStageError):
    """No index generation has been built in the data directory yet."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(f"no search index in {data_dir}: run `chipbot --data-dir {data_dir} ingest SOURCE...` first")
        self.data_dir = data_dir


class ModelMismatch(IndexStageError):
    """The index was built with another embedding model (or dimension) than the one in use."""

    def __init__(self, built_with: str, built_dim: int, requested: str, requested_dim: int) -> None:
        int8 = "+int8"  # the opt-in int8 backend's vectors (index.embedders.onnx_runtime.INT8)
        if built_with.removesuffix(int8) == requested.removesuffix(int8):
            backend = "onnx-int8" if built_with.endswith(int8) else "auto"
            keep = f"set CHIPBOT_EMBED_BACKEND={backend}"
        else:
            keep = f"set CHIPBOT_MODEL={built_with.removesuffix(int8)!r}"
        super().__init__(
            f"the index was built with model {built_with!r} (dim {built_dim}) but {requested!r} "
            f"(dim {requested_dim}) is configured: rebuild it with `chipbot reindex` "
            f"(or {keep} to keep the existing index)"
        )
        self.built_with = built_with
        self.requested = requested


class IndexStorageError(IndexStageError):
    """The index could not be updated because of its storage: a full disk, a read-only or missing
    data directory, an I/O error. Nothing was published: the stored articles and the generation
    being served are as they were, and the next build catches up once the cause is fixed."""

    def __init__(self, data_dir: Path, reason: str) -> None:
        super().__init__(
            f"could not update the search index in {data_dir}: {reason}. Is the disk full, or the directory "
            "read-only? Nothing was lost: the stored articles and the current index are unchanged; once "
            f"there is room, `chipbot --data-dir {data_dir} reindex` (or the next ingest) catches up"
        )
        self.data_dir = data_dir
        self.reason = reason


class EmbedderUnavailable(IndexStageError):
    """The requested embedding backend or model cannot be loaded."""


class CorruptGeneration(IndexStageError):
    """A generation folder is incomplete or unreadable."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"index generation {path} is unusable ({reason}): run `chipbot reindex`")
        self.path = path
