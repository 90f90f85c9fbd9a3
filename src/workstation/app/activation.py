""" "Focus the first instance": a local socket per workspace.

The instance holding the workspace listens; a second launch connects, asks it
to come to the front, and exits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

ACTIVATE = b"activate\n"
ACK = b"ok\n"


def start_activation_server(
    name: str, on_activate: Callable[[], None], parent: QObject | None = None
) -> QLocalServer:
    """Listen on ``name``; call ``on_activate`` whenever another launch knocks."""
    QLocalServer.removeServer(name)  # a socket file left by a crash
    server = QLocalServer(parent)

    def accept() -> None:
        while server.hasPendingConnections():
            socket = server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: _read(s, on_activate))
            socket.disconnected.connect(socket.deleteLater)

    server.newConnection.connect(accept)
    server.listen(name)
    return server


def _read(socket: QLocalSocket, on_activate: Callable[[], None]) -> None:
    if bytes(socket.readAll().data()).startswith(ACTIVATE.strip()):
        on_activate()
        socket.write(ACK)
        socket.flush()
    socket.disconnectFromServer()


def activate_running_instance(name: str, timeout_ms: int = 1500) -> bool:
    """Ask the instance listening on ``name`` to come to the front; True if it answered."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(ACTIVATE)
    socket.flush()
    answered = socket.waitForReadyRead(timeout_ms) and bytes(socket.readAll().data()) == ACK
    socket.abort()
    return answered
