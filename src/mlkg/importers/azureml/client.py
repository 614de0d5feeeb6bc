"""Where the Azure ML importer's entities come from: CLI v2 YAML and REST JSON files, or a live workspace.

YAML files are read by the SDK's own loaders (``azure.ai.ml.load_model``, ``load_job``, ``load_data``,
``load_online_endpoint``, ``load_online_deployment``, ``load_batch_endpoint``, ``load_batch_deployment``),
which validate them against the CLI v2 schemas; REST JSON of model versions goes through
``Model._from_rest_object``. That one is private API and raises ``AttributeError`` on a model without
``flavors`` (a custom model), so the importer fills in an empty map first. azure-ai-ml is imported here, when the
importer runs.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ... import limits
from ...errors import InputError
from ...rdf.formats import loads_json
from ..base import ImportReport, SourceUnavailable, first_line, missing_sdk
from .config import AzureMLConfig

Loaded = tuple[str, Any, str, dict[str, Any]]
"""(kind, SDK entity, where it came from, the raw document)."""

#: The last part of a CLI v2 ``$schema`` URL → kind.
SCHEMAS = {
    "model.schema.json": "model", "commandJob.schema.json": "job", "sweepJob.schema.json": "job",
    "pipelineJob.schema.json": "job", "data.schema.json": "data",
    "managedOnlineEndpoint.schema.json": "online_endpoint", "kubernetesOnlineEndpoint.schema.json": "online_endpoint",
    "managedOnlineDeployment.schema.json": "online_deployment",
    "kubernetesOnlineDeployment.schema.json": "online_deployment",
    "batchEndpoint.schema.json": "batch_endpoint", "batchDeployment.schema.json": "batch_deployment",
    "modelBatchDeployment.schema.json": "batch_deployment",
}
LOADERS = {"model": "load_model", "job": "load_job", "data": "load_data", "online_endpoint": "load_online_endpoint",
           "online_deployment": "load_online_deployment", "batch_endpoint": "load_batch_endpoint",
           "batch_deployment": "load_batch_deployment"}


def sdk() -> Any:
    try:
        warnings.filterwarnings("ignore", module=r"azure\..*")
        logging.getLogger("azure").setLevel(logging.ERROR)
        import azure.ai.ml as aml
    except ImportError:
        raise missing_sdk("azure-ai-ml", "azureml") from None
    return aml


def kind_of(doc: dict[str, Any]) -> str | None:
    """The kind of a CLI v2 YAML document: from its ``$schema``, else from its fields."""
    schema = str(doc.get("$schema") or "")
    if schema:
        return SCHEMAS.get(schema.rsplit("/", 1)[-1])
    t = str(doc.get("type") or "")
    if t in ("command", "sweep", "pipeline"):
        return "job"
    if t in ("mlflow_model", "custom_model", "triton_model"):
        return "model"
    if "endpoint_name" in doc:
        return "batch_deployment" if t == "batch" else "online_deployment"
    if "auth_mode" in doc:
        return "online_endpoint"
    if t in ("uri_file", "uri_folder", "mltable") and "path" in doc:
        return "data"
    return None


def files(paths: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(q for q in path.rglob("*") if q.is_file() and q.suffix in (".yml", ".yaml", ".json")))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError("no such file or directory", source=str(p))
    if not out:
        raise InputError("no .yml, .yaml or .json files", source=", ".join(paths) or "(no paths)",
                         expected="Azure ML CLI v2 YAML or REST JSON")
    return out


def _yaml(path: Path) -> Any:
    try:
        data = yaml.safe_load(limits.read_text(path))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(f"not YAML: {getattr(e, 'problem', None) or first_line(e)}", source=str(path),
                         line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                         expected="an Azure ML CLI v2 YAML file") from None
    limits.check_tree(data, str(path))
    return data


def model_from_rest(aml: Any, body: dict[str, Any]) -> Any:
    """``Model._from_rest_object`` of a REST model version, with the flavors crash guarded."""
    from azure.ai.ml._restclient.arm_ml_service.models._models import ModelVersion
    from azure.ai.ml.entities import Model

    body = json.loads(json.dumps(body))
    props = body.setdefault("properties", {})
    if not props.get("flavors"):
        props["flavors"] = {}  # the SDK raises AttributeError on a missing or null map
    return Model._from_rest_object(ModelVersion(body))


def _load(aml: Any, kind: str, path: Path) -> Any:
    """``azure.ai.ml.load_<kind>(path)``; the SDK's schema errors span several lines, so they are joined."""
    try:
        return getattr(aml, LOADERS[kind])(source=str(path))
    except Exception as e:
        text = " ".join(str(e).split())
        raise ValueError(f"{type(e).__name__}: {text[:400]}") from None


