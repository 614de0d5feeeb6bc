"""mlkg's JSON-LD 1.1 context, generated from the entity field specs.

The context maps OpenMetadata's exact field names (``mlFeatures``, ``featureSources``, ``dataSource``,
``mlHyperParameters``, ``mlStore``, ...) and mlkg's additions onto the ontology. Where one JSON key means different
things in different entities (``dataType`` of a feature, of a feature source, of a column), the context uses
JSON-LD 1.1 scoped contexts: type-scoped for mlkg's typed documents, property-scoped for OpenMetadata's untyped
JSON. Two kinds of top-level term go with them:

- a default for such a key at the top level of OpenMetadata's raw (untyped) JSON: the meaning the entities of
  :data:`UNTYPED_ROOTS` give it (``owners`` → ``mlkg:hasOwner``, ``version`` → ``mlkg:metadataVersion``), without a
  literal datatype (raw JSON has native numbers, which a datatype would turn into invalid literals such as
  ``"3.0E-1"^^xsd:decimal``); a type-scoped context overrides it;
- an alias named after the property (``columnDataType``, ``sourceDataType``, ``operatedBy``) for every meaning such
  a key has, so a document can name each property with one term whose meaning never depends on which type-scoped
  context applies. mlkg's JSON-LD export (:mod:`mlkg.rdf.jsonld`) writes only such terms.

The shipped file ``contexts/mlkg.context.jsonld`` is :func:`build_context`'s output; ``python -m
mlkg.tools.generate`` rewrites it and a test fails when it is stale.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, assert_never

from ..model.base import REGISTRY, Entity, FieldKind, FieldSpec, OntologyEnum, iter_fields
from ..namespaces import MLKG_IRI
from ..resources import resource_path

CONTEXT_URL = "https://w3id.org/mlkg/context.jsonld"
"""The IRI documents use to name mlkg's context; mlkg serves it from the bundled file, never the network."""

#: OpenMetadata EntityReference ``type`` values that are also mlkg classes, accepted as type aliases.
OM_TYPE_ALIASES = ("mlmodel", "mlmodelService", "table", "dashboard", "team", "user", "glossaryTerm", "domain",
                   "dataProduct", "container", "pipeline")

#: Entities whose meaning of an ambiguous key is the top-level default: OpenMetadata's raw JSON (an untyped MlModel
#: or MlModelService document) is read with them.
UNTYPED_ROOTS = ("MLModel", "MLModelService")


def _untyped(d: dict[str, Any]) -> dict[str, Any]:
    """A term definition without its literal datatype (``@id``, ``@vocab`` and ``@json`` coercions stay)."""
    return {k: v for k, v in d.items() if not (k == "@type" and str(v).startswith("xsd:"))}


def _term(spec: FieldSpec) -> dict[str, Any]:
    key = "@reverse" if spec.reverse else "@id"
    d: dict[str, Any] = {key: "mlkg:" + spec.prop}
    k = spec.kind
    if k is FieldKind.LITERAL:
        if spec.datatype != "string":
            d["@type"] = "xsd:" + ("decimal" if spec.datatype == "float" else spec.datatype)
    elif k is FieldKind.ENUM:
        d["@type"] = "@vocab"
    elif k is FieldKind.IRI:
        d["@type"] = "@id"
    elif k is FieldKind.JSON:
        d["@type"] = "@json"
    elif k is FieldKind.TYPED or k is FieldKind.REF or k is FieldKind.CHILD:
        pass  # typed values carry their own datatype; references and children are node objects
    else:
        assert_never(k)
    return d


def _definitions() -> dict[str, dict[str, list[tuple[type[Entity], dict[str, Any]]]]]:
    """json key → serialized term definition → classes using it."""
    defs: dict[str, dict[str, list[tuple[type[Entity], dict[str, Any]]]]] = defaultdict(lambda: defaultdict(list))
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            d = _term(spec)
            defs[spec.json][json.dumps(d, sort_keys=True)].append((cls, d))
            if spec.text_prop:
                t = {"@id": "mlkg:" + spec.text_prop}
                defs[spec.text_prop][json.dumps(t, sort_keys=True)].append((cls, t))
    return defs


