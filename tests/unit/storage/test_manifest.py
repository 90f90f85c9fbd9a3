"""workspace.json: round trip, atomic private write, readable errors."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workstation.storage.manifest import Manifest, ManifestError, read_manifest, write_manifest

GOOD: dict[str, Any] = {
    "format": 1,
    "id": "0123456789abcdef0123456789abcdef",
    "kind": "real",
    "encryption": "keyring",
    "created_at": "2026-11-21T15:30:00Z",
}


def test_round_trip_and_private_atomic_write(tmp_path: Path) -> None:
    manifest = Manifest.new("demo", "none", datetime(2026, 11, 21, 15, 30, tzinfo=UTC))
    path = tmp_path / "workspace.json"
    write_manifest(path, manifest)
    assert read_manifest(path) == manifest
    data = json.loads(path.read_text())
    assert data["created_at"] == "2026-11-21T15:30:00Z"
    assert data["format"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["workspace.json"]
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_unknown_fields_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "workspace.json"
    path.write_text(json.dumps({**GOOD, "note": "from a newer version"}))
    assert read_manifest(path).encryption == "keyring"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "paper"}, "kind", "one of 'demo' or 'real'"),
        ({"encryption": "rot13"}, "encryption", "one of 'none' or 'keyring' or 'passphrase'"),
        ({"id": "xyz"}, "id", "32 hex digits"),
        ({"format": 2}, "format", "newer version"),
        ({"format": "1"}, "format", "must be the number 1"),
        ({"created_at": "yesterday"}, "created_at", "not an ISO-8601 time"),
        ({"created_at": "2026-11-21T15:30:00"}, "created_at", "no time zone"),
        ({"kind": None}, "kind", "got None"),
    ],
)
def test_malformed_field_is_named(
    tmp_path: Path, change: dict[str, Any], field: str, message: str
) -> None:
    path = tmp_path / "workspace.json"
    path.write_text(json.dumps({**GOOD, **change}))
    with pytest.raises(ManifestError, match=message) as info:
        read_manifest(path)
    assert info.value.field == field
    assert str(path) in str(info.value)
    assert repr(field) in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"), [("{not json", "not valid JSON"), ("[1, 2]", "JSON object")]
)
def test_unreadable_manifest_names_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "workspace.json"
    path.write_text(text)
    with pytest.raises(ManifestError, match=message) as info:
        read_manifest(path)
    assert str(path) in str(info.value)
