"""Single-instance lock per workspace.

The lock is an OS file lock (fcntl on POSIX, msvcrt on Windows) on
``<workspace>/.instance.lock``. The OS drops it when the holder dies, so a
lock file left by a crash is recognised as stale (its pid is gone) and taken
over; the previous holder's details are kept for the log.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

LOCK_NAME = ".instance.lock"


class WorkspaceInUse(RuntimeError):
    """Another live process holds the workspace."""

    def __init__(self, folder: Path, holder: dict[str, Any]) -> None:
        self.folder = folder
        self.holder = holder
        pid = holder.get("pid", "?")
        super().__init__(
            f"the workspace {folder} is already open in another Volaris "
            f"Workstation (pid {pid} on {holder.get('host', '?')})"
        )


@dataclass(frozen=True, slots=True)
class LockInfo:
    """Outcome of acquiring: ``stale_holder`` is the crashed previous owner, if any."""

    path: Path
    stale_holder: dict[str, Any] | None


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _read_holder(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def pid_alive(pid: int) -> bool:
    """True when a process with ``pid`` exists on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class InstanceLock:
    """Holds the workspace's instance lock for the life of the process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._handle: IO[str] | None = None

    def acquire(self) -> LockInfo:
        """Take the lock or raise WorkspaceInUse; a crashed holder's lock is taken over."""
        self.folder.mkdir(parents=True, exist_ok=True)
        previous = _read_holder(self.path) if self.path.exists() else {}
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        if not _try_lock(handle):
            handle.close()
            raise WorkspaceInUse(self.folder, _read_holder(self.path) or previous)
        handle.seek(0)
        handle.truncate()
        json.dump(
            {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}, handle
        )
        handle.flush()
        self._handle = handle
        stale = previous if previous.get("pid") not in (None, os.getpid()) else None
        return LockInfo(self.path, stale)

    def release(self) -> None:
        """Drop the lock and empty the file (safe to call twice).

        The file itself stays: unlinking it could race with a new holder that
        has just opened it. An empty file means a clean exit.
        """
        if self._handle is None:
            return
        try:
            self._handle.seek(0)
            self._handle.truncate()
            self._handle.close()
        finally:
            self._handle = None

    @property
    def held(self) -> bool:
        """True while this process holds the lock."""
        return self._handle is not None

    def server_name(self) -> str:
        """Name of the local socket the holder listens on (for "focus the first")."""
        import hashlib

        digest = hashlib.sha1(str(self.folder.resolve()).encode()).hexdigest()[:16]
        return f"volaris-workstation-{digest}"
