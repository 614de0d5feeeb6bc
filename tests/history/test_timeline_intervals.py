"""Serving intervals and stage periods from the platforms' own times: ``serving_at`` and ``mlkg query serving``,
with hand-written expected rows.

The SageMaker case writes the fraud-detector estate of ``tests/importers/sagemaker/sagemaker_estate.py`` through
boto3 into moto (in process, the clock set by freezegun): on 1 March the endpoint serves package version 2; on 5
March it is re-created with a config serving version 3 (moto has no ``UpdateEndpoint``; a re-created endpoint is
what SageMaker reports the same way: a new ``LastModifiedTime``). ``mlkg import sagemaker --store`` runs on 2 and
on 7 March. Version 2 served from 1 to 5 March: it answers for 3 March and not for 6 March.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mlkg.model as m
from mlkg.cli import get_app
from mlkg.history.timeline import serving_at
from mlkg.query import serving
from mlkg.rdf.build import to_graph

SAGEMAKER_TESTS = Path(__file__).resolve().parents[1] / "importers" / "sagemaker"


def _replaced_on_march_5():
    """Version 1 served 1–5 March (the platform recorded both ends), version 2 from 5 March on; each was trained
    on its own table."""
    svc = m.MLModelService(name="sm", service_type="SageMaker")
    model = m.MLModel(name="fraud", service="sm", versions=[
        m.ModelVersion(name="1", training_datasets=[m.Ref(type="table", fqn="dwh.tx_2025")]),
        m.ModelVersion(name="2", training_datasets=[m.Ref(type="table", fqn="dwh.tx_2026"),
                                                    m.Ref(type="table", fqn="dwh.chargebacks")])])
    v = {n: m.Ref(type="modelVersion", fqn=f"sm.fraud.{n}") for n in ("1", "2")}
    ep = m.Endpoint(name="fraud-ep", service=m.Ref(type="mlmodelService", fqn="sm"), model_version=v["2"],
                    deployed_at=datetime(2026, 2, 1, tzinfo=UTC), serving_history=[
                        m.ServingInterval(model_version=v["1"], started_at=datetime(2026, 3, 1, tzinfo=UTC),
                                          ended_at=datetime(2026, 3, 5, tzinfo=UTC), traffic_percentage=100.0),
                        m.ServingInterval(model_version=v["2"], started_at=datetime(2026, 3, 5, tzinfo=UTC),
                                          traffic_percentage=100.0)])
    tables = [m.Table(name=n, fqn=f"dwh.{n}") for n in ("tx_2025", "tx_2026", "chargebacks")]
    return to_graph([svc, model, ep, *tables])


def test_a_recorded_period_answers_inside_it_and_not_after() -> None:
    g = _replaced_on_march_5()
    march3 = serving_at(g, "sm.fraud-ep", "2026-03-03")
    assert [(r.version_name, r.served_from, r.served_until, r.traffic_percentage, r.trained_on) for r in march3] == [
        ("sm.fraud.1", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 5, tzinfo=UTC), 100.0, ("dwh.tx_2025",))]
    march6 = serving_at(g, "sm.fraud-ep", "2026-03-06")
    assert [(r.version_name, r.served_until, r.trained_on) for r in march6] == [
        ("sm.fraud.2", None, ("dwh.chargebacks", "dwh.tx_2026"))]
    # the end is excluded: at the moment of the switch only the successor serves
    assert [r.version_name for r in serving_at(g, "sm.fraud-ep", "2026-03-05T00:00:00Z")] == ["sm.fraud.2"]
    # before any recorded period nothing is known to serve, although the endpoint says it was deployed on 1 Feb
    assert serving_at(g, "sm.fraud-ep", "2026-02-15") == []
    # without a time: every period, oldest first within a version
    assert [(r.version_name, r.served_from.day) for r in serving(g, "sm.fraud-ep")] == [
        ("sm.fraud.1", 1), ("sm.fraud.2", 5)]


def test_without_periods_the_deployment_time_still_answers() -> None:
    """The fallback: an endpoint with no recorded period keeps the version it serves from ``deployedAt`` on."""
    svc = m.MLModelService(name="sm", service_type="SageMaker")
    model = m.MLModel(name="fraud", service="sm", versions=[m.ModelVersion(name="1")])
    ep = m.Endpoint(name="fraud-ep", service=m.Ref(type="mlmodelService", fqn="sm"),
                    model_version=m.Ref(type="modelVersion", fqn="sm.fraud.1"),
                    deployed_at=datetime(2026, 3, 1, tzinfo=UTC))
    g = to_graph([svc, model, ep])
    assert [(r.version_name, r.served_from) for r in serving_at(g, "sm.fraud-ep", "2026-03-03")] == [
        ("sm.fraud.1", None)]
    assert serving_at(g, "sm.fraud-ep", "2026-02-28") == []


def test_the_serving_query_through_the_cli_on_a_file(tmp_path: Path) -> None:
    path = tmp_path / "estate.ttl"
    _replaced_on_march_5().serialize(path, format="turtle")
    res = CliRunner().invoke(get_app(), ["query", "serving", str(path), "-p", "endpoint=sm.fraud-ep",
                                         "-p", "at=2026-03-03", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [(r["version_name"], r["served_from"], r["served_until"], r["trained_on"]) for r in rows] == [
        ("sm.fraud.1", "2026-03-01T00:00:00+00:00", "2026-03-05T00:00:00+00:00", ["dwh.tx_2025"])]
    bad = CliRunner().invoke(get_app(), ["query", "serving", str(path), "-p", "endpoint=sm.fraud-ep",
                                         "-p", "at=3 March"])
    assert bad.exit_code == 2 and "'3 March' is not an ISO date or datetime" in bad.stderr
    assert "Traceback" not in bad.output


@pytest.fixture
def sagemaker_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two imports of a SageMaker estate (2 and 7 March) into an oxigraph store that keeps history."""
    pytest.importorskip("moto")
    freezegun = pytest.importorskip("freezegun")
    import boto3
    from moto import mock_aws

    monkeypatch.syspath_prepend(str(SAGEMAKER_TESTS))
    import sagemaker_estate as estate
    from sagemaker_support import fake_aws_env

    fake_aws_env(monkeypatch, tmp_path)
    url = f"oxigraph:{tmp_path / 'kg'}"
    cli = CliRunner()
    with mock_aws():
        sm = boto3.client("sagemaker")
        with freezegun.freeze_time("2026-03-01T09:00:00Z"):
            info = estate.build(sm, boto3.client("s3"))
        with freezegun.freeze_time("2026-03-02T08:00:00Z"):
            first = cli.invoke(get_app(), ["import", "sagemaker", "--store", url])
        assert first.exit_code == 0, first.output
        with freezegun.freeze_time("2026-03-05T14:30:00Z"):
            sm.create_model(ModelName="fraud-detector-v3", ExecutionRoleArn=estate.ROLE,
                            PrimaryContainer={"ModelPackageName": info["packages"][3]})
            sm.create_endpoint_config(EndpointConfigName="fraud-scoring-cfg-3", ProductionVariants=[{
                "VariantName": "AllTraffic", "ModelName": "fraud-detector-v3", "InitialInstanceCount": 2,
                "InstanceType": "ml.m5.large", "InitialVariantWeight": 1.0}])
            sm.delete_endpoint(EndpointName="fraud-scoring")
            sm.create_endpoint(EndpointName="fraud-scoring", EndpointConfigName="fraud-scoring-cfg-3",
                               Tags=[{"Key": "env", "Value": "prod"}])
        with freezegun.freeze_time("2026-03-07T08:00:00Z"):
            second = cli.invoke(get_app(), ["import", "sagemaker", "--store", url])
        assert second.exit_code == 0, second.output
    return url


