"""The store interface: what every graph consumer in mlkg takes (queries, lineage, diagrams, validation).

A store holds an RDF dataset: a default graph plus named graphs, one per imported source. Queries see the union of
all graphs as their default graph (so lineage crosses sources) and each source under ``GRAPH <iri>``. The verbs are
modelled on :class:`pyoxigraph.Store`: :meth:`Store.add`, :meth:`Store.extend`, :meth:`Store.load`,
:meth:`Store.dump`, :meth:`Store.query`, :meth:`Store.update`, ``len()``, plus :meth:`Store.graphs`,
:meth:`Store.drop` and :meth:`Store.replace` (re-import a source: its graph is swapped atomically), and the read
verbs the query layer needs: :meth:`Store.select`, :meth:`Store.ask`, :meth:`Store.construct`,
:meth:`Store.neighbours`, :meth:`Store.objects` and :attr:`Store.prefers_sparql`.

Terms in and out are rdflib terms (:class:`~rdflib.URIRef`, :class:`~rdflib.Literal`, :class:`~rdflib.BNode`);
values bound into a query go through the one converter :func:`as_term`.
"""

from __future__ import annotations

import abc
import io
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from ..errors import InputError, StoreError
from ..rdf.closure import super_properties
from ..rdf.formats import load_graph, parse_text

#: Progress callback: called with the number of bytes read so far and the total (None when unknown).
Progress = Callable[[int, "int | None"], None]

#: Prefix of the IRIs of staging graphs (an import in progress); they are never part of query answers.
STAGING_PREFIX = "urn:mlkg:staging:"

#: mlkg format name → (rdflib name, media type, holds quads).
FORMATS: dict[str, tuple[str, str, bool]] = {
    "turtle": ("turtle", "text/turtle", False),
    "nt": ("nt", "application/n-triples", False),
    "nq": ("nquads", "application/n-quads", True),
    "trig": ("trig", "application/trig", True),
    "jsonld": ("json-ld", "application/ld+json", False),
    "rdfxml": ("xml", "application/rdf+xml", False),
}
_ALIASES = {
    "ttl": "turtle", "turtle": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt", "nq": "nq",
    "nquads": "nq", "n-quads": "nq", "trig": "trig", "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
    "xml": "rdfxml", "rdfxml": "rdfxml", "rdf/xml": "rdfxml", "rdf": "rdfxml", "owl": "rdfxml",
}
_SUFFIXES = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".nq": "nq", ".trig": "trig",
             ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdfxml", ".owl": "rdfxml", ".xml": "rdfxml"}


