"""mlkg's ML models and services in the shapes OpenMetadata itself reads (release 1.13's JSON Schemas).

=================  ==================================================================================================
shape              what is written
=================  ==================================================================================================
``api``            the entities as OpenMetadata's API returns them (``entity/data/mlmodel.json``,
                   ``entity/services/mlmodelService.json``), grouped as ``{"services": [...], "models": [...]}``
                   (the document mlkg reads back). Every entity and every ``EntityReference`` carries the ``id``
                   OpenMetadata requires.
``create``         request bodies: one ``CreateMlModelServiceRequest`` per service, then one
                   ``CreateMlModelRequest`` per model (``api/.../createMlModelService.json``,
                   ``api/data/createMlModel.json``), for ``PUT /api/v1/services/mlmodelServices`` and
                   ``PUT /api/v1/mlmodels``. Written as JSON Lines, one body per line, services first (a model's
                   service must exist before the model): each line is exactly what OpenMetadata takes, and a shell
                   loop or ``jq -c`` can send them one by one. References are FQN strings where the request has
                   them (``service``, ``dashboard``, ``domains``, ``dataProducts``) and ``EntityReference`` objects
                   where it has those (``owners``, feature sources' ``dataSource``).
``sample-data``    the files of OpenMetadata's ``ingestion/examples/sample_data/models/``: ``service.json`` (the
                   ingestion source block: ``type``, ``serviceName``, ``serviceConnection.config``,
                   ``sourceConfig``) and ``models.json`` (a list of models with FQN strings, no service: the
                   sample-data loader adds it and looks the feature sources' tables up by FQN).
=================  ==================================================================================================

**Ids.** OpenMetadata's ``EntityReference`` requires ``id`` (a uuid) and ``type``. An id mlkg read from
OpenMetadata is kept; one it never had is minted as ``uuid5(NAMESPACE_URL, <the entity's mlkg IRI>)``: stable,
the same in every reference to that entity, but mlkg's, not the server's. ``mlkg push openmetadata`` does not use
minted ids: it asks the server for the real one by FQN (as the sample-data loader does).

What OpenMetadata's MlModel has no field for (versions, metrics, deployments, datasets, cards, ...) is left out
and named in the report.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..importers.base import ImportReport
from ..importers.openmetadata import _OM_SERVICE_TYPES, create_request, create_service_request
from ..model import entities as m
from ..model.base import Entity, Ref
from ..model.json import entity_to_dict

__all__ = [
    "MLMODEL_KEYS", "SERVICE_KEYS", "SHAPES", "api_document", "create_bodies", "minted_id", "sample_data",
]

SHAPES = ("api", "create", "sample-data")

#: Properties of OpenMetadata 1.13's MlModel entity (``entity/data/mlmodel.json``), in its order.
MLMODEL_KEYS = (
    "id", "name", "fullyQualifiedName", "displayName", "description", "algorithm", "mlFeatures", "mlHyperParameters",
    "target", "dashboard", "mlStore", "server", "href", "owners", "followers", "tags", "usageSummary", "version",
    "updatedAt", "updatedBy", "impersonatedBy", "service", "serviceType", "changeDescription",
    "incrementalChangeDescription", "deleted", "extension", "sourceUrl", "domains", "dataProducts", "dataContract",
    "votes", "lifeCycle", "certification", "sourceHash", "entityStatus",
)
#: Properties of its MlModelService entity (``entity/services/mlmodelService.json``).
SERVICE_KEYS = (
    "id", "name", "fullyQualifiedName", "serviceType", "description", "displayName", "version", "updatedAt",
    "updatedBy", "impersonatedBy", "pipelines", "connection", "testConnectionResult", "tags", "owners", "href",
    "changeDescription", "incrementalChangeDescription", "deleted", "entityStatus", "dataProducts", "dataContract",
    "followers", "domains", "ingestionRunner",
)
#: Properties of ``mlFeature`` and ``featureSource`` (definitions in ``mlmodel.json``).
FEATURE_KEYS = ("name", "dataType", "description", "fullyQualifiedName", "featureSources", "featureAlgorithm",
                "tags")
SOURCE_KEYS = ("name", "dataType", "description", "fullyQualifiedName", "dataSource", "tags")

#: The sourceConfig OpenMetadata's ML metadata ingestion runs with (``metadataIngestion/
#: mlmodelServiceMetadataPipeline.json``); its ``type`` picks that pipeline among the workflow's ``oneOf``.
SAMPLE_SOURCE_CONFIG = {"config": {"type": "MlModelMetadata"}}
_SAMPLE_KEYS = ("name", "displayName", "description", "algorithm", "dashboard", "mlStore", "server", "mlFeatures",
                "mlHyperParameters", "target")


def minted_id(r: Ref, *, base: str | None = None) -> str:
    """The uuid mlkg gives an entity OpenMetadata never named: uuid5 of its mlkg IRI.

    >>> minted_id(Ref(type="table", fqn="db.s.t")) == minted_id(Ref(type="table", fqn="db.s.t", name="t"))
    True
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, r.iri(base=base)))


