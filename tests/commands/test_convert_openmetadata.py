"""OpenMetadata's own sample data through ``mlkg convert`` and back to each OpenMetadata shape (issue 13, items 1
and 11), every output checked against OpenMetadata 1.13's JSON Schemas (tests/data/openmetadata-schemas-1.13).

Input: the sample-data files as OpenMetadata ships them (tests/importers/openmetadata/sample_data, see its
ORIGIN.md), with the commands a user types.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.export import openmetadata as omx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))
import om_schemas as oms

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "importers" / "openmetadata" / "sample_data"
#: (models file, the service.json OpenMetadata loads it with, a table its features read, models in it)
CASES = {
    "models": (SAMPLE / "models" / "models.json", SAMPLE / "models" / "service.json",
               "sample_data.ecommerce_db.shopify.raw_customer", 2),
    "models_older": (SAMPLE / "models_older" / "models.json", SAMPLE / "models" / "service.json", None, 2),
    "models_sagemaker": (SAMPLE / "models_sagemaker" / "models.json", SAMPLE / "models_sagemaker" / "service.json",
                         None, 3),
}


def run(*args: str):
    return CliRunner().invoke(get_app(), [str(a) for a in args])


@pytest.fixture(scope="module", params=sorted(CASES))
def converted(request, tmp_path_factory) -> tuple[str, Path]:
    models, service, _, _ = CASES[request.param]
    out = tmp_path_factory.mktemp(request.param) / "g.ttl"
    r = run("convert", "--from", "openmetadata", models, "--service", service, "-o", out)
    assert r.exit_code == 0, r.output
    assert "warning" not in r.stderr
    return request.param, out


def _loader_request(model: dict[str, Any], service_name: str) -> dict[str, Any]:
    """What OpenMetadata's sample-data loader makes of one models.json item (``ingest_mlmodels``): the service
    FQN from service.json, each feature source's table looked up by FQN into an EntityReference."""
    req = dict(model, service=service_name)
    for f in req.get("mlFeatures") or []:
        for s in f.get("featureSources") or []:
            s["dataSource"] = {"id": "00000000-0000-4000-8000-000000000000", "type": "table",
                               "fullyQualifiedName": s["dataSource"]}
    return req


