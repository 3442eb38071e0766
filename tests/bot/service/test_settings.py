"""Settings are checked where they enter: a bad value names the variable and what it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service.settings import BadSetting, Settings


def settings(**env: str) -> Settings:
    return Settings.from_env(data_dir=Path("/tmp/x"), env=env)


def test_defaults_keep_questions_out_of_the_logs() -> None:
    s = settings()
    assert (s.log_level, s.log_format, s.log_questions) == (None, "text", False)


def test_log_settings_are_read() -> None:
    s = settings(
        CHIPBOT_LOG_LEVEL="debug",
        CHIPBOT_LOG_FORMAT="JSON",
        CHIPBOT_LOG_QUESTIONS="yes",
    )
    assert (s.log_level, s.log_format, s.log_questions) == ("DEBUG", "json", True)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHIPBOT_LOG_LEVEL": "loud"}, "CHIPBOT_LOG_LEVEL='loud' is not valid: choose one of DEBUG, INFO, WARNING"),
        ({"CHIPBOT_LOG_FORMAT": "xml"}, "choose one of text, json"),
        ({"CHIPBOT_LOG_QUESTIONS": "maybe"}, "use 1 or 0"),
        ({"CHIPBOT_REFRESH_MINUTES": "soon"}, "CHIPBOT_REFRESH_MINUTES='soon' is not valid: use a number"),
    ],
)
def test_bad_values_name_the_setting_and_the_choices(env: dict[str, str], message: str) -> None:
    with pytest.raises(BadSetting) as raised:
        settings(**env)
    assert message in str(raised.value)
