"""Broker credentials and tokens in the OS keyring, one JSON entry per broker.

Everything a link needs (client id and secret, refresh and access tokens,
their expiry and issue times) is one keyring entry, so a refreshed token is
written back in a single ``set``: a crash leaves either the old grant or the
new one, never half of each. Nothing here touches the database, config or logs;
every secret value read or written is registered with the log redactor.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping

from workstation.adapters.redaction import forget_secret, register_secret
from workstation.ports.secrets import SecretStore

#: Fields that are not secret (times, URLs); everything else is redacted from logs.
PUBLIC_FIELDS = frozenset(
    {
        "access_expires_at",
        "refresh_issued_at",
        "base_url",
        "environment",
        "callback_url",
        "linked_at",
        "token_type",
        "scope",
    }
)


class CredentialError(ValueError):
    """A stored credential entry is unreadable; the message names the broker, not the values."""


class CredentialVault:
    """Reads and writes each broker's credential entry (``broker.<name>``) atomically."""

    def __init__(self, secrets: SecretStore) -> None:
        self._secrets = secrets
        self._lock = threading.Lock()

    @staticmethod
    def entry_name(broker: str) -> str:
        """Return the keyring entry name of ``broker``'s credentials."""
        return f"broker.{broker}"

    def load(self, broker: str) -> dict[str, str] | None:
        """Return ``broker``'s stored fields, or None when it is not linked."""
        text = self._secrets.get(self.entry_name(broker))
        if text is None:
            return None
        try:
            fields = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CredentialError(
                f"the stored {broker} credentials are unreadable (line {exc.lineno}); link again"
            ) from None
        if not isinstance(fields, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in fields.items()
        ):
            raise CredentialError(f"the stored {broker} credentials are malformed; link again")
        _register(fields)
        return fields

    def save(self, broker: str, fields: Mapping[str, str]) -> None:
        """Replace ``broker``'s entry with ``fields`` in one keyring write."""
        clean = {k: v for k, v in fields.items() if v is not None}
        _register(clean)
        with self._lock:
            self._secrets.set(self.entry_name(broker), json.dumps(clean, sort_keys=True))

    def update(self, broker: str, **changes: str) -> dict[str, str]:
        """Merge ``changes`` into the stored entry (one write) and return the result."""
        with self._lock:
            current = self.load(broker) or {}
            current.update(changes)
            _register(current)
            self._secrets.set(self.entry_name(broker), json.dumps(current, sort_keys=True))
            return current

    def delete(self, broker: str) -> None:
        """Forget ``broker``'s entry (unlink)."""
        with self._lock:
            fields = self._secrets.get(self.entry_name(broker))
            self._secrets.delete(self.entry_name(broker))
        if fields:
            try:
                for key, value in json.loads(fields).items():
                    if key not in PUBLIC_FIELDS:
                        forget_secret(value)
            except (json.JSONDecodeError, AttributeError):
                pass


def _register(fields: Mapping[str, str]) -> None:
    for key, value in fields.items():
        if key not in PUBLIC_FIELDS:
            register_secret(value, key)
