"""The store interface every backend implements, and the helpers they share.

A store holds an RDF dataset: a default graph plus named graphs, one per imported source. Queries see the union of
all graphs as their default graph (so lineage crosses sources) and each source under ``GRAPH <iri>``. The verbs are
modelled on :class:`pyoxigraph.Store`: :meth:`Store.add`, :meth:`Store.extend`, :meth:`Store.load`,
:meth:`Store.dump`, :meth:`Store.query`, :meth:`Store.update`, ``len()``, plus :meth:`Store.graphs`,
:meth:`Store.drop` and :meth:`Store.replace` (re-import a source: its graph is swapped atomically).

Terms in and out are rdflib terms (:class:`~rdflib.URIRef`, :class:`~rdflib.Literal`, :class:`~rdflib.BNode`).
"""

from __future__ import annotations

import abc
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from ..errors import InputError, StoreError

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


def source_graph(kind: str, name: str) -> URIRef:
    """The named graph an import of one source writes to, e.g. ``source_graph("mlmodelService", "mlflow_prod")``.

    Graph IRIs are minted like entity IRIs, under ``{base}graph/{kind}/{name}``.
    """
    from .. import ids

    return URIRef(ids.mint("graph/" + kind, name))


# ---------------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------------


class Rows(list):  # type: ignore[type-arg]
    """The solutions of a SELECT query: a list of dicts (variable name → rdflib term or None) with ``vars``."""

    def __init__(self, vars: Sequence[str], rows: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(rows)
        self.vars = list(vars)

    def tuples(self) -> list[tuple[Any, ...]]:
        """Rows as tuples in the order of :attr:`vars`."""
        return [tuple(r.get(v) for v in self.vars) for r in self]


# ---------------------------------------------------------------------------------------------------------------
# SPARQL text helpers
# ---------------------------------------------------------------------------------------------------------------

_IRI_RE = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_VAR_RE = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")


def _scan(text: str) -> Iterator[tuple[int, str]]:
    """Yield (position, token) for the significant characters and keywords of a SPARQL text, skipping comments,
    strings and IRIs (a small lexer, enough to find the query form and the outer WHERE group)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            q = c * 3 if long else c
            j = i + len(q)
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(q, j):
                    j += len(q)
                    break
                j += 1
            i = j
        elif c == "<":
            m = _IRI_RE.match(text, i)
            if m:
                i = m.end()
            else:
                yield i, c
                i += 1
        elif c in "?$":
            m = _VAR_RE.match(text, i + 1)
            if m:
                yield i, "?" + m.group(0)
                i = m.end()
            else:
                i += 1
        elif c.isalpha():
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_:-]*").match(text, i)
            assert m
            yield i, m.group(0).upper()
            i = m.end()
        else:
            if c in "{}":
                yield i, c
            i += 1


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (or UPDATE when the text is an update)."""
    for _, tok in _scan(text):
        if tok in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return tok
        if tok in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"):
            return "UPDATE"
    raise InputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found", source="<query>")


def term_sparql(term: Identifier) -> str:
    """An rdflib term in SPARQL/N-Triples syntax (used only for VALUES blocks sent to remote servers)."""
    if isinstance(term, URIRef):
        if not _IRI_RE.fullmatch(f"<{term}>"):
            raise InputError(f"{str(term)!r} is not a valid IRI", source="<bindings>")
        return f"<{term}>"
    if isinstance(term, Literal):
        lex = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{lex}"@{term.language}'
        if term.datatype is not None:
            return f'"{lex}"^^<{term.datatype}>'
        return f'"{lex}"'
    if isinstance(term, BNode):
        raise InputError("a blank node cannot be bound in a query sent to a server", source="<bindings>")
    raise TypeError(f"cannot write {term!r} as SPARQL")


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """``text`` with a ``VALUES`` block for the bound variables at the start of every WHERE group (the query's and
    each sub-SELECT's) that mentions them.

    That is how bindings reach a server: the variables stay variables (still projected), the values are written in
    SPARQL term syntax, escaped, never pasted as raw text; and because the block sits inside the sub-SELECTs too,
    engines bind the value before walking a path from it (as SEP-0007 substitution does).
    """
    if not bindings:
        return text
    groups: list[tuple[int, set[str]]] = []
    stack: list[tuple[int, bool, set[str]]] = []
    pending: str | None = None
    where_seen = False
    for i, tok in _scan(text):
        if tok in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            pending, where_seen = tok, False
        elif tok == "WHERE" and pending is not None:
            where_seen = True
        elif tok == "{":
            is_where = pending is not None and (where_seen or pending in ("SELECT", "ASK"))
            if is_where:
                pending = None
            stack.append((i, is_where, set()))
        elif tok == "}":
            if not stack:
                break
            pos, is_where, names = stack.pop()
            if is_where:
                groups.append((pos, names))
            if stack:
                stack[-1][2].update(names)
        elif tok.startswith("?") and stack:
            stack[-1][2].add(tok[1:])
    if not groups:
        raise InputError("cannot bind values: no WHERE group found in the query", source="<query>")
    outer = min(p for p, _ in groups)
    inserts: list[tuple[int, list[str]]] = []
    for pos, names in groups:
        here = [n for n in bindings if n in names or (pos == outer and not any(n in ns for _, ns in groups))]
        if here:
            inserts.append((pos, here))
    for pos, bound in sorted(inserts, reverse=True):
        vals = " ".join(term_sparql(bindings[n]) for n in bound)
        block = " VALUES (" + " ".join("?" + n for n in bound) + ") { (" + vals + ") } "
        text = text[: pos + 1] + block + text[pos + 1:]
    return text


def as_binding(value: Any) -> Identifier:
    """A binding value as an rdflib term (``str`` → plain literal; use URIRef for IRIs)."""
    if isinstance(value, Identifier):
        return value
    if isinstance(value, (str, int, float, bool)):
        return Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__}: {value!r}")


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
    from ..rdf import formats

    if inp.path is not None:
        return formats.load_graph([inp.path], fmt=inp.fmt if inp.fmt != "nq" else "nq")
    return formats.parse_text(inp.data.decode("utf-8") if inp.data is not None else "", inp.fmt,
                              source="<data>")


def closure_update(graph: URIRef | None) -> str:
    """A SPARQL Update adding, inside one graph, the PROV-O/DCAT super-property triples of its mlkg triples (what
    :func:`mlkg.rdf.closure.add_super_properties` does in Python), so lineage queries work on any loaded file."""
    from ..rdf.closure import super_properties

    ops = []
    for p, supers in sorted(super_properties().items()):
        tmpl = " ".join(f"?s <{q}> ?o ." for q in supers)
        if graph is None:
            ops.append(f"INSERT {{ {tmpl} }} WHERE {{ ?s <{p}> ?o }}")
        else:
            ops.append(f"INSERT {{ GRAPH <{graph}> {{ {tmpl} }} }} WHERE {{ GRAPH <{graph}> {{ ?s <{p}> ?o }} }}")
    return " ;\n".join(ops)


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
        """Run a SELECT query and return its rows (the contract of :func:`mlkg.query.run_query`)."""
        res = self.query(text, bindings=bindings)
        if not isinstance(res, Rows):
            raise InputError("expected a SELECT query", source="<query>")
        return res

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
        from ..rdf.build import new_graph

        g = new_graph()
        g.parse(data=self.dump(format="nt", graph=graph), format="nt")
        return g

    def close(self) -> None:
        """Release the store (files, connections)."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"


def store_error(message: str, url: str) -> StoreError:
    """A StoreError naming the store (by its credential-free URL)."""
    return StoreError(f"{url}: {message}")