class _Ids:
    """Ids of the document's entities (their own, or minted), so every reference to one agrees with it."""

    def __init__(self, entities: Iterable[Entity], base: str | None) -> None:
        self.base = base
        self.known: dict[tuple[str, str], str] = {}
        self.minted = 0
        for e in entities:
            eid = getattr(e, "id", None)
            if eid and e.fqn:
                self.known[(e.TYPE, e.fqn)] = eid

    def of_entity(self, e: Entity) -> str:
        eid = getattr(e, "id", None)
        return eid or self.of_ref(e.ref())

    def of_ref(self, r: Ref) -> str:
        if r.id:
            return r.id
        if r.fqn and (r.type, r.fqn) in self.known:
            return self.known[(r.type, r.fqn)]
        self.minted += 1
        return minted_id(r, base=self.base)


def _ml(entities: Iterable[Entity], report: ImportReport) -> tuple[list[m.MLModelService], list[m.MLModel]]:
    services: list[m.MLModelService] = []
    models: list[m.MLModel] = []
    for e in entities:
        if isinstance(e, m.MLModelService):
            services.append(e)
        elif isinstance(e, m.MLModel):
            if e.service is None and e == m.MLModel(name=e.name, fqn=e.fqn):
                # a model the graph only names (a Hugging Face base model, say): OpenMetadata would need a service
                # and an algorithm the graph does not have, and the referring model keeps its FQN
                report.skip(f"model {e.fqn or e.name}", "only referenced (by FQN) in this graph, with no facts of its "
                            "own to write")
                continue
            models.append(e)
        else:
            report.counts["not exported"] += 1
    return services, models


def _report_dropped(report: ImportReport, what: str, full: dict[str, Any], kept: Iterable[str]) -> None:
    dropped = [k for k in full if k not in set(kept)]
    if dropped:
        report.skip(what, "OpenMetadata's schema has no field for: " + ", ".join(dropped))


def _service_type(svc: m.MLModelService, report: ImportReport) -> str:
    # create_service_request knows OpenMetadata's service types (others become CustomMlModel, with a warning)
    return str(create_service_request(svc, report)["serviceType"])


# ---------------------------------------------------------------------------------------------------------------
# api: the entities
# ---------------------------------------------------------------------------------------------------------------


def _api_model(model: m.MLModel, idmap: _Ids, report: ImportReport, service_types: dict[str, str]) -> dict[str, Any]:
    if model.service is None:
        raise InputError(f"model {model.name!r} has no service; OpenMetadata's MlModel needs one",
                         path="service", expected="the FQN of an MlModelService (convert with --service)")
    full = entity_to_dict(model, shape="api", ref_id=idmap.of_ref)
    out = {k: full[k] for k in MLMODEL_KEYS if k in full}
    _report_dropped(report, f"model {model.fqn}", full, MLMODEL_KEYS)
    out["id"] = idmap.of_entity(model)
    out.setdefault("fullyQualifiedName", model.fqn)
    out.setdefault("algorithm", "mlmodel")
    st = service_types.get(model.service.fqn or "")
    if st is not None:
        out["serviceType"] = st
    elif out.get("serviceType") not in _OM_SERVICE_TYPES:
        out["serviceType"] = "CustomMlModel"
    feats = []
    for fd in out.get("mlFeatures") or []:
        feat = {k: fd[k] for k in FEATURE_KEYS if k in fd}
        if "featureSources" in feat:
            feat["featureSources"] = [{k: sd[k] for k in SOURCE_KEYS if k in sd} for sd in feat["featureSources"]]
        feats.append(feat)
    if feats:
        out["mlFeatures"] = feats
    report.count("models")
    return {k: out[k] for k in MLMODEL_KEYS if k in out}