TRAIN = "sagemaker.s3://fraud-ml/transactions/train/"


@pytest.mark.slow
def test_which_version_served_on_3_march_and_what_it_was_trained_on(sagemaker_history: str) -> None:
    """The issue's question, as one command on the store the two imports wrote (one test: the estate and the two
    imports take about 7 s)."""
    from mlkg.history.log import as_of, records
    from mlkg.store import open_store

    def ask(at: str) -> list[tuple]:
        res = CliRunner().invoke(get_app(), ["query", "serving", "--store", sagemaker_history,
                                             "-p", "endpoint=sagemaker.fraud-scoring", "-p", f"at={at}",
                                             "--format", "json"])
        assert res.exit_code == 0, res.output
        return [(r["version_name"], r["served_from"], r["served_until"], r["traffic_percentage"], r["trained_on"])
                for r in json.loads(res.stdout)]

    # version 2 served from the endpoint's creation (1 March) until the new config's (5 March, 14:30)
    assert ask("2026-03-03") == [("sagemaker.fraud-detector.2", "2026-03-01T09:00:00+00:00",
                                  "2026-03-05T14:30:00+00:00", 100.0, [TRAIN])]
    # 6 March: version 3, although the graph as of 6 March (the 2 March import) still said version 2
    assert ask("2026-03-06") == [("sagemaker.fraud-detector.3", "2026-03-05T14:30:00+00:00", None, 100.0, [TRAIN])]
    assert ask("2026-02-28") == []

    # the same through the library, at the second of the switch; and why the imports after t are read
    store = open_store(sagemaker_history)
    try:
        assert [r.time.day for r in records(store)] == [2, 7]
        assert [r.version_name for r in serving_at(store, "sagemaker.fraud-scoring", "2026-03-05T14:29:59Z")] == [
            "sagemaker.fraud-detector.2"]
        assert [r.version_name for r in serving_at(store, "sagemaker.fraud-scoring", "2026-03-05T14:30:00Z")] == [
            "sagemaker.fraud-detector.3"]
        # the graph as of 6 March alone (what --as-of gives) cannot know of the 5 March switch
        view = as_of(store, "2026-03-06")
        assert [(r.version_name, r.served_until) for r in serving(view, "sagemaker.fraud-scoring")] == [
            ("sagemaker.fraud-detector.2", None)]
    finally:
        store.close()


