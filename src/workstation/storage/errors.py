"""Errors raised by the local store; each message names the file and what to do."""

from __future__ import annotations

from pathlib import Path


class StorageError(RuntimeError):
    """Base class of local-store errors."""


class WrongDatabaseKey(StorageError):
    """The key or passphrase does not decrypt the database (or the file is not a database)."""

    def __init__(self, path: Path, encrypted_open: bool) -> None:
        self.path = path
        if encrypted_open:
            hint = (
                "it may be a different workspace's file, a plain (unencrypted) database, "
                "or not a database at all"
            )
        else:
            hint = "it is encrypted (open it with its key or passphrase) or not a database at all"
        super().__init__(
            f"Cannot open database {path}: the key or passphrase does not match ({hint}). "
            "The file was not changed."
        )


class DatabaseCorrupt(StorageError):
    """The database fails its integrity check; ``detail`` is SQLite's report."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(
            f"Database {path} is damaged: {detail}. The file was not changed; "
            "restore a backup from the workspace's backups folder."
        )


class DatabaseClosed(StorageError):
    """The Database was closed and can no longer be used."""


class MigrationError(StorageError):
    """The schema could not be brought to the version this program needs."""
