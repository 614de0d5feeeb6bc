"""JSON Schemas for OpenMetadata-shaped input: OpenMetadata instances pass, wrong enums, missing fields and wrong
types are rejected with the JSON path, what was expected and the file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mlkg import synth
from mlkg.errors import InputError
from mlkg.schema import KINDS, build, check_json, json_errors, load_schema

HERE = Path(__file__).resolve().parents[1]
FIX = HERE / "fixtures" / "validation"
DATA = HERE / "data"


def load(name: str) -> Any:
    return json.loads((FIX / name).read_text(encoding="utf-8"))


def test_schemas_are_draft_2020_12_and_up_to_date() -> None:
    from jsonschema import Draft202012Validator

    for kind in KINDS:
        s = load_schema(kind)
        assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(s)
    stale = [p.name for p, text in build.files().items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"run python -m mlkg.tools.generate: {stale}"


def test_openmetadata_enums_and_required_fields_are_kept() -> None:
    s = load_schema("mlmodel")
    assert s["required"] == ["id", "name", "algorithm", "service"]
    assert s["$defs"]["featureType"]["enum"] == ["numerical", "categorical"]
    assert s["$defs"]["featureSourceDataType"]["enum"] == [
        "integer", "number", "string", "array", "date", "timestamp", "object", "boolean"]
    assert s["$defs"]["mlModelServiceType"]["enum"][:5] == ["Mlflow", "Sklearn", "CustomMlModel", "SageMaker",
                                                            "VertexAI"]
    assert s["$defs"]["entityName"]["maxLength"] == 256
    assert load_schema("mlmodelService")["required"] == ["id", "name", "serviceType"]
    assert load_schema("createMlModel")["required"] == ["name", "service"]
    model = s["$defs"]["mlmodel"]
    assert model["additionalProperties"] is False
    for key in ("mlFeatures", "mlHyperParameters", "target", "dashboard", "mlStore", "server", "owners", "tags",
                "service", "serviceType", "sourceUrl", "domains", "dataProducts", "versions", "deployments"):
        assert key in model["properties"], key


@pytest.mark.parametrize("path,kind", [
    (DATA / "om_mlmodel_api.json", "mlmodel"),
    (DATA / "om_mlmodel_api.json", "document"),
    (DATA / "om_mlflow_service.json", "mlmodelService"),
    (DATA / "om_sample_models.json", "document"),
    (FIX / "om_mlmodel_ok.json", "mlmodel"),
])
def test_openmetadata_instances_pass(path: Path, kind: str) -> None:
    check_json(json.loads(path.read_text(encoding="utf-8")), kind=kind, source=str(path))


def test_mlkg_documents_written_by_the_codec_pass() -> None:
    from mlkg.model.json import document_to_json

    doc = document_to_json([e for e in synth.generate(5, seed=4) if type(e).__name__ in {
        "MLModelService", "MLModel", "Endpoint", "Table", "Dataset", "Pipeline", "Dashboard", "AlertingSystem",
        "User", "Team", "Tag"}])
    assert json_errors(doc, "document") == []
    for shape in ("create", "sample-data"):
        assert json_errors(document_to_json(synth.generate(5, seed=4)[:40], shape=shape), "document") == []


def test_wrong_enum_is_rejected_with_the_json_path() -> None:
    with pytest.raises(InputError) as e:
        check_json(load("om_mlmodel_bad_enum.json"), kind="mlmodel", source="bad_enum.json")
    err = e.value
    assert err.path == "$.mlFeatures[1].dataType"
    assert err.source == "bad_enum.json"
    assert err.expected == "one of: numerical, categorical"
    assert "'integer'" in err.message
    assert str(err).startswith("bad_enum.json: $.mlFeatures[1].dataType: ")


def test_missing_required_field() -> None:
    with pytest.raises(InputError) as e:
        check_json(load("om_mlmodel_missing_algorithm.json"), kind="mlmodel", source="m.json")
    assert e.value.path == "$.algorithm" and "missing required field 'algorithm'" in e.value.message
    # mlkg documents need only a name; a nameless model in a list is reported at its index
    with pytest.raises(InputError) as e2:
        check_json([{"name": "a"}, {"description": "no name"}], kind="document")
    assert e2.value.path == "$[1].name"


def test_wrong_types_all_errors_in_document_order() -> None:
    errors = json_errors(load("om_mlmodel_wrong_type.json"), kind="mlmodel", source="t.json")
    assert [(e.path, e.expected) for e in errors] == [
        ("$.mlFeatures[0].featureSources[0].tags", "a list"),
        ("$.mlHyperParameters[0].value", "a string, number or boolean"),
    ]
    assert all(e.source == "t.json" and e.message.startswith("wrong type") for e in errors)
    with pytest.raises(InputError) as first:
        check_json(load("om_mlmodel_wrong_type.json"), kind="mlmodel")
    assert first.value.path == errors[0].path


@pytest.mark.parametrize("patch,path,expected", [
    ({"name": "a::b"}, "$.name", "a name of 1 to 256 characters without '::'"),
    ({"name": ""}, "$.name", "a name of 1 to 256 characters without '::'"),
    ({"algoritm": "x"}, "$.algoritm", "a field of MLModel"),
    ({"service": 7}, "$.service", "an FQN string or an EntityReference object"),
    ({"service": {"type": "mlmodelService"}}, "$.service",
     "an EntityReference object with an id or a fullyQualifiedName"),
    ({"service": {"fullyQualifiedName": "svc", "type": "notAType"}}, "$.service.type", None),
    ({"updatedAt": "yesterday", "version": 0.0}, "$.version", "a number >= 0.1"),
    ({"versions": [{"name": "1", "stage": "Prod"}]}, "$.versions[0].stage",
     "one of: None, Staging, Production, Archived"),
    ({"versions": [{"name": "1", "metrics": [{"name": "auc"}]}]}, "$.versions[0].metrics[0].value", None),
])
def test_mlkg_additions_are_checked_too(patch: dict[str, Any], path: str, expected: str | None) -> None:
    doc = load("om_mlmodel_ok.json")
    doc.update(patch)
    errors = json_errors(doc, "mlmodel")
    assert errors and errors[0].path == path, [str(e) for e in errors]
    if expected:
        assert errors[0].expected == expected


def test_null_members_are_ignored_like_the_reader_does() -> None:
    doc = load("om_mlmodel_ok.json")
    doc.update({"mlFeatures": None, "target": None, "dashboard": None})
    check_json(doc, kind="mlmodel")


def test_create_request_refuses_server_set_fields() -> None:
    req = {"name": "churn", "algorithm": "XGBoost", "service": "mlflow_svc", "owners": [
        {"id": "0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e", "type": "team"}], "mlFeatures": [
        {"name": "age", "dataType": "numerical"}]}
    check_json(req, kind="createMlModel")
    bad = copy.deepcopy(req)
    bad["id"] = "0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e"
    with pytest.raises(InputError) as e:
        check_json(bad, kind="createMlModel")
    assert e.value.path == "$.id"
    check_json({"name": "churn", "service": "svc"}, kind="createMlModel")  # algorithm defaults to "mlmodel"
    with pytest.raises(InputError) as e2:
        check_json({"name": "churn", "algorithm": "XGBoost"}, kind="createMlModel")
    assert e2.value.path == "$.service"


def test_collections_and_paged_lists() -> None:
    doc = {"services": [{"name": "svc", "serviceType": "Kubeflow"}],
           "models": [{"name": "m", "mlFeatures": [{"name": "f", "dataType": "numerical"}]}],
           "tables": [{"name": "t", "fullyQualifiedName": "db.s.t"}]}
    check_json(doc, kind="document")
    doc["services"][0]["serviceType"] = "Spark"
    with pytest.raises(InputError) as e:
        check_json(doc, kind="document")
    assert e.value.path == "$.services[0].serviceType"
    paged = {"data": [{"name": "m", "mlHyperParameters": [{"name": "lr", "value": [0.1]}]}], "paging": {"total": 1}}
    with pytest.raises(InputError) as e2:
        check_json(paged, kind="document")
    assert e2.value.path == "$.data[0].mlHyperParameters[0].value"


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown schema kind"):
        check_json({}, kind="table")