def read_files(config: AzureMLConfig, report: ImportReport) -> Iterator[Loaded]:
    aml = sdk()
    for path in files(config.paths):
        if path.suffix == ".json":
            doc = loads_json(limits.read_text(path), str(path), expected="Azure ML REST JSON")
            items: list[Any] = doc["value"] if isinstance(doc, dict) and isinstance(doc.get("value"), list) else (
                doc if isinstance(doc, list) else [doc])
            for i, body in enumerate(items):
                where = f"{path.name}[{i}]" if len(items) > 1 else path.name
                rid = str(body.get("id") or "") if isinstance(body, dict) else ""
                if "/models/" not in rid or "/versions/" not in rid:
                    report.skip(where, "not the REST JSON of a model version (only model versions are read "
                                       "from JSON; give jobs and endpoints as CLI v2 YAML)")
                    continue
                with report.guard(f"{where} (model version)") as g:
                    entity = model_from_rest(aml, body)
                if g.ok:
                    yield "model", entity, where, body
            continue
        doc = _yaml(path)
        if not isinstance(doc, dict):
            report.skip(path.name, "not a YAML mapping")
            continue
        kind = kind_of(doc)
        if kind is None:
            report.skip(path.name, "not an Azure ML model, job, data, endpoint or deployment (no known $schema)")
            continue
        with report.guard(f"{path.name} ({kind.replace('_', ' ')})") as g:
            entity = _load(aml, kind, path)
        if g.ok:
            yield kind, entity, path.name, doc


