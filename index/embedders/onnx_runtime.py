"""The fast embedder: the model exported once to ONNX, run by onnxruntime with ``tokenizers``.

It reproduces sentence-transformers exactly (same tokenizer, truncation, mean pooling over the
attention mask, L2 normalisation) without importing torch, so a query process is ready in
a fraction of a second. Torch is only imported by ``ensure_onnx_export`` the first time.

The export uses the model's eager attention, so that onnxruntime's transformer optimizer can fuse
each layer's attention, embedding, skip-LayerNorm and bias-GELU subgraphs into single kernels
(about 15% faster on 2 cores; the same float32 arithmetic, cosine >= 0.9999998 to the unfused
graph). Where the optimizer fails, the unfused graph is used.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from index.embedders import pooling
from index.errors import EmbedderUnavailable

log = logging.getLogger(__name__)

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")  # what BERT takes; MPNet and RoBERTa take the first two


def _check_supported(model_dir: Path) -> int:
    """Return the max sequence length if the model is Transformer -> mean Pooling -> Normalize."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        mode, _ = pooling(model_dir)
        st_config = json.loads((model_dir / "sentence_bert_config.json").read_text())
    except (OSError, ValueError) as exc:
        raise EmbedderUnavailable(f"{model_dir} is not a sentence-transformers model directory ({exc})") from exc
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds != ["Transformer", "Pooling", "Normalize"] or mode != "mean":
        raise EmbedderUnavailable(
            f"ONNX path supports mean-pooled, normalised models only, not {kinds} with {mode or 'unknown'} pooling"
        )
    if not (model_dir / "tokenizer.json").is_file():
        raise EmbedderUnavailable(f"{model_dir} has no tokenizer.json")
    return int(st_config.get("max_seq_length", 256))


def _model_key(model_dir: Path) -> str:
    digest = hashlib.sha256()
    digest.update(b"export v2: eager attention, fused")  # a new export recipe gets a new cache file
    for name in ("config.json", "tokenizer.json", "modules.json"):
        digest.update((model_dir / name).read_bytes())
    for weights in sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}".encode())
    return digest.hexdigest()[:16]


