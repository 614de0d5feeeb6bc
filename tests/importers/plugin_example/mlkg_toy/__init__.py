"""An example third-party mlkg importer: the "toy registry" export, a JSON file like::

    {"models": [{"name": "churn", "versions": [{"version": "1", "stage": "Production", "run": "r1"}]}],
     "runs": [{"id": "r1", "params": {"lr": "0.1"}, "metrics": [{"key": "auc", "value": 0.91, "step": 0}],
               "datasets": [{"name": "train", "role": "training"}]}]}

It uses only mlkg's public importer API: the config base class and ``option``, the ``Importer`` contract, the
report's ``guard`` and the shared run and registry mappers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mlkg.errors import InputError
from mlkg.importers.base import Capability, Importer, ImporterConfig, option
from mlkg.importers.mappers import DatasetInput, MetricPoint, RegistryMapper, RunMapper
from mlkg.model import entities as m


@dataclass(frozen=True)
class ToyConfig(ImporterConfig):
    """Which export to read."""

    path: str = option("", "The toy registry's JSON export.")
    service_name: str = option("toy", "Name of the MLModelService entity.")
    max_models: int = option(1000, "Import at most this many models.", minimum=1)


class ToyImporter(Importer[ToyConfig]):
    """Toy registry: models, versions and runs from its JSON export."""

    name = "toy"
    platform = m.PlatformType.CUSTOM
    Config = ToyConfig
    capabilities = {
        Capability.REGISTRY: "Models and versions with their stage.",
        Capability.RUNS: "Runs with params and metric history.",
    }
    source_option = "path"

    def entities(self):
        p = Path(self.config.path)
        if not p.is_file():
            raise InputError("no such file", source=str(p))
        doc = json.loads(p.read_text(encoding="utf-8"))
        runs, registry = RunMapper(self), RegistryMapper(self)
        yield self.service()
        self.report.count("services")
        for r in doc.get("runs", []):
            with self.report.guard(f"run {r.get('id')}") as g:
                ents = runs.run(r["id"], params=r.get("params", {}),
                                metrics=[MetricPoint(x["key"], x["value"], x.get("step")) for x in r.get("metrics", [])],
                                inputs=[DatasetInput(d["name"], role=d.get("role")) for d in r.get("datasets", [])])
            if g.ok:
                yield from ents
        for model in doc.get("models", [])[: self.config.max_models]:
            with self.report.guard(f"model {model.get('name')}") as g:
                versions = [m.ModelVersion(name=str(v["version"]), stage=registry.stage(v.get("stage")),
                                           run=runs.run_ref(v["run"]) if v.get("run") else None)
                            for v in model.get("versions", [])]
                entity = registry.model(model["name"], versions)
            if g.ok:
                yield entity
