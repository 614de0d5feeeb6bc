"""OpenMetadata importer: REST paging against a loopback server of our own, JSON files (API, create request,
sample data) with every field kept, create requests back out, and OpenMetadata's om: RDF mapped onto mlkg."""

from __future__ import annotations

import copy
import dataclasses
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import OWL, Graph, URIRef
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.errors import InputError
from mlkg.importers import ImportFailure, SourceUnavailable, run_import
from mlkg.importers.base import ImportReport
from mlkg.importers.openmetadata import (
    CREATE_MLMODEL_KEYS,
    OpenMetadataConfig,
    create_request,
    create_requests,
)
from mlkg.model import entities as m

FIX = Path(__file__).parent
API = FIX / "om_api"
MODELS = json.loads((API / "mlmodels.json").read_text())
SERVICES = json.loads((API / "mlmodelServices.json").read_text())


def _norm(v: Any) -> Any:
    """JSON with lists in a canonical order (mlkg keeps lists as sets, as RDF does)."""
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return sorted((_norm(x) for x in v), key=lambda x: json.dumps(x, sort_keys=True))
    return v


# ---------------------------------------------------------------------------------------------------------------
# A loopback OpenMetadata API serving recorded-shaped JSON, one item per page
# ---------------------------------------------------------------------------------------------------------------


class _Api(http.server.BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    token: str | None = None
    reject_fields = False

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append({"path": parts.path, "query": q, "auth": self.headers.get("Authorization")})
        if self.token and self.headers.get("Authorization") != f"Bearer {self.token}":
            return self._send(401, {"code": 401, "message": "Not authorized"})
        if self.reject_fields and "fields" in q:
            return self._send(400, {"code": 400, "message": "Invalid field name dataProducts"})
        items = {"/api/v1/mlmodels": MODELS, "/api/v1/services/mlmodelServices": SERVICES}.get(parts.path)
        if items is None:
            return self._send(404, {"code": 404, "message": "not found"})
        limit = int(q.get("limit", "10"))
        start = int(q.get("after", "0"))
        page = items[start:start + limit]
        nxt = start + limit
        paging: dict[str, Any] = {"total": len(items)}
        if nxt < len(items):
            paging["after"] = str(nxt)
        self._send(200, {"data": page, "paging": paging})

    def _send(self, code: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    _Api.requests = []
    _Api.token = None
    _Api.reject_fields = False
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_rest_listing_pages_through_services_and_models_with_the_token(api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _Api.token = "secret-jwt"
    monkeypatch.setenv("OM_TOKEN_FOR_TEST", "secret-jwt")
    ents, report = run_import("openmetadata", OpenMetadataConfig(source=api, page_size=1, token_env="OM_TOKEN_FOR_TEST"))
    assert [e.fqn for e in ents] == ["sagemaker_eu", "sagemaker_eu.fraud_detector", "sagemaker_eu.churn_baseline"]
    model_reqs = [r for r in _Api.requests if r["path"] == "/api/v1/mlmodels"]
    assert [r["query"].get("after") for r in model_reqs] == [None, "1"]
    assert all(r["query"]["limit"] == "1" and "owners" in r["query"]["fields"] for r in model_reqs)
    assert all(r["auth"] == "Bearer secret-jwt" for r in _Api.requests)
    assert report.counts["models"] == 2 and report.counts["services"] == 1
    svc = ents[0]
    assert isinstance(svc, m.MLModelService) and svc.service_type.value == "SageMaker"
    # the secret in the connection is not kept
    assert "awsSecretAccessKey" not in json.dumps(svc.openmetadata_extra)


def test_rest_api_json_converts_with_every_field_kept(api: str) -> None:
    from mlkg.model.json import entity_to_dict

    ents, _ = run_import("openmetadata", OpenMetadataConfig(source=api + "/api/v1/mlmodels", page_size=50))
    assert len(ents) == 2
    for original, ent in zip(MODELS, ents):
        assert _norm(entity_to_dict(ent)) == _norm(original)


def test_rest_listing_url_names_one_collection_and_old_servers_without_fields(api: str) -> None:
    _Api.reject_fields = True
    ents, _ = run_import("openmetadata", OpenMetadataConfig(source=api + "/api/v1/mlmodels"))
    assert [type(e) for e in ents] == [m.MLModel, m.MLModel]
    assert {r["path"] for r in _Api.requests} == {"/api/v1/mlmodels"}
    assert any("fields" not in r["query"] for r in _Api.requests)


def test_rest_errors_are_clear(api: str) -> None:
    _Api.token = "needed"
    with pytest.raises(SourceUnavailable, match="HTTP 401.*OPENMETADATA_JWT_TOKEN"):
        run_import("openmetadata", OpenMetadataConfig(source=api))
    with pytest.raises(SourceUnavailable, match="not an OpenMetadata list|HTTP 404"):
        _Api.token = None
        run_import("openmetadata", OpenMetadataConfig(source=api + "/api/v1/nothing"))


def test_unreachable_server_is_a_clear_error_and_no_output(tmp_path: Path) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    out = tmp_path / "om.ttl"
    res = CliRunner().invoke(get_app(), ["import", "openmetadata", f"http://127.0.0.1:{port}", "-o", str(out)])
    assert res.exit_code == 2 and "cannot reach OpenMetadata" in res.output and "Traceback" not in res.output
    assert not out.exists()


# ---------------------------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------------------------


def test_api_page_file_and_a_bad_entity_is_skipped_with_its_path(tmp_path: Path) -> None:
    bad = copy.deepcopy(MODELS[1])
    bad["mlFeatures"] = [{"name": "x", "dataType": "integer"}]  # not numerical/categorical
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"data": [MODELS[0], bad], "paging": {"total": 2}}))
    ents, report = run_import("openmetadata", OpenMetadataConfig(source=str(path)))
    assert [e.name for e in ents] == ["fraud_detector"]
    (skip,) = report.skipped
    assert "$.data[1]" in skip.item and "churn_baseline" in skip.item
    assert "mlFeatures[0].dataType" in skip.message and "numerical" in skip.message
    with pytest.raises(ImportFailure):
        run_import("openmetadata", OpenMetadataConfig(source=str(path)), strict=True)


