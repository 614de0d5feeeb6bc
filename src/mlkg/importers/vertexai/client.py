"""Where the Vertex AI importer's resources come from: JSON files, or the live API through the GAPIC clients.

Both give REST JSON dicts (camelCase). Every resource goes through the SDK's own proto type
(``aiplatform_v1.Model.from_json(..., ignore_unknown_fields=True)`` and back), so a field of the wrong type is
caught and named, and fields this SDK does not know are ignored rather than fatal. google-cloud-aiplatform is
imported here, when the importer runs.

Live calls use the REST transport (so ``api_endpoint`` may be an ``http://127.0.0.1`` test server), the client
library's pagers (``nextPageToken``), and a :class:`google.api_core.retry.Retry` with exponential back-off for
throttling (429 ``TooManyRequests``/``RESOURCE_EXHAUSTED``) and ``ServiceUnavailable``. :func:`fatal` turns refused or missing
credentials, an unreachable endpoint and throttling that outlasts the retries into one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ... import limits
from ...errors import InputError
from ...rdf.formats import loads_json
from ..base import ImportReport, SourceUnavailable, first_line, missing_sdk, redact_uri
from . import mapping as mp
from .config import VertexAIConfig

#: resource kind → aiplatform_v1 type name
TYPES = {"model": "Model", "evaluation": "ModelEvaluation", "slice": "ModelEvaluationSlice",
         "endpoint": "Endpoint", "trainingPipeline": "TrainingPipeline", "customJob": "CustomJob",
         "context": "Context", "artifact": "Artifact", "execution": "Execution", "dataset": "Dataset"}

Resource = tuple[str, dict[str, Any], str]
"""(kind, REST JSON, where it came from)."""


def sdk() -> Any:
    try:
        from google.cloud import aiplatform_v1
    except ImportError:
        raise missing_sdk("google-cloud-aiplatform", "vertexai") from None
    return aiplatform_v1


def normalized(v: Any, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` read through the SDK type of ``kind`` and written back as REST JSON (defaults left out)."""
    cls = getattr(v, TYPES[kind])
    obj = cls.from_json(json.dumps(data), ignore_unknown_fields=True)
    out: dict[str, Any] = json.loads(cls.to_json(obj, always_print_fields_with_no_presence=False,
                                                 use_integers_for_enums=False))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------------------------


def json_files(paths: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(q for q in path.rglob("*.json") if q.is_file()))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError("no such file or directory", source=str(p))
    if not out:
        raise InputError("no .json files", source=", ".join(paths) or "(no paths)",
                         expected="JSON files of Vertex AI REST resources")
    return out


def _resources_in(doc: Any) -> list[dict[str, Any]] | None:
    """The resources of a JSON document: one resource, an array of them, or a REST list response."""
    if isinstance(doc, list):
        return [d for d in doc if isinstance(d, dict)]
    if isinstance(doc, dict):
        if isinstance(doc.get("name"), str):
            return [doc]
        lists = [v for k, v in doc.items() if isinstance(v, list) and k != "unreachable"]
        if lists:
            return [d for lst in lists for d in lst if isinstance(d, dict)]
    return None


def read_files(config: VertexAIConfig, report: ImportReport) -> Iterator[Resource]:
    """Every resource in the configured files.

    :raises InputError: a path that does not exist, or a file that is not JSON (with line and column).
    """
    v = sdk()
    for path in json_files(config.paths):
        doc = loads_json(limits.read_text(path), str(path), expected="a Vertex AI REST resource or list response")
        resources = _resources_in(doc)
        if resources is None:
            report.skip(str(path), "no Vertex AI resource in it (no name, no list of resources)")
            continue
        for i, res in enumerate(resources):
            where = f"{path.name}[{i}]" if len(resources) > 1 else path.name
            kind = mp.kind_of(res)
            if kind is None:
                report.skip(where, f"not a Vertex AI resource name: {str(res.get('name'))[:80]!r}")
                continue
            with report.guard(f"{where} ({TYPES[kind]})") as g:
                data = normalized(v, kind, res)
            if g.ok:
                yield kind, data, where


# ---------------------------------------------------------------------------------------------------------------
# The live API
# ---------------------------------------------------------------------------------------------------------------


def fatal(exc: BaseException, *, where: str, attempts: int) -> SourceUnavailable | None:
    try:
        from google.api_core import exceptions as gx
        from google.auth import exceptions as ax
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, SourceUnavailable):
        return exc
    if isinstance(exc, (ax.RefreshError, ax.InvalidOperation, gx.Unauthenticated, gx.PermissionDenied)):
        return SourceUnavailable(f"{where}: Google refused the credentials ({first_line(exc, 200)})")
    if isinstance(exc, ax.DefaultCredentialsError):
        return SourceUnavailable(f"{where}: no Google credentials ({first_line(exc, 160)}); run "
                                 "'gcloud auth application-default login' or set GOOGLE_APPLICATION_CREDENTIALS")
    if isinstance(exc, gx.TooManyRequests) or (isinstance(exc, gx.RetryError) and isinstance(
            getattr(exc, "cause", None), gx.TooManyRequests)):
        return SourceUnavailable(f"{where}: still throttled after {attempts} attempts with back-off "
                                 "(429 RESOURCE_EXHAUSTED); retry later or raise --max-attempts")
    if isinstance(exc, (gx.ServiceUnavailable, gx.RetryError, gx.DeadlineExceeded, ConnectionError)):
        return SourceUnavailable(f"{where}: cannot reach the Vertex AI endpoint after {attempts} attempts "
                                 f"({first_line(exc, 200)})")
    try:
        import requests

        if isinstance(exc, requests.exceptions.ConnectionError):
            return SourceUnavailable(f"{where}: cannot reach the Vertex AI endpoint ({first_line(exc, 200)})")
    except ImportError:  # pragma: no cover
        pass
    if isinstance(exc, gx.ServerError):
        return SourceUnavailable(f"{where}: the Vertex AI endpoint failed ({first_line(exc, 200)})")
    return None


