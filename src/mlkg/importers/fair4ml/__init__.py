"""FAIR4ML importer: FAIR4ML 0.1.0 JSON-LD documents (``mlkg export --profile fair4ml`` or any other writer).

Each file is expanded with FAIR4ML's bundled context (nothing is fetched) and rewritten into mlkg terms by
``mlkg/export/profiles/fair4ml-read.rq`` (:func:`mlkg.export.read_fair4ml`, the inverse of the ``fair4ml``
export profile); the graph is then read into entities like any mlkg graph (:func:`mlkg.rdf.reader.from_graph`).

- a ``fair4ml:MLModel`` with ``schema:exampleOfWork`` → a :class:`~mlkg.model.ModelVersion` of that model,
  any other → an :class:`~mlkg.model.MLModel`;
- ``schema:identifier`` is the FQN, so nodes mlkg wrote keep their IRIs; a model without one is named under the
  import's service and keeps the document's IRI as ``owl:sameAs``;
- ``trainedOn``/``testedOn``/``validatedOn``/``evaluatedOn`` datasets → tables (when the IRI is an mlkg table IRI)
  or datasets; ``fair4ml:MLModelEvaluation`` → evaluations (value, CI bounds, slice, split); model card texts,
  owners, keywords, licence and base model as the export profile writes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ... import ids
from ...errors import InputError
from ...model import entities as m
from ..base import Capability, Importer, ImporterConfig, SourceUnavailable, option, redact_uri

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["Fair4mlConfig", "Fair4mlImporter"]


@dataclass(frozen=True)
class Fair4mlConfig(ImporterConfig):
    """Which FAIR4ML documents to read."""

    paths: tuple[str, ...] = option((), "FAIR4ML JSON-LD files (context https://w3id.org/fair4ml/0.1.0).")
    service_name: str = option("fair4ml", "Name of the MLModelService entity models without an identifier "
                                          "belong to.")


class Fair4mlImporter(Importer[Fair4mlConfig]):
    """FAIR4ML: models, versions, evaluations and their datasets from FAIR4ML 0.1.0 JSON-LD files."""

    name = "fair4ml"
    platform = m.PlatformType.CUSTOM
    Config = Fair4mlConfig
    capabilities = {
        Capability.REGISTRY: "fair4ml:MLModel nodes as models, those with schema:exampleOfWork as their versions; "
                             "description, licence, task, algorithm, keywords, maintainer and base model.",
        Capability.RUNS: "fair4ml:MLModelEvaluation as evaluations: measure, value, confidence bounds, slice and "
                         "split; FAIR4ML has no runs or hyperparameters.",
        Capability.DATASETS: "trainedOn, validatedOn, testedOn and evaluationDataset datasets with name, "
                             "identifier, version and description.",
        Capability.GOVERNANCE: "The model card texts FAIR4ML keeps: intended use, risks and limitations, ethical "
                               "considerations, CO2e emissions.",
    }
    source_option = "paths"
    examples = ("mlkg export fraud.ttl --profile fair4ml -o fraud.jsonld && "
                "mlkg import fair4ml fraud.jsonld -o fraud.ttl",
                "mlkg import fair4ml models/*.jsonld --store oxigraph:./kg")
    from .fields import FILLS as fills  # the mapping table: field → FAIR4ML source

    def source(self) -> str:
        return " ".join(["fair4ml", *map(redact_uri, self.config.paths)])

    def graph_key(self) -> str:
        return "/".join([self.service_name, *map(redact_uri, self.config.paths)])

    def test_connection(self) -> None:
        if not self.config.paths:
            raise SourceUnavailable("fair4ml: nothing to import: give FILE...")
        super().test_connection()

    def entities(self) -> Iterator[m.Entity]:
        """Yield the service and the entities of every document.

        :raises InputError: naming the file, when it is not FAIR4ML JSON-LD or holds no fair4ml:MLModel.
        """
        # lazy: the reader (pyld, the export engine's SPARQL) loads only when documents are read
        from ...export.fair4ml import read_fair4ml

        # lazy: the RDF reader loads only when documents are read
        from ...rdf.reader import from_graph

        c, report = self.config, self.report
        if not c.paths:
            raise SourceUnavailable("fair4ml: nothing to import: give FILE...")
        # every file is read before anything is yielded: a bad file stops the import with nothing written
        graphs = [(path, read_fair4ml(path)) for path in c.paths]
        yield self.service()
        report.count("services")
        seen: set[str] = set()
        for path, g in graphs:
            self._identify(path, g)
            for ent in from_graph(g):
                key = f"{type(ent).__name__} {ent.fqn}"
                if key in seen:
                    report.skip(key, f"{Path(path).name}: already read from an earlier file")
                    continue
                seen.add(key)
                yield ent
                kind = {m.MLModel: "models", m.Table: "tables", m.Dataset: "datasets"}.get(type(ent), "other")
                report.count(kind)
                if isinstance(ent, m.MLModel):
                    evaluations = len(ent.metrics) + sum(len(v.metrics) for v in ent.versions)
                    for what, n in (("versions", len(ent.versions)), ("evaluations", evaluations)):
                        if n:
                            report.count(what, n)

    def _identify(self, path: str, g: Graph) -> None:
        """Name the models and datasets the document does not identify (no ``schema:identifier``) under this
        import's service; the document's IRI for each is kept as ``owl:sameAs``, a blank node gets the minted IRI."""
        from rdflib import BNode, Literal, URIRef
        from rdflib.namespace import OWL, RDF

        # lazy: the generated vocabulary, only when documents are read
        from ...vocab import MLKG as V

        service = URIRef(ids.mint(self.service_ref().type, self.service_fqn()))
        for cls, kind, what in ((V.MLModel, "mlmodel", "fair4ml:MLModel"), (V.Dataset, "dataset", "schema:Dataset")):
            for node in sorted(g.subjects(RDF.type, cls), key=str):
                if (node, V.fullyQualifiedName, None) in g:
                    continue
                name = g.value(node, V.name)
                if name is None:
                    raise InputError(f"a {what} has neither schema:identifier nor schema:name", source=path,
                                     path=str(node) if isinstance(node, URIRef) else None,
                                     expected=f"a {what} with a schema:name")
                fqn = self.fqn(str(name))
                iri = URIRef(ids.mint(kind, fqn))
                g.add((node, V.fullyQualifiedName, Literal(fqn)))
                if cls == V.MLModel:
                    g.add((node, V.belongsToService, service))
                if isinstance(node, BNode):
                    for _, p, o in list(g.triples((node, None, None))):
                        g.remove((node, p, o))
                        g.add((iri, p, o))
                    for s, p, _ in list(g.triples((None, None, node))):
                        g.remove((s, p, node))
                        g.add((s, p, iri))
                elif node != iri:
                    self.report.extra_triples.append((iri, OWL.sameAs, node))
