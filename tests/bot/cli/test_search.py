from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from tests.index.fakes import ARTICLES, MemoryStore


@pytest.fixture
def built(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHIPBOT_EMBED_BACKEND", "hash")
    update_index(data_dir, MemoryStore(ARTICLES), HashEmbedder())
    return data_dir


def test_search_prints_ranked_passages(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "Kumamoto", "fab", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. [") and "a3" in out and "asia.example · 2024-02-06 · https://asia.example/a3" in out
    assert "chars 0-" in out


def test_search_json_with_filters(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "chips", "--source", "newswire.example", "--since", "2025-01-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [h["article_id"] for h in data["hits"]] == ["a1"]
    hit = data["hits"][0]
    assert {"rank", "score", "title", "source", "published", "url", "text", "start", "end"} <= hit.keys()
    assert data["since"] == "2025-01-01"


def test_eval_reports_metrics(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "q1", "question": "Which lithography machines need approval from The Hague?", "article_id": "a2"},
        {"id": "q2", "question": "Who makes pancakes?", "article_id": None},
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows))
    assert main(["eval", str(questions), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    retrieval = report["retrieval"]
    assert retrieval["recall"]["1"] == 1.0 and retrieval["answerable"] == 1 and retrieval["questions"] == 2
    [answers] = report["answers"].values()
    assert answers["all"]["questions"] == 2 and answers["all"]["answerable"] == 1
    assert main(["eval", str(questions)]) == 0
    out = capsys.readouterr().out
    assert "| recall@1 |" in out and "| all | 2 |" in out
    assert main(["eval", str(questions), "--asked", "lower-case", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["answers"]) == [f"{questions}, asked lower-case"] and report["retrieval"] is None


def test_eval_keeps_outcomes_and_compares_a_later_run_with_them(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "q1", "question": "Which lithography machines need approval from The Hague?", "article_id": "a2"},
        {"id": "q2", "question": "Who makes pancakes?", "article_id": None},
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows))
    kept = tmp_path / "before.jsonl"
    assert main(["eval", str(questions), "--outcomes", str(kept)]) == 0
    before = [json.loads(line) for line in kept.read_text().splitlines()]
    assert [(r["run"], r["id"]) for r in before] == [(str(questions), "q1"), (str(questions), "q2")]
    assert before[0]["answerable"] and not before[1]["answerable"]
    capsys.readouterr()
    # The same run against itself: nothing changed.
    assert main(["eval", str(questions), "--against", str(kept), "--json"]) == 0
    [rows_now] = json.loads(capsys.readouterr().out)["against"].values()
    assert rows_now and all(r["better"] == r["worse"] == 0 and r["p"] == 1.0 for r in rows_now)
    # An earlier run in which q1 was not cited first: this one is better on it.
    worse = dict(before[0], cited_first=not before[0]["cited_first"])
    kept.write_text(json.dumps(worse) + "\n" + json.dumps(before[1]) + "\n")
    assert main(["eval", str(questions), "--against", str(kept)]) == 0
    out = capsys.readouterr().out
    assert "against the earlier outcomes" in out
    cited = next(line for line in out.splitlines() if line.startswith("| cited first |"))
    assert cited.split("|")[5:7] == ([" 1 ", " 0 "] if before[0]["cited_first"] else [" 0 ", " 1 "])
    kept.write_text("not json\n")
    assert main(["eval", str(questions), "--against", str(kept)]) == 1
    assert f"{kept}:1:" in capsys.readouterr().err


def test_search_without_index_explains(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHIPBOT_EMBED_BACKEND", "hash")
    assert main(["search", "anything"]) == 1
    assert "chipbot" in capsys.readouterr().err


def test_the_latest_floor_reads_the_same_scores_from_the_rankers_order(data_dir: Path) -> None:
    """`chipbot search` orders hits by the learned ranker (``Answerer.search``); the /latest floor
    reads each hit's own fused score and cosine, which that re-ordering keeps, so the floor picks the
    same articles from the ranker's order as from the index's."""
    from bot.answering.answerer import Answerer
    from index.search import LATEST_POOL, Index
    from tests.index.test_latest import NEWER, RAPIDUS

    update_index(data_dir, MemoryStore([*NEWER, RAPIDUS]), HashEmbedder())
    index = Index.open(data_dir, HashEmbedder())
    answerer = Answerer(index, k=LATEST_POOL)
    reordered = 0
    for topic in ("Rapidus 2nm pilot line in Hokkaido", "chip export licence review", "football transfer window"):
        plain = index.search(topic, k=LATEST_POOL).hits
        ranked = answerer.search(topic, k=LATEST_POOL).hits
        assert {h.article.id: (h.score, h.dense_score) for h in ranked} == {
            h.article.id: (h.score, h.dense_score) for h in plain
        }
        reordered += [h.article.id for h in ranked] != [h.article.id for h in plain]
        expected = index.latest(10, topic=topic)
        assert index.latest_about(ranked, 10) == expected
    assert reordered  # the ranker did change the order somewhere, so the floor was tried on a new order
