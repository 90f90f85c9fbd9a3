"""Open a workspace folder: ``workspace.json`` + ``workstation.db`` + ``backups/``.

Demo workspaces are plain SQLite. Real workspaces are encrypted: with a random
256-bit key kept in the OS keyring under ``database-key/<workspace id>``, or,
when no keyring exists, with a passphrase the trader types (SQLCipher derives
the key with PBKDF2). Opening migrates the schema, backing up first.

Failures never change existing files: a wrong key or passphrase, a missing
keyring entry or a malformed manifest is reported and the workspace left alone.
A new workspace that fails half-way is removed again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from secrets import token_bytes
from types import TracebackType
from typing import Self

from workstation.ports.secrets import SecretStore, SecretStoreUnavailable
from workstation.storage.database import Database, DatabaseKey, open_database
from workstation.storage.epoch import utc_now
from workstation.storage.files import make_private_dir, remove_quietly, sidecar_paths
from workstation.storage.manifest import (
    KINDS,
    MANIFEST_NAME,
    Encryption,
    Manifest,
    WorkspaceError,
    WorkspaceKind,
    read_manifest,
    write_manifest,
)
from workstation.storage.migrate import MigrationReport, upgrade_to_head

DATABASE_NAME = "workstation.db"
BACKUPS_DIR = "backups"
AskPassphrase = Callable[[str], str]


class MissingDatabaseKey(WorkspaceError):
    """The keyring has no (usable) key for an encrypted workspace."""


class PassphraseRequired(WorkspaceError):
    """A passphrase is needed but there is no way to ask for one."""


@dataclass(slots=True)
class WorkspaceStore:
    """An open workspace: its manifest, database and what opening migrated."""

    folder: Path
    manifest: Manifest
    db: Database
    migration: MigrationReport

    @property
    def database_path(self) -> Path:
        """Return the path of ``workstation.db``."""
        return self.folder / DATABASE_NAME

    @property
    def backups_dir(self) -> Path:
        """Return the folder of rotating database backups."""
        return self.folder / BACKUPS_DIR

    def close(self) -> None:
        """Close the database (checkpointing its WAL); closing twice is harmless."""
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_workspace_store(
    folder: Path,
    *,
    kind: WorkspaceKind,
    secrets: SecretStore,
    ask_passphrase: AskPassphrase | None,
    keep_backups: int = 5,
) -> WorkspaceStore:
    """Open the workspace in ``folder``, creating it (folder 0700, manifest, database) if new.

    ``ask_passphrase(reason)`` is called only when a passphrase is needed;
    ``reason`` is a sentence for the prompt. Raise WorkspaceError subclasses,
    WrongDatabaseKey, DatabaseCorrupt or MigrationError on failure.
    """
    if kind not in KINDS:
        raise ValueError(f"workspace kind must be 'demo' or 'real', got {kind!r}")
    folder = folder.absolute()
    make_private_dir(folder)
    manifest_path = folder / MANIFEST_NAME
    if manifest_path.exists():
        manifest = read_manifest(manifest_path)
        _check_kind(folder, manifest, kind)
        key = _existing_key(folder, manifest, secrets, ask_passphrase)
        return _open(folder, manifest, key, keep_backups)
    _refuse_orphan_database(folder)
    return _create(folder, kind, secrets, ask_passphrase, keep_backups)


def _open(
    folder: Path, manifest: Manifest, key: DatabaseKey | None, keep_backups: int
) -> WorkspaceStore:
    """Open and migrate the database; close it again if migrating fails."""
    db = open_database(folder / DATABASE_NAME, key)
    try:
        report = upgrade_to_head(db, folder / BACKUPS_DIR, keep_backups)
    except BaseException:
        db.close()
        raise
    make_private_dir(folder / BACKUPS_DIR)
    return WorkspaceStore(folder, manifest, db, report)


def _create(
    folder: Path,
    kind: WorkspaceKind,
    secrets: SecretStore,
    ask_passphrase: AskPassphrase | None,
    keep_backups: int,
) -> WorkspaceStore:
    """Create manifest, key and database of a new workspace; undo all of it on failure."""
    encryption = _new_encryption(kind, secrets)
    manifest = Manifest.new(kind, encryption, utc_now())
    key: DatabaseKey | None = None
    try:
        key = _new_key(folder, manifest, secrets, ask_passphrase)
        write_manifest(folder / MANIFEST_NAME, manifest)
        return _open(folder, manifest, key, keep_backups)
    except BaseException:
        _undo_create(folder, manifest, secrets, stored_key=key is not None)
        raise


def _new_encryption(kind: WorkspaceKind, secrets: SecretStore) -> Encryption:
    if kind == "demo":
        return "none"
    return "keyring" if secrets.available else "passphrase"


def _new_key(
    folder: Path, manifest: Manifest, secrets: SecretStore, ask_passphrase: AskPassphrase | None
) -> DatabaseKey | None:
    """Make the key of a new workspace: a random key stored in the keyring, or a passphrase."""
    if manifest.encryption == "none":
        return None
    if manifest.encryption == "keyring":
        raw = token_bytes(32)
        secrets.set(manifest.key_name, raw.hex())
        if secrets.get(manifest.key_name) != raw.hex():  # a backend that drops writes
            raise MissingDatabaseKey(
                f"The keyring did not keep the new database key of workspace {folder} "
                f"(entry {manifest.key_name!r}); the workspace was not created."
            )
        return DatabaseKey.raw(raw)
    reason = (
        f"No keyring backend is available on this machine ({_unavailable(secrets)}); "
        f"the database of the new workspace {folder} will be encrypted with a "
        "passphrase instead. Choose a passphrase; it cannot be recovered if lost."
    )
    return _passphrase(folder, reason, ask_passphrase)


def _existing_key(
    folder: Path, manifest: Manifest, secrets: SecretStore, ask_passphrase: AskPassphrase | None
) -> DatabaseKey | None:
    """Return the key an existing workspace's manifest says to use."""
    if manifest.encryption == "none":
        return None
    if manifest.encryption == "passphrase":
        return _passphrase(folder, f"Enter the passphrase of workspace {folder}.", ask_passphrase)
    return _keyring_key(folder, manifest, secrets)


