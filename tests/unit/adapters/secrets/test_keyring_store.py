"""KeyringSecretStore over the in-memory backend, the fail backend and failing backends."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordSetError

from tests.fakes.keyring_backend import InMemoryKeyring
from workstation.adapters.secrets.keyring_store import KeyringAccessError, KeyringSecretStore
from workstation.ports.secrets import SecretStore, SecretStoreUnavailable


def test_round_trip_with_the_in_memory_backend(memory_keyring: InMemoryKeyring) -> None:
    store: SecretStore = KeyringSecretStore()
    assert store.available
    assert store.get("token") is None
    store.set("token", "s3cret")
    assert memory_keyring.entries == {("Volaris Workstation", "token"): "s3cret"}
    assert store.get("token") == "s3cret"
    store.delete("token")
    store.delete("token")  # absent: no error
    assert store.get("token") is None


def test_service_name_is_configurable(memory_keyring: InMemoryKeyring) -> None:
    KeyringSecretStore(service="Other").set("a", "b")
    assert ("Other", "a") in memory_keyring.entries
    assert KeyringSecretStore().unavailable_reason is None


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_usable_backend(backend: keyring.backend.KeyringBackend) -> None:
    keyring.set_keyring(backend)
    store = KeyringSecretStore()
    assert not store.available
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    assert store.unavailable_reason == (f"no keyring backend is available (keyring uses {name})")
    with pytest.raises(SecretStoreUnavailable, match="no keyring backend is available"):
        store.set("token", "s3cret")
    with pytest.raises(SecretStoreUnavailable):
        store.get("token")
    with pytest.raises(SecretStoreUnavailable):
        store.delete("token")


def test_empty_chainer_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    keyring.set_keyring(chainer.ChainerBackend())
    assert not KeyringSecretStore().available


def test_chainer_with_a_real_backend_is_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [InMemoryKeyring()])
    keyring.set_keyring(chainer.ChainerBackend())
    assert KeyringSecretStore().available


def test_backend_errors_are_wrapped_without_the_secret() -> None:
    class Locked(InMemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("collection is locked")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError("D-Bus said no")

    keyring.set_keyring(Locked())
    store = KeyringSecretStore()
    with pytest.raises(KeyringAccessError, match=r"could not read secret 'token'.*locked"):
        store.get("token")
    with pytest.raises(SecretStoreUnavailable, match="could not store") as info:
        store.set("token", "s3cret-value")
    assert "s3cret-value" not in str(info.value)
