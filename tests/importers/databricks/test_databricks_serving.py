"""Databricks Model Serving through the MLflow importer: a loopback DATABRICKS_HOST that answers the REST paths
MLflow's client and databricks-sdk call (``/api/2.0/mlflow/registered-models/search``,
``/api/2.0/mlflow/model-versions/search``, ``/api/2.0/serving-endpoints``, ``/api/2.0/serving-endpoints/{name}``).

The serving responses are written with databricks-sdk's own dataclasses (``ServingEndpoint(...).as_dict()``,
``ServingEndpointDetailed(...).as_dict()``), the registry responses in MLflow's REST shape (the OSS REST API that
the Databricks workspace registry speaks).
"""

from __future__ import annotations

from typing import Any

import pytest

from mlkg.importers import get
from mlkg.model import entities as m
from mlkg.model.base import epoch_ms_to_datetime

pytest.importorskip("mlflow")
serving = pytest.importorskip("databricks.sdk.service.serving")

T0 = 1_790_000_000_000  # epoch ms


def serving_responses() -> dict[str, Any]:
    s = serving
    summary = s.ServingEndpoint(
        name="fraud-scoring", creator="ana@example.com", creation_timestamp=T0,
        state=s.EndpointState(ready=s.EndpointStateReady.READY,
                              config_update=s.EndpointStateConfigUpdate.NOT_UPDATING),
        config=s.EndpointCoreConfigSummary(served_entities=[
            s.ServedEntitySpec(name="fraud-2", entity_name="fraud", entity_version="2"),
            s.ServedEntitySpec(name="fraud-3", entity_name="fraud", entity_version="3")]),
        tags=[s.EndpointTag(key="env", value="prod"), s.EndpointTag(key="cost-center", value="risk")])
    detail = s.ServingEndpointDetailed(
        name="fraud-scoring", creator="ana@example.com", creation_timestamp=T0, state=summary.state,
        tags=summary.tags,
        config=s.EndpointCoreConfigOutput(
            served_entities=[
                s.ServedEntityOutput(name="fraud-2", entity_name="fraud", entity_version="2", workload_size="Small",
                                     workload_type=s.ServingModelWorkloadType.CPU, creation_timestamp=T0 + 60_000),
                s.ServedEntityOutput(name="fraud-3", entity_name="fraud", entity_version="3", workload_size="Medium",
                                     workload_type=s.ServingModelWorkloadType.CPU, creation_timestamp=T0 + 120_000)],
            traffic_config=s.TrafficConfig(routes=[s.Route(served_model_name="fraud-2", traffic_percentage=80),
                                                   s.Route(served_model_name="fraud-3", traffic_percentage=20)])))
    llm = s.ServingEndpoint(name="chat", state=summary.state, config=s.EndpointCoreConfigSummary(
        served_entities=[s.ServedEntitySpec(name="llama", foundation_model=s.FoundationModel(name="llama-4"))]))
    llm_detail = s.ServingEndpointDetailed(name="chat", state=summary.state, config=s.EndpointCoreConfigOutput(
        served_entities=[s.ServedEntityOutput(name="llama", foundation_model=s.FoundationModel(name="llama-4"))]))
    return {"/api/2.0/serving-endpoints": {"endpoints": [summary.as_dict(), llm.as_dict()]},
            "/api/2.0/serving-endpoints/fraud-scoring": detail.as_dict(),
            "/api/2.0/serving-endpoints/chat": llm_detail.as_dict()}


def registry_responses() -> dict[str, Any]:
    versions = [{"name": "fraud", "version": str(v), "creation_timestamp": T0 + v, "current_stage": "None",
                 "source": f"dbfs:/databricks/mlflow/1/models/fraud/{v}", "status": "READY", "user_id": "ana"}
                for v in (1, 2, 3)]
    return {"/api/2.0/mlflow/registered-models/search": {"registered_models": [
                {"name": "fraud", "creation_timestamp": T0, "latest_versions": versions[-1:]}]},
            "/api/2.0/mlflow/model-versions/search": {"model_versions": versions},
            **{f"get:{v['version']}": {"model_version": v} for v in versions}}