def build_context() -> dict[str, Any]:
    """The context as a dict (``{"@context": {...}}``)."""
    defs = _definitions()
    ctx: dict[str, Any] = {
        "@version": 1.1,
        "mlkg": MLKG_IRI,
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "type": "@type",
    }
    # Classes (mlkg's names) and OpenMetadata's lower-case reference types.
    for cls in sorted(REGISTRY.values(), key=lambda c: c.CLASS):
        ctx[cls.CLASS] = "mlkg:" + cls.CLASS
    keys = set(defs)
    for cls in REGISTRY.values():
        # An OpenMetadata type spelled like a field (``dashboard``) cannot also be a class term; OpenMetadata's
        # untyped JSON gets that class from mlkg's converter instead (``mlkg convert --from openmetadata``).
        if cls.TYPE in OM_TYPE_ALIASES and cls.TYPE not in keys:
            ctx[cls.TYPE] = "mlkg:" + cls.CLASS
    # Enumeration individuals, by their JSON spelling.
    enums: dict[str, type[OntologyEnum]] = {}
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            if spec.enum is not None:
                enums[spec.enum.__name__] = spec.enum
    for name in sorted(enums):
        for m in enums[name]:
            if m.value in ctx and ctx[m.value] != "mlkg:" + m.iri_name:
                raise ValueError(f"enum value {m.value!r} of {name} clashes with a context term")
            ctx[m.value] = "mlkg:" + m.iri_name

    scoped_by_class: dict[type[Entity], dict[str, Any]] = defaultdict(dict)
    conflicting: set[str] = set()
    for key in sorted(defs):
        variants = defs[key]
        if key in ctx:
            raise ValueError(f"JSON key {key!r} clashes with a class or enum term")
        if len(variants) == 1:
            (_, users), = variants.items()
            ctx[key] = users[0][1]
        else:
            conflicting.add(key)
            for users in variants.values():
                for cls, d in users:
                    scoped_by_class[cls][key] = d
            roots = {json.dumps(d, sort_keys=True): d for users in variants.values() for cls, d in users
                     if cls.CLASS in UNTYPED_ROOTS}
            if len(roots) == 1:
                ctx[key] = _untyped(next(iter(roots.values())))
    # One alias per meaning of an ambiguous key, named after its property (skipped where the name is taken).
    aliases: dict[str, dict[str, Any]] = {}
    for key in sorted(conflicting):
        for users in defs[key].values():
            d = users[0][1]
            if "@id" in d:
                aliases.setdefault(d["@id"].removeprefix("mlkg:"), d)
    for name, d in sorted(aliases.items()):
        if name not in ctx and name not in defs:
            ctx[name] = d
    # OpenMetadata's epoch-millisecond timestamps: untyped for its raw JSON (a JSON-LD processor cannot turn
    # milliseconds into xsd:dateTime, and must not label them as one); typed docs from mlkg carry ISO date-times.
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            if spec.epoch_ms:
                ctx[spec.json] = {"@id": "mlkg:" + spec.prop}
                scoped_by_class[cls][spec.json] = _term(spec)
    # Type-scoped contexts: for documents whose nodes carry a type.
    for cls, scoped in sorted(scoped_by_class.items(), key=lambda kv: kv[0].CLASS):
        ctx[cls.CLASS] = {"@id": "mlkg:" + cls.CLASS, "@context": dict(sorted(scoped.items()))}
    # Property-scoped contexts: for OpenMetadata's untyped JSON, the owning key tells what its nodes are.
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            if spec.kind is not FieldKind.CHILD:
                continue
            scoped = scoped_by_class.get(spec.target) or {}
            if not scoped:
                continue
            term = ctx[spec.json]
            if isinstance(term, dict) and "@context" in term and term["@context"] != scoped:
                continue  # the same key owns different classes; their type-scoped contexts apply
            ctx[spec.json] = {**term, "@context": dict(sorted(scoped.items()))}
    return {"@context": ctx}


def context_path() -> Path:
    """Path of the bundled context file (inside the installed package, or the source tree's ``contexts/``)."""
    return resource_path("contexts", "mlkg.context.jsonld")


def load_context() -> dict[str, Any]:
    """The bundled context, as shipped."""
    return json.loads(context_path().read_text(encoding="utf-8"))


def render() -> str:
    return json.dumps(build_context(), indent=2, ensure_ascii=False) + "\n"


def outputs() -> dict[Path, str]:
    """``{path of the bundled context: its text}`` (a row of :data:`mlkg.tools.generate.GEN_MAP`)."""
    return {context_path(): render()}
