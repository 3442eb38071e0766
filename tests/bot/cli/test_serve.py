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


def test_a_bad_setting_stops_with_the_accepted_values(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHIPBOT_LOG_FORMAT", "xml")
    assert main(["--data-dir", str(tmp_path), "feedback"]) == 2
    assert capsys.readouterr().err.strip() == "chipbot: CHIPBOT_LOG_FORMAT='xml' is not valid: choose one of text, json"


def test_log_level_option_lists_its_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--log-level", "loud", "feedback"])
    err = capsys.readouterr().err
    assert "argument --log-level: invalid choice: 'LOUD' (choose from" in err
    assert all(level in err for level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["run"], {"DISCORD_TOKEN": TOKEN}, "INFO"),  # the bot: the journal shows it connect and answer
        (["run"], {}, "WARNING"),  # the terminal session stays quiet
        (["ask", "x"], {}, "WARNING"),
        (["ask", "x"], {"CHIPBOT_LOG_LEVEL": "info"}, "INFO"),
        (["--log-level", "error", "run"], {"DISCORD_TOKEN": TOKEN, "CHIPBOT_LOG_LEVEL": "DEBUG"}, "ERROR"),
        (["run", "--log-level", "debug"], {}, "DEBUG"),
        (["-v", "ask", "x"], {}, "DEBUG"),
    ],
)
def test_log_level_choice(argv: list[str], env: dict[str, str], expected: str) -> None:
    from bot.cli import build_parser, log_level
    from bot.service.settings import Settings

    args = build_parser().parse_args(argv)
    assert log_level(args, Settings.from_env(data_dir="/tmp/x", env=env)) == expected


async def test_run_picks_the_sharded_bot_when_discord_recommends_shards(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    from bot.discordbot import runner
    from bot.service.settings import Settings
    from tests.bot.discord_world import build_index, make_services

    index = build_index(data_dir)
    made: list[tuple[str, dict]] = []

    class Refused:
        def __init__(self, services, **options) -> None:
            made.append((type(self).__name__, options))

        async def __aenter__(self):
            raise InvalidToken("stop here")

        async def __aexit__(self, *exc: object) -> None:
            return None

    class Sharded(Refused):
        pass

    async def three(token: str) -> int:
        return 3

    monkeypatch.setattr(runner, "make_services", lambda settings, index: make_services(data_dir, index))
    monkeypatch.setattr(runner, "recommended_shards", three)
    monkeypatch.setattr(runner, "ChipBot", Refused)
    monkeypatch.setattr(runner, "ShardedChipBot", Sharded)
    for env, expected in [
        ({}, ("Sharded", {"shard_count": 3, "shard_ids": None})),
        ({"CHIPBOT_SHARDING": "off"}, ("Refused", {})),
        (
            {"CHIPBOT_SHARD_COUNT": "4", "CHIPBOT_SHARD_IDS": "1,3"},
            ("Sharded", {"shard_count": 4, "shard_ids": [1, 3]}),
        ),
    ]:
        settings = Settings.from_env(data_dir=data_dir, env={**env, "CHIPBOT_HTTP_PORT": "off"})
        with pytest.raises(InvalidToken):
            await runner._serve(settings, index, TOKEN)
        assert made.pop() == expected