def _sagemaker_import(version: str, since: datetime):
    svc = m.MLModelService(name="sm", service_type="SageMaker")
    model = m.MLModel(name="fraud", service="sm", versions=[m.ModelVersion(name="1"), m.ModelVersion(name="2")])
    ref = m.Ref(type="modelVersion", fqn=f"sm.fraud.{version}")
    ep = m.Endpoint(name="fraud-ep", service=m.Ref(type="mlmodelService", fqn="sm"), model_version=ref,
                    serving_history=[m.ServingInterval(model_version=ref, started_at=since)])
    return to_graph([svc, model, ep])


def test_the_next_import_is_the_endpoints_own_source() -> None:
    """Another source imported between t and the endpoint's next import does not hide the switch."""
    from mlkg.history.log import replace_with_history
    from mlkg.store import open_store

    store = open_store("memory:")
    sm, other = "https://w3id.org/mlkg/graph/import/sagemaker/prod", "https://w3id.org/mlkg/graph/import/hf/hub"
    replace_with_history(store, sm, _sagemaker_import("1", datetime(2026, 3, 1, tzinfo=UTC)),
                         time=datetime(2026, 3, 2, tzinfo=UTC))
    replace_with_history(store, other, to_graph([m.MLModelService(name="hf", service_type="HuggingFace")]),
                         time=datetime(2026, 3, 6, tzinfo=UTC))
    replace_with_history(store, sm, _sagemaker_import("2", datetime(2026, 3, 5, tzinfo=UTC)),
                         time=datetime(2026, 3, 7, tzinfo=UTC))
    rows = serving_at(store, "sm.fraud-ep", "2026-03-05T12:00:00Z")
    assert [(r.version_name, r.served_from.day) for r in rows] == [("sm.fraud.2", 5)]
    rows = serving_at(store, "sm.fraud-ep", "2026-03-04")
    assert [(r.version_name, r.served_from.day, r.served_until.day) for r in rows] == [("sm.fraud.1", 1, 5)]
    # a period that vanished with no successor ends by the import that no longer had it
    replace_with_history(store, sm, to_graph([m.MLModelService(name="sm", service_type="SageMaker"),
                                              m.Endpoint(name="fraud-ep",
                                                         service=m.Ref(type="mlmodelService", fqn="sm"))]),
                         time=datetime(2026, 3, 9, tzinfo=UTC))
    assert [(r.version_name, r.served_until.day) for r in serving_at(store, "sm.fraud-ep", "2026-03-08")] == [
        ("sm.fraud.2", 9)]
    assert serving_at(store, "sm.fraud-ep", "2026-03-10") == []
    store.close()
