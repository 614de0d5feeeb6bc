"""Stores: where mlkg keeps a knowledge graph. One interface, three backends chosen by a URL-like string.

============================  ===================================================================================
``memory:``                   rdflib Dataset in this process (the default; nothing kept)
``oxigraph:PATH``             pyoxigraph store on disk: persistent, transactional, bulk loads (``oxigraph:`` alone
                              is in memory; ``oxigraph:PATH?mode=ro`` opens read-only)
``sparql:http://host:port/…`` a SPARQL 1.1 Protocol server (Fuseki, Virtuoso, GraphDB, Neptune, ``oxigraph serve``)
============================  ===================================================================================

Backends are imported on first use from :data:`BACKENDS`; :func:`register_backend` adds one.

>>> with open_store("memory:") as s:
...     n = s.load('<urn:a> <urn:p> "x" .', format="nt", graph="urn:g:1")
...     [str(r["o"]) for r in s.query("SELECT ?o WHERE { ?s ?p ?o }")]
['x']
"""

from __future__ import annotations

import importlib
import os
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph

from ..dataset import GraphStore, MemoryStore, OxigraphView, as_store
from ..errors import InputError
from ..rdf.formats import load_graph
from .base import STAGING_PREFIX, Rows, Store, format_name, source_graph
from .bridge import as_rdflib as _as_rdflib

__all__ = [
    "BACKENDS", "DEFAULT_STORE", "STAGING_PREFIX", "GraphStore", "MemoryStore", "OxigraphView", "Rows", "Store",
    "as_rdflib", "as_store", "format_name", "graph_from", "open_store", "register_backend", "source_graph",
]

#: The store used when none is given (``MLKG_STORE`` overrides it).
DEFAULT_STORE = "memory:"

#: scheme → "module:factory"; the factory takes the rest of the URL (after ``scheme:``) and the full URL.
BACKENDS: dict[str, str] = {
    "memory": "mlkg.store.memory:_open",
    "oxigraph": "mlkg.store.embedded:_open",
    "sparql": "mlkg.store.sparql:_open",
}


def register_backend(scheme: str, factory: str | Callable[[str, str], Store]) -> None:
    """Register a backend: ``factory(rest, url)`` returns a :class:`Store`; a string is imported lazily."""
    BACKENDS[scheme] = factory  # type: ignore[assignment]


def _factory(scheme: str) -> Callable[[str, str], Store]:
    entry: Any = BACKENDS[scheme]
    if callable(entry):
        return entry
    mod, _, name = entry.partition(":")
    return getattr(importlib.import_module(mod), name)


def open_store(url: str | None = None) -> Store:
    """Open a store from its URL (``memory:``, ``oxigraph:PATH``, ``sparql:http://…``).

    :raises InputError: if the scheme is unknown (the message lists the known ones).
    :raises StoreError: if the store cannot be opened.
    """
    url = url or os.environ.get("MLKG_STORE") or DEFAULT_STORE
    scheme, sep, rest = url.partition(":")
    if not sep or scheme not in BACKENDS:
        known = ", ".join(f"{k}:" for k in BACKENDS)
        raise InputError(f"unknown store {url.split('?')[0]!r}", source="--store",
                         expected=f"one of {known} (e.g. oxigraph:./kg or sparql:http://127.0.0.1:7878/query)")
    return _factory(scheme)(rest, url)


def as_rdflib(store: Store) -> Graph:
    """An rdflib Graph view of a store (queries run in the store's engine); see :mod:`mlkg.store.bridge`."""
    return _as_rdflib(store)


def graph_from(files: Iterable[str | Path] | None = None, store: str | Store | None = None, *,
               copy: bool = False) -> Graph:
    """The graph a command works on: RDF ``files``, or a ``store`` (URL or open store), or both merged.

    With a store and ``copy=False`` the result is a live rdflib view (SPARQL runs in the store's engine, good for
    query, lineage and impact); ``copy=True`` copies the union of the store's graphs into memory (for validate,
    convert and diagrams, which walk every triple).

    :raises InputError: if neither files nor a store is given, or a file cannot be read.
    """
    files = list(files or [])
    if store is None and not files:
        raise InputError("no input: give RDF files or --store", source="<arguments>")
    if store is None:
        return load_graph(files)
    s = open_store(store) if isinstance(store, str) else store
    if files or copy:
        g = s.to_graph()
        if files:
            load_graph(files, graph=g)
        return g
    if isinstance(s, MemoryStore):
        return s.ds
    return as_rdflib(s)


# -- factories (kept here so the backend modules stay importable on their own) ----------------------------------


def _split_options(rest: str) -> tuple[str, dict[str, str]]:
    path, _, query = rest.partition("?")
    return path, dict(urllib.parse.parse_qsl(query))