def _api_service(svc: m.MLModelService, idmap: _Ids, report: ImportReport) -> dict[str, Any]:
    full = entity_to_dict(svc, shape="api", ref_id=idmap.of_ref)
    # serviceType mapped (with a warning for a platform OpenMetadata lacks), an MLflow connection from its URL
    request = create_service_request(svc, report)
    out = {k: full[k] for k in SERVICE_KEYS if k in full}
    if "connection" in request:  # an MLflow URL is the connection's trackingUri, not lost
        full.pop("serviceUrl", None)
    _report_dropped(report, f"service {svc.fqn}", full, SERVICE_KEYS)
    out["id"] = idmap.of_entity(svc)
    out.setdefault("fullyQualifiedName", svc.fqn)
    out["serviceType"] = request["serviceType"]
    if "connection" in request:
        out["connection"] = request["connection"]
    report.count("services")
    return {k: out[k] for k in SERVICE_KEYS if k in out}


def api_document(entities: Iterable[Entity], report: ImportReport, *, base: str | None = None) -> dict[str, Any]:
    """``{"services": [MlModelService...], "models": [MlModel...]}``, each as OpenMetadata's API returns it.

    :raises InputError: a model without a service (OpenMetadata's MlModel requires one).
    """
    entities = list(entities)
    services, models = _ml(entities, report)
    idmap = _Ids(entities, base)
    types = {s.fqn or "": _service_type(s, ImportReport(source="types")) for s in services}
    out: dict[str, Any] = {"services": [_api_service(s, idmap, report) for s in services],
                           "models": [_api_model(x, idmap, report, types) for x in models]}
    if idmap.minted:
        report.warn(f"{idmap.minted} id(s) minted (uuid5 of the mlkg IRI) where OpenMetadata's id is not "
                    "known; they are not the server's ids")
    return out


# ---------------------------------------------------------------------------------------------------------------
# create: request bodies
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """One request body and where it goes (``kind``: ``service`` or ``model``)."""

    kind: str
    fqn: str
    body: dict[str, Any]


#: Gives the id of a referenced entity; ``None`` means it is not known (an error for a request body).
Resolver = Callable[[Ref], str | None]


def _with_ids(body: dict[str, Any], resolve: Resolver, where: str) -> None:
    """Fill the ``id`` of the EntityReferences of a create request (owners, feature sources' dataSource)."""
    def fill(obj: dict[str, Any], path: str) -> None:
        if obj.get("id"):
            return
        r = Ref(type=obj["type"], fqn=obj.get("fullyQualifiedName"), name=obj.get("name"))
        rid = resolve(r)
        if rid is None:
            raise InputError(f"{r.type} {r.fqn!r} is not known to OpenMetadata", source=where, path=path,
                             expected=f"an existing {r.type} (its EntityReference needs the id)")
        obj["id"] = rid
        keys = ("id", "type", "name", "fullyQualifiedName")
        ordered = {k: obj[k] for k in keys if k in obj} | {k: v for k, v in obj.items() if k not in keys}
        obj.clear()
        obj.update(ordered)

    for i, o in enumerate(body.get("owners") or []):
        fill(o, f"$.owners[{i}]")
    for i, f in enumerate(body.get("mlFeatures") or []):
        for j, s in enumerate(f.get("featureSources") or []):
            if isinstance(s.get("dataSource"), dict):
                fill(s["dataSource"], f"$.mlFeatures[{i}].featureSources[{j}].dataSource")


