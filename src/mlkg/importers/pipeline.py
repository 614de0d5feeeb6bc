"""The import pipeline: run an importer, build its graph with the provenance of the import, and write it to a file,
stdout, a store (replacing its named graph atomically) or a Python list; return the report.

>>> from mlkg.importers import get
>>> from mlkg.importers.pipeline import run
>>> ents = []
>>> report = run(get("openmetadata")(source="tests/importers/openmetadata/om_create_request.json"), into=ents)
>>> report.counts["models"], len(ents)
(1, 1)

Provenance (PROV-O, in the import's own named graph, also when written to a file)::

    <graph>   a prov:Entity ; prov:wasGeneratedBy <activity> ; prov:generatedAtTime ... ;
              dcterms:source "mlflow sqlite:///mlflow.db" ; void:triples 631 ; void:classPartition <graph/count/models> .
    <activity> a prov:Activity ; rdfs:label "mlkg import mlflow" ; prov:startedAtTime ... ; prov:endedAtTime ... ;
              dcterms:source "..." ; prov:wasAssociatedWith <importer agent> ; rdfs:comment "<the report's first line>" .
    <importer agent> a prov:SoftwareAgent ; dcterms:identifier "mlflow" ; owl:versionInfo "0.1.0" ;
              prov:actedOnBehalfOf <mlkg agent> .          # <mlkg agent> owl:versionInfo mlkg's version
    <graph/count/models> rdfs:label "models" ; void:entities 3 .

So "which import said this, and when?" is ``GRAPH ?g { <node> ?p ?o . ?g prov:wasGeneratedBy ?a .
?a prov:startedAtTime ?t ; dcterms:source ?src }``.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pyoxigraph as ox

import mlkg

from .. import ids
from ..errors import InputError
from ..rdf.build import ntriples_bytes, to_graph
from ..rdf.formats import SUFFIXES, guess_format, normalize_format, serialize, write_atomic
from ..rdf.oxterms import to_ox
from ..store import open_store, source_graph
from .base import Importer, ImportReport
from .linking import link_store
from .registry import registered

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

    from ..model.base import Entity


def graph_name(importer: Importer[Any], explicit: str | None = None) -> URIRef:
    """The named graph of this import: ``explicit``, else one per source (``{base}graph/import/NAME/KEY``)."""
    from rdflib import URIRef

    if explicit:
        return URIRef(explicit)
    return source_graph("import/" + importer.name, importer.graph_key())


def entity_graph(importer: Importer[Any], entities: list[Entity], *, base: str | None = None) -> Graph:
    """The RDF of the imported entities plus the importer's extra triples (no provenance)."""
    from rdflib import URIRef

    g = to_graph(entities, base=base)
    for s, p, o in importer.report.extra_triples:
        g.add((URIRef(s.iri(base=base)) if hasattr(s, "iri") else s, p, o))
    return g


def import_triples(importer: Importer[Any], entities: list[Entity], graph: URIRef, *, base: str | None = None,
                   with_provenance: bool = True) -> set[ox.Triple]:
    """The triples an import writes to a store, as a set of pyoxigraph triples, built without an rdflib Graph: the
    entities' N-Triples from the fast emitter (:func:`mlkg.rdf.build.ntriples_bytes`, lineage super-properties
    included, as :func:`entity_graph`) read by pyoxigraph, then the importer's extra triples and the provenance.
    The same triples as :func:`entity_graph` plus :func:`provenance`; sets ``report.triples`` (the count before
    provenance, as the file path does)."""
    from rdflib import URIRef

    triples = {q.triple for q in ox.parse(ntriples_bytes(entities, base=base), ox.RdfFormat.N_TRIPLES)}
    for s, p, o in importer.report.extra_triples:
        subject = URIRef(s.iri(base=base)) if hasattr(s, "iri") else s
        triples.add(ox.Triple(to_ox(subject), to_ox(p), to_ox(o)))
    importer.report.triples = len(triples)
    if with_provenance:
        triples.update(ox.Triple(to_ox(s), to_ox(p), to_ox(o))
                       for s, p, o in provenance(importer, graph, len(triples), base=base))
    return triples


