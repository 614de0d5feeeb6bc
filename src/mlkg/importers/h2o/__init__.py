"""H2O-3 importer: model-details JSON files, MOJO zips, or a running cluster's REST API (standard library only).

:mod:`.reader` finds and reads the documents, :mod:`.mapping` turns each into entities (the table there). The
same model met twice (its details JSON and its MOJO) is imported once, with the MOJO as its artifact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...model import entities as m
from ..base import Capability, Importer, ImporterConfig, SourceUnavailable, option, redact_uri

__all__ = ["H2OConfig", "H2OImporter"]


@dataclass(frozen=True)
class H2OConfig(ImporterConfig):
    """Files or a cluster to read models from."""

    paths: tuple[str, ...] = option((), "Model-details JSON files (save_model_details, /3/Models/{id}), MOJO zips, "
                                        "or folders holding them.")
    url: str = option("", "A running H2O cluster to read every model from through REST /3/Models, e.g. "
                          "http://127.0.0.1:54321.")
    models: tuple[str, ...] = option((), "With url: only these model ids (default: every model).",
                                     cli=("--model",))
    service_name: str = option("h2o", "Name of the MLModelService entity the models belong to.")
    timeout: float = option(30.0, "Timeout of one REST request, in seconds.", minimum=0.1)


class H2OImporter(Importer[H2OConfig]):
    """H2O-3: model details JSON, MOJO zips and a running cluster (REST /3/Models)."""

    name = "h2o"
    platform = m.PlatformType.H2O
    Config = H2OConfig
    capabilities = {
        Capability.REGISTRY: "One model per H2O model id and one version, the trained artifact (its checksum); "
                             "H2O has no registry, stages or owners.",
        Capability.RUNS: "The model build as a run: every parameter typed, with H2O's default when it differs; "
                         "training, validation and cross-validation metrics; start and end time.",
        Capability.DATASETS: "Training and validation frames by key (with the frame checksum).",
        Capability.FEATURES: "Input columns with their type (numerical, categorical with its levels), the "
                             "response column as target, variable importances.",
    }
    source_option = "paths"
    examples = ("mlkg import h2o iris_gbm.json -o h2o.ttl",
                "mlkg import h2o models/ --strict -o h2o.ttl",
                "mlkg import h2o --url http://127.0.0.1:54321 -o cluster.ttl")
    from .fields import FILLS as fills  # the mapping table: field → H2O source

    def source(self) -> str:
        c = self.config
        return " ".join(["h2o", *map(redact_uri, c.paths), *([f"--url {redact_uri(c.url)}"] if c.url else [])])

    def graph_key(self) -> str:
        c = self.config
        return "/".join([self.service_name, *map(redact_uri, c.paths), *([redact_uri(c.url)] if c.url else [])])

    def service_url(self) -> str | None:
        return redact_uri(self.config.url) if self.config.url else None

    def test_connection(self) -> None:
        c = self.config
        if not (c.paths or c.url):
            raise SourceUnavailable("h2o: nothing to import: give FILE... or --url http://HOST:54321")
        if c.url:
            # lazy: the reader loads when an import runs; `mlkg import --list` imports every importer class
            from .reader import _get_json

            _get_json(c.url.rstrip("/") + "/3/About", redact_uri(c.url), c.timeout)

    def entities(self) -> Iterator[m.Entity]:
        # lazy: reader and mapping load when an import runs; `mlkg import --list` imports every importer class
        from .mapping import Mapper
        from .reader import merge, read_cluster, read_paths

        c, report = self.config, self.report
        if not (c.paths or c.url):
            raise SourceUnavailable("h2o: nothing to import: give FILE... or --url http://HOST:54321")
        yield self.service()
        report.count("services")
        found = list(read_paths(c.paths, report)) if c.paths else []
        if c.url:
            found += list(read_cluster(c.url, report, models=c.models, timeout=c.timeout))
        mapper = Mapper(self)
        for model in merge(found):
            with report.guard(f"model {model.where}") as g:
                ents = list(mapper.entities(model))
            if g.ok:
                yield from ents
