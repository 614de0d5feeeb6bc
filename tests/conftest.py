"""Shared fixtures. Server fixtures (oxigraph serve, Virtuoso) live in conftest_servers.py when present.

Suite-wide socket guard: no test may open a connection (or resolve a name) anywhere but the loopback range, where
the server tests start their own servers. mlkg must never fetch a URL the user did not ask for; a test that makes
it try fails with :class:`NetworkBlocked` instead of silently reaching out.
"""

from __future__ import annotations

import ipaddress
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

try:  # server fixtures, written by the store work
    from conftest_servers import *  # noqa: F403
except ImportError:  # pragma: no cover
    pass


class NetworkBlocked(AssertionError):
    pass


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(sock: socket.socket, address: Any) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_loopback(host):
        raise NetworkBlocked(f"network access outside 127.0.0.1 attempted: {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _check_address(self, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_loopback(host):
        raise NetworkBlocked(f"name resolution attempted for {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    """Install the loopback-only socket guard for the whole session (collection included)."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]


def pytest_unconfigure(config: pytest.Config) -> None:
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo  # type: ignore[assignment]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a network connection (loopback included)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkBlocked(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


#: The kinds of source every graph consumer (queries, lineage, diagrams, validation) must accept.
SOURCE_KINDS = ("rdflib", "memory", "oxigraph", "sparql")


@pytest.fixture(params=[pytest.param(k, marks=pytest.mark.server) if k == "sparql" else k for k in SOURCE_KINDS])
def on_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[Graph], Any]]:
    """``on_store(graph)``: the same triples as a source of one kind (the parameter): the rdflib Graph itself,
    ``open_store("memory:")``, ``open_store("oxigraph:PATH")`` on disk, or a ``sparql:`` store on a real
    ``oxigraph serve`` (union default graph) on 127.0.0.1. Each graph goes into its own named graph."""
    from mlkg.store import open_store

    kind = request.param
    opened: list[Any] = []
    graphs: list[str] = []

    def make(graph: Graph) -> Any:
        if kind == "rdflib":
            return graph
        if kind == "memory":
            store = open_store("memory:")
        elif kind == "oxigraph":
            store = open_store(f"oxigraph:{tmp_path / f'kg{len(opened)}'}")
        else:
            store = open_store(request.getfixturevalue("oxigraph_union_server").store_url)
        opened.append(store)
        name = f"urn:mlkg:test:{uuid.uuid4().hex}"
        graphs.append(name)
        store.load(graph, graph=name)
        return store

    yield make
    for store in opened:
        if kind == "sparql":
            for name in graphs:
                store.drop(name)
        store.close()