def onnx_path_for(model_dir: Path, cache_dir: Path, name: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", name.rsplit("/", 1)[-1]).strip("-") or "model"
    return cache_dir / f"{slug}-{_model_key(model_dir)}.onnx"


class _LastHiddenState:
    """Builds a module whose forward takes the model's inputs by position (BERT's own takes more)."""

    @staticmethod
    def wrap(model):
        import torch

        class Wrapped(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids, attention_mask, token_type_ids=None):
                extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
                return self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state

        return Wrapped().eval()


def ensure_onnx_export(model_dir: Path, cache_dir: Path, name: str) -> Path:
    """Return the cached ONNX file for ``model_dir``, exporting it (with torch) the first time."""
    _check_supported(model_dir)
    target = onnx_path_for(model_dir, cache_dir, name)
    clean_stale_exports(cache_dir)
    if target.is_file():
        return target
    try:
        import onnxruntime  # noqa: F401 - fail early, before the slow export
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise EmbedderUnavailable(f"cannot export to ONNX: {exc}") from exc
    log.info("exporting %s to ONNX at %s (once)", model_dir.name, target)
    hf_logging.disable_progress_bar()  # a one-off export; its "Loading weights" bar is noise in `make run`
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        with _written_once(target) as tmp:
            model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
            tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
            sample = tokenizer(["export sample", "a second, longer export sample"], padding=True, return_tensors="pt")
            inputs = [name for name in _INPUTS if name in sample]
            args = tuple(sample[name] for name in inputs)
            axes = {name: {0: "batch", 1: "sequence"} for name in inputs}
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tracer notes on shapes; the export is checked by tests
                torch.onnx.export(
                    _LastHiddenState.wrap(model),
                    args,
                    str(tmp),
                    input_names=inputs,
                    output_names=["last_hidden_state"],
                    dynamic_axes={**axes, "last_hidden_state": {0: "batch", 1: "sequence"}},
                    opset_version=17,
                    dynamo=False,
                )
            _fuse(tmp, model.config)
    except Exception as exc:
        raise EmbedderUnavailable(f"ONNX export of {model_dir} failed: {exc}") from exc
    return target


_STAGING = ".partial-"  # a folder per export in progress: <cache_dir>/.partial-<pid>-<random>/
_LOCK = "writer.lock"  # flocked by the exporting process for as long as it lives
_ORPHAN_SECONDS = 60.0  # a staging folder without its lock file (killed right after creating it)


@contextmanager
def _written_once(target: Path) -> Iterator[Path]:
    """A path in a staging folder beside ``target``, moved onto it when the block succeeds, the
    folder removed in any case, so a cache file is either complete or absent. A process killed
    mid-export (kill -9 skips every ``finally``) leaves only its staging folder, whose lock died
    with it: the next start removes it (``clean_stale_exports``). Concurrent exporters each stage
    their own copy; the last rename wins, with identical bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{os.getpid()}-", dir=target.parent))
    lock = open(staging / _LOCK, "w")  # noqa: SIM115 - held for the whole export, closed in finally
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tmp = staging / target.name
        yield tmp
        os.replace(tmp, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        lock.close()


def clean_stale_exports(cache_dir: Path) -> list[Path]:
    """Remove what killed exports left in ``cache_dir``: staging folders whose writer is gone (its
    lock can be taken), and the ``*.tmp-<pid>`` files of exports before staging folders, whose
    process no longer runs. Returns what was removed."""
    removed: list[Path] = []
    if not cache_dir.is_dir():
        return removed
    for staging in cache_dir.glob(f"{_STAGING}*"):
        try:
            fd = os.open(staging / _LOCK, os.O_RDONLY)
        except FileNotFoundError:
            try:
                if time.time() - staging.stat().st_mtime < _ORPHAN_SECONDS:
                    continue  # just created: its writer is about to lock it
            except FileNotFoundError:
                continue  # removed meanwhile
        except OSError:
            continue
        else:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live export
            finally:
                os.close(fd)
        shutil.rmtree(staging, ignore_errors=True)
        removed.append(staging)
    for legacy in cache_dir.glob("*.tmp-*"):
        pid = legacy.suffix.removeprefix(".tmp-")
        if pid.isdigit() and not _running(int(pid)):
            legacy.unlink(missing_ok=True)
            removed.append(legacy)
    if removed:
        log.warning("removed %d partial model export(s) left by a killed process in %s", len(removed), cache_dir)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fuse(onnx_file: Path, config) -> None:
    """Rewrite ``onnx_file`` in place with onnxruntime's BERT fusions; keep it as is on failure."""
    try:
        from onnxruntime.transformers import optimizer

        fused = optimizer.optimize_model(
            str(onnx_file),
            model_type="bert",
            num_heads=config.num_attention_heads,
            hidden_size=config.hidden_size,
            opt_level=0,
        )
        fused.save_model_to_file(str(onnx_file))
        log.info("fused ONNX graph: %s", {k: v for k, v in fused.get_fused_operator_statistics().items() if v})
    except Exception as exc:
        log.warning("onnxruntime transformer fusions unavailable (%s); using the unfused graph", exc)


INT8 = "+int8"  # suffix of the model name of int8 vectors: they are not interchangeable with float32 ones


def ensure_int8(onnx_file: Path) -> Path:
    """The dynamically quantised copy of ``onnx_file`` (int8 weights, activations quantised as it
    runs), made once.

    About 2x faster on CPUs with AVX-512 VNNI or AVX2; the vectors differ from float32 ones (mean
    cosine ~0.96), so they get their own model name and an index built with one is refused by the
    other. Opt-in only (``CHIPBOT_EMBED_BACKEND=onnx-int8``); bench/embed_throughput.py measures both."""
    target = onnx_file.with_name(onnx_file.stem + "-int8.onnx")
    clean_stale_exports(target.parent)
    if target.is_file():
        return target
    try:
        from onnx import TensorProto
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with _written_once(target) as tmp:
            # The fused kernels (Attention, SkipLayerNormalization) are outside ONNX's type inference.
            quantize_dynamic(
                str(onnx_file),
                str(tmp),
                weight_type=QuantType.QInt8,
                extra_options={"DefaultTensorType": TensorProto.FLOAT},
            )
    except Exception as exc:
        raise EmbedderUnavailable(f"int8 quantisation of {onnx_file.name} failed: {exc}") from exc
    return target


class OnnxEmbedder:
    def __init__(self, name: str, model_dir: Path, onnx_file: Path, batch_size: int = 8, *, int8: bool = False) -> None:
        self.name = name + INT8 if int8 else name
        self.backend = "onnx-int8" if int8 else "onnx"
        self.onnx_file = onnx_file
        self._model_dir = model_dir
        self._max_len = _check_supported(model_dir)
        self._batch_size = batch_size
        self._session: Any = None  # onnxruntime.InferenceSession, loaded on first use
        self._tokenizer: Any = None  # tokenizers.Tokenizer
        self._pad_id = 0
        self.dim = pooling(model_dir)[1]

    def _load(self):
        if self._session is None:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self._model_dir / "tokenizer.json"))
            tokenizer.enable_truncation(max_length=self._max_len)
            tokenizer.no_padding()  # batches are padded here, to the longest text of each
            pads = (tokenizer.token_to_id(token) for token in ("[PAD]", "<pad>"))  # BERT's, MPNet's
            self._pad_id = next((i for i in pads if i is not None), 0)
            options = ort.SessionOptions()
            options.intra_op_num_threads = os.cpu_count() or 1
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(str(self.onnx_file), options, providers=["CPUExecutionProvider"])
            self._wanted = [i.name for i in session.get_inputs()]
            self._tokenizer, self._session = tokenizer, session
        return self._session, self._tokenizer

    def embed(self, texts: list[str]) -> np.ndarray:
        """Texts are batched by their length in word pieces, so padding costs almost nothing (sorting
        by characters and batches of 16 wasted ~17% on padding; batches of 8 of equal lengths embed
        ~30% more chunks per second on 2 cores). Padding does not change the vectors: the attention
        mask hides it and pooling skips it."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(lengths, kind="stable")
        for start in range(0, len(texts), self._batch_size):
            idx = order[start : start + self._batch_size]
            ids = np.full((len(idx), int(lengths[idx].max())), self._pad_id, dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(idx.tolist()):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, {k: feeds[k] for k in self._wanted})[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[idx] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out
