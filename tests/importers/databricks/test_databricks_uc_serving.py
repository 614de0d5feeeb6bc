"""Databricks Model Serving of Unity Catalog models: the MLflow importer with ``registry_uri="databricks-uc"``
against a loopback DATABRICKS_HOST answering what MLflow's Unity Catalog registry client and databricks-sdk call
(``/api/2.0/mlflow/unity-catalog/registered-models/search`` and ``/get``, ``.../model-versions/search`` and
``/get``, ``/api/2.0/serving-endpoints`` and ``/api/2.0/serving-endpoints/{name}``).

The registry responses are written with MLflow's own Unity Catalog protos (``databricks_uc_registry_messages_pb2``,
``message_to_json``), the serving responses with databricks-sdk's dataclasses (``ServingEndpointDetailed(...)
.as_dict()``); the test reads each back with ``ParseDict`` (unknown fields refused) and ``from_dict``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.importers import get
from mlkg.model import entities as m
from mlkg.model.base import epoch_ms_to_datetime

pytest.importorskip("mlflow")
serving = pytest.importorskip("databricks.sdk.service.serving")
uc = pytest.importorskip("mlflow.protos.databricks_uc_registry_messages_pb2")

T0 = 1_790_000_000_000  # epoch ms
MODEL = "main.fraud.fraud_model"


def proto_json(msg: Any) -> dict[str, Any]:
    from mlflow.utils.proto_json_utils import message_to_json

    out: dict[str, Any] = json.loads(message_to_json(msg))
    return out


def uc_version(v: int) -> Any:
    return uc.ModelVersion(
        name=MODEL, version=str(v), creation_timestamp=T0 + v * 86_400_000, last_updated_timestamp=T0 + v,
        user_id="ana@example.com", source=f"dbfs:/databricks/mlflow-tracking/42/run{v}/artifacts/model",
        run_id=f"run{v}", status=uc.ModelVersionStatus.Value("READY"),
        storage_location=f"s3://uc-metastore/models/fraud_model/v{v}",
        aliases=[uc.RegisteredModelAlias(alias="champion", version="3")] if v == 3 else [])


def registry_responses() -> dict[str, Any]:
    rm = uc.RegisteredModel(name=MODEL, creation_timestamp=T0, last_updated_timestamp=T0, user_id="ana@example.com",
                            description="Card fraud, Unity Catalog",
                            aliases=[uc.RegisteredModelAlias(alias="champion", version="3")])
    search = uc.SearchRegisteredModelsResponse(registered_models=[uc.RegisteredModel(name=MODEL,
                                                                                   creation_timestamp=T0)])
    out = {"/api/2.0/mlflow/unity-catalog/registered-models/search": proto_json(search),
           f"/api/2.0/mlflow/unity-catalog/registered-models/get?{MODEL}":
               proto_json(uc.GetRegisteredModelResponse(registered_model=rm)),
           "/api/2.0/mlflow/unity-catalog/model-versions/search": proto_json(uc.SearchModelVersionsResponse(
               model_versions=[uc_version(v) for v in (1, 2, 3)]))}
    for v in (1, 2, 3):
        out[f"/api/2.0/mlflow/unity-catalog/model-versions/get?{MODEL}:{v}"] = proto_json(
            uc.GetModelVersionResponse(model_version=uc_version(v)))
    return out


def serving_responses() -> dict[str, Any]:
    s = serving
    ready = s.EndpointState(ready=s.EndpointStateReady.READY, config_update=s.EndpointStateConfigUpdate.NOT_UPDATING)
    # a canary: version 3 (the champion) takes 75 %, version 2 25 %; plus a feature-spec function of another
    # catalog the registry import does not read
    fraud = s.ServingEndpointDetailed(
        name="fraud-uc", creator="ana@example.com", creation_timestamp=T0 + 5 * 86_400_000, state=ready,
        tags=[s.EndpointTag(key="env", value="prod")],
        config=s.EndpointCoreConfigOutput(
            config_version=4,
            served_entities=[
                s.ServedEntityOutput(name="fraud_model-3", entity_name=MODEL, entity_version="3",
                                     workload_size="Small", workload_type=s.ServingModelWorkloadType.CPU,
                                     scale_to_zero_enabled=False, creation_timestamp=T0 + 6 * 86_400_000,
                                     creator="ana@example.com"),
                s.ServedEntityOutput(name="fraud_model-2", entity_name=MODEL, entity_version="2",
                                     workload_size="Small", workload_type=s.ServingModelWorkloadType.CPU,
                                     scale_to_zero_enabled=True, creation_timestamp=T0 + 4 * 86_400_000,
                                     creator="ana@example.com"),
                s.ServedEntityOutput(name="features", entity_name="feature_store.fraud.card_features_spec",
                                     entity_version="1", workload_size="Small",
                                     creation_timestamp=T0 + 6 * 86_400_000)],
            traffic_config=s.TrafficConfig(routes=[
                s.Route(served_model_name="fraud_model-3", traffic_percentage=75),
                s.Route(served_model_name="fraud_model-2", traffic_percentage=25),
                s.Route(served_model_name="features", traffic_percentage=0)])))
    # an endpoint created before served entities, still returned with served_models (model_name/model_version)
    legacy = s.ServingEndpointDetailed(
        name="fraud-uc-shadow", creation_timestamp=T0 + 2 * 86_400_000, state=ready,
        config=s.EndpointCoreConfigOutput(served_models=[s.ServedModelOutput(
            name="fraud_model-1", model_name=MODEL, model_version="1", workload_size="Medium",
            creation_timestamp=T0 + 2 * 86_400_000)]))
    listed = [s.ServingEndpoint(name=e.name, creator=e.creator, creation_timestamp=e.creation_timestamp,
                                state=e.state, tags=e.tags) for e in (fraud, legacy)]
    return {"/api/2.0/serving-endpoints": s.ListEndpointsResponse(endpoints=listed).as_dict(),
            "/api/2.0/serving-endpoints/fraud-uc": fraud.as_dict(),
            "/api/2.0/serving-endpoints/fraud-uc-shadow": legacy.as_dict()}


def lookup(routes: dict[str, Any], path: str, query: dict[str, list[str]]) -> Any:
    name = query.get("name", [""])[0]
    if path.endswith("/registered-models/get"):
        return routes.get(f"{path}?{name}")
    if path.endswith("/model-versions/get"):
        return routes.get(f"{path}?{name}:{query.get('version', [''])[0]}")
    if path.endswith("/model-versions/search"):
        return routes.get(path) if f"name='{MODEL}'" in query.get("filter", [""])[0] else {"model_versions": []}
    return routes.get(path)


@pytest.fixture
def workspace(databricks_host: Any) -> list[str]:
    routes = {**registry_responses(), **serving_responses()}
    return databricks_host(lambda parts: lookup(routes, parts.path, parse_qs(parts.query)), "RESOURCE_DOES_NOT_EXIST")


def test_the_responses_are_what_mlflow_and_databricks_sdk_read() -> None:
    from google.protobuf.json_format import ParseDict

    for path, body in registry_responses().items():
        kind = {"search": uc.SearchRegisteredModelsResponse if "registered-models" in path else
                uc.SearchModelVersionsResponse}.get(path.rsplit("/", 1)[-1].split("?")[0]) or (
            uc.GetRegisteredModelResponse if "registered-models/get" in path else uc.GetModelVersionResponse)
        ParseDict(body, kind())  # raises on a field the proto does not have
    for path, body in serving_responses().items():
        cls = serving.ListEndpointsResponse if path.endswith("serving-endpoints") else serving.ServingEndpointDetailed
        assert cls.from_dict(body).as_dict() == body, path
    detail = serving.ServingEndpointDetailed.from_dict(serving_responses()["/api/2.0/serving-endpoints/fraud-uc"])
    assert [(e.entity_name, e.entity_version) for e in detail.config.served_entities][:2] == [
        (MODEL, "3"), (MODEL, "2")]


@pytest.fixture
def imported(workspace: list[str]) -> tuple[list[m.Entity], Any, list[str]]:
    imp = get("mlflow")(tracking_uri="databricks", registry_uri="databricks-uc", include_runs=False,
                        signatures=False)
    return imp.run(), imp.report, workspace


def test_uc_serving_endpoints_are_deployments_of_the_uc_versions(imported: Any) -> None:
    ents, report, seen = imported
    assert "/api/2.0/mlflow/unity-catalog/model-versions/search" in seen
    assert "/api/2.0/serving-endpoints/fraud-uc" in seen
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    assert model.name == MODEL and [v.name for v in model.versions] == ["1", "2", "3"]
    versions = {v.fqn for v in model.versions}
    eps = {e.fqn: e for e in ents if isinstance(e, m.Endpoint)}
    assert sorted(eps) == ["mlflow.fraud-uc-shadow", "mlflow.fraud-uc.features", "mlflow.fraud-uc.fraud_model-2",
                           "mlflow.fraud-uc.fraud_model-3"]
    by_version = {e.model_version.fqn: e for e in eps.values() if e.model_version.fqn in versions}
    # every UC version served lands on the version the registry import made
    assert sorted(v.rsplit(".", 1)[-1] for v in by_version) == ["1", "2", "3"]
    v3, v2, v1 = (by_version[f"{model.fqn}.{n}"] for n in ("3", "2", "1"))
    assert (v3.traffic_percentage, v2.traffic_percentage, v1.traffic_percentage) == (75.0, 25.0, 100.0)
    assert v3.model.fqn == model.fqn and v3.status is m.DeploymentStatus.IN_SERVICE and v3.environment == "prod"
    assert (v3.instance_type, v1.instance_type) == ("Small CPU", "Medium")
    assert v3.display_name == "fraud-uc (fraud_model-3)" and v1.name == "fraud-uc-shadow"
    assert [(s.model_version.fqn, s.started_at, s.traffic_percentage) for s in v3.serving_history] == [
        (f"{model.fqn}.3", epoch_ms_to_datetime(T0 + 6 * 86_400_000), 75.0)]
    # the champion alias comes from Unity Catalog
    assert next(v for v in model.versions if v.name == "3").aliases == ["champion"]
    # the feature spec of another catalog: a deployment all the same, and a warning that names it
    features = next(e for e in eps.values() if e.model_version.fqn not in versions)
    assert features.traffic_percentage == 0.0
    assert [(w.item, w.message) for w in report.warnings] == [
        ("serving endpoint fraud-uc entity features",
         "serves feature_store.fraud.card_features_spec version 1, which the registry import did not read")]


@pytest.mark.slow  # the whole CLI twice (import, query): 2-5 s
def test_production_through_the_cli(workspace: list[str], tmp_path: Path) -> None:
    out = tmp_path / "uc.ttl"
    cli = CliRunner()
    res = cli.invoke(get_app(), ["import", "mlflow", "--tracking-uri", "databricks", "--registry-uri",
                                 "databricks-uc", "--no-runs", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert len(Graph().parse(out)) > 50
    rows = json.loads(cli.invoke(get_app(), ["query", "production", str(out), "-f", "json"]).stdout)
    # the prod endpoint's versions (version 1's shadow endpoint has no env tag: not production)
    assert {(r["version_label"], r["endpoint_name"], r.get("aliases")) for r in rows} == {
        ("2", "mlflow.fraud-uc.fraud_model-2", None), ("3", "mlflow.fraud-uc.fraud_model-3", "champion")}
