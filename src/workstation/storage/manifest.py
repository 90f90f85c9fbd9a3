"""The workspace manifest, ``workspace.json``: what the workspace is and how it is encrypted.

It holds no secrets. Example::

    {"format": 1, "id": "3f2c...", "kind": "real", "encryption": "keyring",
     "created_at": "2026-11-21T15:30:00Z"}
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from workstation.storage.errors import StorageError
from workstation.storage.files import write_private_atomically

MANIFEST_NAME = "workspace.json"
MANIFEST_FORMAT = 1
WorkspaceKind = Literal["demo", "real"]
Encryption = Literal["none", "keyring", "passphrase"]
KINDS: tuple[WorkspaceKind, ...] = ("demo", "real")
ENCRYPTIONS: tuple[Encryption, ...] = ("none", "keyring", "passphrase")
_ID = re.compile(r"[0-9a-f]{32}")


class WorkspaceError(StorageError):
    """A workspace folder cannot be opened; the message says why and what to do."""


class ManifestError(WorkspaceError):
    """``workspace.json`` is unreadable or malformed; names the file and the field."""

    def __init__(self, path: Path, field: str | None, problem: str) -> None:
        self.path = path
        self.field = field
        where = f"field {field!r} " if field else ""
        super().__init__(
            f"Workspace manifest {path}: {where}{problem}. Fix or restore the "
            "file; the workspace was not opened and nothing was changed."
        )


@dataclass(frozen=True, slots=True)
class Manifest:
    """The parsed manifest; ``id`` is a uuid4 hex, ``created_at`` aware UTC."""

    id: str
    kind: WorkspaceKind
    encryption: Encryption
    created_at: datetime
    format: int = MANIFEST_FORMAT

    @classmethod
    def new(cls, kind: WorkspaceKind, encryption: Encryption, now: datetime) -> Manifest:
        """Return the manifest of a new workspace with a fresh random id."""
        return cls(uuid.uuid4().hex, kind, encryption, now.astimezone(UTC))

    @property
    def key_name(self) -> str:
        """Return the secret-store name of this workspace's database key."""
        return f"database-key/{self.id}"

    def to_json(self) -> str:
        """Return the manifest as JSON text (UTC time with a Z suffix)."""
        stamp = self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            json.dumps(
                {
                    "format": self.format,
                    "id": self.id,
                    "kind": self.kind,
                    "encryption": self.encryption,
                    "created_at": stamp,
                },
                indent=2,
            )
            + "\n"
        )


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Write ``manifest`` to ``path`` atomically (temporary file + rename), mode 0600."""
    write_private_atomically(path, manifest.to_json().encode("utf-8"))


def read_manifest(path: Path) -> Manifest:
    """Read and validate ``path``; raise ManifestError naming the file and field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ManifestError(path, None, f"is not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise ManifestError(
            path, None, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    if not isinstance(data, dict):
        raise ManifestError(path, None, "must hold a JSON object")
    _check_format(path, data)
    return Manifest(
        id=_text(path, data, "id", lambda v: _ID.fullmatch(v) is not None, "32 hex digits"),
        kind=cast(WorkspaceKind, _choice(path, data, "kind", KINDS)),
        encryption=cast(Encryption, _choice(path, data, "encryption", ENCRYPTIONS)),
        created_at=_created_at(path, data),
    )


def _check_format(path: Path, data: dict[str, Any]) -> None:
    value = data.get("format")
    if type(value) is not int:
        raise ManifestError(path, "format", f"must be the number {MANIFEST_FORMAT}, got {value!r}")
    if value != MANIFEST_FORMAT:
        raise ManifestError(
            path,
            "format",
            f"is {value}; this program reads format {MANIFEST_FORMAT} (a newer version wrote it?)",
        )


def _text(path: Path, data: dict[str, Any], field: str, ok: Any, expected: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not ok(value):
        raise ManifestError(path, field, f"must be {expected}, got {value!r}")
    return value


def _choice(path: Path, data: dict[str, Any], field: str, allowed: tuple[str, ...]) -> str:
    listed = " or ".join(repr(option) for option in allowed)
    return _text(path, data, field, lambda v: v in allowed, f"one of {listed}")


def _created_at(path: Path, data: dict[str, Any]) -> datetime:
    text = _text(path, data, "created_at", lambda v: True, "an ISO-8601 UTC time")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ManifestError(path, "created_at", f"{text!r} is not an ISO-8601 time") from exc
    if moment.tzinfo is None:
        raise ManifestError(path, "created_at", f"{text!r} has no time zone")
    return moment.astimezone(UTC)
