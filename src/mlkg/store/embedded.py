"""``oxigraph:PATH`` — a pyoxigraph (RocksDB) store on disk: persistent, transactional, fast bulk loads.

How an import stays atomic without holding the data in one huge transaction:

* **A new graph** (no triples yet) is bulk-loaded straight into place. A journal file (``mlkg-journal.json`` in
  the store directory) records the load before it starts and is cleared when it ends: that is the commit point.
  If the process dies in between, the next open drops the half-loaded graph, which was empty before.
* **Replacing a graph** bulk-loads the new content into a staging graph (``urn:mlkg:staging:…``, hidden from
  queries), then swaps it in with **one** SPARQL Update (delete what is gone, insert what is new: a single
  transaction, so only the changes are written), then drops the staging graph. A crash before the swap leaves the
  old graph as it was; the next open drops the staging graph.
* Adding to a non-empty graph without ``replace`` is a single transactional ``load``.

Code that writes a graph by other means (the change log, :mod:`mlkg.history.log`, writes only an import's changes)
uses the same two guarantees through :meth:`OxigraphStore.new_graph` (fill a graph that had no triples; dropped
again if the block fails or the process dies inside it) and :meth:`OxigraphStore.staging_graph` (a hidden scratch
graph, dropped when the block ends, or on the next open).

``oxigraph:`` with no path is an in-memory pyoxigraph store (same behaviour, nothing kept).
"""

from __future__ import annotations

import io
import json
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from ..dataset.oxigraph import OxigraphView
from ..errors import InputError, StoreError
from ..rdf.oxterms import OX_FORMATS
from ..rdf.oxterms import ox_graph as _ox_graph
from .base import (
    FORMATS,
    STAGING_PREFIX,
    LoadInput,
    Progress,
    ProgressReader,
    closure_missing,
    closure_update,
    graph_iri,
    load_input,
    nt_bytes,
    parse_to_graph,
)

JOURNAL = "mlkg-journal.json"


def _syntax_error(e: BaseException, source: str, fmt: str) -> InputError:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    line = col = None
    m = re.search(r"(?:line|at) (\d+)(?:[:, ]+(?:column )?(\d+))?", msg)
    if m:
        line = int(m.group(1))
        col = int(m.group(2)) if m.group(2) else None
    return InputError(f"invalid {fmt}: {msg[:200]}", source=source, line=line, column=col,
                      expected=f"a valid {fmt} document")


