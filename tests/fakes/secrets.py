"""An in-memory SecretStore: what the OS keyring holds, for tests and child processes."""

from __future__ import annotations


class MemorySecretStore:
    """Keeps secrets in a dict; ``writes`` counts ``set`` calls (atomic write-back checks)."""

    available = True
    unavailable_reason = None

    def __init__(self, entries: dict[str, str] | None = None) -> None:
        self.entries = dict(entries or {})
        self.writes = 0

    def get(self, name: str) -> str | None:
        return self.entries.get(name)

    def set(self, name: str, value: str) -> None:
        self.writes += 1
        self.entries[name] = value

    def delete(self, name: str) -> None:
        self.entries.pop(name, None)
