"""SecretStore port: tokens and database keys, kept out of config files and logs."""

from __future__ import annotations

from typing import Protocol


class SecretStoreUnavailable(RuntimeError):
    """No secure secret store exists on this machine (e.g. no keyring backend)."""


class SecretStore(Protocol):
    """Stores small secrets by (service, name)."""

    @property
    def available(self) -> bool:
        """True when secrets can be stored securely on this machine."""
        ...

    @property
    def unavailable_reason(self) -> str | None:
        """Why secrets cannot be stored here (a sentence for the trader), or None."""
        ...

    def get(self, name: str) -> str | None:
        """Return the secret called ``name`` or None; SecretStoreUnavailable if no store."""
        ...

    def set(self, name: str, value: str) -> None:
        """Store ``value`` under ``name``; raise SecretStoreUnavailable if impossible."""
        ...

    def delete(self, name: str) -> None:
        """Remove ``name`` if present; SecretStoreUnavailable if no store."""
        ...
