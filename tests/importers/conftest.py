"""Golden graphs for the importer tests.

Each platform folder has ``expected*.ttl``: the graph its importer writes for the folder's real input files,
compared by graph isomorphism (provenance left out, since its times change on every run). After a deliberate
change of an importer's output, refresh them with::

    MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers

and review the diff of the ``.ttl`` files like any other change. Values that differ from one build of a fixture
to the next (run ids MLflow generates, temporary directories, clock times) are replaced by stable placeholders
before the comparison; the hand-written tests check those values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

UPDATE = bool(os.environ.get("MLKG_UPDATE_SNAPSHOTS"))
_ENCODED_TIME = re.compile(r"%22\d{4}-\d\d-\d\dT[0-9%A-F.:]+%22")
_PLAIN_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")
# with unquote_times: a time inside an FQN is quoted ("...") only when it has a fractional part (a dot), so a
# fixture whose clock times vary (MLflow's) normalises both spellings, quotes included, to one
_ANY_ENCODED_TIME = re.compile(r"(%22)?\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d(\.\d+)?(%2B00%3A00|Z)?(%22)?")
_ANY_PLAIN_TIME = re.compile(r'"?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?"?')
_TIME = "2000-01-01T00:00:00+00:00"


def normalize(g: Graph, subs: Mapping[str, str] | None = None, *, unquote_times: bool = False,
              literals: Mapping[str, str] | None = None) -> Graph:
    """``g`` with ``subs`` applied to every IRI and literal text and every dateTime replaced by one fixed time
    (``unquote_times``: also times written without quotes, the quotes dropped). ``literals`` replaces whole
    literal values only (for values as short as ``-c`` that also occur inside other text)."""
    from rdflib.namespace import XSD

    subs = dict(subs or {})
    whole = dict(literals or {})

    def text(s: str) -> str:
        for old, new in sorted(subs.items(), key=lambda kv: -len(kv[0])):  # longest first
            s = s.replace(old, new)
        return s

    def term(t: Any) -> Any:
        if isinstance(t, URIRef):
            return URIRef((_ANY_ENCODED_TIME if unquote_times else _ENCODED_TIME).sub("TIME", text(str(t))))
        if isinstance(t, Literal):
            if str(t) in whole:
                return Literal(whole[str(t)], datatype=t.datatype, lang=t.language)
            if t.datatype == XSD.dateTime:
                return Literal(_TIME, datatype=XSD.dateTime)
            plain = _ANY_PLAIN_TIME if unquote_times else _PLAIN_TIME
            return Literal(plain.sub("TIME", text(str(t))), datatype=t.datatype, lang=t.language)
        return t

    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    for s, p, o in g:
        out.add((term(s), term(p), term(o)))
    return out


def assert_golden(g: Graph, path: Path, subs: Mapping[str, str] | None = None, *,
                  unquote_times: bool = False, literals: Mapping[str, str] | None = None) -> None:
    got = normalize(g, subs, unquote_times=unquote_times, literals=literals)
    if UPDATE:
        path.write_text(got.serialize(format="turtle"), encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"missing golden file {path}; run MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers")
    want = Graph().parse(path)
    if not isomorphic(want, got):
        _, only_want, only_got = graph_diff(to_isomorphic(want), to_isomorphic(got))
        lines = sorted(only_want.serialize(format="nt").splitlines())[:10]
        more = sorted(only_got.serialize(format="nt").splitlines())[:10]
        pytest.fail(f"the import differs from {path} (MLKG_UPDATE_SNAPSHOTS=1 to accept a deliberate change)\n"
                    "missing:\n  " + "\n  ".join(lines) + "\nunexpected:\n  " + "\n  ".join(more))


@pytest.fixture
def golden() -> Callable[..., None]:
    """``golden(importer, entities, path, subs=None)``: compare the import's graph with a golden Turtle file."""
    from mlkg.importers.pipeline import entity_graph

    def check(importer: Any, entities: list[Any], path: Path, subs: Mapping[str, str] | None = None, *,
              unquote_times: bool = False, literals: Mapping[str, str] | None = None) -> None:
        assert_golden(entity_graph(importer, entities), path, subs, unquote_times=unquote_times,
                      literals=literals)

    return check


# -- no network: every importer test, golden inputs included -----------------------------------------------------

_LOOPBACK_MARKS = ("server", "slow")

#: Ports of the loopback servers this process listens on (in-process fakes: a platform's REST API on 127.0.0.1).
LISTENING: set[int] = set()
#: Every connection (address, whether it was made) and name lookup since the last test ended, made by the thread
#: that runs the tests (the import itself). Background threads of SDKs (telemetry) may outlive the test that
#: started them, so their attempts cannot be told apart per test: they are kept in :data:`BACKGROUND` only.
ATTEMPTS: list[tuple[str, Any, bool]] = []
BACKGROUND: list[tuple[str, Any, bool]] = []

# The SDKs' own telemetry, off as they document it for offline use (MLflow 3 resolves config.mlflow-telemetry.io
# from a background thread when a client is first used; huggingface_hub sends usage pings).
for _var, _value in (("MLFLOW_DISABLE_TELEMETRY", "true"), ("HF_HUB_DISABLE_TELEMETRY", "1"), ("DO_NOT_TRACK", "1")):
    os.environ.setdefault(_var, _value)


