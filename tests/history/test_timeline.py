"""serving_at and metric_series, with hand-written expected rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rdflib import Graph

import mlkg.model as m
from mlkg.history.log import replace_with_history
from mlkg.history.timeline import serving_at
from mlkg.query import metric_series
from mlkg.rdf.build import to_graph
from mlkg.store import open_store

UTC = UTC


def _estate(version: str, deployed: datetime, psi: list[tuple[str, float]]) -> Graph:
    svc = m.MLModelService(name="sagemaker-prod", service_type="SageMaker")
    model = m.MLModel(name="fraud", service="sagemaker-prod", versions=[
        m.ModelVersion(name="1"), m.ModelVersion(name="2"), m.ModelVersion(name="3")])
    endpoint = m.Endpoint(
        name="fraud-endpoint", service=m.Ref(type="mlmodelService", fqn="sagemaker-prod"),
        model_version=m.Ref(type="modelVersion", fqn=f"sagemaker-prod.fraud.{version}"), deployed_at=deployed,
        drift_monitors=[m.DriftMonitor(name="amount-psi", method="psi", observations=[
            m.Evaluation(name=f"psi-{day}", measure="psi", value=v, timestamp=datetime.fromisoformat(day))
            for day, v in psi])])
    return to_graph([svc, model, endpoint])


def test_serving_at_from_one_import_with_platform_times() -> None:
    g = _estate("3", datetime(2026, 3, 1, 9, tzinfo=UTC), [])
    rows = serving_at(g, "sagemaker-prod.fraud-endpoint", "2026-03-03")
    assert [(r.version_name, r.model_name) for r in rows] == [("sagemaker-prod.fraud.3", "sagemaker-prod.fraud")]
    assert rows[0].deployed_at == datetime(2026, 3, 1, 9, tzinfo=UTC)
    # before the recorded deployment the graph cannot say version 3 served it
    assert serving_at(g, "sagemaker-prod.fraud-endpoint", "2026-02-28") == []


@pytest.mark.parametrize("url", ["memory:", "oxigraph:"])
def test_serving_at_from_history(url: str, tmp_path) -> None:
    store = open_store(url if url == "memory:" else f"oxigraph:{tmp_path / 'kg'}")
    graph = "https://w3id.org/mlkg/graph/import/sagemaker/prod"
    replace_with_history(store, graph, _estate("2", datetime(2026, 2, 1, tzinfo=UTC), []),
                         time=datetime(2026, 2, 1, 12, tzinfo=UTC))
    replace_with_history(store, graph, _estate("3", datetime(2026, 3, 10, tzinfo=UTC), []),
                         time=datetime(2026, 3, 10, 12, tzinfo=UTC))
    march3 = serving_at(store, "sagemaker-prod.fraud-endpoint", "2026-03-03")
    assert [r.version_name for r in march3] == ["sagemaker-prod.fraud.2"]
    now = serving_at(store, "sagemaker-prod.fraud-endpoint", "2026-04-01")
    assert [r.version_name for r in now] == ["sagemaker-prod.fraud.3"]
    store.close()


def test_metric_series_in_time_order() -> None:
    g = _estate("3", datetime(2026, 3, 1, tzinfo=UTC),
                [("2026-03-03T00:00:00+00:00", 0.21), ("2026-03-01T00:00:00+00:00", 0.05),
                 ("2026-03-02T00:00:00+00:00", 0.12)])
    points = metric_series(g, "sagemaker-prod.fraud-endpoint", "psi")
    assert [(p.time.day, float(p.value)) for p in points] == [(1, 0.05), (2, 0.12), (3, 0.21)]
    assert all(p.monitor and p.monitor.endswith("amount-psi") for p in points)


def test_diagram_metric_draws_the_series(tmp_path) -> None:
    """`mlkg diagram ENTITY --metric psi` draws the drift series as SVG and PNG (matplotlib)."""
    pytest.importorskip("matplotlib")
    from typer.testing import CliRunner

    from mlkg.cli import get_app

    g = _estate("3", datetime(2026, 3, 1, tzinfo=UTC),
                [("2026-03-01T00:00:00+00:00", 0.05), ("2026-03-02T00:00:00+00:00", 0.12)])
    ttl = tmp_path / "estate.ttl"
    g.serialize(ttl, format="turtle")
    runner = CliRunner()
    svg = runner.invoke(get_app(), ["diagram", "sagemaker-prod.fraud-endpoint", str(ttl), "--metric", "psi"])
    assert svg.exit_code == 0, svg.output
    assert svg.stdout.lstrip().startswith("<?xml") and "<svg" in svg.stdout and "psi" in svg.stdout
    png = tmp_path / "psi.png"
    r = runner.invoke(get_app(), ["diagram", "sagemaker-prod.fraud-endpoint", str(ttl), "--metric", "psi",
                                  "-f", "png", "-o", str(png)])
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    none = runner.invoke(get_app(), ["diagram", "sagemaker-prod.fraud-endpoint", str(ttl), "--metric", "auc"])
    assert none.exit_code == 2 and "no numeric values of 'auc'" in none.stderr


def test_serving_at_from_one_sagemaker_import() -> None:
    """The SageMaker importer's golden graph (moto, botocore's service model) records the endpoint's update time:
    serving_at answers from that one import, with hand-written expected rows."""
    from pathlib import Path

    golden = Path(__file__).resolve().parents[1] / "importers" / "sagemaker" / "golden" / "estate.ttl"
    g = Graph().parse(golden)
    after = serving_at(g, "sagemaker.fraud-scoring", "2026-12-01")
    assert [(r.version_name, r.model_name, r.status, r.environment, r.deployed_at.isoformat()) for r in after] == [
        ("sagemaker.fraud-detector.2", "sagemaker.fraud-detector", "InService", "prod", "2026-11-30T12:00:00+00:00")]
    # the period starts at the endpoint's LastModifiedTime: moto's frozen clock, as its creation time
    assert after[0].served_from.isoformat() == "2026-11-30T12:00:00+00:00" and after[0].served_until is None
    assert serving_at(g, "sagemaker.fraud-scoring", "2026-11-30T11:59:59Z") == []