def test_create_request_file_converts_with_every_field_kept() -> None:
    from mlkg.model.json import entity_to_dict

    original = json.loads((FIX / "om_create_request.json").read_text())
    ents, report = run_import("openmetadata", OpenMetadataConfig(source=str(FIX / "om_create_request.json")))
    (model,) = ents
    assert model.fqn == "logistics_ml.eta_predictions" and model.dashboard.fqn == "superset.eta_dashboard"
    assert {h.name: h.value for h in model.ml_hyper_parameters} == {"layers": 3, "dropout": 0.2}
    back = create_request(model)
    for f in back.get("mlFeatures", []):  # FQNs the importer derived (the request had none)
        f.pop("fullyQualifiedName", None)
        for src in f.get("featureSources", []):
            src.pop("fullyQualifiedName", None)
    assert _norm(back) == _norm(original)
    assert entity_to_dict(model)["service"] == {"type": "mlmodelService", "fullyQualifiedName": "logistics_ml"}
    assert not report.problems


def test_sample_data_file_placed_under_a_service(tmp_path: Path) -> None:
    sample = {"models": [{"name": "eta", "algorithm": "Neural Network", "target": "eta_time",
                          "dashboard": "sample_superset.eta_predictions_performance",
                          "mlFeatures": [{"name": "sales", "dataType": "numerical",
                                          "featureSources": [{"name": "gross_sales", "dataType": "integer",
                                                              "dataSource": "sample_data.ecommerce_db.shopify.fact_sale"}]}],
                          "mlHyperParameters": [{"name": "regularisation", "value": "0.5"}],
                          "mlStore": {"storage": "s3://path-to-pickle"}, "server": "http://my-server.ai/"}]}
    path = tmp_path / "models.json"
    path.write_text(json.dumps(sample))
    svc = tmp_path / "svc.json"
    svc.write_text(json.dumps(SERVICES[0]))
    ents, report = run_import("openmetadata", OpenMetadataConfig(source=str(path), service=str(svc)))
    service, model = ents
    assert isinstance(service, m.MLModelService) and model.fqn == "sagemaker_eu.eta"
    assert model.service_type.value == "SageMaker"
    (feat,) = model.ml_features
    assert feat.fqn == "sagemaker_eu.eta.sales"
    assert feat.feature_sources[0].data_source.fqn == "sample_data.ecommerce_db.shopify.fact_sale"
    assert not report.problems
    # without a service the models keep bare names, and the report says so
    ents, report = run_import("openmetadata", OpenMetadataConfig(source=str(path)))
    assert [e.fqn for e in ents] == ["eta"] and "name no service" in report.warnings[0].message
    # a service FQN string works too
    ents, _ = run_import("openmetadata", OpenMetadataConfig(source=str(path), service="demo_ml"))
    assert ents[0].fqn == "demo_ml.eta"