def provenance(importer: Importer[Any], graph: URIRef, triples: int, *,
               base: str | None = None) -> list[tuple[Any, Any, Any]]:
    """The PROV-O description of this import (see the module docstring)."""
    from rdflib import RDF, RDFS, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, PROV, VOID, XSD

    report = importer.report
    started = report.started or datetime.now(UTC)
    ended = report.ended or started
    reg = registered().get(importer.name)
    version = importer.version or (reg.version if reg else "") or mlkg.__version__
    g = str(graph)
    activity = URIRef(g + "/activity/" + started.strftime("%Y%m%dT%H%M%S%fZ"))
    agent = URIRef(ids.mint("softwareAgent", f"mlkg-importer-{importer.name}-{version}", base=base))
    tool = URIRef(ids.mint("softwareAgent", f"mlkg-{mlkg.__version__}", base=base))
    source = Literal(importer.source())

    def when(t: datetime) -> Literal:
        return Literal(t.astimezone(UTC).isoformat(), datatype=XSD.dateTime)

    out: list[tuple[Any, Any, Any]] = [
        (graph, RDF.type, PROV.Entity), (graph, PROV.wasGeneratedBy, activity),
        (graph, PROV.generatedAtTime, when(ended)), (graph, DCTERMS.source, source),
        (graph, VOID.triples, Literal(triples)),
        (activity, RDF.type, PROV.Activity), (activity, RDFS.label, Literal(f"mlkg import {importer.name}")),
        (activity, PROV.startedAtTime, when(started)), (activity, PROV.endedAtTime, when(ended)),
        (activity, DCTERMS.source, source), (activity, PROV.wasAssociatedWith, agent),
        (activity, RDFS.comment, Literal(report.text().splitlines()[0])),
        (agent, RDF.type, PROV.SoftwareAgent), (agent, RDFS.label, Literal(f"mlkg importer {importer.name}")),
        (agent, DCTERMS.identifier, Literal(importer.name)), (agent, OWL.versionInfo, Literal(version)),
        (agent, PROV.actedOnBehalfOf, tool),
        (tool, RDF.type, PROV.SoftwareAgent), (tool, RDFS.label, Literal("mlkg")),
        (tool, OWL.versionInfo, Literal(mlkg.__version__)),
    ]
    if reg is not None and reg.distribution:
        out.append((agent, DCTERMS.publisher, Literal(reg.distribution)))
    for kind, n in sorted(report.counts.items()):
        part = URIRef(g + "/count/" + quote(kind, safe=""))
        out += [(graph, VOID.classPartition, part), (part, RDFS.label, Literal(kind)),
                (part, VOID.entities, Literal(n))]
    return out


