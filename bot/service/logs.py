"""Log output for every command: the level, plain text or JSON lines, and secrets redacted.

``configure_logging`` is called once by the CLI. It gives the root logger one stderr handler, so
``journalctl`` or ``docker logs`` get one line per event. The JSON format comes
from python-json-logger: fields passed with ``extra=`` (an answer's outcome, timings, cited ids)
become keys of the JSON object, so log pipelines need no parsing of the message text.

Secrets (the Discord token, the LLM API key) are removed from every record by a filter on that
handler, whichever library logged them, tracebacks included.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any, TextIO

REDACTED = "[REDACTED]"
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RedactSecrets(logging.Filter):
    """Replace secrets in every formatted log message, whichever library logged it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def scrub(self, value: Any) -> Any:
        """``value`` with secrets redacted in every string it holds (lists and dicts included)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list | tuple):
            return type(value)(self.scrub(v) for v in value)
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        for key in vars(record).keys() - _STANDARD:  # fields passed with extra= (JSON keys)
            setattr(record, key, self.scrub(getattr(record, key)))
        if record.exc_info:
            # Formatters re-render exc_info (the JSON one ignores exc_text), so keep only the
            # redacted text: the standard Formatter prints exc_text, the JSON one reads it too.
            record.exc_text = self.redact(record.exc_text or logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class QuietLibraries(logging.Filter):
    """Below WARNING, keep chipbot's own records and discord.py's: at INFO, libraries such as the
    ONNX graph optimiser and faiss's loader would fill the journal with lines about themselves.
    Not installed at DEBUG, where everything is wanted."""

    OWN = ("bot", "corpus", "index", "discord", "__main__")

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".", 1)[0] in self.OWN


def formatter(fmt: str) -> logging.Formatter:
    """``text`` (one readable line) or ``json`` (one JSON object per line)."""
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "asctime": "time", "name": "logger"})
    return logging.Formatter(TEXT_FORMAT)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record is emitted (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging(
    level: str | int, fmt: str = "text", *, secrets: Iterable[str] = (), root: logging.Logger | None = None
) -> logging.Handler:
    """Send every record at ``level`` or above to stderr as ``fmt``, secrets redacted.

    Called again (another command in the same process), it replaces the handler it added before and
    leaves other handlers alone (a test runner's, for one).
    """
    root = root if root is not None else logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(old)
    handler = StderrHandler()
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RedactSecrets(secrets))
    numeric = logging.getLevelName(level) if isinstance(level, str) else level
    if numeric > logging.DEBUG:
        handler.addFilter(QuietLibraries())
    root.addHandler(handler)
    root.setLevel(level)
    return handler
