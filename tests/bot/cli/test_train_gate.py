"""`chipbot train-gate`: one command rebuilds the committed weights from the labelled set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from corpus.gate.model import GateModel
from tests.conftest import REPO

ARGS = ["--items", str(REPO / "eval/gate/items.jsonl"), "--stories", str(REPO / "eval/questions/stories.jsonl")]


def test_train_gate_without_the_shared_corpus_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train-gate", *ARGS, "--shared", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "w.json")]) == 2
    assert "shared corpus is not at" in capsys.readouterr().out and not (tmp_path / "w.json").exists()


@pytest.mark.slow
def test_train_gate_rebuilds_the_committed_weights(
    shared_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "weights.json"
    shared = str(shared_corpus / "chip_trade_news.jsonl")
    assert main(["train-gate", *ARGS, "--shared", shared, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "tune, cross-validated" in printed and "test split not scored" in printed
    rebuilt, committed = GateModel.load(out), GateModel.load()
    assert rebuilt.about == committed.about, "the committed weights are stale: run `make train-gate`"
    assert np.allclose(rebuilt.weights, committed.weights, atol=1e-4)  # other CPUs may round the last digits
    assert rebuilt.threshold == pytest.approx(committed.threshold, abs=1e-4)