def run(importer: Importer[Any], *, output: str | Path | None = None, fmt: str | None = None,
        store: str | None = None, graph: str | None = None, into: list[Any] | None = None,
        base: str | None = None, strict: bool = False, om_requests: str | Path | None = None,
        report_json: str | Path | None = None, with_provenance: bool = True, link: bool = True) -> ImportReport:
    """Run ``importer`` and write what it found; return its report.

    - ``output``: a file (format from the suffix or ``fmt``; written atomically) or ``"-"`` for stdout;
    - ``store``: a store URL (``oxigraph:PATH``, ``memory:``, ``sparql:URL``); the import replaces its named graph
      (``graph``, default :func:`graph_name`) in one atomic step;
    - ``into``: a list the entities are appended to (Python use; may be combined with the others);
    - ``om_requests``: also write OpenMetadata create requests for the services and models: one
      ``CreateMlModelServiceRequest`` or ``CreateMlModelRequest`` body per line (JSON Lines, services first), as
      ``mlkg convert --to openmetadata --shape create`` writes them (:func:`mlkg.export.openmetadata.create_bodies`);
    - ``report_json``: also write the report as JSON;
    - ``link``: after loading into a store, relink the same artifact across platforms (:mod:`.linking`).

    Nothing is written when the import fails or, with ``strict``, reports any problem.

    :raises InputError: bad arguments (both ``output`` and ``store``, an output directory that does not exist).
    :raises ImportFailure: the source cannot be read, or strict mode found problems.
    """
    if output is not None and store is not None:
        raise InputError("give either an output file or a store, not both", source="import")
    out_fmt = None
    if output is not None:
        if fmt:
            try:
                out_fmt = normalize_format(fmt)
            except ValueError as e:
                raise InputError(str(e), source="--format") from None
        elif str(output) != "-":
            if Path(output).suffix.lower() not in SUFFIXES:
                raise InputError(f"cannot tell the RDF format from the suffix {Path(output).suffix!r}",
                                 source=str(output), expected="one of " + ", ".join(sorted(SUFFIXES))
                                 + " (or give the format with --format)")
            out_fmt = guess_format(output)
    for path in (output, om_requests, report_json):
        if path is not None and str(path) != "-" and not Path(path).parent.is_dir():
            raise InputError(f"the directory {Path(path).parent} does not exist", source=str(path))

    entities = importer.run(strict=strict)
    report = importer.report
    requests_text = None
    if om_requests is not None:
        # lazy: the OpenMetadata shapes load only for --om-requests
        from ..export.openmetadata import create_bodies

        # the request bodies `mlkg convert --to openmetadata --shape create` writes: JSON Lines, services first
        bodies = create_bodies(entities, report, base=base)
        requests_text = "".join(json.dumps(b.body, ensure_ascii=False) + "\n" for b in bodies)
    name = graph_name(importer, graph)
    report.graph = str(name)
    if store is not None:
        triples = import_triples(importer, entities, name, base=base, with_provenance=with_provenance)
        with open_store(store) as st:
            _write_to_store(st, name, triples)
            if link:  # the same artifact on several platforms (mlkg.importers.linking)
                links = len(link_store(st).links)
                if links:
                    report.count("cross-platform links", links)
    elif output is not None:
        g = entity_graph(importer, entities, base=base)
        report.triples = len(g)
        if with_provenance:
            for t in provenance(importer, name, len(g), base=base):
                g.add(t)
        if str(output) == "-":
            sys.stdout.write(serialize(g, out_fmt or "turtle"))
            sys.stdout.flush()
        else:
            write_atomic(output, serialize(g, out_fmt or "turtle"))
    if into is not None:
        into.extend(entities)
    if requests_text is not None:
        write_atomic(om_requests, requests_text)  # type: ignore[arg-type]
    if report_json is not None:
        write_atomic(report_json, json.dumps(report.to_dict(), indent=2) + "\n")
    return report


def _write_to_store(st: Any, name: URIRef, triples: set[ox.Triple]) -> None:
    """Replace the import's graph with ``triples`` (:func:`import_triples`); on stores that keep history (memory:,
    oxigraph:), log the change too, so ``mlkg history``, ``mlkg diff --store`` and ``--as-of`` can read earlier
    imports. Retention comes from ``MLKG_HISTORY_KEEP`` (imports per source) and ``MLKG_HISTORY_DAYS``."""
    # lazy: history (gzip, ~30 ms) loads only when an import goes into a store
    from ..history.log import keeps_history, replace_with_history

    if not keeps_history(st):  # a SPARQL server: the N-Triples go to its loader as they are
        st.load(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"", format="nt", graph=name,
                replace=True)
        return
    keep = os.environ.get("MLKG_HISTORY_KEEP")
    days = os.environ.get("MLKG_HISTORY_DAYS")
    try:
        replace_with_history(st, name, triples, keep=int(keep) if keep else None, days=float(days) if days else None)
    except ValueError:
        raise InputError(f"MLKG_HISTORY_KEEP / MLKG_HISTORY_DAYS must be numbers (got {keep!r}, {days!r})",
                         source="environment") from None