class LiveClient:
    """The GAPIC clients for one project and location (REST transport)."""

    def __init__(self, config: VertexAIConfig) -> None:
        self.config = config
        self.v = sdk()
        from google.api_core import exceptions as gx
        from google.api_core import retry as r
        from google.api_core.client_options import ClientOptions

        endpoint = config.api_endpoint or f"{config.location}-aiplatform.googleapis.com"
        self.where = f"vertexai {redact_uri(endpoint)} projects/{config.project}/locations/{config.location}"
        creds = None
        if config.anonymous:
            from google.auth.credentials import AnonymousCredentials

            creds = AnonymousCredentials()
        opts = ClientOptions(api_endpoint=endpoint)
        self._retry = r.Retry
        self._retryable = r.if_exception_type(gx.TooManyRequests, gx.ServiceUnavailable)  # 429 and 503
        try:
            self.models = self.v.ModelServiceClient(transport="rest", client_options=opts, credentials=creds)
            self.endpoints = self.v.EndpointServiceClient(transport="rest", client_options=opts, credentials=creds)
            self.pipelines = self.v.PipelineServiceClient(transport="rest", client_options=opts, credentials=creds)
            self.jobs = self.v.JobServiceClient(transport="rest", client_options=opts, credentials=creds)
            self.metadata = self.v.MetadataServiceClient(transport="rest", client_options=opts, credentials=creds)
        except Exception as e:
            raise fatal(e, where=self.where, attempts=1) or SourceUnavailable(
                f"{self.where}: cannot create the Vertex AI clients: {first_line(e)}") from None

    @property
    def parent(self) -> str:
        return f"projects/{self.config.project}/locations/{self.config.location}"

    def _listing(self, what: str, call: Any, **request: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paged list call, as REST JSON."""
        counter = {"n": 0}

        def on_error(exc: Exception) -> None:  # called before each back-off sleep
            counter["n"] += 1
            if counter["n"] >= self.config.max_attempts:
                raise exc

        # back-off 0.5 s, 1 s, 2 s, ... (with jitter) on throttling and unavailability, max_attempts calls in all
        retry = self._retry(predicate=self._retryable, initial=0.5, multiplier=2.0, maximum=16.0, timeout=None,
                            on_error=on_error)
        try:
            for item in call(request={**request, "page_size": self.config.page_size}, retry=retry,
                             timeout=self.config.timeout):
                yield json.loads(type(item).to_json(item, always_print_fields_with_no_presence=False,
                                                    use_integers_for_enums=False))
        except Exception as e:
            f = fatal(e, where=f"{self.where} {what}", attempts=counter["n"] or 1)  # calls made: each failure counted
            if f is not None:
                raise f from None
            raise SourceUnavailable(f"{self.where}: cannot list {what}: {first_line(e)}") from None

    def resources(self, report: ImportReport) -> Iterator[Resource]:
        c = self.config
        for model in self._listing("models", self.models.list_models, parent=self.parent):
            versions = list(self._listing(f"versions of {model['name']}", self.models.list_model_versions,
                                          name=model["name"]))
            for ver in versions or [model]:
                yield "model", ver, "list_model_versions"
                if c.evaluations:
                    name = f"{ver['name']}@{ver.get('versionId')}" if ver.get("versionId") else ver["name"]
                    for ev in self._listing(f"evaluations of {name}", self.models.list_model_evaluations,
                                            parent=name):
                        yield "evaluation", ev, "list_model_evaluations"
                        for sl in self._listing(f"slices of {ev['name']}", self.models.list_model_evaluation_slices,
                                                parent=ev["name"]):
                            yield "slice", sl, "list_model_evaluation_slices"
        if c.endpoints:
            for ep in self._listing("endpoints", self.endpoints.list_endpoints, parent=self.parent):
                yield "endpoint", ep, "list_endpoints"
        if c.training:
            for tp in self._listing("training pipelines", self.pipelines.list_training_pipelines, parent=self.parent):
                yield "trainingPipeline", tp, "list_training_pipelines"
            for cj in self._listing("custom jobs", self.jobs.list_custom_jobs, parent=self.parent):
                yield "customJob", cj, "list_custom_jobs"
        if c.experiments:
            store = f"{self.parent}/metadataStores/{c.metadata_store}"
            for ctx in self._listing("experiments", self.metadata.list_contexts, parent=store,
                                     filter='schema_title="system.Experiment" OR '
                                            'schema_title="system.ExperimentRun"'):
                yield "context", ctx, "list_contexts"
