"""SecretStore over the ``keyring`` package (macOS Keychain, Windows Credential Locker,
Secret Service / KWallet on Linux).

Secret values never appear in messages or logs; only the service and entry names do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, PasswordDeleteError

from workstation import PRODUCT
from workstation.ports.secrets import SecretStoreUnavailable

T = TypeVar("T")


class KeyringAccessError(SecretStoreUnavailable):
    """The keyring backend exists but refused an operation (locked, denied, D-Bus error)."""


def backend_name(backend: KeyringBackend) -> str:
    """Return the dotted class name of a keyring backend, e.g. ``keyring.backends.fail.Keyring``."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_usable(backend: KeyringBackend) -> bool:
    """Tell whether ``backend`` really stores secrets (not the fail/null/empty chainer)."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return len(backend.backends) > 0
    try:
        return float(backend.priority) > 0
    except Exception:  # a backend whose priority check itself fails is not usable
        return False


class KeyringSecretStore:
    """Store small secrets in the OS keyring under one service name.

    Every operation raises SecretStoreUnavailable when ``available`` is False,
    and KeyringAccessError (a subclass) when the backend refuses a call.
    The active backend is looked up on each call, so ``keyring.set_keyring``
    takes effect immediately.
    """

    def __init__(self, service: str = PRODUCT) -> None:
        self.service = service

    @property
    def backend(self) -> KeyringBackend:
        """Return the keyring backend currently in use."""
        return keyring.get_keyring()

    @property
    def available(self) -> bool:
        """True when the active backend can store secrets securely."""
        return _is_usable(self.backend)

    @property
    def unavailable_reason(self) -> str | None:
        """Return a sentence for the UI saying why secrets cannot be stored, or None."""
        backend = self.backend
        if _is_usable(backend):
            return None
        return f"no keyring backend is available (keyring uses {backend_name(backend)})"

    def get(self, name: str) -> str | None:
        """Return the secret stored as ``name`` or None when there is none."""
        return self._call("read", name, lambda b: b.get_password(self.service, name))

    def set(self, name: str, value: str) -> None:
        """Store ``value`` as ``name``, replacing any previous value."""
        self._call("store", name, lambda b: b.set_password(self.service, name, value))

    def delete(self, name: str) -> None:
        """Remove ``name``; do nothing when it is not stored."""
        self._call("delete", name, lambda b: _delete_if_present(b, self.service, name))

    def _call(self, verb: str, name: str, operation: Callable[[KeyringBackend], T]) -> T:
        backend = self.backend
        if not _is_usable(backend):
            raise SecretStoreUnavailable(
                f"Cannot {verb} secret {name!r}: {self.unavailable_reason}."
            )
        try:
            return operation(backend)
        except KeyringError as exc:
            raise KeyringAccessError(
                f"The keyring ({backend_name(backend)}) could not {verb} secret {name!r} "
                f"of service {self.service!r}: {type(exc).__name__}: {exc}"
            ) from exc

    def __repr__(self) -> str:
        return f"KeyringSecretStore(service={self.service!r})"


def _delete_if_present(backend: KeyringBackend, service: str, name: str) -> None:
    try:
        backend.delete_password(service, name)
    except PasswordDeleteError:
        return
