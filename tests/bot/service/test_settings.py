"""Settings are checked where they enter: a bad value names the variable and what it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service.settings import DEFAULT_HTTP_PORT, Settings, SettingsError
from bot.service.sharding import ShardPlan, plan_shards


def settings(**env: str) -> Settings:
    return Settings.from_env(data_dir=Path("/tmp/x"), env=env)


def test_defaults_keep_questions_out_of_the_logs_and_the_endpoint_local() -> None:
    s = settings()
    assert (s.log_level, s.log_format, s.log_questions) == (None, "text", False)
    assert (s.http_host, s.http_port) == ("127.0.0.1", DEFAULT_HTTP_PORT)
    assert (s.sharding, s.shard_count, s.shard_ids, s.reload_seconds) == ("auto", None, None, 1.0)


def test_operations_settings_are_read() -> None:
    s = settings(
        CHIPBOT_LOG_LEVEL="debug",
        CHIPBOT_LOG_FORMAT="JSON",
        CHIPBOT_LOG_QUESTIONS="yes",
        CHIPBOT_HTTP_HOST="0.0.0.0",
        CHIPBOT_HTTP_PORT="9100",
        CHIPBOT_SHARD_COUNT="8",
        CHIPBOT_SHARD_IDS="0-2,5",
        CHIPBOT_RELOAD_SECONDS="0",
    )
    assert (s.log_level, s.log_format, s.log_questions) == ("DEBUG", "json", True)
    assert (s.http_host, s.http_port, s.reload_seconds) == ("0.0.0.0", 9100, 0.0)
    assert (s.sharding, s.shard_count, s.shard_ids) == ("on", 8, (0, 1, 2, 5))
    assert settings(CHIPBOT_HTTP_PORT="off").http_port is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHIPBOT_LOG_LEVEL": "loud"}, "CHIPBOT_LOG_LEVEL='loud' is not valid: choose one of DEBUG, INFO, WARNING"),
        ({"CHIPBOT_LOG_FORMAT": "xml"}, "choose one of text, json"),
        ({"CHIPBOT_LOG_QUESTIONS": "maybe"}, "use 1 or 0"),
        (
            {"CHIPBOT_HTTP_PORT": "80000"},
            "CHIPBOT_HTTP_PORT='80000' is not valid: use a port number from 1 to 65535, or off",
        ),
        ({"CHIPBOT_SHARDING": "sometimes"}, "choose one of auto, on, off"),
        ({"CHIPBOT_SHARD_IDS": "0,1"}, "set CHIPBOT_SHARD_COUNT too"),
        ({"CHIPBOT_SHARD_COUNT": "2", "CHIPBOT_SHARD_IDS": "1-2"}, "use distinct ids from 0 to 1"),
        ({"CHIPBOT_SHARD_COUNT": "2", "CHIPBOT_SHARD_IDS": "a"}, "ids like 0,1,2"),
        ({"CHIPBOT_SHARD_COUNT": "0"}, "a whole number, 1 or more"),
        ({"CHIPBOT_SHARD_COUNT": "2", "CHIPBOT_SHARDING": "off"}, "CHIPBOT_SHARD_COUNT is set"),
        ({"CHIPBOT_REFRESH_MINUTES": "soon"}, "CHIPBOT_REFRESH_MINUTES='soon' is not valid: use a number"),
        ({"CHIPBOT_RELOAD_SECONDS": "-5"}, "0 or more"),
        ({"CHIPBOT_LEXICON": "/nonexistent/entities.json"}, "off, or a JSON list of entities like"),
    ],
)
def test_bad_values_name_the_setting_and_the_choices(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        settings(**env)
    assert message in str(raised.value)


async def test_sharding_plan() -> None:
    asked: list[bool] = []

    def recommending(count: int):
        async def recommended() -> int:
            asked.append(True)
            return count

        return recommended

    assert await plan_shards(settings(CHIPBOT_SHARDING="off"), recommending(9)) == ShardPlan(False)
    assert await plan_shards(settings(CHIPBOT_SHARDING="on"), recommending(9)) == ShardPlan(True)
    split = settings(CHIPBOT_SHARD_COUNT="4", CHIPBOT_SHARD_IDS="2,3")
    assert await plan_shards(split, recommending(9)) == ShardPlan(True, 4, (2, 3))
    assert not asked  # Discord is asked only in auto mode
    assert await plan_shards(settings(), recommending(1)) == ShardPlan(False)
    assert await plan_shards(settings(), recommending(3)) == ShardPlan(True, 3)
    assert "3 shards in total, this process runs all" in ShardPlan(True, 3).describe()


def test_the_lexicon_is_the_packaged_one_a_file_or_off(tmp_path: Path) -> None:
    from bot.service.wiring import make_lexicon

    assert len(make_lexicon(settings()).entities) > 100
    assert make_lexicon(settings(CHIPBOT_LEXICON="off")).described("the Dutch lithography-machine maker") == ()
    own = tmp_path / "entities.json"
    own.write_text('[{"name": "Kioxia", "describe": ["japanese/japan flash/nand"]}]', encoding="utf-8")
    assert make_lexicon(settings(CHIPBOT_LEXICON=str(own))).described("Did the Japanese NAND maker list?") == (
        "Kioxia",
    )
    own.write_text('[{"name": "Kioxia", "describe": ["the"]}]', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"CHIPBOT_LEXICON=.*entry 1: description 'the' has a slot with no"):
        settings(CHIPBOT_LEXICON=str(own))
