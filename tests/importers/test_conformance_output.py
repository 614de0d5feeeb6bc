"""Conformance of every registered importer's output: no network, and valid under the core rule pack.

- **No network.** Every test under ``tests/importers`` runs under the ledger of ``conftest.py``
  (:func:`network_ledger`): the golden-graph test of each importer imports the platform's own files, and the
  test fails if anything tried to leave 127.0.0.1 (even if the importer caught the refusal) or made a loopback
  connection to a server the test did not start. The tests below check that the ledger sees what it must.
- **Valid under core.** Each importer's golden graphs (its output on the platform's files, checked isomorphic to a
  fresh import by that importer's golden test) validate under the ``core`` pack with no result of any severity,
  except the results listed in :data:`EXPECTED` with the reason.
"""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef

from mlkg.docs.integrations import golden_graphs
from mlkg.namespaces import MLKG_IRI
from mlkg.validate import validate

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = sorted(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["mlkg.importers"])

#: Importer → core-pack results its golden graphs are known to give, as (severity, shape, field) with the reason.
#: Empty: every importer's output conforms with no warning or info. A new result fails the test until it is fixed
#: or listed here with its reason.
EXPECTED: dict[str, dict[tuple[str, str, str | None], str]] = {}


def _results(path: Path) -> tuple[Graph, set[tuple[str, str, str | None]]]:
    g = Graph().parse(path)
    report = validate(g, ("core",))
    return g, {(r.severity, r.shape, r.path) for r in report.results}


@pytest.mark.parametrize("name", BUILTIN)
def test_the_golden_graphs_validate_under_the_core_pack(name: str) -> None:
    paths = [p for p in golden_graphs().get(name, []) if p.name.startswith(("expected", "golden")) or
             p.parent.name == "golden"]
    assert paths, f"{name}: no golden graph under tests/importers/{name}/"
    for path in paths:
        g, got = _results(path)
        assert any(str(t).startswith(MLKG_IRI) for t in g.objects(None, RDF.type)), f"{path.name}: no mlkg node"
        unexpected = got - set(EXPECTED.get(name, {}))
        assert not unexpected, f"{path.relative_to(ROOT)}: core-pack results {sorted(unexpected)}"


def test_the_core_check_of_a_golden_graph_can_fail() -> None:
    # the control: the golden SageMaker endpoint with a traffic share of 250 % no longer validates
    path = ROOT / "tests" / "importers" / "sagemaker" / "golden" / "estate.ttl"
    g = Graph().parse(path)
    endpoint = next(g.subjects(RDF.type, URIRef(MLKG_IRI + "Endpoint")))
    g.set((endpoint, URIRef(MLKG_IRI + "trafficPercentage"), Literal("250", datatype=XSD.decimal)))
    report = validate(g, ("core",))
    assert not report.conforms
    assert {(r.severity, r.path) for r in report.results} == {("Violation", "traffic_percentage")}


# -- the network ledger -------------------------------------------------------------------------------------------


def test_a_refused_attempt_outside_loopback_is_kept_even_when_caught(network_ledger: Any) -> None:
    s = socket.socket()
    try:
        with pytest.raises(AssertionError, match="outside 127.0.0.1"):  # the suite guard refuses it
            s.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed
    finally:
        s.close()
    kept = list(network_ledger.attempts)
    network_ledger.attempts.clear()  # this test made the attempt on purpose
    assert ("connect", ("192.0.2.1", 80), False) in kept
    assert network_ledger.reached(kept, may_loopback=True) == [("connect", ("192.0.2.1", 80), False)]


def test_loopback_is_allowed_only_to_a_server_the_test_started(network_ledger: Any) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    assert port in network_ledger.listening
    client = socket.socket()
    try:
        client.connect(("127.0.0.1", port))
    finally:
        client.close()
        server.close()
    kept = list(network_ledger.attempts)
    assert ("connect", ("127.0.0.1", port), True) in kept
    assert network_ledger.reached(kept, may_loopback=False) == []  # its own server: allowed
    stranger = ("connect", ("127.0.0.1", 1), True)  # a made connection to a server nobody here started
    assert network_ledger.reached([stranger], may_loopback=False) == [stranger]
    assert network_ledger.reached([stranger], may_loopback=True) == []  # server/slow tests start processes
    refused = ("connect", ("127.0.0.1", 1), False)
    assert network_ledger.reached([refused], may_loopback=False) == []  # reached nothing


def test_a_refused_name_lookup_is_kept_and_counted(network_ledger: Any) -> None:
    with pytest.raises(AssertionError, match="name resolution"):  # the suite guard refuses it
        socket.getaddrinfo("huggingface.co", 443)
    kept = list(network_ledger.attempts)
    network_ledger.attempts.clear()  # this test made the attempt on purpose
    assert network_ledger.reached(kept, may_loopback=True) == [("resolve", ("huggingface.co", 443), False)]