def format_name(fmt: str | None, path: str | Path | None = None) -> str:
    """Canonical format name from a name (``ttl``, ``json-ld``, ...) or, when ``fmt`` is None, a file suffix.

    :raises ValueError: if the format is unknown (the message lists the known ones).
    """
    if fmt is None:
        if path is None:
            raise ValueError("no format given and no file name to guess it from")
        p = Path(str(path))
        suffix = p.suffix.lower()
        if suffix == ".gz":
            suffix = Path(p.stem).suffix.lower()
        if suffix not in _SUFFIXES:
            raise InputError(f"cannot tell the RDF format from the suffix {suffix!r}", source=str(path),
                             expected="one of " + ", ".join(sorted(_SUFFIXES)) + " or an explicit format")
        return _SUFFIXES[suffix]
    name = _ALIASES.get(fmt.lower())
    if name is None:
        raise ValueError(f"unknown RDF format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    return name


def graph_iri(graph: str | URIRef | None) -> URIRef | None:
    """Check and normalise a graph name: an absolute IRI, or None for the default graph."""
    if graph is None:
        return None
    text = str(graph)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", text):
        raise ValueError(f"graph name {text!r} is not an absolute IRI")
    return URIRef(text)


# ---------------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------------


class Rows(list):
    """The solutions of a SELECT query: a list of dicts (variable name → rdflib term or None) with ``vars``."""

    def __init__(self, vars: Sequence[str], rows: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(rows)
        self.vars = list(vars)

    def tuples(self) -> list[tuple[Any, ...]]:
        """Rows as tuples in the order of :attr:`vars`."""
        return [tuple(r.get(v) for v in self.vars) for r in self]


def as_term(value: Any) -> Identifier:
    """A Python value as an RDF term for binding into a query: rdflib terms pass through, ``str`` becomes a plain
    literal, numbers, booleans, dates and date-times typed literals (use :class:`rdflib.URIRef` for IRIs).

    >>> from datetime import date
    >>> as_term(date(2024, 5, 1)).n3()
    '"2024-05-01"^^<http://www.w3.org/2001/XMLSchema#date>'

    :raises TypeError: for any other value.
    """
    if isinstance(value, Identifier):
        return value
    if isinstance(value, (bool, int, float, Decimal, str, datetime, date)):
        return Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__}: {value!r}")


def as_terms(bindings: Mapping[str, Any] | None) -> dict[str, Identifier]:
    """Bindings (variable name → value) as rdflib terms; ``None`` values mean unbound and are left out."""
    return {k: as_term(v) for k, v in (bindings or {}).items() if v is not None}


# ---------------------------------------------------------------------------------------------------------------
# Reading input with progress
# ---------------------------------------------------------------------------------------------------------------


class ProgressReader(io.RawIOBase):
    """A binary file wrapper that reports how many bytes were read (for progress bars on big loads)."""

    def __init__(self, fh: IO[bytes], total: int | None, progress: Progress | None) -> None:
        self._fh = fh
        self.total = total
        self.done = 0
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._fh.readinto(b)  # type: ignore[attr-defined]
        if n:
            self.done += n
            if self._progress is not None:
                self._progress(self.done, self.total)
        return n or 0

    def close(self) -> None:
        self._fh.close()
        super().close()


@dataclass
class LoadInput:
    """What to load: a path, bytes/str, or an rdflib graph, with its format."""

    path: Path | None = None
    data: bytes | None = None
    graph: Graph | None = None
    fmt: str = "nt"

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "<data>"


def load_input(source: Any = None, *, path: str | Path | None = None, format: str | None = None) -> LoadInput:
    """Normalise the arguments of :meth:`Store.load`."""
    if path is not None:
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(2, "No such file or directory", str(p))
        return LoadInput(path=p, fmt=format_name(format, p))
    if isinstance(source, Graph):
        return LoadInput(graph=source, fmt="nt")
    if isinstance(source, (str, Path)) and not isinstance(source, str):
        return load_input(path=source, format=format)
    if isinstance(source, str):
        return LoadInput(data=source.encode("utf-8"), fmt=format_name(format or "turtle"))
    if isinstance(source, (bytes, bytearray)):
        return LoadInput(data=bytes(source), fmt=format_name(format or "turtle"))
    raise TypeError("load needs data (str/bytes), an rdflib Graph, or path=")


def parse_to_graph(inp: LoadInput) -> Graph:
    """Parse an input with mlkg's readers (JSON-LD with the bundled context only; errors carry file and line)."""
    if inp.graph is not None:
        return inp.graph
    if inp.path is not None:
        return load_graph([inp.path], fmt=inp.fmt if inp.fmt != "nq" else "nq")
    return parse_text(inp.data.decode("utf-8") if inp.data is not None else "", inp.fmt,
                              source="<data>")


def closure_update(graph: URIRef | None) -> str:
    """A SPARQL Update adding, inside one graph, the PROV-O/DCAT super-property triples of its mlkg triples (what
    :func:`mlkg.rdf.closure.add_super_properties` does in Python), so lineage queries work on any loaded file."""
    ops = []
    for p, supers in sorted(super_properties().items()):
        tmpl = " ".join(f"?s <{q}> ?o ." for q in supers)
        if graph is None:
            ops.append(f"INSERT {{ {tmpl} }} WHERE {{ ?s <{p}> ?o }}")
        else:
            ops.append(f"INSERT {{ GRAPH <{graph}> {{ {tmpl} }} }} WHERE {{ GRAPH <{graph}> {{ ?s <{p}> ?o }} }}")
    return " ;\n".join(ops)


def closure_missing(graph: URIRef | None) -> str:
    """A SPARQL ASK that is true when some mlkg lineage triple of ``graph`` lacks one of its super-property
    triples, i.e. when :func:`closure_update` has work to do. Files written by mlkg already hold the closure, so a
    load asks this first and skips the update (a read with index lookups instead of a 27-operation write)."""
    branches = []
    for p, supers in sorted(super_properties().items()):
        for q in supers:
            pattern = f"?s <{p}> ?o FILTER NOT EXISTS {{ ?s <{q}> ?o }}"
            branches.append(f"{{ {pattern} }}" if graph is None else f"{{ GRAPH <{graph}> {{ {pattern} }} }}")
    return "ASK { " + " UNION ".join(branches) + " }"


def nt_bytes(g: Graph) -> bytes:
    """A graph as N-Triples bytes (the exchange format between backends)."""
    out = g.serialize(format="nt", encoding="utf-8")
    return out if isinstance(out, bytes) else out.encode("utf-8")


# ---------------------------------------------------------------------------------------------------------------
# The interface
# ---------------------------------------------------------------------------------------------------------------


class Store(abc.ABC):
    """An RDF dataset mlkg reads and writes: a default graph plus named graphs, one per imported source.

    Open one with :func:`mlkg.store.open_store`; use it as a context manager to close it.
    """

    #: The URL the store was opened with (credentials never included).
    url: str = ""

    # -- writing ---------------------------------------------------------------------------------------------

    def add(self, triple: tuple[Node, Node, Node], *, graph: str | URIRef | None = None) -> None:
        """Add one triple to ``graph`` (the default graph when None)."""
        self.extend([triple], graph=graph)

    @abc.abstractmethod
    def extend(self, triples: Iterable[tuple[Node, Node, Node]], *, graph: str | URIRef | None = None) -> int:
        """Add triples to ``graph`` in one transaction; returns how many were given."""

    @abc.abstractmethod
    def load(self, source: Any = None, *, path: str | Path | None = None, format: str | None = None,
             graph: str | URIRef | None = None, replace: bool = False, progress: Progress | None = None,
             lineage: bool = False) -> int:
        """Load RDF (a file, text, bytes or an rdflib Graph) into ``graph``; returns the triples in the input.

        With ``lineage=True`` the PROV-O/DCAT super-property triples of the mlkg lineage properties are added to
        the same graph, in the same atomic step (files written by mlkg have them already).
        With ``replace=True`` the graph's old content is replaced by the input atomically: readers and a later
        reopen see the old content or the new, never a mix, and a failed or killed load changes nothing.
        Quad formats (N-Quads, TriG) keep their own graphs when ``graph`` is None.

        :raises InputError: if the data cannot be parsed (with file, line and column).
        :raises StoreError: if the store cannot be written.
        """

    def load_entities(self, entities: Iterable[Any], *, graph: str | URIRef | None = None, replace: bool = False,
                      base: str | None = None, lineage: bool = True) -> int:
        """Load mlkg entities into ``graph`` (atomically, like :meth:`load`): their N-Triples from the fast
        emitter (:func:`mlkg.rdf.build.ntriples_bytes`) go to the store's own loader (pyoxigraph's bulk load), not
        through an rdflib Graph. With ``lineage`` the super-property triples are included. Returns what
        :meth:`load` returns."""
        from ..rdf.build import ntriples_bytes  # lazy: start-up without mlkg.model (issue 16)

        return self.load(ntriples_bytes(entities, base=base, lineage=lineage), format="nt", graph=graph,
                         replace=replace)

    def replace(self, graph: str | URIRef, source: Any = None, *, path: str | Path | None = None,
                format: str | None = None, progress: Progress | None = None, lineage: bool = False) -> int:
        """Replace the content of ``graph`` by the input, atomically (see :meth:`load`)."""
        if graph is None:
            raise ValueError("replace needs a graph name")
        return self.load(source, path=path, format=format, graph=graph, replace=True, progress=progress,
                         lineage=lineage)

    @abc.abstractmethod
    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update."""

    @abc.abstractmethod
    def drop(self, graph: str | URIRef | None) -> None:
        """Remove a named graph (or clear the default graph when None)."""

    # -- reading ---------------------------------------------------------------------------------------------

    @abc.abstractmethod
    def query(self, text: str, *, bindings: Mapping[str, Any] | None = None) -> Rows | bool | Graph:
        """Run a SPARQL query over the union of all graphs (named graphs are also reachable with ``GRAPH``).

        :param bindings: variable name (without ``?``) → value (rdflib term; ``str`` is a plain literal). Values
            are substituted as terms, never pasted into the text.
        :return: :class:`Rows` for SELECT, ``bool`` for ASK, an rdflib :class:`~rdflib.Graph` for CONSTRUCT and
            DESCRIBE.
        """

    def select(self, text: str, bindings: Mapping[str, Any] | None = None) -> Rows:
        """Run a SELECT query and return its rows: each maps every projected variable to an rdflib term, or
        ``None`` when unbound (bound variables keep their value in every row).

        :raises InputError: if ``text`` is not a SELECT query.
        """
        res = self.query(text, bindings=bindings)
        if not isinstance(res, Rows):
            raise InputError("expected a SELECT query", source="<query>")
        return res

    def ask(self, text: str, bindings: Mapping[str, Any] | None = None) -> bool:
        """Run an ASK query.

        :raises InputError: if ``text`` is not an ASK query.
        """
        res = self.query(text, bindings=bindings)
        if not isinstance(res, bool):
            raise InputError("expected an ASK query", source="<query>")
        return res

    def construct(self, text: str, bindings: Mapping[str, Any] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query and return its triples as an rdflib Graph.

        :raises InputError: if ``text`` is neither.
        """
        res = self.query(text, bindings=bindings)
        if not isinstance(res, Graph):
            raise InputError("expected a CONSTRUCT or DESCRIBE query", source="<query>")
        return res

    #: True when one SPARQL query is cheaper than many pattern lookups (a store across a network): lineage then
    #: sends one closure query instead of walking :meth:`neighbours` step by step.
    prefers_sparql: bool = False

    def neighbours(self, node: URIRef, direction: str,
                   predicates: Collection[str] | None = None) -> Iterator[tuple[Node, str]]:
        """The nodes one triple away from ``node`` with the predicate IRI linking them: ``direction="out"``
        follows triples ``node p other``, ``"in"`` triples ``other p node``. ``predicates`` (IRIs as strings)
        keeps only those; a pair may repeat when the triple is in several graphs.

        :raises ValueError: for another direction.
        """
        if direction == "out":
            for _, p, o in self.triples((node, None, None)):
                if predicates is None or str(p) in predicates:
                    yield o, str(p)
        elif direction == "in":
            for s, p, _ in self.triples((None, None, node)):
                if predicates is None or str(p) in predicates:
                    yield s, str(p)
        else:
            raise ValueError(f"unknown direction {direction!r}; known: in, out")

    def objects(self, node: URIRef, predicate: URIRef) -> Iterator[Node]:
        """The objects of the triples ``node predicate ?o`` (may repeat across graphs)."""
        for _, _, o in self.triples((node, predicate, None)):
            yield o

    @abc.abstractmethod
    def dump(self, output: str | Path | IO[bytes] | None = None, *, format: str = "turtle",
             graph: str | URIRef | None = None) -> bytes | None:
        """Serialize ``graph``, or everything when None (triple formats get the union of all graphs, quad formats
        the dataset). Returns bytes when ``output`` is None, else writes there."""

    @abc.abstractmethod
    def graphs(self) -> list[URIRef]:
        """The named graphs holding data (staging graphs of unfinished imports excluded)."""

    @abc.abstractmethod
    def count(self, graph: str | URIRef | None = None) -> int:
        """Triples in one graph (``None``: the default graph)."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """Number of quads in the dataset (a triple held in two graphs counts twice)."""

    @abc.abstractmethod
    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        """Triples of the union matching a pattern (None matches anything); a triple may repeat across graphs."""

    def to_graph(self, graph: str | URIRef | None = None) -> Graph:
        """A copy of ``graph`` (or of the union of all graphs when None) as an in-memory rdflib Graph."""
        from ..rdf.build import new_graph  # lazy: start-up without mlkg.model (issue 16)

        g = new_graph()
        g.parse(data=self.dump(format="nt", graph=graph), format="nt")
        return g

    def close(self) -> None:  # noqa: B027 - optional for backends that hold nothing
        """Release the store (files, connections)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"


def store_error(message: str, url: str) -> StoreError:
    """A StoreError naming the store (by its credential-free URL)."""
    return StoreError(f"{url}: {message}")