class OxigraphStore(OxigraphView):
    """A pyoxigraph store (``oxigraph:PATH`` on disk, ``oxigraph:`` in memory); the read verbs are
    :class:`~mlkg.dataset.oxigraph.OxigraphView`'s."""

    def __init__(self, path: str | None = None, *, read_only: bool = False, url: str | None = None) -> None:
        self.path = Path(path) if path else None
        self.url = url or f"oxigraph:{path or ''}"
        self.read_only = read_only
        try:
            if self.path is None:
                self.ox = ox.Store()
            elif read_only:
                self.ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.ox = ox.Store(str(self.path))
        except OSError as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            if "lock" in msg.lower():
                msg = "the store is open in another process (close it, or open it read-only with ?mode=ro)"
            raise StoreError(f"{self.url}: cannot open: {msg}") from None
        self._staging: set[str] = set()
        if not read_only:
            self.recover()

    # -- journal and recovery --------------------------------------------------------------------------------

    def _journal_path(self) -> Path | None:
        return self.path / JOURNAL if self.path is not None else None

    def _journal(self) -> list[dict[str, Any]]:
        p = self._journal_path()
        if p is None or not p.exists():
            return getattr(self, "_mem_journal", [])
        try:
            return list(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return []

    def _write_journal(self, entries: list[dict[str, Any]]) -> None:
        p = self._journal_path()
        if p is None:
            self._mem_journal = entries
            return
        if not entries:
            p.unlink(missing_ok=True)
            return
        tmp = p.with_name(p.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(entries, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)

    def _begin(self, entry: dict[str, Any]) -> None:
        self.ox.flush()
        self._write_journal(self._journal() + [entry])

    def _end(self, entry: dict[str, Any]) -> None:
        self.ox.flush()
        self._write_journal([e for e in self._journal() if e != entry])

    @contextmanager
    def new_graph(self, graph: str | URIRef | None) -> Iterator[Any]:
        """Fill ``graph``, which has no triples yet, as one import: inside the block write to the pyoxigraph graph
        it yields (``store.ox.bulk_extend``, ``bulk_load(..., to_graph=g)``: fast, no transaction). The graph is
        journaled before the block runs and cleared from the journal when it ends, so a process that dies inside
        the block leaves a graph the next open drops, and a block that raises drops it at once: readers after a
        reopen see the graph complete or absent.

        >>> st = OxigraphStore()
        >>> with st.new_graph("urn:g") as g:
        ...     st.ox.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"), g))
        >>> len(st)
        1

        :raises StoreError: if the store is read-only, or ``graph`` already has triples.
        """
        self._check_writable()
        target = graph_iri(graph)
        g = _ox_graph(target)
        if self._has_data(g):
            raise StoreError(f"{self.url}: graph {target or 'default'} is not empty; new_graph fills a new graph")
        entry = {"op": "fresh", "graph": "" if target is None else str(target), "id": uuid.uuid4().hex}
        self._begin(entry)
        try:
            yield g
        except BaseException:
            self._remove(target)
            self._end(entry)
            raise
        self._end(entry)

    @contextmanager
    def staging_graph(self) -> Iterator[Any]:
        """A scratch named graph (``urn:mlkg:staging:…``) for the duration of the block, as a pyoxigraph
        NamedNode: hidden from this store's queries and reads, removed when the block ends (however it ends), and
        by the next open if the process dies inside it. Use it to stage triples for one SPARQL Update that moves
        them into place in a single transaction.

        >>> st = OxigraphStore()
        >>> with st.staging_graph() as tmp:
        ...     st.ox.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"), tmp))
        ...     st.graphs()
        []
        >>> len(st.ox)
        0
        """
        self._check_writable()
        staging = URIRef(STAGING_PREFIX + uuid.uuid4().hex)
        entry = {"op": "staging", "graph": str(staging), "id": staging[-32:]}
        self._begin(entry)
        self._staging.add(str(staging))
        try:
            yield _ox_graph(staging)
        finally:
            self._remove(staging)
            self._staging.discard(str(staging))
            self._end(entry)

    def recover(self) -> list[str]:
        """Undo imports that did not finish (after a crash): drop half-loaded new graphs and staging graphs.

        Runs when the store is opened. Returns the graphs dropped.
        """
        dropped = []
        for entry in self._journal():
            g = entry.get("graph")
            if entry.get("op") in ("fresh", "staging") and g is not None:
                self._remove(URIRef(g) if g != "" else None)
                dropped.append(g)
        for g in self.ox.named_graphs():
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX):
                self.ox.remove_graph(g)
                dropped.append(g.value)
        self._write_journal([])
        return dropped

    def _remove(self, graph: URIRef | None) -> None:
        if graph is None:
            self.ox.clear_graph(ox.DefaultGraph())
        elif self.ox.contains_named_graph(ox.NamedNode(str(graph))):
            self.ox.remove_graph(ox.NamedNode(str(graph)))

    # -- writing ---------------------------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.url}: the store is open read-only")

    def extend(self, triples: Iterable[tuple[Node, Node, Node]], *, graph: str | URIRef | None = None) -> int:
        self._check_writable()
        return super().extend(triples, graph=graph)

    def _bulk(self, inp: LoadInput, target: Any, progress: Progress | None, *, transactional: bool = False) -> int:
        """Load ``inp`` into ``target`` (a pyoxigraph graph, or None to keep the graphs of a quad file)."""
        fmt = inp.fmt
        if fmt in ("nt", "nq") and not transactional and inp.graph is None:
            return self._chunked(inp, target, progress)
        data: Any
        fh = None
        if inp.graph is not None or fmt == "jsonld":
            # JSON-LD goes through mlkg's reader (bundled context, never a remote one).
            data, fmt = nt_bytes(parse_to_graph(inp)), "nt"
        elif inp.path is not None:
            if progress is not None:
                fh = ProgressReader(open(inp.path, "rb"), inp.path.stat().st_size, progress)
                data = fh
            else:
                data = None
        else:
            data = inp.data
        kwargs: dict[str, Any] = {"format": OX_FORMATS[fmt]}
        if target is not None:
            kwargs["to_graph"] = target
        if data is None:
            kwargs["path"] = str(inp.path)
        before = len(self.ox) if transactional else 0
        try:
            if transactional:
                self.ox.load(data, **kwargs)
            else:
                self.ox.bulk_load(data, **kwargs)
        except SyntaxError as e:
            raise _syntax_error(e, inp.name, fmt) from None
        except ValueError as e:
            raise _syntax_error(e, inp.name, fmt) from None
        except OSError as e:
            raise StoreError(f"{self.url}: load of {inp.name} failed: {str(e).splitlines()[0] if str(e) else e}") from None
        finally:
            if fh is not None:
                fh.close()
        if transactional:
            return len(self.ox) - before
        return self._count_graph(target) if target is not None else len(self.ox)

    def _chunked(self, inp: LoadInput, target: Any, progress: Progress | None) -> int:
        """Bulk-load a line-based file (N-Triples, N-Quads) in slices of about :attr:`CHUNK_BYTES`, cut at line
        ends: as fast as one bulk load and with a fraction of its memory (the loader's buffers are per call).

        Blank node labels are scoped to one parse, so from the first slice holding ``_:`` on, the rest of the input
        goes in one call (earlier slices have no blank nodes to share).
        """
        kwargs: dict[str, Any] = {"format": OX_FORMATS[inp.fmt]}
        if target is not None:
            kwargs["to_graph"] = target
        if inp.path is not None:
            fh: Any = open(inp.path, "rb")
            size = inp.path.stat().st_size
        else:
            data = inp.data or b""
            fh, size = io.BytesIO(data), len(data)
        line, done, carry = 1, 0, b""
        try:
            while True:
                block = fh.read(self.CHUNK_BYTES)
                if not block and not carry:
                    break
                piece = carry + block
                if block:
                    cut = piece.rfind(b"\n") + 1
                    piece, carry = (piece[:cut], piece[cut:]) if cut else (b"", piece)
                    if not piece:
                        continue
                else:
                    carry = b""
                if b"_:" in piece:
                    piece += carry + fh.read()
                    carry = b""
                self._slice(piece, kwargs, inp, line)
                line += piece.count(b"\n")
                done += len(piece)
                if progress is not None:
                    progress(min(done, size), size)
        finally:
            fh.close()
        return self._count_graph(target) if target is not None else len(self.ox)

    def _slice(self, piece: bytes, kwargs: dict[str, Any], inp: LoadInput, line: int) -> None:
        try:
            self.ox.bulk_load(piece, **kwargs)
        except (SyntaxError, ValueError) as e:
            err = _syntax_error(e, inp.name, inp.fmt)
            if err.line is not None:  # the parser counts lines from the slice start
                err.line += line - 1
                err.message = re.sub(r"\s*\(?(?:at )?line \d+(?: column \d+)?\)?", "", err.message)
                err.args = (err.one_line(),)
            raise err from None
        except OSError as e:
            raise StoreError(f"{self.url}: load of {inp.name} failed: {str(e).splitlines()[0] if str(e) else e}") from None

    #: Size of the slices of a line-based file given to each bulk load (bytes).
    CHUNK_BYTES = 8 << 20

    def _count_graph(self, g: Any) -> int:
        if isinstance(g, ox.DefaultGraph):
            text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        else:
            text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g.value}> {{ ?s ?p ?o }} }}"
        sol: Any = next(iter(self.ox.query(text)))  # type: ignore[arg-type]
        return int(sol["n"].value)

    def load(self, source: Any = None, *, path: str | Path | None = None, format: str | None = None,
             graph: str | URIRef | None = None, replace: bool = False, progress: Progress | None = None,
             lineage: bool = False) -> int:
        self._check_writable()
        inp = load_input(source, path=path, format=format)
        target = graph_iri(graph)
        if FORMATS[inp.fmt][2] and target is None and inp.graph is None:
            return self._load_dataset(inp, replace, progress, lineage)
        g = _ox_graph(target)
        if not self._has_data(g):
            with self.new_graph(target):
                n = self._bulk(inp, g, progress)
                if lineage:
                    self._close(target)
            return n
        if not replace:
            n = self._bulk(inp, g, progress, transactional=True)
            if lineage:
                self._close(target)
            return n
        with self.staging_graph() as sg:
            staging = URIRef(sg.value)
            n = self._bulk(inp, sg, progress)
            if lineage:
                self._close(staging)
            self._swap(target, staging)
        return n

    def _close(self, graph: URIRef | None) -> None:
        """Add the lineage super-property triples of ``graph`` unless it already has them all (mlkg's own files)."""
        if bool(self.ox.query(closure_missing(graph))):
            self.ox.update(closure_update(graph))

    def _swap(self, target: URIRef | None, staging: URIRef) -> None:
        """Make ``target`` hold exactly the triples of ``staging``, in one transaction (only changes written)."""

        def inside(g: URIRef | None, pattern: str) -> str:
            return pattern if g is None else f"GRAPH <{g}> {{ {pattern} }}"

        t = "?s ?p ?o"
        self.ox.update(
            f"DELETE {{ {inside(target, t)} }} WHERE {{ {inside(target, t)} "
            f"FILTER NOT EXISTS {{ {inside(staging, t)} }} }} ;\n"
            f"INSERT {{ {inside(target, t)} }} WHERE {{ {inside(staging, t)} "
            f"FILTER NOT EXISTS {{ {inside(target, t)} }} }}")

    def _load_dataset(self, inp: LoadInput, replace: bool, progress: Progress | None, lineage: bool) -> int:
        """A quad file: each of its graphs is loaded (or replaced) as its own import."""
        tmp = ox.Store()
        try:
            if inp.path is not None:
                tmp.bulk_load(path=str(inp.path), format=OX_FORMATS[inp.fmt])
            else:
                tmp.bulk_load(inp.data, format=OX_FORMATS[inp.fmt])
        except (SyntaxError, ValueError) as e:
            raise _syntax_error(e, inp.name, inp.fmt) from None
        n = 0
        for g in [ox.DefaultGraph(), *tmp.named_graphs()]:
            if not any(True for _ in tmp.quads_for_pattern(None, None, None, g)):
                continue
            data = tmp.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
            name = None if isinstance(g, ox.DefaultGraph) else URIRef(g.value)
            n += self.load(data, format="nt", graph=name, replace=replace, lineage=lineage)
        if progress is not None and inp.path is not None:
            size = inp.path.stat().st_size
            progress(size, size)
        return n

    def update(self, text: str) -> None:
        self._check_writable()
        super().update(text)

    def drop(self, graph: str | URIRef | None) -> None:
        self._check_writable()
        self._remove(graph_iri(graph))

    def close(self) -> None:
        if getattr(self, "ox", None) is not None and not self.read_only:
            try:
                self.ox.flush()
            except OSError:
                pass
        self.ox = None  # type: ignore[assignment]


def _open(rest: str, url: str) -> OxigraphStore:
    """``oxigraph:PATH[?mode=ro]``; ``oxigraph:`` alone is in memory."""
    from urllib.parse import parse_qsl

    path, _, q = rest.partition("?")
    opts = dict(parse_qsl(q))
    mode = opts.pop("mode", "rw")
    if opts:
        raise InputError(f"unknown option(s) {', '.join(sorted(opts))} for an oxigraph store", source="--store",
                         expected="mode=ro or mode=rw")
    if mode not in ("ro", "rw"):
        raise InputError(f"unknown mode {mode!r}", source="--store", expected="mode=ro or mode=rw")
    if path.startswith("//"):
        path = path[2:]
    return OxigraphStore(os.path.expanduser(path) if path else None, read_only=mode == "ro",
                         url=f"oxigraph:{path}" + ("?mode=ro" if mode == "ro" else ""))
