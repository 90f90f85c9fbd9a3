"""An in-memory keyring backend so tests never touch a real keychain."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class InMemoryKeyring(KeyringBackend):
    """Keeps passwords in a dict for the life of the test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(f"{service}/{username} not found")


class FileKeyring(KeyringBackend):
    """A plain JSON file as the keyring, for manual runs on machines without one.

    Select it with ``PYTHON_KEYRING_BACKEND=tests.fakes.keyring_backend.FileKeyring`` and
    ``VOLARIS_TEST_KEYRING=/path/file.json`` (run from the repository root). NOT secure:
    for the fake brokers' canary credentials only.
    """

    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ.get("VOLARIS_TEST_KEYRING", "volaris-test-keyring.json"))

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def _save(self, entries: dict[str, str]) -> None:
        path = self._path()
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(entries, sort_keys=True), encoding="utf-8")
        partial.replace(path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}/{username}"] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(f"{service}/{username} not found")
        self._save(entries)