@pytest.fixture
def databricks(databricks_host: Any) -> list[str]:
    routes = {**serving_responses(), **registry_responses()}

    def answer(parts: Any) -> Any:
        body: Any = routes.get(parts.path)
        if parts.path == "/api/2.0/mlflow/model-versions/get":
            q = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
            body = routes.get(f"get:{q.get('version')}")
        return body

    return databricks_host(answer, "ENDPOINT_NOT_FOUND")


def test_serving_endpoints_are_deployments_of_the_registry_versions(databricks: list[str]) -> None:
    imp = get("mlflow")(tracking_uri="databricks", registry_uri="databricks", include_runs=False, signatures=False,
                        version_details=True)
    ents = imp.run()
    assert "/api/2.0/serving-endpoints" in databricks and "/api/2.0/serving-endpoints/fraud-scoring" in databricks
    model = next(e for e in ents if isinstance(e, m.MLModel))
    assert model.service_type is m.PlatformType.DATABRICKS and [v.name for v in model.versions] == ["1", "2", "3"]
    eps = {e.fqn: e for e in ents if isinstance(e, m.Endpoint)}
    assert sorted(eps) == ["mlflow.fraud-scoring.fraud-2", "mlflow.fraud-scoring.fraud-3"]
    e2 = eps["mlflow.fraud-scoring.fraud-2"]
    assert e2.model_version.fqn == "mlflow.fraud.2" and e2.model.fqn == model.fqn
    assert {v.fqn for v in model.versions} >= {e.model_version.fqn for e in eps.values()}
    assert e2.status is m.DeploymentStatus.IN_SERVICE and e2.environment == "prod"
    assert e2.instance_type == "Small CPU" and e2.display_name == "fraud-scoring (fraud-2)"
    assert (e2.traffic_percentage, eps["mlflow.fraud-scoring.fraud-3"].traffic_percentage) == (80.0, 20.0)
    assert e2.url.endswith("/serving-endpoints/fraud-scoring/invocations")
    assert [o.fqn for o in e2.owners] == ["ana@example.com"] and [t.tag_fqn for t in e2.tags] == ["cost-center.risk"]
    assert [s.item for s in imp.report.skipped] == ["serving endpoint chat entity llama"]
    # each served entity served its version from its own creation time (Databricks keeps no end)
    assert [(f, s.model_version.fqn, s.started_at, s.ended_at, s.traffic_percentage)
            for f in sorted(eps) for s in eps[f].serving_history] == [
        ("mlflow.fraud-scoring.fraud-2", "mlflow.fraud.2", epoch_ms_to_datetime(T0 + 60_000), None, 80.0),
        ("mlflow.fraud-scoring.fraud-3", "mlflow.fraud.3", epoch_ms_to_datetime(T0 + 120_000), None, 20.0)]


def test_serving_can_be_turned_off(databricks: list[str]) -> None:
    imp = get("mlflow")(tracking_uri="databricks", registry_uri="databricks", include_runs=False, signatures=False,
                        serving_endpoints=False)
    ents = imp.run()
    assert not [e for e in ents if isinstance(e, m.Endpoint)]
    assert "/api/2.0/serving-endpoints" not in databricks


@pytest.mark.parametrize("ready,update,status", [
    ("READY", "NOT_UPDATING", m.DeploymentStatus.IN_SERVICE), ("READY", "IN_PROGRESS", m.DeploymentStatus.UPDATING),
    ("NOT_READY", "IN_PROGRESS", m.DeploymentStatus.CREATING), ("READY", "UPDATE_FAILED", m.DeploymentStatus.IN_SERVICE),
    ("NOT_READY", "UPDATE_FAILED", m.DeploymentStatus.FAILED),
    ("NOT_READY", "NOT_UPDATING", m.DeploymentStatus.OUT_OF_SERVICE),
])
def test_state_mapping(ready: str, update: str, status: m.DeploymentStatus) -> None:
    from mlkg.importers.mlflow.serving import status_of

    st = serving.EndpointState(ready=serving.EndpointStateReady(ready),
                               config_update=serving.EndpointStateConfigUpdate(update))
    assert status_of(st) is status
