"""OpenMetadata importer (REST API, JSON files, sample data, om: RDF) and the way back (create requests).

Sources, chosen by what ``source`` is:

- an ``http(s)://`` URL of an OpenMetadata server: ``/api/v1/services/mlmodelServices`` and ``/api/v1/mlmodels``
  are listed page by page (``data`` + ``paging.after``) with :func:`mlkg.importers.base.paginate`; a token is read
  from the environment variable named by ``token_env``. A URL that already names an ``/api/v1/...`` listing is
  read as given. The network is used only for such a URL, which the user passes.
- a JSON file: an entity as the API returns it, a paged API list, a ``CreateMlModelRequest`` (service, dashboard
  and domains as FQN strings), or a sample-data file (``{"models": [...]}``, data sources as FQN strings). Each
  entity goes through :mod:`mlkg.model.json`; an entity that does not convert is skipped and reported.
- an RDF file (Turtle, N-Triples, RDF/XML, JSON-LD with ``@context``) written with OpenMetadata's ``om:``
  ontology: mapped onto mlkg terms by :mod:`mlkg.importers.om_rdf`.

Sample-data models name no service: pass ``service`` (an FQN, or an MlModelService JSON file) to place them.

The way back, :func:`create_requests`, turns mlkg entities into OpenMetadata ``CreateMlModelRequest`` and
``CreateMlModelServiceRequest`` JSON; what OpenMetadata's MlModel has no field for (versions, metrics, runs,
model card, licence, ...) is listed in the report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from ..errors import InputError
from ..model import entities as m
from ..model.base import Entity, Ref
from .base import Capability, Importer, ImporterConfig, ImportReport, SourceUnavailable, option, paginate, redact_uri

RDF_SUFFIXES = {".ttl", ".turtle", ".nt", ".nq", ".rdf", ".owl", ".xml", ".trig", ".jsonld", ".n3"}


@dataclass(frozen=True)
class OpenMetadataConfig(ImporterConfig):
    """Where to read OpenMetadata's ML metadata from."""

    source: str = option("", "A server URL (http://host:8585), an /api/v1/... listing URL, a JSON file "
                             "(API entity, paged list, create request, sample data) or an om: RDF file.")
    service: str = option("", "For models that name no service (sample data): an MlModelService FQN or a "
                              "service JSON file.")
    token_env: str = option("OPENMETADATA_JWT_TOKEN", "Environment variable holding the bot's JWT token.")
    page_size: int = option(100, "Page size of API listings (OpenMetadata allows up to 1000000).", minimum=1,
                            maximum=1_000_000)
    fields: str = option("owners,tags,followers,dashboard,domains", "Fields asked of /api/v1/mlmodels.")
    include_services: bool = option(True, "Also list /api/v1/services/mlmodelServices.")
    timeout: float = option(30.0, "Timeout of one HTTP request, in seconds.", minimum=0.001)
    input_format: str = option("auto", "auto, json or rdf (auto: by suffix; JSON with @context is RDF).",
                               choices=("auto", "json", "rdf"), cli=("--from",))


# ---------------------------------------------------------------------------------------------------------------
# REST
# ---------------------------------------------------------------------------------------------------------------


def _http_json(url: str, config: OpenMetadataConfig) -> Any:
    """GET ``url`` and parse JSON; every failure becomes :class:`SourceUnavailable` naming the URL."""
    import urllib.error
    import urllib.request

    headers = {"Accept": "application/json", "User-Agent": "mlkg"}
    token = os.environ.get(config.token_env) if config.token_env else None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, headers=headers)
    shown = redact_uri(url)
    try:
        with urllib.request.urlopen(req, timeout=config.timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as e:
        hint = ""
        if e.code in (401, 403):
            hint = f" (set {config.token_env} to a bot token)" if config.token_env else " (a token is needed)"
        raise _HttpError(e.code, f"{shown}: HTTP {e.code} {e.reason}{hint}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise SourceUnavailable(f"cannot reach OpenMetadata at {shown}: {reason}") from None
    try:
        return json.loads(body)
    except ValueError:
        raise SourceUnavailable(f"{shown}: the response is not JSON") from None


class _HttpError(SourceUnavailable):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _with_query(url: str, **params: Any) -> str:
    parts = urlsplit(url)
    query = [q for q in parts.query.split("&") if q and q.split("=", 1)[0] not in params]
    query.append(urlencode({k: v for k, v in params.items() if v not in (None, "")}))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(q for q in query if q), ""))


