"""Google Vertex AI importer (google-cloud-aiplatform): models with every version, evaluations, endpoints,
training pipelines and custom jobs, and experiment runs from Vertex ML Metadata.

Offline: ``mlkg import vertexai FILE_OR_DIR...`` reads JSON files of REST resources (as ``gcloud ai models
describe --format=json``, ``gcloud ai endpoints list --format=json`` and the REST API return them). Live:
``mlkg import vertexai --project P --location L [--api-endpoint URL]`` reads the same resources through the GAPIC
clients. :mod:`.config` says what is read, :mod:`.client` where from, :mod:`.mapping` what becomes what.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ...model import entities as m
from ...model.base import Ref
from ..base import Capability, Importer, SourceUnavailable, redact_uri
from . import mapping as mp
from .client import LiveClient, Resource, normalized, read_files, sdk
from .config import VertexAIConfig

__all__ = ["VertexAIConfig", "VertexAIImporter"]


class VertexAIImporter(Importer[VertexAIConfig]):
    """Google Vertex AI: models and versions, evaluations, endpoints, training pipelines, experiment runs."""

    name = "vertexai"
    platform = m.PlatformType.VERTEX_AI
    Config = VertexAIConfig
    capabilities = {
        Capability.REGISTRY: "Models with every version: version id, aliases, labels, artifact URI, container "
                             "image, training pipeline, previous version.",
        Capability.RUNS: "Training pipelines and custom jobs (state, times, task inputs), experiment runs from "
                         "Vertex ML Metadata with their parameters and metrics, model evaluations by slice.",
        Capability.DATASETS: "The managed dataset a training pipeline read.",
        Capability.FEATURES: "The explanation spec's inputs of each version, as the model's features.",
        Capability.DEPLOYMENTS: "Endpoints with each deployed model: the version served and its machine type.",
        Capability.GOVERNANCE: "Labels as tags, owner and team labels as owners (Vertex has no owner field).",
    }
    extra = "vertexai"
    sdk = ("google.cloud.aiplatform_v1",)
    source_option = "paths"
    examples = (
        "mlkg import vertexai exported/ -o vertex.ttl",
        "gcloud ai models describe 7001 --region europe-west4 --format=json > model.json && "
        "mlkg import vertexai model.json -o model.ttl",
        "mlkg import vertexai --project my-proj --location europe-west4 --store oxigraph:kg",
    )
    from .fields import FILLS as fills  # the mapping table: field → Vertex AI source

    def source(self) -> str:
        if self.config.project:
            endpoint = self.config.api_endpoint or f"{self.config.location}-aiplatform.googleapis.com"
            return f"vertexai {redact_uri(endpoint)} projects/{self.config.project}/locations/{self.config.location}"
        return super().source()

    def graph_key(self) -> str:
        if self.config.project:
            return f"{self.service_name}/{self.config.project}/{self.config.location}"
        return super().graph_key()

    def test_connection(self) -> None:
        self.require_sdk()
        if self.config.project:
            client = LiveClient(self.config)
            next(iter(client._listing("models", client.models.list_models, parent=client.parent)), None)

    def resources(self) -> Iterator[Resource]:
        c = self.config
        if c.project and c.paths:
            raise SourceUnavailable("give either files to read or --project to read live, not both")
        if c.project:
            v = sdk()
            for kind, data, where in LiveClient(c).resources(self.report):
                with self.report.guard(f"{where} {data.get('name', '')}") as g:
                    data = normalized(v, kind, data)
                if g.ok:
                    yield kind, data, where
        elif c.paths:
            yield from read_files(c, self.report)
        else:
            raise SourceUnavailable("nothing to read: give JSON files or directories, or --project (and "
                                    "--location) to read live")

    def entities(self) -> Iterator[m.Entity]:
        """Yield the service, datasets, experiments, runs, models with their versions, and endpoints.

        :raises SourceUnavailable: the SDK is missing, or the live API cannot be reached or refuses the caller.
        :raises InputError: a path that does not exist or a file that is not JSON.
        """
        self.require_sdk()
        c = self.config
        names = mp.Names(c.service_name)
        by_kind: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
        for kind, data, where in self.resources():
            by_kind[kind].append((data, where))
        yield m.MLModelService(
            name=c.service_name, service_type=m.PlatformType.VERTEX_AI,
            service_url=f"https://{c.api_endpoint or c.location + '-aiplatform.googleapis.com'}"
            if c.project and not c.api_endpoint.startswith("http") else (c.api_endpoint or None),
            description="Google Vertex AI" + (f", project {c.project} in {c.location}" if c.project else
                                              " (from exported REST resources)"))
        self.report.count("services")

        # evaluations and slices by model version ("ID@VERSION"; no version: the default version)
        evals: dict[str, list[dict[str, Any]]] = defaultdict(list)
        slices: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for data, _w in by_kind["evaluation"]:
            p = mp.parse_name(data["name"]) or {}
            evals[f"{p.get('id')}@{p.get('version') or ''}"].append(data)
        for data, _w in by_kind["slice"]:
            p = mp.parse_name(data["name"]) or {}
            slices[f"{p.get('id')}@{p.get('version') or ''}"].append(data)

        # runs: training pipelines, custom jobs, experiment runs
        experiments = {mp._id(d["name"]): d for d, _w in by_kind["context"]
                       if d.get("schemaTitle") == "system.Experiment"}
        datasets: dict[str, m.Dataset] = {}
        runs: list[m.TrainingRun] = []
        produced: dict[tuple[str, str], str] = {}  # (model resource, version id) → the run that made it
        model_dirs: dict[str, str] = {}  # a custom job's AIP_MODEL_DIR → its run
        if c.training:
            backing: dict[str, str] = {}
            for data, where in by_kind["trainingPipeline"]:
                with self.report.guard(f"training pipeline {where}") as g:
                    run, ds = mp.training_pipeline(names, data)
                if g.ok:
                    runs.append(run)
                    for d in ds:
                        datasets.setdefault(d.fqn or d.name, d)
                    made = mp.produced_version(data)
                    if made and run.fqn:
                        produced[made] = run.fqn
                    job = str((data.get("trainingTaskMetadata") or {}).get("backingCustomJob") or "")
                    if job:
                        backing[job] = str(data["name"])
            for data, where in by_kind["customJob"]:
                if str(data.get("name")) in backing:  # the same training as its pipeline's run: not a second run
                    self.report.count("custom jobs read as their training pipeline")
                    continue
                with self.report.guard(f"custom job {where}") as g:
                    run, ds = mp.custom_job(names, data)
                if g.ok:
                    runs.append(run)
                    for d in ds:
                        datasets.setdefault(d.fqn or d.name, d)
                    directory = mp.model_dir(data.get("jobSpec") or {})
                    if directory and run.fqn:
                        model_dirs[directory] = run.fqn
        exp_names = {eid: str(d.get("displayName") or eid) for eid, d in experiments.items()}
        if c.experiments:
            for data, where in by_kind["context"]:
                schema = data.get("schemaTitle")
                if schema == "system.Experiment":
                    continue
                if schema != "system.ExperimentRun":
                    self.report.skip(f"context {where}", f"schema {schema!r} is not an experiment run")
                    continue
                parent = next((exp_names.get(mp._id(pc), mp._id(pc)) for pc in data.get("parentContexts") or []),
                              None)
                with self.report.guard(f"experiment run {where}") as g:
                    runs.append(mp.experiment_run(names, data, parent))
            for eid, ctx in sorted(experiments.items()):
                yield m.Experiment(name=exp_names[eid], fqn=names.experiment(exp_names[eid]),
                                   description=ctx.get("description") or None,
                                   service=Ref(type="mlmodelService", fqn=names.service))
                self.report.count("experiments")
        for d in datasets.values():
            yield d
            self.report.count("datasets")
        for run in sorted(runs, key=lambda r: r.fqn or ""):
            yield run
            self.report.count("runs")

        # models: versions grouped by model resource, named by display name
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for data, _w in by_kind["model"]:
            groups[str(data["name"])].append(data)
        model_names: dict[str, str] = {}
        taken: dict[str, str] = {}
        for resource in sorted(groups):
            vs = groups[resource]
            display = str(vs[0].get("displayName") or mp._id(resource))
            if display in taken and taken[display] != resource:
                self.report.warn(f"display name {display!r} is also model {taken[display]}; named by its id",
                                 item=f"model {resource}")
                display = f"{display} ({mp._id(resource)})"
            taken[display] = resource
            model_names[resource] = display
        for resource in sorted(groups):
            display = model_names[resource]
            with self.report.guard(f"model {resource}") as g:
                ent = self.model(names, display, resource, groups[resource], evals, slices, produced, model_dirs)
            if g.ok:
                yield ent
                self.report.count("models")
                self.report.count("versions", len(ent.versions))

        # endpoints
        if c.endpoints:
            for data, where in by_kind["endpoint"]:
                deployed = data.get("deployedModels") or []
                if not deployed:
                    self.report.skip(f"endpoint {where}", "no deployed model")
                for dm in deployed:
                    model_res = str(dm.get("model") or "")
                    served: str | None = model_names.get(model_res)
                    if served is None:
                        self.report.warn(f"deployed model {dm.get('id')} serves {model_res}, which was not read; "
                                         "the deployment names it by id", item=f"endpoint {where}")
                        served = mp._id(model_res) if model_res else None
                    serves = (Ref(type="mlmodel", fqn=names.model(served)) if served else None,
                              Ref(type="modelVersion", fqn=names.version(served, str(dm["modelVersionId"])))
                              if served and dm.get("modelVersionId") else None)
                    with self.report.guard(f"endpoint {where} deployed model {dm.get('id')}") as g:
                        ep = mp.endpoint(names, data, dm, several=len(deployed) > 1, serves=serves)
                    if g.ok:
                        yield ep
                        self.report.count("endpoints")
        else:
            for _data, where in by_kind["endpoint"]:
                self.report.skip(f"endpoint {where}", "endpoints are turned off")

    def model(self, names: mp.Names, display: str, resource: str, vs: list[dict[str, Any]],
              evals: dict[str, list[dict[str, Any]]], slices: dict[str, list[dict[str, Any]]],
              produced: dict[tuple[str, str], str], model_dirs: dict[str, str]) -> m.MLModel:
        mid = mp._id(resource)
        ordered = sorted(vs, key=lambda d: (int(d["versionId"]) if str(d.get("versionId", "")).isdigit() else 0,
                                            str(d.get("versionId", ""))))
        default = next((d for d in ordered if "default" in (d.get("versionAliases") or [])), ordered[-1])
        features = mp.features_of(default)
        versions, prev = [], None
        for d in ordered:
            ver = str(d.get("versionId") or "1")
            key = f"{mid}@{ver}"
            e = evals.get(key, []) + (evals.get(f"{mid}@", []) if d is default else [])
            s = slices.get(key, []) + (slices.get(f"{mid}@", []) if d is default else [])
            artifact = str(d.get("artifactUri") or "").rstrip("/") + "/"
            made_by = produced.get((resource, ver)) or next(
                (r for directory, r in model_dirs.items() if artifact.startswith(directory)), None)
            versions.append(mp.version(names, display, d, previous=prev, metrics=mp.evaluation_metrics(e, s),
                                       features=mp.features_of(d), produced_by=made_by))
            prev = ver
        return mp.model(names, display, versions, default, features)