def create_bodies(entities: Iterable[Entity], report: ImportReport, *,
                  resolve: Resolver | None = None, base: str | None = None) -> list[Body]:
    """The create-request bodies of the services, then the models, among ``entities``.

    ``resolve`` gives the ids of referenced entities (``mlkg push`` asks the server); without it, ids the graph
    does not have are minted (see the module docstring) and counted in a warning.

    :raises InputError: a model without a service, or a reference ``resolve`` does not know.
    """
    entities = list(entities)
    services, models = _ml(entities, report)
    idmap = _Ids(entities, base)
    look = resolve or idmap.of_ref
    out = []
    for s in services:
        body = create_service_request(s, report)
        _with_ids(body, look, f"service {s.fqn}")
        out.append(Body("service", s.fqn or s.name, body))
    for x in models:
        if x.service is None:
            raise InputError(f"model {x.name!r} has no service; a CreateMlModelRequest needs one",
                             source=f"model {x.fqn}", path="service",
                             expected="models placed in a service (convert them with --service FILE|FQN)")
        body = create_request(x, report)
        _with_ids(body, look, f"model {x.fqn}")
        out.append(Body("model", x.fqn or x.name, body))
    if resolve is None and idmap.minted:
        report.warn(f"{idmap.minted} reference id(s) minted (uuid5 of the mlkg IRI) where OpenMetadata's id is "
                    "not known; `mlkg push openmetadata` looks the real ones up by FQN instead")
    return out


# ---------------------------------------------------------------------------------------------------------------
# sample-data: service.json + models.json
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleData:
    """The two files of one service's sample-data folder."""

    service_name: str
    service: dict[str, Any]
    models: list[dict[str, Any]]


def _sample_service(svc: m.MLModelService, report: ImportReport) -> dict[str, Any]:
    req = create_service_request(svc, report)
    stype = req["serviceType"]
    config = dict((req.get("connection") or {}).get("config") or {})
    config.setdefault("type", stype)
    return {"type": stype, "serviceName": req["name"], "serviceConnection": {"config": config},
            "sourceConfig": {"config": dict(SAMPLE_SOURCE_CONFIG["config"])}}


def _sample_model(model: m.MLModel, report: ImportReport) -> dict[str, Any]:
    full = entity_to_dict(model, shape="sample-data")
    out = {k: full[k] for k in _SAMPLE_KEYS if k in full}
    _report_dropped(report, f"model {model.fqn}",
                    {k: v for k, v in full.items() if k not in ("fullyQualifiedName", "service", "serviceType")},
                    _SAMPLE_KEYS)
    out.setdefault("algorithm", "mlmodel")
    feats = []
    for fd in out.get("mlFeatures") or []:
        feat = {k: fd[k] for k in FEATURE_KEYS if k in fd and k != "fullyQualifiedName"}
        if "featureSources" in feat:
            feat["featureSources"] = [{k: sd[k] for k in SOURCE_KEYS if k in sd and k != "fullyQualifiedName"}
                                      for sd in feat["featureSources"]]
        feats.append(feat)
    if feats:
        out["mlFeatures"] = feats
    report.count("models")
    return out


def sample_data(entities: Iterable[Entity], report: ImportReport) -> list[SampleData]:
    """One :class:`SampleData` per service, with its models.

    :raises InputError: a model without a service (``service.json`` names the service the loader puts it in).
    """
    services, models = _ml(entities, report)
    by_fqn = {s.fqn: s for s in services}
    groups: dict[str, list[m.MLModel]] = {s.fqn or s.name: [] for s in services}
    for x in models:
        if x.service is None or not x.service.fqn:
            raise InputError(f"model {x.name!r} has no service; sample data puts models in a service's folder",
                             path="service", expected="a service (convert the models with --service)")
        if x.service.fqn not in by_fqn:
            by_fqn[x.service.fqn] = m.MLModelService(name=x.service.fqn, service_type=x.service_type)
            groups[x.service.fqn] = []
        groups[x.service.fqn].append(x)
    out = []
    for fqn, ms in groups.items():
        svc = by_fqn[fqn]
        report.count("services")
        out.append(SampleData(svc.name, _sample_service(svc, report), [_sample_model(x, report) for x in ms]))
    return out
