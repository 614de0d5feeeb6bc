"""Generate mlkg's JSON Schemas (Draft 2020-12) from the entity field specs.

The schemas describe the JSON mlkg reads: OpenMetadata's MlModel and MlModelService entities and its
CreateMlModelRequest (same field names, same enums, the same required fields), extended with mlkg's fields
(versions, metrics, deployments, training data, governance). Every OpenMetadata instance of those shapes is valid;
mlkg additions are optional.

Files (in this package, one self-contained schema each):

* ``mlmodel.schema.json``: an OpenMetadata MlModel entity (``id``, ``name``, ``algorithm``, ``service`` required);
* ``mlmodelService.schema.json``: an MlModelService entity (``id``, ``name``, ``serviceType`` required);
* ``createMlModel.schema.json``: a create request (``name`` and ``service`` required, ``algorithm`` defaults to
  ``"mlmodel"`` on the server; no server-set
  fields such as ``id``, ``fullyQualifiedName``, ``href``, ``version``, ``updatedAt``);
* ``document.schema.json``: what ``mlkg convert`` reads: one model, a list of models, a paged API list
  (``{"data": [...], "paging": {...}}``), or ``{"services": [...], "models": [...], "tables": [...], ...}``.

Regenerate with ``python -m mlkg.schema.build`` (a test fails when a file is stale).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..model import entities as E
from ..model.base import REF_TYPES, REGISTRY, Entity, FieldSpec, OntologyEnum, iter_fields

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://w3id.org/mlkg/schema/"
HERE = Path(__file__).resolve().parent

#: Definition names: OpenMetadata's where it has one.
DEF_NAMES: dict[str, str] = {
    "mlmodel": "mlmodel", "mlmodelService": "mlmodelService", "mlFeature": "mlFeature",
    "featureSource": "featureSource", "hyperParameter": "mlHyperParameter", "mlStore": "mlStore",
    "tagLabel": "tagLabel",
}
ENUM_NAMES: dict[type, str] = {
    E.FeatureType: "featureType", E.SourceDataType: "featureSourceDataType", E.PlatformType: "mlModelServiceType",
    E.Stage: "stage", E.DeploymentType: "deploymentType", E.DeploymentStatus: "deploymentStatus", E.Split: "split",
}

#: OpenMetadata fields mlkg keeps whole without modelling them (see ``mlkg.model.json.OM_EXTRA_KEYS``).
OM_EXTRA: dict[str, tuple[str, ...]] = {
    "MLModel": ("usageSummary", "changeDescription", "incrementalChangeDescription", "extension", "votes",
                "lifeCycle", "certification", "dataContract", "impersonatedBy"),
    "MLModelService": ("connection", "pipelines", "testConnectionResult", "changeDescription",
                       "incrementalChangeDescription", "impersonatedBy", "ingestionRunner", "entityStatus",
                       "dataProducts", "followers", "dataContract"),
}

#: OpenMetadata TagLabel keys that mlkg does not model.
OM_TAG_KEYS = ("style", "href", "appliedAt", "appliedBy", "metadata")

#: Fields the OpenMetadata server sets: not part of a create request.
SERVER_SET = ("id", "fullyQualifiedName", "href", "version", "updatedAt", "updatedBy", "deleted", "followers",
              "serviceType", "usageSummary", "changeDescription", "incrementalChangeDescription", "impersonatedBy",
              "votes", "certification", "entityStatus")

#: Classes whose name is a free key from a platform (metric or parameter keys), not an OpenMetadata entityName.
FREE_NAMES = {"HyperParameterSetting", "Evaluation", "FairnessMetric", "FeatureImportance"}

COMMON_DEFS: dict[str, Any] = {
    "entityName": {
        "description": "a name of 1 to 256 characters without '::' (OpenMetadata's entityName)",
        "type": "string", "minLength": 1, "maxLength": 256, "pattern": "^((?!::).)*$",
    },
    "fullyQualifiedEntityName": {
        "description": "a fully qualified name of 1 to 3072 characters without '::'",
        "type": "string", "minLength": 1, "maxLength": 3072, "pattern": "^((?!::).)*$",
    },
    "uuid": {"description": "a uuid", "type": "string", "format": "uuid"},
    "timestamp": {"description": "epoch milliseconds (an integer) or an ISO 8601 date-time",
                  "type": ["integer", "string"]},
    "dateTime": {"description": "an ISO 8601 date-time", "type": "string"},
    "date": {"description": "an ISO 8601 date (YYYY-MM-DD)", "type": "string",
             "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "typedValue": {"description": "a string, number or boolean", "type": ["string", "number", "boolean"]},
    "entityReference": {
        "description": "an EntityReference object with an id or a fullyQualifiedName",
        "type": "object",
        "properties": {
            "id": {"$ref": "#/$defs/uuid"},
            "type": {"description": "an entity type", "enum": sorted(REF_TYPES)},
            "name": {"type": "string"},
            "fullyQualifiedName": {"type": "string", "minLength": 1},
            "displayName": {"type": "string"},
            "description": {"type": "string"},
            "deleted": {"type": "boolean"},
            "href": {"type": "string"},
            "inherited": {"type": "boolean", "x-openmetadata-only": True},
        },
        "additionalProperties": False,
        "anyOf": [{"required": ["id"]}, {"required": ["fullyQualifiedName"]}],
    },
    "reference": {
        "description": "an FQN string or an EntityReference object",
        "anyOf": [{"type": "string", "minLength": 1}, {"$ref": "#/$defs/entityReference"}],
    },
}

_DATATYPE_SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "anyURI": {"description": "a URI", "type": "string"},
    "dateTime": {"$ref": "#/$defs/dateTime"},
    "date": {"$ref": "#/$defs/date"},
    "double": {"type": "number"},
    "float": {"type": "number"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "decimal": {"description": "a decimal number", "type": ["number", "string"], "pattern": "^[+-]?[0-9.eE+-]+$"},
}

_MINIMUMS: dict[tuple[str, str], dict[str, Any]] = {
    ("Evaluation", "ciLevel"): {"exclusiveMinimum": 0, "exclusiveMaximum": 1},
    ("Evaluation", "step"): {"minimum": 0},
    ("Feature", "position"): {"minimum": 0},
    ("ModelCard", "co2eEmissionsGrams"): {"minimum": 0},
    ("DriftMonitor", "threshold"): {"minimum": 0},
    ("MLModel", "version"): {"minimum": 0.1},
    ("MLModelService", "version"): {"minimum": 0.1},
}


def def_name(cls: type[Entity]) -> str:
    return DEF_NAMES.get(cls.TYPE, cls.TYPE)


def _value_schema(cls: type[Entity], spec: FieldSpec) -> dict[str, Any]:
    k = spec.kind
    if k == "literal":
        if spec.prop == "name":
            if cls.CLASS in FREE_NAMES:
                return {"description": "a non-empty string", "type": "string", "minLength": 1}
            return {"$ref": "#/$defs/entityName"}
        if spec.prop == "fullyQualifiedName":
            return {"$ref": "#/$defs/fullyQualifiedEntityName"}
        if spec.json == "id":
            return {"$ref": "#/$defs/uuid"}
        if spec.datatype == "dateTime" and spec.epoch_ms:
            return {"$ref": "#/$defs/timestamp"}
        out = dict(_DATATYPE_SCHEMAS[spec.datatype])
        base = next((b.CLASS for b in cls.__mro__ if getattr(b, "CLASS", "") and
                     (b.CLASS, spec.json) in _MINIMUMS), None)
        if base:
            out.update(_MINIMUMS[(base, spec.json)])
        return out
    if k == "typed":
        return {"$ref": "#/$defs/typedValue"}
    if k == "enum":
        return {"$ref": "#/$defs/" + ENUM_NAMES[spec.enum]}  # type: ignore[index]
    if k == "ref":
        return {"$ref": "#/$defs/reference"}
    if k == "child":
        return {"$ref": "#/$defs/" + def_name(spec.target)}
    if k == "iri":
        return {"description": "a short name or an IRI", "type": "string", "minLength": 1}
    return {"description": "any JSON value (kept whole)"}


def entity_schema(cls: type[Entity]) -> dict[str, Any]:
    """The schema of one entity class (mlkg's reading: only ``name`` and the spec's required fields)."""
    props: dict[str, Any] = {
        "@context": {"description": "ignored"}, "@id": {"type": "string"}, "@type": {"description": "ignored"},
        "type": {"type": "string"},
    }
    required: list[str] = []
    for f, spec in iter_fields(cls):
        sub = _value_schema(cls, spec)
        if spec.many:
            sub = {"type": "array", "items": sub}
        if spec.doc:
            sub = {"description": spec.doc, **sub} if "$ref" not in sub else {"$ref": sub["$ref"],
                                                                                "description": spec.doc}
        props[spec.json] = sub
        if spec.text_prop:
            props[spec.text_prop] = {"description": "the original text of the value", "type": "string"}
        if spec.required and spec.json != "name":
            required.append(spec.json)
    needs_name = cls.__dataclass_fields__["name"].default is None and cls is not E.TagLabel
    if needs_name:
        required.insert(0, "name")
    for key in OM_EXTRA.get(cls.CLASS, ()):
        props[key] = {"description": "OpenMetadata field kept whole", "x-openmetadata-only": True}
    if cls is E.TagLabel:
        for key in OM_TAG_KEYS:
            props[key] = {"description": "OpenMetadata field (not modelled by mlkg)", "x-openmetadata-only": True}
    out: dict[str, Any] = {"title": cls.__name__, "description": (cls.__doc__ or "").strip().splitlines()[0],
                           "type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def _enum_def(enum_cls: type[OntologyEnum]) -> dict[str, Any]:
    values = [m.value for m in enum_cls]
    return {"description": "one of: " + ", ".join(values), "enum": values}


def _defs() -> dict[str, Any]:
    defs = dict(COMMON_DEFS)
    for enum_cls, name in ENUM_NAMES.items():
        defs[name] = _enum_def(enum_cls)
    for cls in sorted(REGISTRY.values(), key=def_name):
        defs[def_name(cls)] = entity_schema(cls)
    return defs


def _schema(kind: str, title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DRAFT, "$id": ID_BASE + kind + ".schema.json", "title": title,
            "description": description, **body, "$defs": _defs()}


def schemas() -> dict[str, dict[str, Any]]:
    """kind → schema."""
    model_def = "#/$defs/mlmodel"
    create_props = {k: {"not": {}, "description": "set by the server; not part of a create request"}
                    for k in SERVER_SET}
    from ..model.json import COLLECTIONS

    collections = {f"^{key}$": {"type": "array", "items": {"$ref": "#/$defs/" + def_name(cls)}}
                   for key, cls in COLLECTIONS.items()}
    return {
        "mlmodel": _schema("mlmodel", "MlModel", "An OpenMetadata MlModel entity with mlkg's additions.",
                           {"$ref": model_def, "required": ["id", "name", "algorithm", "service"]}),
        "mlmodelService": _schema(
            "mlmodelService", "MlModelService", "An OpenMetadata MlModelService entity with mlkg's additions.",
            {"$ref": "#/$defs/mlmodelService", "required": ["id", "name", "serviceType"]}),
        "createMlModel": _schema(
            "createMlModel", "CreateMlModelRequest",
            "An OpenMetadata create request for an ML model (references as FQN strings or EntityReferences), "
            "with mlkg's additions.",
            {"$ref": model_def, "required": ["name", "service"], "properties": create_props}),
        "document": _schema(
            "document", "mlkg JSON document",
            "One model, a list of models, a paged API list, or an object of collections.",
            {"if": {"type": "array"},
             "then": {"items": {"$ref": model_def}},
             "else": {
                 "if": {"type": "object", "required": ["data"],
                        "properties": {"data": {"type": "array", "x-openmetadata-only": True}},
                        "propertyNames": {"enum": ["data", "paging"]}},
                 "then": {"patternProperties": {"^data$": {"items": {"$ref": model_def}}}},
                 "else": {
                     "if": {"type": "object", "minProperties": 1,
                            "propertyNames": {"enum": [*COLLECTIONS, "@context"]}},
                     "then": {"patternProperties": collections},
                     "else": {"$ref": model_def},
                 },
             }}),
    }


def files() -> dict[Path, str]:
    return {HERE / f"{kind}.schema.json": json.dumps(s, indent=2, ensure_ascii=False) + "\n"
            for kind, s in schemas().items()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stale = []
    for path, text in files().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if argv and argv[0] == "--check":
            stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}", file=sys.stderr)
    if stale:
        print("stale: " + ", ".join(map(str, stale)) + " (run python -m mlkg.schema.build)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