def test_malformed_json_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"name": "x",\n  "algorithm": }\n')
    with pytest.raises(InputError) as err:
        run_import("openmetadata", OpenMetadataConfig(source=str(path)))
    assert "broken.json" in str(err.value) and err.value.line == 2


# ---------------------------------------------------------------------------------------------------------------
# Create requests (the way back)
# ---------------------------------------------------------------------------------------------------------------


def test_create_request_shape() -> None:
    from mlkg.model.json import entity_from_dict

    model = entity_from_dict(m.MLModel, MODELS[0])
    model = dataclasses.replace(model, versions=[m.ModelVersion(name="1", stage="Production")])
    report = ImportReport(source="export")
    req = create_request(model, report)
    assert set(req) <= set(CREATE_MLMODEL_KEYS)
    assert req["service"] == "sagemaker_eu" and req["dashboard"] == "looker.fraud_kpis"
    assert req["domains"] == ["Payments"]
    assert {h["name"]: h["value"] for h in req["mlHyperParameters"]} == {
        "eta": "0.05", "num_round": "400", "objective": "binary:logistic"}
    assert req["owners"] == [{"type": "team", "id": "11111111-2222-4333-8444-555555555555",
                              "name": "ml-platform", "fullyQualifiedName": "ml-platform"}]
    src = [f for f in req["mlFeatures"] if f["name"] == "amount"][0]["featureSources"][0]
    assert src["dataSource"]["type"] == "table" and src["dataSource"]["id"].startswith("9a9b")
    assert all("position" not in f for f in req["mlFeatures"])
    assert req["extension"] == {"riskOwner": "cro-office"}
    assert "versions" in report.skipped[0].message
    # the request reads back as the same model (minus what OpenMetadata's server adds)
    again = entity_from_dict(m.MLModel, req)
    assert again.fqn == model.fqn and again.algorithm == "XGBoost"
    assert sorted(f.name for f in again.ml_features) == ["amount", "merchant_category"]


def test_create_requests_for_services_and_models() -> None:
    report = ImportReport(source="export")
    out = create_requests([m.MLModelService(name="hf", service_type="HuggingFace"),
                           m.MLModel(name="bert", service="hf"), m.Dataset(name="imdb")], report)
    assert out["services"] == [{"name": "hf", "serviceType": "CustomMlModel"}]
    assert out["models"] == [{"name": "bert", "service": "hf", "algorithm": "mlmodel"}]
    assert "CustomMlModel" in report.warnings[0].message
    with pytest.raises(InputError, match="has no service"):
        create_request(m.MLModel(name="loose"))


# ---------------------------------------------------------------------------------------------------------------
# om: RDF
# ---------------------------------------------------------------------------------------------------------------


