"""A TCP relay on 127.0.0.1 that a test can take away and bring back: what a client
behind it sees is a server that went away (connections cut, then refused) and returned,
as in a database restart or a network fault, with the real server behind it untouched."""

import selectors
import socket
import threading
from contextlib import suppress

HOST = "127.0.0.1"


class TcpProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0  # chosen on the first start, kept after
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, self.port))
        listener.listen(16)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept, listener)

    def stop(self) -> None:
        """Close the port and cut every connection through it; bounded."""
        listener, self._listener = self._listener, None
        with self._lock:
            cut = list(self._sockets)
            self._sockets.clear()
        for sock in cut:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(5)
        self._threads = []
        if listener is not None:
            listener.close()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, server))
            self._spawn(self._relay, listener, client, server)

    def _relay(self, listener: socket.socket, client: socket.socket, server: socket.socket):
        peers = {client: server, server: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            # Until the proxy stops (which closes both sockets), or either side closes.
            with suppress(OSError, ValueError):
                while self._listener is listener and _pass_on(selector, peers):
                    pass
        for sock in peers:
            sock.close()


def _pass_on(selector: selectors.BaseSelector, peers: dict) -> bool:
    """What either side sent, to the other; False once one side has closed."""
    for key, _ in selector.select(timeout=0.1):
        data = key.fileobj.recv(65536)
        if not data:
            return False
        peers[key.fileobj].sendall(data)
    return True
