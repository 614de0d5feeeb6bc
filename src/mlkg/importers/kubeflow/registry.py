"""The Kubeflow Model Registry REST API (``/api/model_registry/v1``) → mlkg entities, with the standard library.

=======================================  ===================================================================
Model Registry                           mlkg
=======================================  ===================================================================
registered model (name, description,     :class:`MLModel` ``<service>.<name>``: description, owner, labels
owner, state, custom properties)         (custom properties with an empty string value, as the UI shows
                                         them) as tags, algorithm of the latest version
model version (name, author, state,      :class:`ModelVersion`: created by its author, created at, status
description, custom properties)          (LIVE / ARCHIVED; ARCHIVED is also the stage), chained by creation
                                         time; custom properties that are known measures (accuracy, f1, ...)
                                         as evaluations, labels as tags, the other values as hyperparameters
model artifact (uri, format, storage)    the version's artifact URI and store; the model format name (and
                                         version) as its algorithm
serving environment + inference          :class:`Endpoint` ``<service>.<environment>.<service name>``:
service (runtime, desired state)         real-time, environment, status (DEPLOYED → InService, UNDEPLOYED →
                                         OutOfService), serving the model and its version
=======================================  ===================================================================
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, unquote, urlencode, urlsplit
from urllib.request import Request, urlopen

from ... import ids
from ...model import entities as m
from ...model.base import Ref, epoch_ms_to_datetime
from ..base import ImportReport, SourceUnavailable, first_line, paginate, redact_uri

API = "/api/model_registry/v1"
_STATUS = {"DEPLOYED": m.DeploymentStatus.IN_SERVICE, "UNDEPLOYED": m.DeploymentStatus.OUT_OF_SERVICE}


def timestamp(ms: Any) -> Any:
    """The registry's times are epoch milliseconds as text."""
    try:
        n = int(ms)
    except (TypeError, ValueError):
        return None
    return epoch_ms_to_datetime(n) if n > 0 else None


def value(mv: Any) -> Any:
    """The Python value of a ``MetadataValue`` (``{"metadataType": "MetadataIntValue", "int_value": "50"}``)."""
    if not isinstance(mv, dict):
        return None
    t = mv.get("metadataType")
    if t == "MetadataIntValue":
        try:
            return int(str(mv.get("int_value")))
        except (TypeError, ValueError):
            return None
    if t == "MetadataDoubleValue":
        return mv.get("double_value")
    if t == "MetadataBoolValue":
        return mv.get("bool_value")
    if t == "MetadataStringValue":
        return mv.get("string_value")
    if t == "MetadataStructValue":
        return mv.get("struct_value")
    return None