def test_om_graph_maps_onto_mlkg_terms() -> None:
    ents, report = run_import("openmetadata", OpenMetadataConfig(source=str(FIX / "om_mlmodel.ttl")))
    model = [e for e in ents if isinstance(e, m.MLModel)][0]
    assert model.fqn == "mlflow_prod.customer_churn_predictor" and model.id == "8f1d0c84-5b8e-4a55-9b40-2c7f1b9c6a01"
    assert model.display_name == "Customer churn predictor" and model.algorithm == "XGBoost"
    assert model.target == "churned" and model.server == "https://ml.example.com/churn/v1"
    assert model.service.fqn == "mlflow_prod"
    feats = {f.name: f for f in model.ml_features}
    assert feats["recency"].data_type.value == "numerical"
    src = feats["recency"].feature_sources[0]
    assert src.data_source.fqn == "snowflake_prod.analytics.public.customers" and src.data_type.value == "date"
    assert {h.name: h.value for h in model.ml_hyper_parameters} == {"learning_rate": 0.01, "max_depth": 6}
    assert model.ml_store.storage == "s3://ml-artifacts/churn/model.pkl"
    assert model.dashboard.fqn == "superset_prod.churn_performance"
    assert [(o.type, o.fqn) for o in model.owners] == [("team", "ml-platform")]
    assert {(t.tag_fqn, t.source) for t in model.tags} == {("Tier.Tier1", "Classification"),
                                                          ("Business.Churn", "Glossary")}
    assert [r.fqn for r in model.training_datasets] == ["snowflake_prod.analytics.public.customers"]
    assert [r.fqn for r in model.predictions] == ["snowflake_prod.analytics.public.churn_scores"]
    assert model.version == 0.3 and model.updated_at.year == 2024
    tables = {t.fqn: t for t in ents if isinstance(t, m.Table)}
    assert [u.fqn for u in tables["snowflake_prod.analytics.public.customers"].upstream] == [
        "snowflake_prod.raw.public.raw_customers"]
    svc = [e for e in ents if isinstance(e, m.MLModelService)][0]
    assert svc.service_type.value == "Mlflow"
    assert not report.problems