def api_pages(url: str, config: OpenMetadataConfig, *, fields: str = "") -> Iterator[dict[str, Any]]:
    """Every item of an OpenMetadata paged listing (``data`` + ``paging.after``), through :func:`paginate`."""
    state = {"fields": fields}

    def fetch(after: str | None) -> tuple[list[Any], str | None]:
        page_url = _with_query(url, limit=config.page_size, after=after, fields=state["fields"])
        try:
            doc = _http_json(page_url, config)
        except _HttpError as e:
            if e.code == 400 and state["fields"]:
                state["fields"] = ""  # an older server that does not know one of the fields
                doc = _http_json(_with_query(url, limit=config.page_size, after=after), config)
            else:
                raise
        if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
            raise SourceUnavailable(f"{redact_uri(page_url)}: not an OpenMetadata list (no 'data' array)")
        paging = doc.get("paging")
        after = paging.get("after") if isinstance(paging, dict) else None
        return doc["data"], after or None

    return paginate(fetch, what=redact_uri(url))


def _api_base(url: str) -> tuple[str, str | None]:
    """(server base, listing path if the URL names one)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if "/api/v1/" in path + "/":
        base_path, _, rest = path.partition("/api/v1")
        base = urlunsplit((parts.scheme, parts.netloc, base_path, "", ""))
        return base, "/api/v1" + rest
    if path.endswith("/api"):
        path = path[: -len("/api")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")), None


def _rest_entities(config: OpenMetadataConfig, report: ImportReport) -> Iterator[Entity]:
    base, listing = _api_base(config.source)
    jobs: list[tuple[str, type[Entity], str]] = []
    cls: type[Entity]
    if listing is not None:
        cls = m.MLModelService if "mlmodelservices" in listing.lower() else m.MLModel
        jobs.append((base + listing, cls, config.fields if cls is m.MLModel else ""))
    else:
        if config.include_services:
            jobs.append((base + "/api/v1/services/mlmodelServices", m.MLModelService, "owners,tags,domains"))
        jobs.append((base + "/api/v1/mlmodels", m.MLModel, config.fields))
    for url, cls, fields in jobs:
        n = 0
        for i, item in enumerate(api_pages(url, config, fields=fields)):
            ent = _convert(cls, item, f"{redact_uri(url)} item {i}", report)
            if ent is not None:
                n += 1
                yield ent
        report.say(f"openmetadata: {n} from {redact_uri(url)}")


# ---------------------------------------------------------------------------------------------------------------
# JSON files
# ---------------------------------------------------------------------------------------------------------------

def _convert(cls: type[Entity], data: Any, where: str, report: ImportReport) -> Entity | None:
    # lazy: model.json (~20 ms) loads when JSON is read; `mlkg import --list` imports this class
    from ..model.json import entity_from_dict

    try:
        ent = entity_from_dict(cls, data)
    except InputError as e:
        name = data.get("name") if isinstance(data, dict) else None
        report.skip(f"{where}" + (f" ({name})" if name else ""), str(e).replace("<input>: ", "", 1))
        return None
    report.count(_kind(ent))
    return ent


def _kind(e: Entity) -> str:
    return {m.MLModel: "models", m.MLModelService: "services"}.get(type(e), type(e).__name__.lower() + "s")


#: Keys of the workflow-source shape OpenMetadata's ingestion uses for a service (sample data ``service.json``).
_WORKFLOW_KEYS = {"type", "serviceName", "serviceConnection", "sourceConfig"}


def service_from_json(data: Any, *, source: str = "<input>") -> m.MLModelService:
    """An :class:`MLModelService` from any shape OpenMetadata uses for one:

    - the entity as the API returns it (``id``, ``name``, ``serviceType``, ``connection``, ...);
    - a ``CreateMlModelServiceRequest`` (``name``, ``serviceType``, ``connection``; no ``id``);
    - the workflow-source config of its ingestion and sample data (``type``, ``serviceName``,
      ``serviceConnection.config``, ``sourceConfig``), e.g. ``sample_data/models/service.json``.

    Secrets in the connection (passwords, keys, tokens) are dropped before anything is kept; an MLflow
    ``trackingUri`` becomes the service URL.

    :raises InputError: naming the file, the JSON path and what was expected.
    """
    # lazy: model.json (~20 ms) loads when JSON is read; `mlkg import --list` imports this class
    from ..model.json import entity_from_dict

    if isinstance(data, dict) and "serviceName" in data and set(data) <= _WORKFLOW_KEYS | {"@context"}:
        conn = data.get("serviceConnection")
        config = conn.get("config") if isinstance(conn, dict) else None
        if conn is not None and not isinstance(config, dict):
            raise InputError("no 'config' object", source=source, path="$.serviceConnection",
                             expected="{\"config\": {\"type\": ..., ...}}")
        stype = data.get("type") or (config or {}).get("type")
        if not isinstance(data["serviceName"], str) or not data["serviceName"]:
            raise InputError("not a service name", source=source, path="$.serviceName", expected="a non-empty string")
        if not isinstance(stype, str) or not stype:
            raise InputError("the service type is missing", source=source, path="$.type",
                             expected="an OpenMetadata ML service type, e.g. Mlflow or SageMaker")
        shaped: dict[str, Any] = {"name": data["serviceName"], "serviceType": stype}
        if config is not None:
            shaped["connection"] = {"config": config}
        url = (config or {}).get("trackingUri")
        if isinstance(url, str) and "://" in url:
            shaped["serviceUrl"] = redact_uri(url)
        data = shaped
        path = "$"
    else:
        path = "$"
    svc = entity_from_dict(m.MLModelService, data, path=path, source=source)
    assert isinstance(svc, m.MLModelService)
    return svc


def _load_service(spec: str) -> m.MLModelService | None:
    """The service of ``--service``: a JSON file (any of OpenMetadata's service shapes), else None (an FQN)."""
    if not spec:
        return None
    p = Path(spec)
    if p.suffix.lower() == ".json":
        if not p.is_file():
            raise InputError("no such file", source=spec, expected="a service JSON file or a service FQN")
        # lazy: rdf.formats (~80 ms) loads when a file is read, not for `mlkg import openmetadata --help`
        from ..rdf.formats import read_json

        return service_from_json(read_json(str(p)), source=str(p))
    return None


def _place(e: Entity, service: Ref, service_type: Any) -> Entity:
    """A model that names no service, rebuilt under ``service`` (its FQN and its nodes' FQNs re-derived)."""
    if not isinstance(e, m.MLModel) or e.service is not None:
        return e
    # lazy: model.json (~20 ms) loads when JSON is read; `mlkg import --list` imports this class
    from ..model.json import entity_from_dict, entity_to_dict

    data = entity_to_dict(e)
    data.pop("fullyQualifiedName", None)
    for feat in data.get("mlFeatures") or []:
        feat.pop("fullyQualifiedName", None)
    data["service"] = {"type": "mlmodelService", "fullyQualifiedName": service.fqn}
    if service_type is not None and "serviceType" not in data:
        data["serviceType"] = service_type.value if hasattr(service_type, "value") else service_type
    return entity_from_dict(m.MLModel, data)


def _json_entities(path: str, config: OpenMetadataConfig, report: ImportReport) -> Iterator[Entity]:
    # lazy: model.json and rdf.formats load when a file is read, not for `mlkg import openmetadata --help`
    from ..model.json import COLLECTIONS
    from ..rdf.formats import read_json

    data = read_json(path)
    items: list[tuple[type[Entity], Any, str]] = []
    cls: type[Entity]
    if isinstance(data, list):
        items = [(m.MLModel, d, f"{path} $[{i}]") for i, d in enumerate(data)]
    elif isinstance(data, dict) and isinstance(data.get("data"), list) and set(data) <= {"data", "paging"}:
        items = [(m.MLModel, d, f"{path} $.data[{i}]") for i, d in enumerate(data["data"])]
        if isinstance(data.get("paging"), dict) and data["paging"].get("after"):
            report.warn("this is one page of a longer list (paging.after is set); the other pages are not in "
                        "the file", item=path)
    elif isinstance(data, dict) and data and set(data) <= set(COLLECTIONS) | {"@context"}:
        for key, cls in COLLECTIONS.items():
            seq = data.get(key)
            if seq is None:
                continue
            if not isinstance(seq, list):
                raise InputError("not a list", source=path, path=f"$.{key}", expected="a list")
            items += [(cls, d, f"{path} $.{key}[{i}]") for i, d in enumerate(seq)]
    elif isinstance(data, dict):
        cls = m.MLModelService if ("serviceType" in data and "algorithm" not in data
                                   and "mlFeatures" not in data) else m.MLModel
        items = [(cls, data, f"{path} $")]
    else:
        raise InputError("not an OpenMetadata document", source=path, path="$",
                         expected="an entity object, a paged list, a create request or {\"models\": [...]}")
    svc_entity = _load_service(config.service)
    svc_ref = None
    svc_type = None
    if svc_entity is not None:
        svc_ref, svc_type = svc_entity.ref(), svc_entity.service_type
        yield svc_entity
        report.count("services")
    elif config.service:
        svc_ref = Ref(type="mlmodelService", fqn=config.service)
    unplaced = 0
    for cls, d, where in items:
        ent = _convert(cls, d, where, report)
        if ent is None:
            continue
        if svc_ref is not None:
            ent = _place(ent, svc_ref, svc_type)
        elif isinstance(ent, m.MLModel) and ent.service is None:
            unplaced += 1
        yield ent
    if unplaced:
        report.warn(f"{unplaced} model(s) name no service, so their FQNs are their bare names; pass a service "
                    "(--service) to place them", item=path)


def _is_rdf(path: str, config: OpenMetadataConfig) -> bool:
    if config.input_format != "auto":
        return config.input_format == "rdf"
    suffix = Path(path).suffix.lower()
    if suffix in RDF_SUFFIXES:
        return True
    if suffix == ".json":
        try:
            with open(path, encoding="utf-8") as fh:
                head = fh.read(4096)
        except (OSError, UnicodeDecodeError):  # read_json reports it, naming the file
            return False
        return '"@context"' in head
    return False


class OpenMetadataImporter(Importer[OpenMetadataConfig]):
    """OpenMetadata: ML models and services from its REST API, JSON files (API, create requests, sample data) or
    its om: RDF."""

    name = "openmetadata"
    platform = m.PlatformType.CUSTOM
    Config = OpenMetadataConfig
    capabilities = {
        Capability.REGISTRY: "ML models and ML model services with owners, tags, domains and the dashboard; "
                             "OpenMetadata's MlModel has no versions.",
        Capability.RUNS: "Hyperparameters (name, value, description); no runs or metrics.",
        Capability.DATASETS: "Feature sources' tables; in om: RDF the om:upstream lineage of models and tables.",
        Capability.FEATURES: "mlFeatures with data type, algorithm and feature sources.",
        Capability.GOVERNANCE: "Owners, tags and glossary terms, domains and data products.",
    }
    source_option = "source"
    examples = ("mlkg import openmetadata http://localhost:8585 -o om.ttl",
                "mlkg import openmetadata models.json --service mlflow_svc.json -o models.ttl",
                "mlkg import openmetadata om-export.ttl -o mlkg.ttl")
    from .openmetadata_fields import FILLS as fills  # the mapping table: field → OpenMetadata source

    def source(self) -> str:
        return f"openmetadata {redact_uri(self.config.source)}"

    def graph_key(self) -> str:
        src = self.config.source
        return redact_uri(src) if "://" in src else str(Path(src).resolve())

    def entities(self) -> Iterator[Entity]:
        """Yield the services, models and related entities of an OpenMetadata source.

        :raises SourceUnavailable: the server cannot be reached or does not answer with OpenMetadata lists.
        :raises InputError: a file that is not JSON/RDF (file, line and column named).
        """
        return _entities(self.config, self.report)


def _entities(config: OpenMetadataConfig, report: ImportReport) -> Iterator[Entity]:
    src = config.source
    if not src:
        raise InputError("give a file or an OpenMetadata server URL", source="openmetadata")
    if src.startswith(("http://", "https://")):
        yield from _rest_entities(config, report)
        return
    if not Path(src).is_file():
        raise InputError("no such file", source=src)
    if _is_rdf(src, config):
        from .om_rdf import entities_from_file  # lazy: the om: RDF reader (rdflib) loads only for RDF input

        yield from entities_from_file(src, report)
        return
    yield from _json_entities(src, config, report)


# ---------------------------------------------------------------------------------------------------------------
# The way back: create requests
# ---------------------------------------------------------------------------------------------------------------

#: Properties of OpenMetadata's CreateMlModelRequest (schemas/api/data/createMlModel.json).
CREATE_MLMODEL_KEYS = (
    "name", "displayName", "description", "algorithm", "mlFeatures", "mlHyperParameters", "target", "dashboard",
    "mlStore", "server", "extension", "sourceUrl", "owners", "tags", "service", "domains", "dataProducts",
    "lifeCycle", "sourceHash",
)
#: Properties of CreateMlModelServiceRequest.
CREATE_SERVICE_KEYS = ("name", "displayName", "description", "serviceType", "connection", "tags", "owners",
                       "domains", "dataProducts")
_FEATURE_KEYS = ("name", "dataType", "description", "fullyQualifiedName", "featureSources", "featureAlgorithm",
                 "tags")
_SOURCE_KEYS = ("name", "dataType", "description", "fullyQualifiedName", "dataSource", "tags")
_OM_SERVICE_TYPES = ("Mlflow", "Sklearn", "CustomMlModel", "SageMaker", "VertexAI")
#: mlkg additions OpenMetadata's MlModel has no field for (reported when dropped).
_DROPPED = ("versions", "metrics", "deployments", "trainingDatasets", "validationDatasets", "testDatasets",
            "predictions", "modelCard", "license", "baseModel", "task", "fairness", "featureImportance",
            "compliance", "auditLog", "driftMonitors")


def _ref_object(r: Ref) -> dict[str, Any]:
    out: dict[str, Any] = {"type": r.type}
    for key, attr in (("id", "id"), ("name", "name"), ("fullyQualifiedName", "fqn")):
        v = getattr(r, attr)
        if v:
            out[key] = v
    return out


def create_request(model: m.MLModel, report: ImportReport | None = None) -> dict[str, Any]:
    """OpenMetadata ``CreateMlModelRequest`` JSON for ``model``.

    References become what the create API takes: ``service``, ``dashboard``, ``domains`` and ``dataProducts``
    as FQN strings; ``owners`` and feature sources' ``dataSource`` as EntityReference objects (type and FQN,
    plus the uuid when known: OpenMetadata resolves references by id). Hyperparameter values are the original
    strings. ``algorithm`` defaults to ``"mlmodel"`` as in OpenMetadata.

    >>> r = create_request(m.MLModel(name="churn", service="mlflow_prod", algorithm="XGBoost",
    ...     ml_hyper_parameters=[m.HyperParameter(name="eta", value=0.1)]))
    >>> r["service"], r["mlHyperParameters"]
    ('mlflow_prod', [{'name': 'eta', 'value': '0.1'}])
    """
    # lazy: model.json (~20 ms) loads when JSON is written; `mlkg import --list` imports this class
    from ..model.json import entity_to_dict

    full = entity_to_dict(model, shape="create")
    out: dict[str, Any] = {}
    for key in CREATE_MLMODEL_KEYS:
        if key in full:
            out[key] = full[key]
    out.setdefault("algorithm", "mlmodel")
    if model.owners:
        out["owners"] = [_ref_object(r) for r in model.owners]
    feats = []
    for f_ent in model.ml_features:
        fd = entity_to_dict(f_ent, shape="create")
        feat = {k: fd[k] for k in _FEATURE_KEYS if k in fd}
        if f_ent.feature_sources:
            srcs = []
            for s_ent in f_ent.feature_sources:
                sd = entity_to_dict(s_ent, shape="create")
                src = {k: sd[k] for k in _SOURCE_KEYS if k in sd}
                if s_ent.data_source is not None:
                    src["dataSource"] = _ref_object(s_ent.data_source)
                srcs.append(src)
            feat["featureSources"] = srcs
        feats.append(feat)
    if feats:
        out["mlFeatures"] = feats
    if model.service is None:
        raise InputError(f"model {model.name!r} has no service; a CreateMlModelRequest needs one",
                         path="service", expected="the FQN of an MlModelService")
    if report is not None:
        dropped = [k for k in _DROPPED if full.get(k)]
        if dropped:
            report.skip(f"model {model.fqn}", "OpenMetadata's MlModel has no field for: " + ", ".join(dropped))
        report.count("model requests")
    return out


def create_service_request(svc: m.MLModelService, report: ImportReport | None = None) -> dict[str, Any]:
    """OpenMetadata ``CreateMlModelServiceRequest`` JSON for ``svc`` (platforms OpenMetadata lacks become
    ``CustomMlModel``, with a note in the report)."""
    # lazy: model.json (~20 ms) loads when JSON is written; `mlkg import --list` imports this class
    from ..model.json import entity_to_dict

    full = entity_to_dict(svc, shape="create")
    out = {k: full[k] for k in CREATE_SERVICE_KEYS if k in full}
    st = out.get("serviceType")
    if st not in _OM_SERVICE_TYPES:
        if report is not None:
            report.warn(f"platform {st!r} is not an OpenMetadata service type; written as CustomMlModel",
                        item=f"service {svc.fqn}")
        out["serviceType"] = "CustomMlModel"
    if "connection" not in out and st == "Mlflow" and svc.service_url:
        out["connection"] = {"config": {"type": "Mlflow", "trackingUri": svc.service_url,
                                        "registryUri": svc.service_url}}
    if svc.owners:
        out["owners"] = [_ref_object(r) for r in svc.owners]
    if report is not None:
        report.count("service requests")
    return out


def create_requests(entities_: list[Entity], report: ImportReport | None = None) -> dict[str, list[Any]]:
    """``{"services": [CreateMlModelServiceRequest...], "models": [CreateMlModelRequest...]}`` for the services
    and models among ``entities_`` (other entities are counted as skipped in the report)."""
    services, models = [], []
    for e in entities_:
        if isinstance(e, m.MLModelService):
            services.append(create_service_request(e, report))
        elif isinstance(e, m.MLModel):
            models.append(create_request(e, report))
        elif report is not None:
            report.counts["not exported"] += 1
    return {"services": services, "models": models}
