"""The suite-wide socket guard (tests/conftest.py): every test runs with connections allowed to loopback only."""

from __future__ import annotations

import socket
import threading

import pytest

#: tests/conftest.py's NetworkBlocked (an AssertionError); matched by its message, as conftest modules shadow
#: each other by name.
NetworkBlocked = AssertionError


def test_connect_outside_loopback_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        with pytest.raises(NetworkBlocked, match="network access|name resolution"):
            s.connect(("93.184.216.34", 80))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        with pytest.raises(NetworkBlocked, match="network access|name resolution"):
            s.connect_ex(("10.0.0.1", 53))


def test_name_resolution_is_refused() -> None:
    with pytest.raises(NetworkBlocked, match="network access|name resolution"):
        socket.getaddrinfo("w3id.org", 443)
    with pytest.raises(NetworkBlocked, match="network access|name resolution"):
        socket.create_connection(("schema.org", 443), timeout=1)


def test_urllib_and_requests_are_refused() -> None:
    import urllib.request

    with pytest.raises(NetworkBlocked, match="network access|name resolution"):
        urllib.request.urlopen("http://w3id.org/mlkg", timeout=1)
    requests = pytest.importorskip("requests")
    with pytest.raises(NetworkBlocked, match="network access|name resolution"):
        requests.get("https://w3id.org/mlkg", timeout=1)


def test_loopback_is_allowed() -> None:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            got.append(conn.recv(5))

    t = threading.Thread(target=serve)
    t.start()
    with socket.create_connection(("localhost", port), timeout=5) as c:
        c.sendall(b"hello")
    t.join(5)
    srv.close()
    assert got == [b"hello"]
