"""Validate mlkg graphs with SHACL rule packs and get a report people can read.

Packs are SHACL files in ``ontology/shapes/``: ``core`` (the structure of every entity, value ranges, lineage
without cycles, one version per alias, version dates, deployed versions) and ``governance`` (what a production
model needs: an owner, a model card, a test-split evaluation, a fairness check, a licence, no PII training data
without a compliance record). A pack can also be the path of a Turtle file of your own shapes.

SHACL runs in an engine (:mod:`mlkg.validate.engines`); every engine gives pySHACL's results. By default
(``engine="auto"``) a full validation uses ``oxigraph`` (the shapes compiled to SPARQL find the nodes that can
fail, pySHACL's shapes check those), incremental validation (``focus=``) uses ``pyshacl-focus`` (only the shapes
that target the focus nodes: tens of milliseconds for one model in a million triples), and RDFS inference uses
pySHACL's public ``validate()``. An engine that cannot handle the input hands over to the next, with a logged
warning saying why.

>>> from mlkg.model import MLModel, Feature
>>> report = validate([MLModel(name="churn", ml_features=[Feature(name="age", data_type="numerical")])])
>>> report.conforms
True
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .. import limits
from ..dataset import OxigraphView
from ..errors import InputError
from ..model.base import Entity
from ..rdf.build import to_graph
from .engines import ENGINES, Unsupported, get_engine
from .engines.oxview import OXIGRAPH_SUFFIXES, OxData, load_files
from .focus import as_focus, expand_focus
from .packs import PACKS, Shapes, load_pack, shapes_for
from .report import RANK, SEVERITIES, ValidationReport, ValidationResult, empty_report, read_report

__all__ = ["ENGINES", "PACKS", "SEVERITIES", "OxData", "ValidationReport", "ValidationResult", "expand_focus",
           "load_pack", "read_files", "validate"]

log = logging.getLogger(__name__)


@runtime_checkable
class GraphSource(Protocol):
    """What :func:`validate` takes besides graphs and entities: an mlkg store (``mlkg.store.open_store``)."""

    def to_graph(self) -> Graph: ...


def _chain(engine: str, focus: set[URIRef] | None, inference: bool) -> list[str]:
    if engine != "auto":
        return [engine] if engine == "pyshacl" else [engine, "pyshacl"]
    if inference:
        return ["pyshacl"]
    if focus is not None:
        return ["pyshacl-focus", "pyshacl"]
    return ["oxigraph", "pyshacl-focus", "pyshacl"]


def run_engines(data: Graph | OxData, shapes: Shapes, *, focus: set[URIRef] | None, inference: bool,
                engine: str = "auto") -> tuple[Graph, str]:
    """The W3C report graph from the first engine in line that can run, and that engine's name. Data already in
    pyoxigraph (:class:`OxData`) goes to the ``oxigraph`` engine as it is, to incremental validation as a view of
    the store (:class:`~.engines.oxview.OxigraphGraph`), and to full validation by another engine as an rdflib
    copy."""
    chain = _chain(engine, focus, inference)
    copy: Graph | None = None
    for i, name in enumerate(chain):
        eng = get_engine(name)
        arg: Any = data
        if isinstance(data, OxData) and focus is not None and not inference:
            arg = data.graph()  # incremental: only the focus nodes' neighbourhoods are read, through the view
        elif isinstance(data, OxData) and (name != "oxigraph" or inference):
            copy = arg = copy if copy is not None else data.to_graph()
        try:
            return eng.run(arg, shapes, focus=focus, inference=inference), name
        except Unsupported as e:
            if i == len(chain) - 1:
                raise
            log.warning("SHACL engine %s cannot run this validation (%s); using %s", name, e, chain[i + 1])
    raise AssertionError("unreachable")  # pragma: no cover


def read_files(files: Sequence[str | Path]) -> OxData | None:
    """RDF files parsed straight into pyoxigraph for :func:`validate` (with the lineage super-property triples),
    or None when some file is not N-Triples or Turtle, or holds something the two parsers read differently
    (an explicit ``xsd:string``, a relative IRI, ...), or cannot be read: the caller then loads the files with
    rdflib (``mlkg.commands.validate.load_inputs``), which also names the error. Validating the result gives
    exactly the report of the files read by rdflib."""
    if not files or any(Path(str(f)).suffix.lower() not in OXIGRAPH_SUFFIXES for f in files):
        return None
    from .engines.oxigraph import _safe  # lazy: the engine module is imported on first use

    sizes = {}
    for f in files:  # the input limits of mlkg.limits, as the rdflib path has them
        limits.check_size(f, str(f))
        sizes[str(f)] = Path(str(f)).stat().st_size if Path(str(f)).is_file() else 0
    try:
        data = load_files(files, kept=_safe)
    except (ValueError, SyntaxError, OSError) as e:
        log.info("reading %s with rdflib (%s)", ", ".join(map(str, files)), e)
        return None
    _check_limits(data, files, max(sizes.values(), default=0))
    return data


def _check_limits(data: OxData, files: Sequence[str | Path], largest: int) -> None:
    source = ", ".join(map(str, files))
    n = len(data.ox)
    if limits.get("triples") and n > limits.get("triples"):
        raise limits.exceeded("triples", f"reading the files makes {n:,} triples, more than the limit", source=source)
    chars = limits.get("literal_chars")
    if chars and largest > chars:  # no literal is longer than the file it was read from
        q = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) && STRLEN(STR(?o)) > {int(chars)}) }} LIMIT 1"
        for row in data.ox.query(q):  # type: ignore[union-attr]
            raise limits.exceeded("literal_chars", f"a literal of {len(row['o'].value):,} characters is longer "
                                  "than the limit", source=source, path=f"<{row['s'].value}> <{row['p'].value}>")


def validate(graph_or_entities: Graph | GraphSource | OxData | ox.Store | Entity | Iterable[Entity],
             packs: Sequence[str | Path] | str | Path = ("core",), *,
             focus: Iterable[Any] | Any | None = None, fail_on: str = "Violation",
             inference: bool = False, engine: str = "auto") -> ValidationReport:
    """Validate a graph, a store, or entities (converted with :func:`mlkg.rdf.build.to_graph`) against rule packs.

    :param graph_or_entities: an rdflib graph, an mlkg store (``open_store(...)``; an ``oxigraph:`` store is
        validated in place, without a copy), a :class:`pyoxigraph.Store`, files read by :func:`read_files`, an
        entity, or entities.
    :param packs: pack names (``core``, ``governance``) or paths of Turtle files of SHACL shapes.
    :param focus: IRIs or entities: check only these nodes (entities bring the nodes they own; see
        :func:`expand_focus` for IRIs). None checks every target in the graph.
    :param fail_on: the least severe severity that makes the data not conform (``Violation``, ``Warning``,
        ``Info``).
    :param inference: run RDFS inference with the mlkg ontology first (slow: ~7x).
    :param engine: ``auto``, or one of :data:`ENGINES` (``pyshacl`` is pySHACL's public ``validate()``).
    :raises InputError: for an unknown pack or a pack file that is not valid Turtle.
    :raises ValueError: for an unknown ``fail_on`` or ``engine``.
    """
    if fail_on not in RANK:
        raise ValueError(f"fail_on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
    if engine != "auto" and engine not in ENGINES:
        raise ValueError(f"engine must be auto or one of {', '.join(ENGINES)}, not {engine!r}")
    if isinstance(packs, (str, Path)):
        packs = (packs,)
    if not packs:
        raise ValueError("give at least one rule pack")
    data = _data_graph(graph_or_entities)
    focus_nodes = as_focus(focus) if focus is not None else None
    shapes = shapes_for(list(packs))
    if focus_nodes is not None and not focus_nodes:
        report_graph, used = empty_report(), engine
    else:
        try:
            report_graph, used = run_engines(data, shapes, focus=focus_nodes, inference=inference, engine=engine)
        except Exception as e:
            # pySHACL's ShapeLoadError, ConstraintLoadError, ReportableRuntimeError: a malformed shape in a pack of
            # the user's (found by tools/fuzz_long.py: a traceback before); pyshacl is imported only when it runs
            if not type(e).__module__.startswith("pyshacl."):
                raise
            mine = [str(p) for p in packs if not (isinstance(p, str) and p in PACKS)]
            first = (str(getattr(e, "message", None) or e).strip().splitlines() or [type(e).__name__])[0]
            raise InputError(f"not a valid SHACL shapes graph: {first[:300]}", source=", ".join(mine) or None,
                             expected="SHACL shapes that pass the SHACL-SHACL check (W3C SHACL, appendix C)") from None
    labels = data.graph() if isinstance(data, OxData) else data
    return read_report(report_graph, shapes.names, shapes.parent, labels, fail_on, engine=used)


def _data_graph(source: Any) -> Graph | OxData:
    if isinstance(source, (Graph, OxData)):
        return source
    if isinstance(source, ox.Store):
        return OxData(source)
    if isinstance(source, OxigraphView):
        return OxData(source.ox)
    if isinstance(source, GraphSource) and not isinstance(source, Entity):
        return source.to_graph()
    ents = [source] if isinstance(source, Entity) else list(source)
    return to_graph(ents)
