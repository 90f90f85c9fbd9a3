"""Private files: created 0600 (folders 0700), written atomically, tightened on open.

Permission changes apply on POSIX only; on Windows the user profile's ACLs
already keep other users out and ``chmod`` cannot express more.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
_POSIX = os.name == "posix"


def sidecar_paths(database: Path) -> list[Path]:
    """Return the WAL, shared-memory and rollback-journal paths that belong to ``database``."""
    return [database.with_name(database.name + suffix) for suffix in SQLITE_SIDECARS]


def existing_sidecars(database: Path) -> set[Path]:
    """Return the sidecar files of ``database`` that exist now."""
    return {path for path in sidecar_paths(database) if path.exists()}


def create_private_file(path: Path) -> None:
    """Create an empty file readable only by its owner; fail if it already exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(descriptor)


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) as an owner-only folder if it does not exist."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def tighten(path: Path) -> None:
    """Remove group and other permissions from ``path`` if present (POSIX only)."""
    if not _POSIX or not path.exists():
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, PRIVATE_FILE)


def tighten_database(database: Path) -> None:
    """Tighten ``database`` and its existing sidecar files to owner-only."""
    for path in [database, *sidecar_paths(database)]:
        tighten(path)


def remove_quietly(path: Path) -> None:
    """Delete ``path`` if it exists."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def temporary_sibling(path: Path) -> Path:
    """Return an unused hidden name next to ``path`` for writing before an atomic rename."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries so a rename survives a crash (no-op where unsupported)."""
    if not _POSIX:
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_file(path: Path) -> None:
    """Flush a file's contents to disk."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def write_private_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 0600) via a temporary file and an atomic rename."""
    temporary = temporary_sibling(path)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        remove_quietly(temporary)
        raise
    fsync_dir(path.parent)
