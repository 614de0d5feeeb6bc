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
    """``MLClient`` on one workspace with ``DefaultAzureCredential`` (not exercised by the tests: there is no
    standard local fake of the Azure ML ARM API)."""

    def __init__(self, config: AzureMLConfig) -> None:
        aml = sdk()
        try:
            from azure.identity import DefaultAzureCredential
        except ImportError:
            raise missing_sdk("azure-identity", "azureml") from None
        self.where = f"azureml {config.subscription}/{config.resource_group}/{config.workspace}"
        self.client = aml.MLClient(DefaultAzureCredential(), config.subscription, config.resource_group,
                                   config.workspace)
        self.config = config

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            return list(fn(*args, **kwargs))
        except Exception as e:
            name = type(e).__name__
            if name in ("ClientAuthenticationError", "CredentialUnavailableError"):
                raise SourceUnavailable(f"{self.where}: Azure refused or found no credentials ({first_line(e, 200)})"
                                        ) from None
            if name in ("ServiceRequestError", "ServiceResponseError"):
                raise SourceUnavailable(f"{self.where}: cannot reach Azure ML ({first_line(e, 200)})") from None
            if name == "HttpResponseError" and getattr(e, "status_code", None) == 429:
                raise SourceUnavailable(f"{self.where}: still throttled after the SDK's retries") from None
            raise

    def entities(self, report: ImportReport) -> Iterator[Loaded]:
        c, cl = self.config, self.client
        for summary in self._call("models", cl.models.list):
            for mv in self._call(f"versions of {summary.name}", cl.models.list, name=summary.name):
                yield "model", mv, f"model {mv.name}:{mv.version}", {}
                if c.jobs and getattr(mv, "job_name", None):
                    with report.guard(f"job {mv.job_name}") as g:
                        job = cl.jobs.get(mv.job_name)
                    if g.ok:
                        yield "job", job, f"job {mv.job_name}", {}
        if c.data:
            for d in self._call("data assets", cl.data.list):
                for dv in self._call(f"versions of {d.name}", cl.data.list, name=d.name):
                    yield "data", dv, f"data {dv.name}:{dv.version}", {}
        if c.endpoints:
            for ep in self._call("online endpoints", cl.online_endpoints.list):
                yield "online_endpoint", ep, f"endpoint {ep.name}", {}
                for dep in self._call(f"deployments of {ep.name}", cl.online_deployments.list, ep.name):
                    yield "online_deployment", dep, f"deployment {ep.name}/{dep.name}", {}
