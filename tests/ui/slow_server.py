"""A TCP proxy on 127.0.0.1 in front of the PostgreSQL test server that answers late.

While :attr:`DelayingProxy.delay` is above 0, the first answer to a request that follows a
pause of the client (0.3 s or more) is held back by ``delay`` seconds: each operation of the
application (a save, an audit write, a PIN check) waits about that long for the server, as
on a slow or far network, without every statement of it waiting (a save is several).
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress

PAUSE_S = 0.3


class DelayingProxy:
    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self.delay = 0.0
        self.delayed = 0  # how many answers were held back
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = [self._listener]
        self._closed = False
        threading.Thread(target=self._accept, name="slow-server", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._target)
            self._sockets += [client, server]
            state = {"last_request": time.monotonic(), "pending_delay": False}
            threading.Thread(
                target=self._requests, args=(client, server, state), daemon=True
            ).start()
            threading.Thread(
                target=self._answers, args=(server, client, state), daemon=True
            ).start()

    def _requests(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        with suppress(OSError):
            while data := client.recv(65536):
                now = time.monotonic()
                if now - state["last_request"] >= PAUSE_S:
                    state["pending_delay"] = True
                state["last_request"] = now
                server.sendall(data)
        with suppress(OSError):
            server.shutdown(socket.SHUT_WR)

    def _answers(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        with suppress(OSError):
            while data := server.recv(65536):
                if state["pending_delay"] and self.delay > 0:
                    state["pending_delay"] = False
                    self.delayed += 1
                    time.sleep(self.delay)
                state["pending_delay"] = False
                client.sendall(data)
                state["last_request"] = time.monotonic()  # a pause counts from the answer
        with suppress(OSError):
            client.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._closed = True
        for sock in self._sockets:
            with suppress(OSError):
                sock.close()
