"""Azure ML importer (azure-ai-ml, SDK v2): models with their versions, jobs, data assets, online and batch
endpoints with their deployments.

Offline: ``mlkg import azureml FILE_OR_DIR...`` reads the CLI v2 YAML a project keeps in git (``model.yml``,
``job.yml``, ``data.yml``, ``endpoint.yml``, ``deployment.yml``) and REST JSON of model versions. Live:
``mlkg import azureml --subscription S --resource-group G --workspace W`` reads the same through ``MLClient``.
:mod:`.config` says what is read, :mod:`.client` where from, :mod:`.mapping` what becomes what.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ...model import entities as m
from ..base import Capability, Importer, ImportReport, SourceUnavailable
from ..mappers import RegistryMapper
from . import mapping as mp
from .client import LiveClient, Loaded, read_files, sdk
from .config import AzureMLConfig

__all__ = ["AzureMLConfig", "AzureMLImporter"]


class AzureMLImporter(Importer[AzureMLConfig]):
    """Azure ML: models and versions, jobs, data assets, online and batch deployments."""

    name = "azureml"
    platform = m.PlatformType.AZURE_ML
    Config = AzureMLConfig
    capabilities = {
        Capability.REGISTRY: "Models with every version: stage, tags, properties, flavors, path, the job that "
                             "produced it, who created it and when.",
        Capability.RUNS: "Jobs: experiment, status, literal inputs as typed parameters, environment and compute.",
        Capability.DATASETS: "Data assets, and the data inputs of jobs by role (train, validation, test).",
        Capability.DEPLOYMENTS: "Online and batch deployments: the model version served, instance type, "
                                "provisioning state, the endpoint's environment tag and scoring URI.",
        Capability.GOVERNANCE: "Tags, owner and team tags as owners, the creator of each version.",
    }
    extra = "azureml"
    sdk = ("azure.ai.ml",)
    source_option = "paths"
    examples = (
        "mlkg import azureml azureml/ -o azureml.ttl",
        "mlkg import azureml model.yml job.yml endpoint.yml blue.yml -o credit-risk.ttl",
        "mlkg import azureml --subscription $SUB --resource-group ml-rg --workspace credit-ws --store oxigraph:kg",
    )
    from .fields import FILLS as fills  # the mapping table: field → Azure ML source

    def __init__(self, config: AzureMLConfig | None = None, report: ImportReport | None = None, *,
                 credential: Any = None, client_options: dict[str, Any] | None = None, **options: Any) -> None:
        """``credential``: an ``azure.core.credentials.TokenCredential`` for reading live (default
        ``DefaultAzureCredential()``); ``client_options``: more keyword arguments of ``MLClient`` (``cloud``,
        ``cloud_metadata``, azure-core transport and retry settings)."""
        super().__init__(config, report, **options)
        self.credential = credential
        self.client_options = dict(client_options or {})

    def source(self) -> str:
        c = self.config
        if c.workspace:
            return f"azureml {c.subscription}/{c.resource_group}/{c.workspace}"
        return super().source()

    def graph_key(self) -> str:
        c = self.config
        return f"{self.service_name}/{c.subscription}/{c.resource_group}/{c.workspace}" if c.workspace \
            else super().graph_key()

    def loaded(self) -> Iterator[Loaded]:
        c = self.config
        if c.workspace and c.paths:
            raise SourceUnavailable("give either files to read or --workspace to read live, not both")
        if c.workspace:
            if not (c.subscription and c.resource_group):
                raise SourceUnavailable("reading a workspace live needs --subscription and --resource-group")
            live = LiveClient(c, credential=self.credential, client_options=self.client_options)
            yield from live.entities(self.report)
        elif c.paths:
            yield from read_files(c, self.report)
        else:
            raise SourceUnavailable("nothing to read: give YAML/JSON files or directories, or --subscription, "
                                    "--resource-group and --workspace to read live")

    def entities(self) -> Iterator[m.Entity]:
        """Yield the service, data assets, experiments, runs and their datasets, models, and deployments.

        :raises SourceUnavailable: azure-ai-ml is missing, or the workspace cannot be read.
        :raises InputError: a path that does not exist, or a file that is not YAML or JSON.
        """
        self.require_sdk()
        sdk()
        c = self.config
        by_kind: dict[str, list[tuple[Any, str, dict[str, Any]]]] = defaultdict(list)
        for kind, entity, where, raw in self.loaded():
            by_kind[kind].append((entity, where, raw))
        yield m.MLModelService(name=c.service_name, service_type=m.PlatformType.AZURE_ML,
                               description="Azure ML" + (f" workspace {c.workspace}" if c.workspace else
                                                         " (from CLI v2 YAML and REST JSON files)"))
        self.report.count("services")
        datasets: dict[str, m.Dataset] = {}
        if c.data:
            for data, where, _raw in by_kind["data"]:
                with self.report.guard(f"data asset {where}") as g:
                    ds = mp.data_asset(self, data)
                if g.ok:
                    datasets[ds.fqn or ds.name] = ds
        runs: list[m.TrainingRun] = []
        experiments: set[str] = set()
        if c.jobs:
            for job, where, _raw in by_kind["job"]:
                name = str(getattr(job, "name", None) or Path(where).stem)
                with self.report.guard(f"job {where}") as g:
                    run = mp.job_run(self, job, name=name, datasets=datasets)
                if g.ok:
                    runs.append(run)
                    if getattr(job, "experiment_name", None):
                        experiments.add(str(job.experiment_name))
        for exp in sorted(experiments):
            yield m.Experiment(name=exp, fqn=self.fqn(exp), service=self.service_ref())
            self.report.count("experiments")
        for ds in datasets.values():
            yield ds
            self.report.count("datasets")
        for run in sorted(runs, key=lambda r: r.fqn or ""):
            yield run
            self.report.count("runs")

        reg = RegistryMapper(self)
        versions: dict[str, list[tuple[Any, m.ModelVersion, str]]] = defaultdict(list)
        for model, where, raw in by_kind["model"]:
            with self.report.guard(f"model {where}") as g:
                v = mp.version(reg, model, source=self._source(model, where, raw),
                               flavors=self._flavors(model, where, raw),
                               run_fqn=self.fqn(model.job_name) if getattr(model, "job_name", None) else None)
            if not g.ok:
                continue
            seen = versions[str(model.name)]
            same = next((i for i, (_m, old, _w) in enumerate(seen) if old.name == v.name), None)
            if same is None:
                seen.append((model, v, where))
                continue
            # the same version twice (YAML and REST JSON): the service's REST view wins, else the first file
            old_model, _old, old_where = seen[same]
            if _is_rest(model) and not _is_rest(old_model):
                seen[same] = (model, v, where)
                kept, dropped = where, old_where
            else:
                kept, dropped = old_where, where
            self.report.skip(f"model {model.name}:{v.name} in {dropped}", f"the same version is read from {kept}")
        for name in sorted(versions):
            latest_model = max(versions[name], key=lambda mv: _order(mv[1].name))[0]
            labels, owners = mp.tags_and_owners(latest_model.tags, drop=("algorithm",))
            with self.report.guard(f"model {name}") as g:
                ent = reg.model(name, [v for _m, v, _w in versions[name]],
                                description=latest_model.description or None, tags=labels, owners=owners)
            if g.ok:
                yield ent

        if c.endpoints:
            yield from self.deployments(by_kind)

    def deployments(self, by_kind: dict[str, list[tuple[Any, str, dict[str, Any]]]]) -> Iterator[m.Endpoint]:
        for batch, ep_kind, dep_kind in ((False, "online_endpoint", "online_deployment"),
                                         (True, "batch_endpoint", "batch_deployment")):
            endpoints = {str(e.name): e for e, _w, _r in by_kind[ep_kind]}
            deps = by_kind[dep_kind]
            per_endpoint: dict[str, int] = defaultdict(int)
            for dep, _w, _r in deps:
                per_endpoint[str(dep.endpoint_name)] += 1
            for dep, where, _raw in deps:
                ep = endpoints.get(str(dep.endpoint_name))
                if ep is None:
                    self.report.warn(f"endpoint {dep.endpoint_name} was not read: no environment or URL",
                                     item=f"deployment {where}")
                with self.report.guard(f"deployment {where}") as g:
                    ent = mp.deployment(self, dep, ep, batch=batch, several=per_endpoint[str(dep.endpoint_name)] > 1)
                if g.ok:
                    yield ent
                    self.report.count("batch deployments" if batch else "endpoints")
            for name in sorted(set(endpoints) - set(per_endpoint)):
                self.report.skip(f"endpoint {name}", "no deployment of it was read")

    @staticmethod
    def _source(model: Any, where: str, raw: dict[str, Any]) -> str | None:
        """The model's path: a URI as it is; a local path as the YAML wrote it (not this machine's absolute path)."""
        path = getattr(model, "path", None)
        if path is None:
            return None
        text = str(path)
        if "://" in text or text.startswith("azureml:"):
            return text
        return str(raw.get("path")) if raw.get("path") else None

    @staticmethod
    def _flavors(model: Any, where: str, raw: dict[str, Any]) -> dict[str, Any] | None:
        if getattr(model, "flavors", None):
            return dict(model.flavors)
        path = getattr(model, "path", None)
        mlmodel = Path(str(path)) / "MLmodel" if path and "://" not in str(path) else None
        if mlmodel is not None and mlmodel.is_file():  # an MLflow model folder next to the YAML
            try:
                doc = yaml.safe_load(mlmodel.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError:
                return None
            return dict(doc.get("flavors") or {}) if isinstance(doc, dict) else None
        return None


def _is_rest(model: Any) -> bool:
    return bool(getattr(model, "id", None))  # REST and live models carry their ARM id; YAML ones do not


def _order(label: str) -> tuple[int, str]:
    return (int(label), "") if label.isdigit() else (0, label)