class LiveClient:
    """``MLClient`` on one workspace: ``DefaultAzureCredential`` unless the caller gives a credential.

    Errors that stop the import (:class:`SourceUnavailable`, one line): credentials missing or refused (401/403),
    Azure ML unreachable, throttling (429) that outlasted azure-core's retries (which honour ``Retry-After`` and
    back off exponentially). A single job or version that cannot be read is a failed item of the report.
    """

    def __init__(self, config: AzureMLConfig, *, credential: Any = None,
                 client_options: dict[str, Any] | None = None) -> None:
        aml = sdk()
        if credential is None:
            try:
                from azure.identity import DefaultAzureCredential
            except ImportError:
                raise missing_sdk("azure-identity", "azureml") from None
            credential = DefaultAzureCredential()
        self.where = f"azureml {config.subscription}/{config.resource_group}/{config.workspace}"
        options: dict[str, Any] = {"enable_telemetry": False, "show_progress": False, "retry_total": config.retries,
                                   "connection_timeout": config.timeout, "read_timeout": config.timeout}
        if config.cloud:
            options["cloud"] = config.cloud
        options.update(client_options or {})
        try:
            self.client = aml.MLClient(credential, config.subscription, config.resource_group, config.workspace,
                                       **options)
        except Exception as e:  # an unknown cloud name, a cloud metadata URL that did not answer
            raise SourceUnavailable(f"{self.where}: {first_line(e, 200)}") from None
        self.aml = aml
        self.config = config

    def fatal(self, e: Exception) -> SourceUnavailable | None:
        """The one-line error for an exception that stops the import, else None."""
        name = type(e).__name__
        status = getattr(e, "status_code", None)
        if status == 403:
            return SourceUnavailable(f"{self.where}: Azure refused access (403: the identity has no role on the "
                                     f"workspace; {first_line(e, 200)})")
        if name in ("ClientAuthenticationError", "CredentialUnavailableError") or status == 401:
            return SourceUnavailable(f"{self.where}: Azure refused or found no credentials "
                                     f"({first_line(e, 200)})")
        if name in ("ServiceRequestError", "ServiceResponseError", "ServiceRequestTimeoutError"):
            return SourceUnavailable(f"{self.where}: cannot reach Azure ML ({first_line(e, 200)})")
        if status == 429:
            return SourceUnavailable(f"{self.where}: throttled by Azure (429) after {self.config.retries} retries; "
                                     f"try again later")
        if name == "HttpResponseError" and status is not None and status >= 500:
            return SourceUnavailable(f"{self.where}: Azure ML answered {status} ({first_line(e, 200)})")
        return None

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            return list(fn(*args, **kwargs))
        except Exception as e:
            err = self.fatal(e)
            if err is not None:
                raise err from None
            raise

    def _get(self, report: ImportReport, item: str, fn: Any, *args: Any) -> Any:
        """One ``get``: a resource that is not there, or that the SDK cannot read, is a failed item."""
        with report.guard(item) as g:
            try:
                value = fn(*args)
            except Exception as e:
                err = self.fatal(e)
                if err is not None:
                    raise err from None
                if type(e).__name__ == "ResourceNotFoundError":
                    raise ValueError("not found in the workspace") from None
                raise
        return value if g.ok else None

    def versions(self, name: str, report: ImportReport) -> Iterator[Any]:
        """The versions of one model, each read by :func:`model_from_rest` (which guards the SDK's crash on a
        version without ``flavors``, a crash that would otherwise lose the whole list). This lists through the
        operations object's REST client, ``models._model_versions_operation`` (private, as ``_from_rest_object``
        is); an SDK without it gets the public ``models.list(name=...)``."""
        ops = self.client.models
        rest = getattr(ops, "_model_versions_operation", None)
        if rest is None:
            yield from self._call(ops.list, name=name)
            return
        bodies = self._call(rest.list, name=name, workspace_name=ops._workspace_name, cls=lambda objs: list(objs),
                            **ops._scope_kwargs)
        for body in bodies:
            with report.guard(f"model {name}:{body.get('name')}") as g:
                mv = model_from_rest(self.aml, body.as_dict() if hasattr(body, "as_dict") else dict(body))
            if g.ok:
                yield mv

    def entities(self, report: ImportReport) -> Iterator[Loaded]:
        c, cl = self.config, self.client
        for summary in self._call(cl.models.list):
            for mv in self.versions(str(summary.name), report):
                yield "model", mv, f"model {mv.name}:{mv.version}", {}
                if c.jobs and getattr(mv, "job_name", None):
                    job = self._get(report, f"job {mv.job_name}", cl.jobs.get, mv.job_name)
                    if job is not None:
                        yield "job", job, f"job {mv.job_name}", {}
        if c.data:
            for d in self._call(cl.data.list):
                for dv in self._call(cl.data.list, name=d.name):
                    yield "data", dv, f"data {dv.name}:{dv.version}", {}
        if c.endpoints:
            for ep in self._call(cl.online_endpoints.list):
                yield "online_endpoint", ep, f"endpoint {ep.name}", {}
                for dep in self._call(cl.online_deployments.list, ep.name):
                    yield "online_deployment", dep, f"{ep.name}/{dep.name}", {}
            for ep in self._call(cl.batch_endpoints.list):
                yield "batch_endpoint", ep, f"batch endpoint {ep.name}", {}
                for dep in self._call(cl.batch_deployments.list, ep.name):
                    yield "batch_deployment", dep, f"{ep.name}/{dep.name}", {}
