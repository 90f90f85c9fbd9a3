"""A self-signed certificate for 127.0.0.1, for the local OAuth callback listener.

Schwab only redirects to ``https://`` callbacks, so the listener needs a
certificate; the browser will warn about it once (it is not from a public
authority) and the trader proceeds or pastes the URL instead. The
certificate and its key are cached in a directory the caller owns (the
workspace) and made again when missing, unreadable or near expiry.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_FILE = "callback-cert.pem"
KEY_FILE = "callback-key.pem"
LIFETIME = timedelta(days=365)
RENEW_BEFORE = timedelta(days=7)
LOOPBACK = ipaddress.IPv4Address("127.0.0.1")


def ensure_certificate(directory: Path, now: datetime | None = None) -> tuple[Path, Path]:
    """Return (certificate, key) PEM paths in ``directory``, making them when needed.

    A certificate is made again when either file is missing or unreadable or
    when it expires within 7 days of ``now`` (UTC, default the wall clock).
    """
    now = now or datetime.now(UTC)
    cert_path, key_path = directory / CERT_FILE, directory / KEY_FILE
    if not _usable(cert_path, key_path, now):
        directory.mkdir(parents=True, exist_ok=True)
        cert_pem, key_pem = make_certificate(now)
        _write(key_path, key_pem, private=True)
        _write(cert_path, cert_pem, private=False)
    return cert_path, key_path


def make_certificate(now: datetime) -> tuple[bytes, bytes]:
    """Return a fresh (certificate, key) PEM pair for 127.0.0.1 valid for a year from ``now``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + LIFETIME)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(LOOPBACK), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def _usable(cert_path: Path, key_path: Path, now: datetime) -> bool:
    try:
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return False
    return certificate.not_valid_after_utc - RENEW_BEFORE > now


def _write(path: Path, data: bytes, *, private: bool) -> None:
    """Write ``data`` atomically; a private key is readable by its owner only."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644
    )
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