def _is_loopback(host: Any) -> bool:
    import ipaddress

    text = host.decode("ascii", "replace") if isinstance(host, bytes) else host
    if not isinstance(text, str):
        return False
    if text.lower() in ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"):
        return True
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return False


def _install_ledger() -> None:
    """Wrap the socket calls (over the suite's guard) to keep every attempt in :data:`ATTEMPTS`, once."""
    import socket

    if getattr(socket.socket.connect, "_mlkg_ledger", False):
        return
    connect, connect_ex, listen = socket.socket.connect, socket.socket.connect_ex, socket.socket.listen
    getaddrinfo = socket.getaddrinfo

    import threading

    main = threading.main_thread()

    def unix(sock: Any) -> bool:
        return sock.family == getattr(socket, "AF_UNIX", None)

    class _Ledger(list):  # type: ignore[type-arg]
        def append(self, item: Any) -> None:
            (ATTEMPTS if threading.current_thread() is main else BACKGROUND).append(item)

    ledger = _Ledger()

    def ledger_connect(self: socket.socket, address: Any) -> Any:
        if unix(self):
            return connect(self, address)
        try:
            out = connect(self, address)
        except BaseException:
            ledger.append(("connect", address, False))
            raise
        ledger.append(("connect", address, True))
        return out

    def ledger_connect_ex(self: socket.socket, address: Any) -> Any:
        if unix(self):
            return connect_ex(self, address)
        try:
            code = connect_ex(self, address)
        except BaseException:
            ledger.append(("connect", address, False))
            raise
        ledger.append(("connect", address, code == 0))
        return code

    def ledger_listen(self: socket.socket, *args: Any) -> Any:
        try:
            LISTENING.add(int(self.getsockname()[1]))
        except (OSError, TypeError, IndexError, ValueError):
            pass
        return listen(self, *args)

    def ledger_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(host):
            ledger.append(("resolve", (host, *args[:1]), False))
        return getaddrinfo(host, *args, **kwargs)

    ledger_connect._mlkg_ledger = True  # type: ignore[attr-defined]
    socket.socket.connect = ledger_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = ledger_connect_ex  # type: ignore[method-assign]
    socket.socket.listen = ledger_listen  # type: ignore[method-assign]
    socket.getaddrinfo = ledger_getaddrinfo  # type: ignore[assignment]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before each importer test's fixtures (its module's included): the ledger in place, and empty. Installed
    here, not at import, because the suite's guard is installed after this file is imported; it stays installed
    (recording, never refusing) for the rest of the session."""
    _install_ledger()
    ATTEMPTS.clear()


def reached(attempts: list[tuple[str, Any, bool]], *, may_loopback: bool) -> list[tuple[str, Any, bool]]:
    """The attempts that break the rule: a connection outside loopback (made or refused: an importer may have
    caught the refusal); a loopback connection that was made, unless to a server this process listens on or
    ``may_loopback``. A refused loopback connection reached nothing."""

    def host(address: Any) -> Any:
        return address[0] if isinstance(address, tuple) and address else address

    def own(address: Any) -> bool:
        return isinstance(address, tuple) and len(address) > 1 and address[1] in LISTENING

    # a name lookup outside loopback counts like a connection: nothing an importer reads needs one (the one seen
    # before was freezegun touching huggingface_hub's lazy CLI import; tests/conftest.py keeps freezegun out of it)
    outside = [a for a in attempts if a[0] in ("connect", "resolve") and not _is_loopback(host(a[1]))]
    inside = [] if may_loopback else [a for a in attempts if a[2] and _is_loopback(host(a[1])) and not own(a[1])]
    return outside + inside


@pytest.fixture(autouse=True)
def network_ledger(request: pytest.FixtureRequest) -> Any:
    """Every connection or name lookup an importer test makes (its module fixtures' included), checked when the
    test ends.

    The suite's socket guard (``tests/conftest.py``) refuses anything outside 127.0.0.1; an importer could catch
    that refusal and go on quietly, so the attempts are recorded and a test that made one fails even then. A
    test that reads the platform's files (every golden graph's test) may not connect at all: loopback only to a
    server the test started in this process (a fake of the platform's REST API, whose listening port is known),
    or, in tests marked ``server`` or ``slow``, to a server process of its own (``moto_server``, H2O). A refused
    loopback connection (the tests of an unreachable server) reached nothing and is allowed. Only the attempts of
    the thread that runs the tests count (see :data:`BACKGROUND`).
    """
    from types import SimpleNamespace

    yield SimpleNamespace(attempts=ATTEMPTS, reached=reached, listening=LISTENING)
    attempts = list(ATTEMPTS)
    ATTEMPTS.clear()
    bad = reached(attempts, may_loopback=any(request.node.get_closest_marker(mk) for mk in _LOOPBACK_MARKS))
    if bad:
        shown = ", ".join(f"{k} {a!r}" for k, a, _ in bad[:3])
        pytest.fail(f"the test tried to reach the network ({shown}): importers read files without any "
                    "connection; loopback only to a server the test started", pytrace=False)
