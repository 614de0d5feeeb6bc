"""Kubeflow importer: ML Metadata stores (read with SQL), KFP pipeline files, the Model Registry REST API.

- :mod:`.mlmd` reads an MLMD SQLite store with the standard library (no ml-metadata, no protobuf pin);
  :mod:`.mapping` turns its artifacts, executions, events and contexts into entities (the table there);
- :mod:`.kfp` reads compiled pipeline YAML (KFP IR) and the ``executor_output.json`` files of ``kfp.local`` runs;
- :mod:`.registry` reads the Model Registry's REST API (registered models, versions, model artifacts, serving
  environments and inference services).

Nothing here needs an SDK: the importer has no extra.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import entities as m
from ..base import Capability, Importer, SourceUnavailable, redact_uri
from .config import KubeflowConfig

__all__ = ["KubeflowConfig", "KubeflowImporter"]


class KubeflowImporter(Importer[KubeflowConfig]):
    """Kubeflow: ML Metadata stores, KFP pipeline files and kfp.local outputs, the Model Registry."""

    name = "kubeflow"
    platform = m.PlatformType.KUBEFLOW
    Config = KubeflowConfig
    capabilities = {
        Capability.REGISTRY: "Model artifacts grouped by output name into models with versions (MLMD, "
                             "kfp.local); registered models, versions and model artifacts (Model Registry).",
        Capability.RUNS: "Pipeline runs and their executions with parameters, state and times; Metrics and "
                         "ClassificationMetrics artifacts as evaluations.",
        Capability.DATASETS: "INPUT/OUTPUT events: dataset → execution → model lineage.",
        Capability.DEPLOYMENTS: "Model Registry inference services in their serving environments.",
    }
    source_option = "paths"
    examples = ("mlkg import kubeflow --mlmd sqlite:///mlmd.sqlite -o kfp.ttl",
                "mlkg import kubeflow pipeline.yaml local_outputs/ -o local.ttl",
                "mlkg import kubeflow --model-registry http://127.0.0.1:8080 -o registry.ttl")
    from .fields import FILLS as fills  # the mapping table: field → Kubeflow source

    def source(self) -> str:
        c = self.config
        parts = [redact_uri(p) for p in c.paths]
        if c.mlmd:
            parts.append(f"--mlmd {c.mlmd}")
        if c.model_registry:
            parts.append(f"--model-registry {redact_uri(c.model_registry)}")
        return " ".join(["kubeflow", *parts])

    def graph_key(self) -> str:
        c = self.config
        parts = [*map(redact_uri, c.paths), c.mlmd, redact_uri(c.model_registry)]
        return "/".join([self.service_name, *(p for p in parts if p)])

    def service_url(self) -> str | None:
        return redact_uri(self.config.model_registry) if self.config.model_registry else None

    def test_connection(self) -> None:
        c = self.config
        if not (c.paths or c.mlmd or c.model_registry):
            raise SourceUnavailable("kubeflow: nothing to import: give FILE..., --mlmd sqlite:///PATH or "
                                    "--model-registry URL")
        if c.mlmd:
            # lazy: the MLMD reader (sqlite3) loads only for --mlmd; `mlkg import --list` imports this class
            from . import mlmd

            mlmd.read(c.mlmd)
        if c.model_registry:
            from .registry import Client  # lazy: the Model Registry client loads only for --model-registry

            Client(c.model_registry, timeout=c.timeout, page_size=1, token=c.token).get("/registered_models",
                                                                                       pageSize=1)

    def entities(self) -> Iterator[m.Entity]:
        c, report = self.config, self.report
        if not (c.paths or c.mlmd or c.model_registry):
            raise SourceUnavailable("kubeflow: nothing to import: give FILE..., --mlmd sqlite:///PATH or "
                                    "--model-registry URL")
        yield self.service()
        report.count("services")
        if c.mlmd:
            # lazy: the MLMD reader (sqlite3) loads only for --mlmd; `mlkg import --list` imports this class
            from . import mapping, mlmd

            store = mlmd.read(c.mlmd)
            report.say(f"kubeflow: MLMD schema {store.schema_version}: {len(store.artifacts)} artifacts, "
                       f"{len(store.executions)} executions, {len(store.contexts)} contexts")
            yield from mapping.Mapper(store, self)
        if c.paths:
            # lazy: the KFP reader (yaml) loads only for KFP files; `mlkg import --list` imports this class
            from . import kfp

            yield from kfp.entities(c.paths, self)
        if c.model_registry:
            from . import registry  # lazy: the Model Registry client loads only for --model-registry

            yield from registry.entities(c.model_registry, report, service=self.service_fqn(),
                                         timeout=c.timeout, page_size=c.page_size, token=c.token)