def test_om_graph_result_validates_and_links_back_with_same_as(tmp_path: Path) -> None:
    from mlkg.validate import validate

    out = tmp_path / "mlkg.ttl"
    res = CliRunner().invoke(get_app(), ["import", "openmetadata", str(FIX / "om_mlmodel.ttl"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    g = Graph().parse(out)
    model = URIRef("https://w3id.org/mlkg/id/mlmodel/mlflow_prod.customer_churn_predictor")
    assert (model, OWL.sameAs,
            URIRef("https://open-metadata.org/entity/mlmodel/8f1d0c84-5b8e-4a55-9b40-2c7f1b9c6a01")) in g
    # lineage written out: the predictions table derives from the model, the model from the feature table
    prov = "http://www.w3.org/ns/prov#wasDerivedFrom"
    assert (URIRef("https://w3id.org/mlkg/id/table/snowflake_prod.analytics.public.churn_scores"), URIRef(prov),
            model) in g
    result = validate(g)
    assert result.conforms, result.text()


def test_om_graph_unknown_predicates_are_reported(tmp_path: Path) -> None:
    text = (FIX / "om_mlmodel.ttl").read_text() + (
        "\n<https://open-metadata.org/entity/mlmodel/8f1d0c84-5b8e-4a55-9b40-2c7f1b9c6a01> "
        "om:somethingNew \"x\" .\n")
    path = tmp_path / "om.ttl"
    path.write_text(text)
    ents, report = run_import("openmetadata", OpenMetadataConfig(source=str(path)))
    assert any("om:somethingNew" in w.message for w in report.warnings)
    with pytest.raises(ImportFailure, match="somethingNew"):
        run_import("openmetadata", OpenMetadataConfig(source=str(path)), strict=True)


def test_om_graph_with_other_class_spellings(tmp_path: Path) -> None:
    path = tmp_path / "om.nt"
    path.write_text(
        '<https://open-metadata.org/entity/mlmodel/u1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
        '<https://open-metadata.org/ontology/Mlmodel> .\n'
        '<https://open-metadata.org/entity/mlmodel/u1> <https://open-metadata.org/ontology/fullyQualifiedName> '
        '"svc.m1" .\n'
        '<https://open-metadata.org/entity/mlmodel/u1> <https://open-metadata.org/ontology/mlFeatures> '
        '"[{\\"name\\": \\"f\\", \\"dataType\\": \\"categorical\\"}]" .\n')
    ents, report = run_import("openmetadata", OpenMetadataConfig(source=str(path)))
    (model,) = ents
    assert model.name == "m1" and model.service.fqn == "svc" and model.ml_features[0].data_type.value == "categorical"
    assert not report.problems


@pytest.mark.parametrize(("source", "service", "golden_file"), [
    ("om_create_request.json", "", "expected_create_request.ttl"),
    ("om_api/mlmodels.json", "", "expected_api_list.ttl"),
    ("om_mlmodel.ttl", "", "expected_om_rdf.ttl"),
])
def test_golden_graphs(golden, source: str, service: str, golden_file: str) -> None:
    from mlkg.importers import get

    importer = get("openmetadata")(source=str(FIX / source), service=service)
    golden(importer, importer.run(), FIX / golden_file)


SAMPLE = FIX / "sample_data"


@pytest.mark.parametrize(("models", "service", "name", "platform", "n"), [
    ("models/models.json", "models/service.json", "mlflow_svc", "Mlflow", 2),
    ("models_older/models.json", "models/service.json", "mlflow_svc", "Mlflow", 2),
    ("models_sagemaker/models.json", "models_sagemaker/service.json", "sagemaker_svc", "SageMaker", 3),
])
def test_openmetadata_sample_data_with_its_workflow_source_service(tmp_path: Path, models: str, service: str,
                                                                   name: str, platform: str, n: int) -> None:
    """OpenMetadata's own sample data as it is: service.json has the ingestion workflow-source shape."""
    from mlkg.validate import validate

    out = tmp_path / "out.ttl"
    res = CliRunner().invoke(get_app(), ["import", "openmetadata", str(SAMPLE / models), "--service",
                                         str(SAMPLE / service), "-o", str(out), "--strict"])
    assert res.exit_code == 0, res.output
    g = Graph().parse(out)
    text = out.read_text()
    assert "aws_secret_access_key" not in text and "aws_access_key_id" not in text  # credentials stay out
    q = f"""PREFIX mlkg: <https://w3id.org/mlkg#>
    SELECT ?m WHERE {{ ?m a mlkg:MLModel ; mlkg:belongsToService ?s . ?s mlkg:name "{name}" }}"""
    assert len(list(g.query(q))) == n
    ents, _ = run_import("openmetadata", OpenMetadataConfig(source=str(SAMPLE / models), service=str(SAMPLE / service)))
    svc = [e for e in ents if isinstance(e, m.MLModelService)][0]
    assert (svc.name, svc.service_type.value) == (name, platform)
    assert all(e.service.fqn == name for e in ents if isinstance(e, m.MLModel))
    result = validate(g)
    assert result.conforms, result.text()


def test_every_openmetadata_service_shape_gives_the_same_service(tmp_path: Path) -> None:
    from mlkg.importers.openmetadata import create_service_request, service_from_json

    workflow = json.loads((SAMPLE / "models" / "service.json").read_text())
    from_workflow = service_from_json(workflow, source="service.json")
    assert from_workflow.service_url == "http://localhost:8088"
    request = create_service_request(from_workflow)  # the CreateMlModelServiceRequest shape (no id)
    entity = json.loads((FIX / "om_api" / "mlmodelServices.json").read_text())[0]  # the API entity shape
    for shape in (request, {**request, "id": "b3f0c1de-2a4b-4c5d-8e6f-0a1b2c3d4e5f"}):
        svc = service_from_json(shape)
        assert (svc.name, svc.service_type) == (from_workflow.name, from_workflow.service_type)
    svc = service_from_json(entity)
    assert svc.name == "sagemaker_eu" and "hidden" not in json.dumps(svc.openmetadata_extra)
    with pytest.raises(InputError, match=r"service.json: \$.type: the service type is missing"):
        service_from_json({"serviceName": "x", "sourceConfig": {}}, source="service.json")
    res = CliRunner().invoke(get_app(), ["import", "openmetadata", str(SAMPLE / "models" / "models.json"),
                                         "--service", str(tmp_path / "nope.json")])
    assert res.exit_code == 2 and "nope.json: no such file" in res.output


def test_sample_data_golden_graph(golden) -> None:
    from mlkg.importers import get

    importer = get("openmetadata")(source=str(SAMPLE / "models" / "models.json"),
                                   service=str(SAMPLE / "models" / "service.json"))
    golden(importer, importer.run(), FIX / "expected_sample_data.ttl")
