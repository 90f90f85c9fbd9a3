"""Rotating database backups written with ``VACUUM INTO``.

A backup is a compact, consistent copy taken while the database stays open.
For SQLCipher databases the copy is encrypted with the same key (or passphrase).
Backups are named ``workstation-<UTC YYYYmmddTHHMMSSZ>-<reason>.db``, are
private (0600), and appear under that name only when complete: the copy is
written to a hidden temporary name and renamed atomically.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from workstation.storage.database import Database
from workstation.storage.epoch import utc_now
from workstation.storage.files import (
    create_private_file,
    fsync_dir,
    fsync_file,
    make_private_dir,
    remove_quietly,
    temporary_sibling,
)

BACKUP_PATTERN = re.compile(
    r"^workstation-(?P<stamp>\d{8}T\d{6}Z)-(?P<reason>[a-z0-9]+(?:-[a-z0-9]+)*)\.db$"
)
_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class BackupFile:
    """One backup on disk; ``stamp`` is the UTC time in its name (YYYYmmddTHHMMSSZ)."""

    path: Path
    stamp: str
    reason: str


def backup_database(
    db: Database, dest_dir: Path, reason: str, keep: int, *, now: datetime | None = None
) -> Path:
    """Copy ``db`` into ``dest_dir`` and keep only the newest ``keep`` backups there.

    ``reason`` (e.g. "pre-migration-0002") becomes part of the file name after
    being reduced to lower-case letters, digits and dashes. Return the backup's path.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1 backup, got {keep}")
    make_private_dir(dest_dir)
    final = _unused_name(dest_dir, (now or utc_now()).strftime(_STAMP_FORMAT), _slug(reason))
    _vacuum_into(db, final)
    rotate_backups(dest_dir, keep)
    return final


def list_backups(folder: Path) -> list[BackupFile]:
    """Return the backups in ``folder``, oldest first (other files are ignored)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = BACKUP_PATTERN.match(path.name)
        if match and path.is_file():
            found.append(
                (
                    match["stamp"],
                    path.stat().st_mtime_ns,
                    BackupFile(path, match["stamp"], match["reason"]),
                )
            )
    return [backup for _, _, backup in sorted(found, key=lambda item: item[:2])]


def rotate_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder``; return the deleted paths."""
    backups = list_backups(folder)
    doomed = [backup.path for backup in backups[: max(0, len(backups) - keep)]]
    for path in doomed:
        remove_quietly(path)
    return doomed


def _slug(reason: str) -> str:
    """Reduce ``reason`` to lower-case letters, digits and single dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    if not slug:
        raise ValueError(f"backup reason {reason!r} has no letters or digits")
    return slug


def _unused_name(folder: Path, stamp: str, slug: str) -> Path:
    """Return ``workstation-<stamp>-<slug>.db``, with a counter if that name is taken."""
    candidate = folder / f"workstation-{stamp}-{slug}.db"
    counter = 2
    while candidate.exists():
        candidate = folder / f"workstation-{stamp}-{slug}-{counter}.db"
        counter += 1
    return candidate


def _vacuum_into(db: Database, final: Path) -> None:
    """Write a copy of ``db`` to a private temporary file, then rename it to ``final``."""
    temporary = temporary_sibling(final)
    create_private_file(temporary)  # VACUUM INTO accepts an empty file, keeping our mode
    try:
        with db.driver_connection() as connection:
            connection.execute("VACUUM INTO ?", (str(temporary),))
        fsync_file(temporary)
        os.replace(temporary, final)
    except BaseException:
        remove_quietly(temporary)
        raise
    fsync_dir(final.parent)