def test_sample_data_converts_validates_and_answers_impact(converted) -> None:
    name, ttl = converted
    _, _, table, n_models = CASES[name]
    g = Graph().parse(ttl)
    r = run("validate", ttl)
    assert r.exit_code == 0, r.output
    r = run("query", "models_by_service", ttl, "--format", "json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == n_models
    if table:
        r = run("impact", table, ttl, "--format", "json")
        assert r.exit_code == 0, r.output
        assert "eta_predictions" in r.stdout
    assert len(g) > 0


def test_every_openmetadata_shape_validates_against_openmetadata_schemas(converted, tmp_path: Path) -> None:
    name, ttl = converted
    n_models = CASES[name][3]
    # api: entities as the API returns them
    r = run("convert", ttl, "--to", "openmetadata", "--shape", "api")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert len(doc["models"]) == n_models and len(doc["services"]) == 1
    for s in doc["services"]:
        assert oms.errors(s, oms.SERVICE) == []
    for mdl in doc["models"]:
        assert oms.errors(mdl, oms.MLMODEL) == []
        assert mdl["service"]["id"] == doc["services"][0]["id"]  # one id per entity, in every reference
    # create: request bodies, one per line, services first
    r = run("convert", ttl, "--to", "openmetadata", "--shape", "create")
    assert r.exit_code == 0, r.output
    bodies = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(bodies) == 1 + n_models and "serviceType" in bodies[0]
    assert oms.errors(bodies[0], oms.CREATE_SERVICE) == []
    for b in bodies[1:]:
        assert oms.errors(b, oms.CREATE_MLMODEL) == []
        assert b["service"] == bodies[0]["name"]  # the create request's FQN string
    # sample-data: service.json and models.json
    out = tmp_path / "sd"
    r = run("convert", ttl, "--to", "openmetadata", "--shape", "sample-data", "-o", out)
    assert r.exit_code == 0, r.output
    service = json.loads((out / "service.json").read_text())
    assert set(service) == {"type", "serviceName", "serviceConnection", "sourceConfig"}
    assert oms.errors(service, oms.WORKFLOW_SOURCE) == []
    models = json.loads((out / "models.json").read_text())
    assert len(models) == n_models and all("service" not in x for x in models)
    for x in models:
        assert oms.errors(_loader_request(x, service["serviceName"]), oms.CREATE_MLMODEL) == []


def test_sample_data_output_reads_back_to_the_same_graph(converted, tmp_path: Path) -> None:
    _, ttl = converted
    out = tmp_path / "sd"
    assert run("convert", ttl, "--to", "openmetadata", "--shape", "sample-data", "-o", out).exit_code == 0
    back = tmp_path / "back.ttl"
    r = run("convert", out / "models.json", "--service", out / "service.json", "-o", back)
    assert r.exit_code == 0, r.output
    assert isomorphic(Graph().parse(ttl), Graph().parse(back))


def test_credentials_stay_out_of_every_shape(tmp_path: Path) -> None:
    models, service, _, _ = CASES["models_sagemaker"]
    ttl = tmp_path / "g.ttl"
    assert run("convert", models, "--service", service, "-o", ttl).exit_code == 0
    outputs = [run("convert", ttl, "--to", "openmetadata", "--shape", s).stdout for s in ("api", "create")]
    assert run("convert", ttl, "--to", "openmetadata", "--shape", "sample-data", "-o", tmp_path / "sd").exit_code == 0
    outputs.append((tmp_path / "sd" / "service.json").read_text())
    for text in [ttl.read_text(), *outputs]:
        assert "aws_secret_access_key" not in text and "aws_access_key_id" not in text
    assert '"awsRegion": "us-east-1"' in outputs[-1]


def test_openmetadata_own_service_json_is_ambiguous_under_strict_json_schema() -> None:
    """Why mlkg writes ``sourceConfig.config.type``: OpenMetadata's own ``{"config": {}}`` fits many branches of
    the workflow's ``oneOf`` (its Python reads it with pydantic, which takes the first that fits)."""
    own = json.loads(CASES["models"][1].read_text())
    (err,) = oms.errors(own, oms.WORKFLOW_SOURCE)
    assert err.startswith("$.sourceConfig.config: {} is valid under each of")
    assert oms.errors({**own, "sourceConfig": omx.SAMPLE_SOURCE_CONFIG}, oms.WORKFLOW_SOURCE) == []


def test_field_lists_are_openmetadata_schemas_properties() -> None:
    mlmodel = oms.schema(oms.MLMODEL)
    assert omx.MLMODEL_KEYS == tuple(mlmodel["properties"])
    assert omx.FEATURE_KEYS == tuple(mlmodel["definitions"]["mlFeature"]["properties"])
    assert omx.SOURCE_KEYS == tuple(mlmodel["definitions"]["featureSource"]["properties"])
    assert omx.SERVICE_KEYS == tuple(oms.schema(oms.SERVICE)["properties"])


# -- item 1, convert side: --service NAME, and a warning when models have no service ------------------------------


def test_service_fqn_places_models_as_the_service_file_does(tmp_path: Path) -> None:
    models, service, _, _ = CASES["models"]
    by_fqn, by_file = tmp_path / "fqn.ttl", tmp_path / "file.ttl"
    r = run("convert", models, "--service", "mlflow_svc", "-o", by_fqn)
    assert r.exit_code == 0, r.output
    assert run("convert", models, "--service", service, "-o", by_file).exit_code == 0
    q = "SELECT ?m WHERE { ?m a <https://w3id.org/mlkg#MLModel> }"
    assert {str(x) for (x,) in Graph().parse(by_fqn).query(q)} == \
        {str(x) for (x,) in Graph().parse(by_file).query(q)} == \
        {"https://w3id.org/mlkg/id/mlmodel/mlflow_svc.eta_predictions",
         "https://w3id.org/mlkg/id/mlmodel/mlflow_svc.forecast_sales"}


def test_a_create_request_and_an_api_entity_serve_as_service_files(tmp_path: Path) -> None:
    """Every shape OpenMetadata uses for a service works with convert --service: the create request (no id) and
    the API entity mlkg writes, as well as sample data's service.json (above)."""
    models, service, _, _ = CASES["models"]
    ttl = tmp_path / "g.ttl"
    assert run("convert", models, "--service", service, "-o", ttl).exit_code == 0
    request = json.loads(run("convert", ttl, "--to", "openmetadata", "--shape", "create").stdout.splitlines()[0])
    entity = json.loads(run("convert", ttl, "--to", "openmetadata").stdout)["services"][0]
    assert "id" not in request and "id" in entity
    for i, shape in enumerate((request, entity)):
        f = tmp_path / f"svc{i}.json"
        f.write_text(json.dumps(shape))
        out = tmp_path / f"g{i}.ttl"
        r = run("convert", models, "--service", f, "-o", out)
        assert r.exit_code == 0, r.output
        assert "mlflow_svc.eta_predictions" in out.read_text()


def test_models_without_a_service_convert_with_a_warning(tmp_path: Path) -> None:
    models = CASES["models"][0]
    r = run("convert", models, "-o", tmp_path / "g.ttl")
    assert r.exit_code == 0, r.output
    assert "warning: 2 model(s) name no service" in r.stderr and "--service" in r.stderr
    r = run("convert", models, "-o", tmp_path / "g2.ttl", "-q")
    assert r.exit_code == 0 and r.stderr == ""
    r = run("convert", models, "--service", "mlflow_svc", "-o", tmp_path / "g3.ttl")
    assert "warning" not in r.stderr


def test_bad_service_and_bad_shape_requests_are_clear_errors(tmp_path: Path) -> None:
    models = CASES["models"][0]
    r = run("convert", models, "--service", tmp_path / "nosuch.json")
    assert r.exit_code == 2 and "nosuch.json: no such file" in r.stderr and "service FQN" in r.stderr
    ttl = tmp_path / "g.ttl"
    assert run("convert", models, "-o", ttl, "-q").exit_code == 0
    r = run("convert", ttl, "--to", "openmetadata", "--shape", "sample-data")
    assert r.exit_code == 2 and "give -o DIR" in r.stderr
    r = run("convert", ttl, "--to", "openmetadata", "--shape", "create")
    assert r.exit_code == 2 and "has no service" in r.stderr and "--service" in r.stderr
    assert "Traceback" not in r.output
    assert r.stdout == ""


def test_a_richer_graph_validates_and_says_what_openmetadata_has_no_field_for(tmp_path: Path) -> None:
    """The fraud-detection example (versions, metrics, deployments, datasets, owners, tags) in OpenMetadata's
    shapes: valid, with mlkg's additions named on stderr; ``--to mlkg`` keeps everything."""
    fraud = ROOT / "examples" / "output" / "fraud_detection.ttl"
    r = run("convert", fraud, "--to", "openmetadata")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["models"] and all(oms.errors(x, oms.MLMODEL) == [] for x in doc["models"])
    assert all(oms.errors(x, oms.SERVICE) == [] for x in doc["services"])
    assert "has no field for: metrics" in r.stderr and "--to mlkg" in r.stderr
    r = run("convert", fraud, "--to", "openmetadata", "--shape", "create")
    bodies = [json.loads(line) for line in r.stdout.splitlines()]
    assert all(oms.errors(b, oms.CREATE_MLMODEL if "algorithm" in b else oms.CREATE_SERVICE) == [] for b in bodies)
    full, back = tmp_path / "g.json", tmp_path / "back.ttl"
    assert run("convert", fraud, "--to", "mlkg", "-o", full).exit_code == 0
    assert run("convert", full, "-o", back).exit_code == 0
    assert isomorphic(Graph().parse(fraud), Graph().parse(back))


def test_a_hugging_face_import_converts_to_every_shape_without_its_base_model(tmp_path: Path) -> None:
    """A real Hub card (all-MiniLM-L6-v2, tests/importers/huggingface) names its base model by FQN only: that model
    is a reference, not one to write (it has no service and no algorithm), so the import's own model converts and
    the base model is reported as skipped."""
    card = ROOT / "tests" / "importers" / "huggingface" / "all-MiniLM-L6-v2"
    ttl = tmp_path / "hf.ttl"
    assert run("import", "huggingface", card, "-o", ttl, "-q").exit_code == 0
    r = run("convert", ttl, "--to", "openmetadata", "--shape", "create")
    assert r.exit_code == 0, r.output
    bodies = [json.loads(line) for line in r.stdout.splitlines()]
    assert [b["name"] for b in bodies] == ["huggingface", "all-MiniLM-L6-v2"]
    assert oms.errors(bodies[0], oms.CREATE_SERVICE) == [] and oms.errors(bodies[1], oms.CREATE_MLMODEL) == []
    assert "huggingface.nreimers/MiniLM-L6-H384-uncased: only referenced" in r.stderr
    r = run("convert", ttl, "--to", "openmetadata", "--shape", "api")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [x["name"] for x in doc["models"]] == ["all-MiniLM-L6-v2"]
    assert oms.errors(doc["models"][0], oms.MLMODEL) == []
    # a model with facts of its own and no service is still refused (the rule above is for references only)
    g = Graph().parse(ttl)
    hub = URIRef("https://w3id.org/mlkg/id/mlmodelService/huggingface")
    g.remove((None, URIRef("https://w3id.org/mlkg#belongsToService"), hub))
    g.serialize(tmp_path / "unplaced.ttl", format="turtle")
    r = run("convert", tmp_path / "unplaced.ttl", "--to", "openmetadata", "--shape", "create")
    assert r.exit_code == 2 and "'all-MiniLM-L6-v2' has no service" in r.stderr
