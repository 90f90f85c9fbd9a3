"""Secret redaction for logs and error messages (no network imports: loaded at start-up).

Tokens, client secrets, auth codes and (when asked) account numbers are
registered with ``register_secret``; ``redact`` replaces them in any text and
``install_log_redaction`` makes every log record pass through it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

QUIET_LOGGERS = ("httpx", "httpcore", "websockets", "hpack", "aiohttp.access")
_MIN_SECRET_LENGTH = 4


class _SecretRegistry:
    """The secrets to hide, longest first so a token containing another is hidden whole."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, str] = {}
        self._ordered: tuple[tuple[str, str], ...] = ()

    def add(self, value: str, label: str) -> None:
        if len(value) < _MIN_SECRET_LENGTH:
            return
        with self._lock:
            self._secrets[value] = label
            self._ordered = tuple(
                sorted(self._secrets.items(), key=lambda item: len(item[0]), reverse=True)
            )

    def remove(self, value: str) -> None:
        with self._lock:
            self._secrets.pop(value, None)
            self._ordered = tuple(
                sorted(self._secrets.items(), key=lambda item: len(item[0]), reverse=True)
            )

    def redact(self, text: str) -> str:
        for value, label in self._ordered:
            if value in text:
                text = text.replace(value, f"<{label} redacted>")
        return text


_REGISTRY = _SecretRegistry()


def register_secret(value: str | None, label: str = "secret") -> None:
    """Hide ``value`` (a token, client secret, auth code, account number) from logs and errors."""
    if value:
        _REGISTRY.add(value, label)


def forget_secret(value: str | None) -> None:
    """Stop hiding ``value`` (after unlinking, so the registry does not grow forever)."""
    if value:
        _REGISTRY.remove(value)


def redact(text: str) -> str:
    """Return ``text`` with every registered secret replaced by ``<label redacted>``."""
    return _REGISTRY.redact(text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message and traceback text with the secrets replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed %-format: keep the raw text, still redacted
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_redaction(root: logging.Logger | None = None) -> None:
    """Redact every record created from now on and quiet the HTTP libraries' loggers.

    Works through the record factory, so handlers added later are covered too.
    """
    quiet_http_loggers()
    if getattr(logging.getLogRecordFactory(), "_redacting", False):
        return
    previous = logging.getLogRecordFactory()
    redactor = RedactingFilter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redactor.filter(record)
        return record

    factory._redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    for handler in (root or logging.getLogger()).handlers:
        handler.addFilter(redactor)


def quiet_http_loggers() -> None:
    """Keep ``httpx``/``httpcore``/``websockets`` at WARNING: their URLs can carry secrets."""
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)
