"""What the log says about an answer, as an operator's journal gets it: one line per question with
an opaque id, the outcome, timings and cited article ids; users' words only when asked for."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.service.logs import REDACTED, configure_logging
from tests.bot.discord_world import build_index, make_services, running

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.fake-token-for-tests_0123456789abcdef"
DUV = "Which DUV tools need Dutch export licences?"
PASTED = f"is this token still valid {TOKEN}"  # a user pastes the token into a question


@pytest.fixture
def index(data_dir: Path):
    return build_index(data_dir)


@pytest.fixture
def log_output(capsys: pytest.CaptureFixture[str]) -> Callable[[], list[dict]]:
    """Configure logging as the CLI does (JSON lines, the token as a secret); yield a reader of
    the JSON objects written to stderr."""
    configure_logging("INFO", "json", secrets=[TOKEN])  # undone after the test by conftest's _restore_logging

    def lines() -> list[dict]:
        return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]

    return lines


def question_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line.get("event") == "question"]


async def test_an_answer_is_logged_without_the_question_or_the_token(data_dir: Path, index, log_output) -> None:
    async with running(make_services(data_dir, index)) as w:
        await w.alice.send_dm(DUV)
        await w.alice.send_dm(PASTED)
    output = log_output()
    line, other = question_lines(output)
    assert other["outcome"] == "abstained" and other["cited"] == []
    assert line["outcome"] == "answered" and line["cited"] == ["t-asml"]
    assert len(line["qid"]) == 12 and line["answer_id"] == 1
    assert line["total_ms"] > 0 and {"search", "compose"} <= set(line["timings_ms"])
    assert line["level"] == "INFO" and line["logger"] == "bot.service.asking"
    everything = json.dumps(output)
    assert "Dutch export" not in everything and "DUV" not in everything  # no question text anywhere
    assert (
        "still valid" not in everything and TOKEN not in everything and str(w.alice.id) not in everything
    )  # no token, no user id


async def test_question_text_is_logged_only_when_asked_for_and_still_redacted(
    data_dir: Path, index, log_output
) -> None:
    async with running(make_services(data_dir, index, log_questions=True)) as w:
        await w.alice.send_dm(DUV)
        await w.alice.send_dm(PASTED)
    output = log_output()
    first, second = question_lines(output)
    assert first["question"] == DUV and DUV in first["message"] and first["user_id"] == w.alice.id
    assert f"is this token still valid {REDACTED}" in second["message"]
    assert TOKEN not in json.dumps(output)


class ExplodingAnswerer:
    def answer(self, question, **kwargs):
        raise RuntimeError("index file vanished")


async def test_a_failed_answer_is_logged_and_counted_as_an_error(data_dir: Path, index, log_output) -> None:
    services = make_services(data_dir, index, answerer=ExplodingAnswerer())
    async with running(services) as w:
        await w.alice.send_dm(DUV)
    (line,) = question_lines(log_output())
    assert (line["outcome"], line["error"], line["level"]) == ("error", "RuntimeError", "ERROR")
    assert "cited" not in line and "question" not in line
    assert 'chipbot_questions_total{outcome="error"} 1.0' in services.metrics.render().decode()


def test_libraries_stay_quiet_below_warning_unless_debugging(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    configure_logging("INFO", "text")
    logging.getLogger("fusion_base").info("Fused Gelu: 6")
    logging.getLogger("faiss.loader").warning("no AVX2")
    logging.getLogger("bot.service.refresh").info("refresh: 1 added")
    logging.getLogger("discord.gateway").info("Shard ID None has connected")
    err = capsys.readouterr().err
    assert "Fused Gelu" not in err and "no AVX2" in err and "refresh: 1 added" in err and "has connected" in err
    configure_logging("DEBUG", "text")
    logging.getLogger("fusion_base").info("Fused Gelu: 6")
    assert "Fused Gelu" in capsys.readouterr().err
