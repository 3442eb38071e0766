"""The real MiniLM model: the ONNX path agrees with sentence-transformers, never needs torch at
query time, and hybrid retrieval meets its targets on the shared dev questions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx as onnx_format
import pytest

from index.embed import make_embedder

pytestmark = pytest.mark.slow
MODEL = "all-MiniLM-L6-v2"
CAPPED_RECALL = {1: 0.80, 5: 0.95}  # bench/keyword_cap.py measured 0.82 / 0.98 at the 1M share


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


def _sentences(shared: Path | None) -> list[str]:
    own = ["Export controls on advanced chips", "ASML NXT:2050i", "", "a " * 400, "Huawei Ascend 910C yield"]
    if shared is None:
        return own
    texts = [json.loads(line)["text"] for line in (shared / "chip_trade_news.jsonl").open()]
    return own + [t[i : i + 300] for t in texts[:40] for i in (0, 900)]


def test_onnx_matches_sentence_transformers(model_cache: Path, request: pytest.FixtureRequest) -> None:
    try:
        shared = request.getfixturevalue("shared_corpus")
    except pytest.skip.Exception:
        shared = None
    onnx = make_embedder(MODEL, "onnx", cache_dir=model_cache)
    torch = make_embedder(MODEL, "torch")
    assert onnx.backend == "onnx" and torch.backend == "torch" and onnx.name == torch.name
    texts = _sentences(shared)
    a, b = onnx.embed(texts), torch.embed(texts)
    assert a.shape == b.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert float((a * b).sum(axis=1).min()) > 0.99999
    alone = np.stack([onnx.embed([t])[0] for t in texts[:6]])  # no padding at all
    assert np.allclose(alone, a[:6], atol=1e-5)  # padding inside a batch changes nothing
    ops = {node.op_type for node in onnx_format.load(str(onnx.onnx_file)).graph.node}
    assert {"Attention", "SkipLayerNormalization"} <= ops  # the fused graph is the one checked


def test_query_process_with_exported_model_never_imports_torch(model_cache: Path) -> None:
    make_embedder(MODEL, "auto", cache_dir=model_cache)  # exports once if the test above did not
    assert [p.suffix for p in model_cache.iterdir()] == [".onnx"]  # the export's staging is gone
    code = (
        "import sys; from pathlib import Path; from index.embed import make_embedder;"
        f"e = make_embedder({MODEL!r}, 'auto', cache_dir=Path({str(model_cache)!r}));"
        "v = e.embed(['H20 export licence']); print(e.backend, v.shape, 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.split()
    assert out == ["onnx", "(1,", "384)", "False"]


def _dev_report(index, questions):
    from index.evaluate import evaluate_search

    return evaluate_search(lambda question: index.search(question, k=5).hits, questions)


def test_hybrid_retrieval_meets_targets_on_dev_questions(
    shared_corpus: Path, data_dir: Path, model_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corpus.pipeline import ingest
    from corpus.store import open_store
    from index import keyword
    from index.builder import update_index
    from index.evaluate import load_questions
    from index.search import Index

    embedder = make_embedder(MODEL, "auto", cache_dir=model_cache)
    with open_store(data_dir) as store:
        ingest([str(shared_corpus / "chip_trade_news.jsonl")], store)
        update_index(data_dir, store, embedder)
    index = Index.open(data_dir, embedder)
    questions = load_questions(shared_corpus / "dev_questions.jsonl")
    report = _dev_report(index, questions)
    assert report.recall[1] >= 0.90, report.misses
    assert report.recall[5] >= 0.98, report.misses

    # A 1M-chunk index scores each word on its best TERM_CAP postings only. At the same share of
    # this corpus's chunks (bench/keyword_cap.py) that must cost little recall.
    share = index.manifest.chunks / 1_000_000
    monkeypatch.setattr(keyword, "TERM_CAP", max(1, round(keyword.TERM_CAP * share)))
    capped = _dev_report(index, questions)
    assert capped.recall[1] >= CAPPED_RECALL[1] and capped.recall[5] >= CAPPED_RECALL[5], capped.misses


def test_opt_in_int8_backend_keeps_dev_retrieval_and_its_index_apart(
    shared_corpus: Path, data_dir: Path, model_cache: Path
) -> None:
    from corpus.pipeline import ingest
    from corpus.store import open_store
    from index.builder import update_index
    from index.errors import ModelMismatch
    from index.evaluate import load_questions
    from index.search import Index

    int8 = make_embedder(MODEL, "onnx-int8", cache_dir=model_cache)
    fp32 = make_embedder(MODEL, "onnx", cache_dir=model_cache)
    assert int8.backend == "onnx-int8" and int8.name == fp32.name + "+int8"
    texts = _sentences(shared_corpus)
    a, b = int8.embed(texts), fp32.embed(texts)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    cosine = (a * b).sum(axis=1)
    assert 0.9 < float(cosine.mean()) < 0.999  # close, but not the same vectors
    with open_store(data_dir) as store:
        ingest([str(shared_corpus / "chip_trade_news.jsonl")], store)
        update_index(data_dir, store, int8)
    report = _dev_report(Index.open(data_dir, int8), load_questions(shared_corpus / "dev_questions.jsonl"))
    assert report.recall[1] >= 0.90 and report.recall[5] >= 0.98, report.misses
    with pytest.raises(ModelMismatch, match="CHIPBOT_EMBED_BACKEND=onnx-int8"):
        Index.open(data_dir, fp32)
