from __future__ import annotations

from pathlib import Path

import pytest

import bot.cli.serve as discord_cli
from bot.cli import main
from bot.discordbot.runner import InvalidToken

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.fake-token-for-tests_0123456789abcdef"


def test_run_without_a_token_starts_the_terminal_session(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = []
    monkeypatch.setattr("bot.service.wiring.ensure_index", lambda settings: calls.append("index") or object())
    monkeypatch.setattr(
        "bot.cli.ask.run_chat", lambda settings, stdin, stdout: calls.append("chat") or 0, raising=False
    )
    assert main(["--data-dir", str(tmp_path), "run"]) == 0
    assert calls == ["index", "chat"]


def test_an_invalid_token_gets_one_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr("bot.service.wiring.ensure_index", lambda settings: object())

    def refuse(settings, index) -> None:
        raise InvalidToken("Improper token has been passed.")

    monkeypatch.setattr("bot.discordbot.runner.run_bot", refuse)
    assert main(["--data-dir", str(tmp_path), "run"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == discord_cli.TOKEN_HELP and TOKEN not in err


def test_sync_needs_a_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "sync", "--guild", "123"]) == 2
    assert "needs DISCORD_TOKEN" in capsys.readouterr().err