class Client:
    """GET requests to one Model Registry, with paging through ``nextPageToken``."""

    def __init__(self, url: str, *, timeout: float, page_size: int, token: str = "") -> None:
        parts = urlsplit(url.rstrip("/"))
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        elif parts.username is not None:  # user:password@host → basic authentication, never in the URL
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        self.base = redact_uri(url.rstrip("/"))
        self.shown = self.base
        self.timeout = timeout
        self.page_size = page_size

    def get(self, path: str, **query: Any) -> Any:
        url = f"{self.base}{API}{path}" + (f"?{urlencode(query)}" if query else "")
        try:
            with urlopen(Request(url, headers=self.headers), timeout=self.timeout) as r:
                body = r.read()
        except HTTPError as e:
            if e.code == 404 and path == "/registered_models":
                raise SourceUnavailable(f"{self.shown}: not a Kubeflow Model Registry (404 at {API}{path})") from None
            if e.code in (401, 403):
                raise SourceUnavailable(f"{self.shown}: HTTP {e.code} at {API}{path} (a token is needed)") from None
            raise SourceUnavailable(f"{self.shown}: HTTP {e.code} at {API}{path}") from None
        except (URLError, OSError) as e:
            raise SourceUnavailable(f"cannot reach the Model Registry at {self.shown}: {first_line(e)}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise SourceUnavailable(f"{self.shown}: the answer of {API}{path} is not JSON") from None

    def items(self, path: str) -> Iterator[dict[str, Any]]:
        def fetch(token: Any) -> tuple[list[dict[str, Any]], Any]:
            q: dict[str, Any] = {"pageSize": self.page_size}
            if token:
                q["nextPageToken"] = token
            doc = self.get(path, **q)
            if not isinstance(doc, dict) or not isinstance(doc.get("items", []), list):
                raise SourceUnavailable(f"{self.shown}: {API}{path} did not answer with a list of items")
            return [i for i in doc.get("items") or [] if isinstance(i, dict)], doc.get("nextPageToken")

        return paginate(fetch, what=f"{self.shown}{API}{path}")


def _tag(key: str) -> m.TagLabel:
    return m.TagLabel(tag_fqn=ids.quote_part(key), source="Classification", label_type="Manual", state="Confirmed")


def _split_properties(props: Any) -> tuple[list[m.TagLabel], list[m.Evaluation], list[m.HyperParameter]]:
    tags, metrics, params = [], [], []
    for k, mv in sorted((props or {}).items()):
        v = value(mv)
        if v == "" and mv.get("metadataType") == "MetadataStringValue":
            tags.append(_tag(k))
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and m.measure_for(k):
            metrics.append(m.Evaluation(name=k, value=v))
        elif v is not None:
            params.append(m.HyperParameter(name=k, value=json.dumps(v, sort_keys=True) if isinstance(
                v, (dict, list)) else v))
    return tags, metrics, params


def entities(url: str, report: ImportReport, *, service: str, timeout: float, page_size: int,
             token: str = "") -> Iterator[m.Entity]:
    """Every registered model with its versions and artifacts, then every inference service.

    :raises SourceUnavailable: the registry cannot be reached or does not answer like one.
    """
    c = Client(url, timeout=timeout, page_size=page_size, token=token)
    svc = Ref(type="mlmodelService", fqn=service)
    model_of: dict[str, str] = {}
    version_of: dict[str, str] = {}
    models = list(c.items("/registered_models"))
    report.say(f"kubeflow: {len(models)} registered models at {c.shown}")
    for rm in models:
        with report.guard(f"registered model {rm.get('name')}") as g:
            model, versions = _model(c, rm, service, svc, report)
        if not g.ok:
            continue
        model_of[str(rm.get("id"))] = model.fqn or ""
        version_of.update(versions)
        yield model
        report.count("models")
        report.count("versions", len(model.versions))
    for env in list(c.items("/serving_environments")):
        env_name = str(env.get("name") or env.get("id"))
        for isv in c.items(f"/serving_environments/{quote(str(env.get('id')), safe='')}/inference_services"):
            name = str(isv.get("name") or isv.get("id"))
            served = model_of.get(str(isv.get("registeredModelId")))
            version = version_of.get(str(isv.get("modelVersionId")))
            if served is None:
                report.warn(f"serves registered model {isv.get('registeredModelId')}, which is not in the "
                            "registry", item=f"inference service {name}")
            runtime = isv.get("runtime")
            yield m.Endpoint(
                name=name, fqn=ids.fqn_child(service, env_name, name), service=svc,
                deployment_type=m.DeploymentType.REALTIME, environment=env_name,
                status=_STATUS.get(str(isv.get("desiredState") or "")),
                model=Ref(type="mlmodel", fqn=served) if served else None,
                model_version=Ref(type="modelVersion", fqn=version) if version else None,
                deployed_at=timestamp(isv.get("createTimeSinceEpoch")),
                description=f"runtime {runtime}" if runtime else None)
            report.count("deployments")


def _model(c: Client, rm: dict[str, Any], service: str, svc: Ref,
           report: ImportReport) -> tuple[m.MLModel, dict[str, str]]:
    name = str(rm["name"])
    fqn = ids.fqn_child(service, name)
    versions: list[m.ModelVersion] = []
    ids_: dict[str, str] = {}
    raw = sorted(c.items(f"/registered_models/{quote(str(rm['id']), safe='')}/versions"),
                 key=lambda v: (int(v.get("createTimeSinceEpoch") or 0), str(v.get("id"))))
    prev = None
    for mv in raw:
        label = str(mv.get("name") or mv.get("id"))
        tags, metrics, params = _split_properties(mv.get("customProperties"))
        arts = list(c.items(f"/model_versions/{quote(str(mv['id']), safe='')}/artifacts"))
        model_arts = [a for a in arts if a.get("artifactType", "model-artifact") == "model-artifact"]
        for a in arts:
            if a not in model_arts:
                report.skip(f"artifact {a.get('name')} of {name}/{label}",
                            f"a {a.get('artifactType')} (only model artifacts are read)")
        art = model_arts[0] if model_arts else {}
        fmt = art.get("modelFormatName")
        algorithm = f"{fmt} {art['modelFormatVersion']}" if fmt and art.get("modelFormatVersion") else fmt
        uri = art.get("uri")
        state = mv.get("state")
        author = mv.get("author")
        v = m.ModelVersion(
            name=label, fqn=ids.fqn_child(fqn, label), description=mv.get("description") or None,
            status=state or None, stage=m.Stage.ARCHIVED if state == "ARCHIVED" else None,
            created_at=timestamp(mv.get("createTimeSinceEpoch")),
            created_by=Ref(type="user", fqn=str(author)) if author else None,
            previous_version=Ref(type="modelVersion", fqn=ids.fqn_child(fqn, prev)) if prev else None,
            source=uri or None, ml_store=m.ModelStore(storage=uri) if uri else None,
            algorithm=algorithm or None, tags=tags, metrics=metrics, ml_hyper_parameters=params)
        versions.append(v)
        ids_[str(mv["id"])] = v.fqn or ""
        prev = label
    tags, _, _ = _split_properties(rm.get("customProperties"))
    latest = versions[-1] if versions else None
    owner = rm.get("owner")
    return m.MLModel(
        name=name, fqn=fqn, service=svc, service_type=m.PlatformType.KUBEFLOW,
        description=rm.get("description") or None, owners=[Ref(type="user", fqn=str(owner))] if owner else [],
        tags=tags, versions=versions, algorithm=latest.algorithm if latest else None,
        ml_store=latest.ml_store if latest else None,
        updated_at=timestamp(rm.get("lastUpdateTimeSinceEpoch"))), ids_
