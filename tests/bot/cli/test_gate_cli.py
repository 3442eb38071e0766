"""`chipbot ingest` gates by default, `articles --rejected`, `admit`, `reject`, `train-gate`, and the
gate's settings; a word-counting stand-in replaces the trained gate (the real one: test_gate_refresh)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.service.settings import Settings, SettingsError
from tests.corpus.gate_fakes import WordGate
from tests.corpus.helpers import OTHER_STORY, WIRE_STORY, record, write_jsonl

LAPTOP = "The laptop's OLED screen is bright and its battery lasted seven hours in our video test."


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """`make_gate` returns a WordGate; the settings it was built from are kept for the test."""
    built: list[Settings] = []

    def make_gate(settings: Settings, embedder: object = None) -> WordGate:
        built.append(settings)
        return WordGate(threshold=settings.gate_threshold if settings.gate_threshold is not None else 0.5)

    monkeypatch.setattr("bot.service.wiring.make_gate", make_gate)
    monkeypatch.setenv("CHIPBOT_EMBED_BACKEND", "hash")
    return built


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            record("on-1", "https://wire.example/permits", WIRE_STORY, title="Malaysia export permits"),
            record("off-1", "https://reviews.example/laptop", LAPTOP, title="Laptop review"),
            record("on-2", "https://other.example/japan", OTHER_STORY, title="Japan export control list"),
        ],
    )


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    capsys.readouterr()
    assert main(["articles", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_ingest_keeps_off_topic_items_out_and_articles_rejected_lists_them(
    gated: list[Settings], mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(mixed)]) == 0
    out = capsys.readouterr().out
    assert "rejected as off-topic 1" in out and "rejected (score 0.05): off-1 Laptop review" in out
    assert "index: generation" in out
    assert [a["id"] for a in listed(capsys)] == ["on-1", "on-2"]
    (item,) = listed(capsys, "--rejected")
    assert item["id"] == "off-1" and item["score"] == 0.05 and item["title"] == "Laptop review"
    assert main(["articles", "--rejected"]) == 0
    captured = capsys.readouterr()
    assert "off-1" in captured.out and "0.050" in captured.out and "chipbot admit ID" in captured.err


def test_admit_and_reject_move_items_across_and_update_the_index(
    gated: list[Settings], mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["ingest", str(mixed)])
    capsys.readouterr()
    assert main(["admit", "off-1"]) == 0
    out = capsys.readouterr().out
    assert "admitted: off-1 Laptop review" in out and "gen-000002: 3 articles" in out
    assert main(["search", "OLED screen battery", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["article_id"] == "off-1"
    assert listed(capsys, "--rejected") == []

    assert main(["reject", "on-2"]) == 0
    assert "moved to the rejected items: on-2" in capsys.readouterr().out
    assert [a["id"] for a in listed(capsys, "--rejected")] == ["on-2"]
    assert main(["search", "Japan chipmaking equipment export list", "--json"]) == 0
    assert "on-2" not in {h["article_id"] for h in json.loads(capsys.readouterr().out)["hits"]}
    assert main(["admit", "nope"]) == 1 and "articles --rejected" in capsys.readouterr().err


def test_no_gate_admits_everything(gated: list[Settings], mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(mixed), "--no-gate", "--no-index"]) == 0
    assert not gated and len(listed(capsys)) == 3 and listed(capsys, "--rejected") == []


def test_the_threshold_is_a_validated_setting(
    gated: list[Settings], mixed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHIPBOT_GATE_THRESHOLD", "0.01")
    assert main(["ingest", str(mixed), "--no-index"]) == 0
    assert gated[0].gate_threshold == 0.01 and len(listed(capsys)) == 3  # the laptop scores 0.05 >= 0.01
    for bad in ("high", "1.5", "-0.1"):
        with pytest.raises(SettingsError, match="from 0 to 1"):
            Settings.from_env(env={"CHIPBOT_GATE_THRESHOLD": bad})
    monkeypatch.setenv("CHIPBOT_GATE_THRESHOLD", "lots")
    assert main(["articles"]) == 2 and "CHIPBOT_GATE_THRESHOLD='lots'" in capsys.readouterr().err
    assert Settings.from_env(env={}).gate_threshold is None


def test_unusable_gate_weights_stop_ingest_with_a_hint(
    tmp_path: Path, mixed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHIPBOT_GATE_WEIGHTS", str(tmp_path / "missing.json"))
    assert main(["ingest", str(mixed), "--no-index"]) == 2
    err = capsys.readouterr().err
    assert "cannot read the gate weights" in err and "--no-gate" in err