def _keyring_key(folder: Path, manifest: Manifest, secrets: SecretStore) -> DatabaseKey:
    """Fetch the workspace's raw key from the keyring; never invent a new one."""
    where = (
        f"Workspace {folder} keeps its database key in the keyring (entry {manifest.key_name!r})"
    )
    try:
        stored = secrets.get(manifest.key_name)
    except SecretStoreUnavailable as exc:
        raise MissingDatabaseKey(f"{where}, but the keyring cannot be read: {exc}") from exc
    if stored is None:
        raise MissingDatabaseKey(
            f"{where}, but the key is missing from this machine's keyring. Restore the "
            "keyring entry (or the keyring itself) to open it; the encrypted database was "
            "not changed and no new key was created."
        )
    try:
        return DatabaseKey.raw(bytes.fromhex(stored))
    except ValueError as exc:
        raise MissingDatabaseKey(f"{where}, but that entry is not a 64-hex-digit key") from exc


def _passphrase(folder: Path, reason: str, ask_passphrase: AskPassphrase | None) -> DatabaseKey:
    if ask_passphrase is None:
        raise PassphraseRequired(
            f"Workspace {folder} needs a database passphrase but none can be asked for here: "
            "set WORKSTATION_PASSPHRASE or open the workspace in the GUI."
        )
    try:
        return DatabaseKey.passphrase(ask_passphrase(reason))
    except ValueError as exc:
        raise PassphraseRequired(f"Workspace {folder}: {exc}") from exc


def _check_kind(folder: Path, manifest: Manifest, kind: WorkspaceKind) -> None:
    if manifest.kind != kind:
        raise WorkspaceError(
            f"Workspace {folder} is a {manifest.kind} workspace, but a {kind} workspace was "
            "asked for; choose another folder."
        )


def _refuse_orphan_database(folder: Path) -> None:
    """Refuse a folder that has a database but no manifest (its encryption is unknown)."""
    if (folder / DATABASE_NAME).exists():
        raise WorkspaceError(
            f"Workspace {folder} has {DATABASE_NAME} but no {MANIFEST_NAME}, so how the "
            "database is encrypted is unknown. Restore the manifest; nothing was changed."
        )


def _undo_create(folder: Path, manifest: Manifest, secrets: SecretStore, stored_key: bool) -> None:
    """Remove what a failed creation left: database files, manifest and keyring key."""
    database = folder / DATABASE_NAME
    for path in [*sidecar_paths(database), database, folder / MANIFEST_NAME]:
        remove_quietly(path)
    if stored_key and manifest.encryption == "keyring":
        with contextlib.suppress(SecretStoreUnavailable):
            secrets.delete(manifest.key_name)


def _unavailable(secrets: SecretStore) -> str:
    """Return the store's own explanation when it has one (KeyringSecretStore does)."""
    return secrets.unavailable_reason or "the secret store reports it is unavailable"
