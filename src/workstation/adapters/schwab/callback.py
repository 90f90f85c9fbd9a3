"""Catch Schwab's login redirect on ``https://127.0.0.1:<port>/<path>``, or read a pasted one.

Schwab sends the browser to the app's registered callback with ``?code=...``.
``CallbackListener`` answers there with a tiny HTTPS server (a self-signed
certificate for 127.0.0.1, made once and cached in a directory the caller
owns) and hands back the full redirected URL. When it cannot listen (port in
use) or the browser refuses the certificate, the trader pastes the URL from
the address bar and ``code_from_redirect`` reads it. Neither ever logs the
URL: it carries the login code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl as tls
from pathlib import Path
from urllib.parse import unquote, urlsplit

from workstation.adapters.http import register_secret
from workstation.adapters.schwab.certificate import ensure_certificate
from workstation.ports.broker import BrokerError

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
DEFAULT_PORTS = {"https": 443, "http": 80}
REQUEST_TIMEOUT_SECONDS = 10.0
MAX_HEAD_BYTES = 64 * 1024
DONE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Volaris Workstation</title>"
    "</head><body style='font-family:sans-serif;margin:3em'><h2>Schwab login received</h2>"
    "<p>You can close this window and return to Volaris Workstation.</p></body></html>"
)


class RedirectError(BrokerError):
    """The redirected URL is not usable; the message says what is wrong and what to do."""


class CallbackUnavailable(BrokerError):
    """The local listener could not start; the trader can paste the redirected URL instead."""


def _parts(url: str) -> tuple[str, str, int, str]:
    """Return (scheme, host, port, path) of a URL, the port defaulted from the scheme."""
    split = urlsplit(url.strip())
    scheme = split.scheme.lower()
    try:
        port = split.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        raise RedirectError(f"{url!r} has an invalid port") from None
    return scheme, (split.hostname or "").lower(), port, split.path.rstrip("/") or "/"


def _query(url: str) -> dict[str, str]:
    """Return the query parameters, %-decoded without turning '+' into spaces."""
    pairs = (item.partition("=") for item in urlsplit(url.strip()).query.split("&") if item)
    return {unquote(key): unquote(value) for key, _, value in pairs}


def code_from_redirect(url: str, expected_callback: str) -> str:
    """Return the login code of a redirected URL (``%40`` decoded to ``@``).

    Raises RedirectError when the URL is not the app's callback (scheme,
    host, port or path differ), when Schwab reported an error (``access_denied``)
    or when it carries no code.
    """
    if not url.strip():
        raise RedirectError("nothing was pasted: copy the whole address from the browser")
    got, want = _parts(url), _parts(expected_callback)
    names = ("scheme", "host", "port", "path")
    for name, mine, theirs in zip(names, got, want, strict=True):
        if mine != theirs:
            raise RedirectError(
                f"the pasted address has {name} {str(mine) or '(none)'!r} but the app's callback "
                f"is {expected_callback!r}: paste the address the browser shows after logging in"
            )
    query = _query(url)
    if "error" in query:
        reason = query.get("error_description") or query["error"]
        raise RedirectError(
            f"Schwab did not grant access ({query['error']}: {reason}); log in again and "
            "approve the app's access to your accounts"
        )
    code = query.get("code", "")
    if not code:
        raise RedirectError(
            "the pasted address has no 'code=' in it: log in again and paste the full address "
            "from the browser's address bar once the page says it cannot be reached or is done"
        )
    register_secret(code, "auth code")
    return code


class CallbackListener:
    """A one-shot local server for the OAuth redirect; use as ``async with``.

    ``callback_url`` must point at a loopback host. Port 0 picks a free port
    (tests); ``url`` then tells the real callback. ``ssl=False`` serves plain
    HTTP (tests); otherwise the certificate lives in ``cert_dir``.
    """

    def __init__(
        self, callback_url: str, cert_dir: Path | None = None, *, ssl: bool = True
    ) -> None:
        scheme, host, port, path = _parts(callback_url)
        if host not in LOOPBACK_HOSTS:
            raise CallbackUnavailable(
                f"the callback {callback_url!r} is not on this computer (127.0.0.1); "
                "paste the redirected URL instead"
            )
        if ssl and cert_dir is None:
            raise ValueError("an HTTPS callback listener needs a directory for its certificate")
        self._scheme, self._host, self._port, self._path = scheme, host, port, path
        self._cert_dir = cert_dir
        self._ssl = ssl
        self._server: asyncio.Server | None = None
        self._redirect: asyncio.Future[str] | None = None

    @property
    def url(self) -> str:
        """Return the callback URL this listener answers (with the bound port)."""
        return f"{self._scheme}://{self._host}:{self._port}{self._path}"

    async def start(self) -> str:
        """Start listening; return ``url``. CallbackUnavailable when the port cannot be bound."""
        context = self._tls_context() if self._ssl else None
        self._redirect = asyncio.get_running_loop().create_future()
        try:
            self._server = await asyncio.start_server(
                self._answer, self._host, self._port, ssl=context
            )
        except OSError as exc:
            raise CallbackUnavailable(
                f"cannot listen on {self._host}:{self._port} ({exc.strerror or exc}); "
                "paste the redirected URL from the browser instead"
            ) from None
        self._port = self._server.sockets[0].getsockname()[1]
        return self.url

    async def wait(self, timeout: float) -> str:
        """Return the full redirected URL once the browser arrives (TimeoutError after
        ``timeout`` seconds)."""
        if self._redirect is None:
            raise RuntimeError("start the callback listener before waiting on it")
        return await asyncio.wait_for(asyncio.shield(self._redirect), timeout)

    async def aclose(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self._redirect is not None and not self._redirect.done():
            self._redirect.cancel()

    async def __aenter__(self) -> CallbackListener:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _tls_context(self) -> tls.SSLContext:
        assert self._cert_dir is not None
        cert, key = ensure_certificate(self._cert_dir)
        context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        return context

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), REQUEST_TIMEOUT_SECONDS)
            target = _target_of(head)
            if target is not None and _parts(f"http://x{target}")[3] == self._path:
                self._deliver(f"{self._scheme}://{self._host}:{self._port}{target}")
                await _respond(writer, 200, DONE_PAGE)
            else:
                await _respond(writer, 404, "Not found")
        except (
            OSError,
            EOFError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            TimeoutError,
            tls.SSLError,
        ) as exc:
            # A browser that refuses the certificate just drops the connection.
            log.debug("schwab callback: a connection ended early (%s)", type(exc).__name__)
        finally:
            writer.close()
            with contextlib.suppress(OSError, tls.SSLError):
                await writer.wait_closed()

    def _deliver(self, url: str) -> None:
        if "code=" in url:
            register_secret(_query(url).get("code"), "auth code")
        if self._redirect is not None and not self._redirect.done():
            self._redirect.set_result(url)


def _target_of(head: bytes) -> str | None:
    """Return the request target of a ``GET <target> HTTP/1.1`` head, None for anything else."""
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    if len(parts) != 3 or parts[0] != "GET" or not parts[1].startswith("/"):
        return None
    return parts[1]


async def _respond(writer: asyncio.StreamWriter, status: int, body: str) -> None:
    payload = body.encode()
    reason = "OK" if status == 200 else "Not Found"
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n"
    )
    writer.write(head.encode() + payload)
    await writer.drain()
