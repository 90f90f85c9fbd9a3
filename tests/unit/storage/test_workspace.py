"""open_workspace_store: demo and real workspaces, keyring and passphrase, failures."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import PasswordSetError

from tests.fakes.keyring_backend import InMemoryKeyring
from tests.unit.storage.conftest import folder_snapshot
from workstation.adapters.secrets.keyring_store import KeyringSecretStore
from workstation.storage import migrate
from workstation.storage.errors import WrongDatabaseKey
from workstation.storage.manifest import ManifestError, WorkspaceError, WorkspaceKind
from workstation.storage.workspace import (
    MissingDatabaseKey,
    PassphraseRequired,
    WorkspaceStore,
    open_workspace_store,
)

SERVICE = "Volaris Workstation"


class Prompt:
    """Answers passphrase prompts and remembers the reasons it was given."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.reasons: list[str] = []

    def __call__(self, reason: str) -> str:
        self.reasons.append(reason)
        return self.answer


def _open(
    folder: Path, kind: WorkspaceKind = "real", ask: Callable[[str], str] | None = None
) -> WorkspaceStore:
    return open_workspace_store(folder, kind=kind, secrets=KeyringSecretStore(), ask_passphrase=ask)


def _manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "workspace.json").read_text())
    return data


def test_new_demo_workspace_is_plain_and_complete(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    with _open(folder, "demo") as store:
        assert store.manifest.kind == "demo"
        assert store.manifest.encryption == "none"
        assert not store.db.encrypted
        assert store.migration.to_revision == migrate.head_revision()
        assert store.migration.backup is None
    assert sorted(p.name for p in folder.iterdir()) == [
        "backups",
        "workspace.json",
        "workstation.db",
    ]
    assert sqlite3.connect(folder / "workstation.db").execute("SELECT count(*) FROM bars")
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    manifest = _manifest(folder)
    assert manifest["format"] == 1
    assert len(str(manifest["id"])) == 32


def test_reopening_keeps_identity_and_does_not_migrate(tmp_path: Path) -> None:
    with _open(tmp_path / "w", "demo") as first:
        identity = first.manifest.id
    with _open(tmp_path / "w", "demo") as second:
        assert second.manifest.id == identity
        assert not second.migration.migrated
        assert second.migration.backup is None


def test_new_real_workspace_uses_a_keyring_key(
    tmp_path: Path, memory_keyring: InMemoryKeyring
) -> None:
    folder = tmp_path / "real"
    with _open(folder) as store:
        assert store.manifest.encryption == "keyring"
        assert store.db.key_kind == "raw"
        name = f"database-key/{store.manifest.id}"
    stored = memory_keyring.entries[(SERVICE, name)]
    assert len(bytes.fromhex(stored)) == 32
    assert stored not in (folder / "workspace.json").read_text()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(folder / "workstation.db").execute("SELECT count(*) FROM bars")
    with _open(folder) as again:
        assert again.db.encrypted


def test_without_keyring_a_passphrase_is_asked_with_the_reason(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    folder = tmp_path / "real"
    prompt = Prompt("hunter2")
    with _open(folder, ask=prompt) as store:
        assert store.manifest.encryption == "passphrase"
        assert store.db.key_kind == "passphrase"
    (reason,) = prompt.reasons
    assert "No keyring backend is available" in reason
    assert "keyring.backends.fail.Keyring" in reason
    reopen = Prompt("hunter2")
    with _open(folder, ask=reopen):
        assert "Enter the passphrase" in reopen.reasons[0]


def test_wrong_passphrase_is_refused_and_files_untouched(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    folder = tmp_path / "real"
    _open(folder, ask=Prompt("right")).close()
    before = folder_snapshot(folder)
    with pytest.raises(WrongDatabaseKey, match="does not match"):
        _open(folder, ask=Prompt("wrong"))
    assert folder_snapshot(folder) == before


def test_passphrase_needed_but_no_prompt(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    folder = tmp_path / "real"
    with pytest.raises(PassphraseRequired, match="WORKSTATION_PASSPHRASE"):
        _open(folder, ask=None)
    assert list(folder.iterdir()) == []


def test_empty_passphrase_is_refused(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(PassphraseRequired, match="empty"):
        _open(tmp_path / "real", ask=Prompt(""))
    assert list((tmp_path / "real").iterdir()) == []


def test_missing_keyring_key_is_an_error_not_a_new_key(
    tmp_path: Path, memory_keyring: InMemoryKeyring
) -> None:
    folder = tmp_path / "real"
    _open(folder).close()
    memory_keyring.entries.clear()
    before = folder_snapshot(folder)
    with pytest.raises(MissingDatabaseKey, match="missing from this machine's keyring"):
        _open(folder)
    assert folder_snapshot(folder) == before
    assert memory_keyring.entries == {}


def test_keyring_gone_for_a_keyring_workspace(tmp_path: Path) -> None:
    folder = tmp_path / "real"
    _open(folder).close()
    keyring.set_keyring(fail.Keyring())
    before = folder_snapshot(folder)
    with pytest.raises(MissingDatabaseKey, match="cannot be read"):
        _open(folder, ask=Prompt("unused"))
    assert folder_snapshot(folder) == before


def test_malformed_manifest_is_reported_and_nothing_changes(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    _open(folder, "demo").close()
    manifest = _manifest(folder)
    (folder / "workspace.json").write_text(json.dumps({**manifest, "encryption": "maybe"}))
    before = folder_snapshot(folder)
    with pytest.raises(ManifestError, match="'encryption'"):
        _open(folder, "demo")
    assert folder_snapshot(folder) == before


def test_kind_mismatch_and_orphan_database_are_refused(tmp_path: Path) -> None:
    _open(tmp_path / "demo", "demo").close()
    with pytest.raises(WorkspaceError, match="is a demo workspace"):
        _open(tmp_path / "demo", "real")
    orphan = tmp_path / "orphan"
    orphan.mkdir()
    (orphan / "workstation.db").write_bytes(b"precious")
    with pytest.raises(WorkspaceError, match=r"no workspace\.json"):
        _open(orphan, "real")
    assert (orphan / "workstation.db").read_bytes() == b"precious"


def test_failed_creation_removes_what_it_made(tmp_path: Path) -> None:
    class RefusingKeyring(InMemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError("user said no")

    keyring.set_keyring(RefusingKeyring())
    folder = tmp_path / "real"
    with pytest.raises(Exception, match="user said no"):
        _open(folder)
    assert list(folder.iterdir()) == []


def test_keyring_that_drops_the_key_is_detected_before_creating(tmp_path: Path) -> None:
    class ForgetfulKeyring(InMemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            return

    keyring.set_keyring(ForgetfulKeyring())
    folder = tmp_path / "real"
    with pytest.raises(MissingDatabaseKey, match="did not keep"):
        _open(folder)
    assert list(folder.iterdir()) == []


def test_failed_migration_of_new_workspace_cleans_up_key_and_files(
    tmp_path: Path, memory_keyring: InMemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workstation.storage import workspace

    def broken(*_args: object) -> None:
        raise RuntimeError("migration exploded")

    monkeypatch.setattr(workspace, "upgrade_to_head", broken)
    folder = tmp_path / "real"
    with pytest.raises(RuntimeError, match="exploded"):
        _open(folder)
    assert list(folder.iterdir()) == []
    assert memory_keyring.entries == {}


def test_existing_database_behind_head_is_backed_up_into_the_workspace(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    with _open(folder) as store:
        migrate.downgrade_to(store.db, "base")
        with store.db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE user_notes (x)")
    with _open(folder) as store:
        backup = store.migration.backup
        assert backup is not None
        assert backup.parent == folder / "backups"
        assert store.migration.from_revision is None
        assert store.migration.migrated
