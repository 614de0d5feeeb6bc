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

Regenerate with ``python -m mlkg.tools.generate`` (a test fails when a file is stale).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, assert_never

from ..model import entities as _entities  # noqa: F401  (registers every entity class)
from ..model.base import (
    ENTITY_NAME,
    FQN_NAME,
    REF_TYPES,
    REGISTRY,
    UUID,
    Entity,
    FieldKind,
    FieldSpec,
    OntologyEnum,
    Ref,
    TextRule,
    iter_fields,
)
from ..model.json import COLLECTIONS, passthrough_spec

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://w3id.org/mlkg/schema/"
HERE = Path(__file__).resolve().parent

def _text_def(rule: TextRule) -> dict[str, Any]:
    out: dict[str, Any] = {"description": rule.description, "type": "string"}
    if rule.min_length is not None:
        out["minLength"] = rule.min_length
    if rule.max_length is not None:
        out["maxLength"] = rule.max_length
    if rule.json_pattern:
        out["pattern"] = rule.json_pattern
    if rule.json_format:
        out["format"] = rule.json_format
    return out


def _ref_schema() -> dict[str, Any]:
    """OpenMetadata's EntityReference, from :class:`Ref`'s field specs."""
    specs = {f.name: spec for f, spec in iter_fields(Ref)}
    props: dict[str, Any] = {}
    for f in dataclasses.fields(Ref):
        spec = specs.get(f.name)
        if spec is None:  # the type
            props[f.name] = {"description": "an entity type", "enum": sorted(REF_TYPES)}
        elif spec.text is not None and spec.text.name:
            props[spec.json] = {"$ref": "#/$defs/" + spec.text.name}
        else:
            sub = dict(_DATATYPE_SCHEMAS[spec.datatype])
            sub.pop("description", None)
            if spec.text is not None and spec.text.min_length:
                sub["minLength"] = spec.text.min_length
            props[spec.json] = sub
    for key in sorted(Ref.JSON_IGNORED):
        props[key] = {"type": "boolean", "x-openmetadata-only": True}
    return {
        "description": "an EntityReference object with an id or a fullyQualifiedName",
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "anyOf": [{"required": ["id"]}, {"required": ["fullyQualifiedName"]}],
    }


COMMON_DEFS: dict[str, Any] = {
    **{rule.name: _text_def(rule) for rule in (ENTITY_NAME, FQN_NAME, UUID)},
    "timestamp": {"description": "epoch milliseconds (an integer) or an ISO 8601 date-time",
                  "type": ["integer", "string"]},
    "dateTime": {"description": "an ISO 8601 date-time", "type": "string"},
    "date": {"description": "an ISO 8601 date (YYYY-MM-DD)", "type": "string",
             "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "typedValue": {"description": "a string, number or boolean", "type": ["string", "number", "boolean"]},
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

def def_name(cls: type[Entity]) -> str:
    return cls.JSON_DEF


def _enums() -> list[type[OntologyEnum]]:
    """Every enumeration a field uses, by definition name."""
    found = {spec.enum for cls in REGISTRY.values() for _f, spec in iter_fields(cls) if spec.enum is not None}
    return sorted(found, key=lambda e: e.JSON_DEF)


ENUM_NAMES: dict[type[OntologyEnum], str] = {}
"""Enum class → JSON Schema definition name (each enum's ``JSON_DEF``), filled below."""


def _value_schema(cls: type[Entity], spec: FieldSpec) -> dict[str, Any]:
    k = spec.kind
    if k is FieldKind.LITERAL:
        rule = spec.text
        if rule is not None:
            return {"$ref": "#/$defs/" + rule.name} if rule.name else _text_def(rule)
        if spec.datatype == "dateTime" and spec.epoch_ms:
            return {"$ref": "#/$defs/timestamp"}
        out = dict(_DATATYPE_SCHEMAS[spec.datatype])
        if spec.minimum is not None:
            out["exclusiveMinimum" if spec.exclusive else "minimum"] = spec.minimum
        if spec.maximum is not None:
            out["exclusiveMaximum" if spec.exclusive else "maximum"] = spec.maximum
        return out
    if k is FieldKind.TYPED:
        return {"$ref": "#/$defs/typedValue"}
    if k is FieldKind.ENUM:
        return {"$ref": "#/$defs/" + spec.enum.JSON_DEF}  # type: ignore[union-attr]
    if k is FieldKind.REF:
        return {"$ref": "#/$defs/reference"}
    if k is FieldKind.CHILD:
        return {"$ref": "#/$defs/" + def_name(spec.target)}
    if k is FieldKind.IRI:
        return {"description": "a short name or an IRI", "type": "string", "minLength": 1}
    if k is FieldKind.JSON:
        return {"description": "any JSON value (kept whole)"}
    assert_never(k)


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
        if spec.text_term is not None:
            props[spec.text_prop] = {"description": "the original text of the value", "type": "string"}
        if (spec.required or f.name == "name") and not spec.omit_when_default and f.default is None:
            required.append(spec.json)
    kept = passthrough_spec(cls)
    for key in kept[1].passthrough if kept else ():
        props[key] = {"description": "OpenMetadata field kept whole", "x-openmetadata-only": True}
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
    defs["entityReference"] = _ref_schema()
    for enum_cls in _enums():
        defs[enum_cls.JSON_DEF] = _enum_def(enum_cls)
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
                    for k in server_set(REGISTRY["mlmodel"])}
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


def server_set(cls: type[Entity]) -> list[str]:
    """JSON keys of ``cls`` that the OpenMetadata server sets (not part of a create request)."""
    out = []
    for _f, spec in iter_fields(cls):
        if spec.server_set:
            out.append(spec.json)
        out.extend(spec.passthrough_server_set)
    return out


def files() -> dict[Path, str]:
    """``{path: text}`` of the four schemas (a row of :data:`mlkg.tools.generate.GEN_MAP`)."""
    return {HERE / f"{kind}.schema.json": json.dumps(s, indent=2, ensure_ascii=False) + "\n"
            for kind, s in schemas().items()}


ENUM_NAMES.update({e: e.JSON_DEF for e in _enums()})
