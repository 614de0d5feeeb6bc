"""Lineage walks, impact and paths: the seed's fraud flow on rdflib and pyoxigraph, by BFS and by SPARQL."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import mlkg.model as m
from mlkg import lineage
from mlkg.errors import InputError
from mlkg.rdf.build import to_graph
from query.graphs import STORES, fraud_graph, iri, on

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("bfs", "sparql")

T = "sf.prod.transactions"
PIPE = "airflow.fraud_features_job"
FF = "sf.prod.fraud_features"
MODEL = "mlflow_prod.fraud_detection"
EP = "sagemaker_prod.fraud-endpoint"
SCORES = "sf.prod.fraud_scores"

# Everything affected when the transactions table changes: name → (kind, depth), worked out by hand.
FRAUD_IMPACT = {
    f"{T}.amount": ("Column", 1),
    f"{T}.customer_id": ("Column", 1),
    PIPE: ("Pipeline", 1),
    FF: ("Table", 2),
    f"{FF}.amount_z": ("Column", 3),
    f"{FF}.country_code": ("Column", 3),
    f"{MODEL}.1": ("ModelVersion", 3),
    f"{MODEL}.2": ("ModelVersion", 3),
    f"{MODEL}.amount_z": ("Feature", 4),
    MODEL: ("MLModel", 4),
    EP: ("Endpoint", 4),
    SCORES: ("Table", 5),
    f"{SCORES}.score": ("Column", 6),
    "fraud_alerts": ("AlertingSystem", 6),
    "fraud_dash": ("Dashboard", 6),
}
HEAD = f"{T} <-readsFrom- {PIPE} <-producedBy- {FF}"
FRAUD_PATHS = {
    MODEL: f"{HEAD} <-trainedOn- {MODEL}.1 <-hasVersion- {MODEL}",
    EP: f"{HEAD} <-trainedOn- {MODEL}.2 <-servesModelVersion- {EP}",
    SCORES: f"{HEAD} <-trainedOn- {MODEL}.2 <-servesModelVersion- {EP} <-predictionsFrom- {SCORES}",
    "fraud_alerts": f"{HEAD} <-trainedOn- {MODEL}.2 <-servesModelVersion- {EP} <-predictionsFrom- {SCORES}"
                    " <-alertsOn- fraud_alerts",
    f"{MODEL}.amount_z": f"{HEAD} <-belongsToTable- {FF}.amount_z <-hasFeatureSource- {MODEL}.amount_z",
}


@pytest.fixture(scope="module")
def fraud():
    return fraud_graph()


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("method", METHODS)
def test_impact_of_transactions_table(fraud, store: str, method: str) -> None:
    rows = lineage.impact(on(store, fraud), T, method=method)
    assert {r.name: (r.kind, r.depth) for r in rows} == FRAUD_IMPACT
    paths = {r.name: r.path for r in rows}
    for name, path in FRAUD_PATHS.items():
        assert paths[name] == path
    # grouped by kind: tables and columns before models, models before endpoints and alerting systems
    kinds = [r.kind for r in rows]
    assert kinds.index("Table") < kinds.index("MLModel") < kinds.index("Endpoint") < kinds.index("AlertingSystem")
    assert all(r.path.startswith(T) and r.path.endswith(r.name) for r in rows)


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("method", METHODS)
def test_impact_of_a_column(fraud, store: str, method: str) -> None:
    rows = lineage.impact(on(store, fraud), f"{FF}.amount_z", method=method)
    assert {r.name: (r.kind, r.depth) for r in rows} == {
        f"{MODEL}.amount_z": ("Feature", 1),
        MODEL: ("MLModel", 2),
        EP: ("Endpoint", 3),
        SCORES: ("Table", 4),
        f"{SCORES}.score": ("Column", 5),
        "fraud_alerts": ("AlertingSystem", 5),
        "fraud_dash": ("Dashboard", 5),
    }
    ep = next(r for r in rows if r.name == EP)
    assert ep.via == "servesModel"


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("method", METHODS)
def test_upstream_with_depth(fraud, store: str, method: str) -> None:
    src = on(store, fraud)
    rows = lineage.upstream(src, SCORES, depth=2, method=method)
    assert {(r.name, r.depth, r.via) for r in rows} == {
        (EP, 1, "predictionsFrom"), (MODEL, 2, "servesModel"), (f"{MODEL}.2", 2, "servesModelVersion")}
    everything = lineage.upstream(src, SCORES, method=method)
    names = {r.name for r in everything}
    assert {T, "sf.prod.customers", PIPE, FF, f"{FF}.amount_z", f"{MODEL}.1"} <= names
    assert f"{T}.amount" not in names  # columns of an upstream table are not upstream
    assert SCORES not in names
    assert lineage.upstream(src, SCORES, depth=0, method=method) == []


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("method", METHODS)
def test_downstream_equals_impact_rows(fraud, store: str, method: str) -> None:
    src = on(store, fraud)
    assert sorted(lineage.downstream(src, T, method=method), key=lambda r: r.entity) == \
        sorted(lineage.impact(src, T, method=method), key=lambda r: r.entity)
    one = lineage.downstream(src, T, depth=1, method=method)
    assert {r.name for r in one} == {f"{T}.amount", f"{T}.customer_id", PIPE}


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("method", METHODS)
def test_path_between(fraud, store: str, method: str) -> None:
    src = on(store, fraud)
    steps = lineage.path_between(src, T, "fraud_alerts", method=method)
    assert [(s.name, s.via) for s in steps] == [
        (T, None), (PIPE, "readsFrom"), (FF, "producedBy"), (f"{MODEL}.2", "trainedOn"),
        (EP, "servesModelVersion"), (SCORES, "predictionsFrom"), ("fraud_alerts", "alertsOn")]
    assert {s.direction for s in steps} == {"down"}
    back = lineage.path_between(src, "fraud_dash", FF, method=method)
    assert [s.name for s in back] == ["fraud_dash", SCORES, EP, f"{MODEL}.2", FF]
    assert back[0].kind == "Dashboard" and back[-1].kind == "Table"
    assert {s.direction for s in back} == {"up"}
    assert lineage.path_between(src, "sf.prod.customers", T, method=method) == []


def test_iri_and_fqn_name_the_same_entity(fraud) -> None:
    assert lineage.impact(fraud, iri("table", T)) == lineage.impact(fraud, T)
    assert lineage.impact(fraud, "<" + iri("table", T) + ">") == lineage.impact(fraud, T)


def test_unknown_and_ambiguous_entities() -> None:
    g = to_graph([m.Table(name="x", fqn="db.x"), m.Dataset(name="x", fqn="db.x"),
                  m.Table(name="y", fqn="db.y", upstream=["db.x"])])
    with pytest.raises(InputError, match="no entity has the fully qualified name 'db.nope'"):
        lineage.impact(g, "db.nope")
    with pytest.raises(InputError, match="names 2 entities"):
        lineage.impact(g, "db.x")
    assert [r.name for r in lineage.impact(g, "db.x", kind="Table")] == ["db.y"]
    assert lineage.impact(g, "db.x", kind="dataset") == []


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("method", METHODS)
def test_names_with_quotes_braces_hash_newlines(store: str, method: str) -> None:
    weird = 'db."a\\"b} # {c\nd"'
    g = to_graph([
        m.Table(name="w", fqn=weird),
        m.Table(name="a", fqn="db.a"),  # a prefix of the weird name
        m.Table(name="down", fqn="db.down", upstream=[weird]),
        m.Table(name="other", fqn="db.other", upstream=["db.a"]),
    ])
    rows = lineage.impact(on(store, g), weird, method=method)
    assert [(r.name, r.path) for r in rows] == [("db.down", f"{weird} <-upstream- db.down")]
    up = lineage.upstream(on(store, g), "db.down", method=method)
    assert [r.name for r in up] == [weird]


def test_cycles_terminate() -> None:
    g = to_graph([m.Table(name="a", fqn="db.a", upstream=["db.b"]), m.Table(name="b", fqn="db.b", upstream=["db.a"])])
    for method in METHODS:
        assert [(r.name, r.depth) for r in lineage.impact(g, "db.a", method=method)] == [("db.b", 1)]


def test_bad_arguments(fraud) -> None:
    with pytest.raises(ValueError, match="direction"):
        lineage.walk(fraud, T, "sideways")
    with pytest.raises(ValueError, match="depth"):
        lineage.upstream(fraud, T, depth=-1)
    with pytest.raises(ValueError, match="method"):
        lineage.upstream(fraud, T, method="magic")


def _example_module():
    path = ROOT / "examples" / "fraud_detection.py"
    if not path.exists():
        return None
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("mlkg_example_fraud_detection", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
        return mod
    finally:
        sys.path.remove(str(path.parent))


@pytest.mark.parametrize("store", STORES)
def test_impact_on_the_fraud_example(store: str) -> None:
    mod = _example_module()
    if mod is None:
        pytest.skip("examples/fraud_detection.py not written yet")
    g = to_graph(mod.build())
    from mlkg.namespaces import MLKG

    tx = next(str(o) for o in g.objects(None, MLKG.fullyQualifiedName) if str(o).endswith(".transactions"))
    rows = lineage.impact(on(store, g), tx)
    by_kind = lineage.group_by_kind(rows)
    names = {r.name for r in rows}
    model = next(r.name for r in by_kind["MLModel"])
    assert model.endswith("fraud_detection")
    assert {r.name for r in by_kind["ModelVersion"]} == {model + ".1", model + ".2"}
    assert any(n.endswith(".fraud_features") for n in names)
    assert any(n.endswith(".fraud_scores") for n in names)
    assert len(by_kind["Endpoint"]) == 1 and len(by_kind["AlertingSystem"]) == 1
    for r in rows:
        assert r.path.startswith(tx) and r.path.endswith(r.name)
