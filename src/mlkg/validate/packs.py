"""Rule packs: SHACL files in ``ontology/shapes/`` by name, or Turtle files of your own; parsed once, cached."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, URIRef

from .. import limits
from ..errors import InputError
from ..namespaces import SH
from ..rdf.formats import load_graph
from ..resources import resource_path

__all__ = ["PACKS", "Shapes", "load_pack", "pack_files", "shapes_for"]

#: Built-in rule packs: name → files under ``ontology/shapes/``.
PACKS: dict[str, tuple[str, ...]] = {
    "core": ("core.ttl", "core-rules.ttl"),
    "governance": ("governance.ttl",),
    "eu-ai-act": ("eu-ai-act.ttl",),
    "nist-ai-rmf": ("nist-ai-rmf.ttl",),
}


def pack_files(pack: str | Path) -> tuple[Path, ...]:
    """The files of a pack name or path.

    :raises InputError: for an unknown name or a missing file.
    """
    if isinstance(pack, str) and pack in PACKS:
        return tuple(resource_path("ontology", "shapes", f) for f in PACKS[pack])
    p = Path(pack)
    if not p.exists():
        raise InputError(f"no rule pack {str(pack)!r}", source=str(pack),
                         expected="core, governance or the path of a Turtle file of SHACL shapes")
    return (p,)


_LOCK = threading.Lock()
_PACK_CACHE: dict[tuple[Any, ...], Graph] = {}
_SHAPES_CACHE: dict[tuple[Any, ...], Shapes] = {}


def _key(files: Sequence[Path]) -> tuple[tuple[str, int], ...]:
    return tuple((str(f), f.stat().st_mtime_ns) for f in files)


def load_pack(pack: str | Path) -> Graph:
    """The shapes graph of a pack (``core``, ``governance``) or of a Turtle file; parsed once and cached.

    :raises InputError: if the pack is unknown or the file is not valid RDF (with file, line and column).
    """
    files = pack_files(pack)
    key = _key(files)
    with _LOCK:
        g = _PACK_CACHE.get(key)
    if g is None:
        if isinstance(pack, str) and pack in PACKS:  # mlkg's own files: the user's input limits are not for them
            with limits.unlimited():
                g = load_graph(files, fmt="turtle")
        else:
            g = load_graph(files, fmt=None if all(f.suffix for f in files) else "turtle")
        check_sparql(g, ", ".join(str(f) for f in files))
        with _LOCK:
            _PACK_CACHE[key] = g
    return g


def check_sparql(g: Graph, source: str) -> None:
    """Every ``sh:select`` of SPARQL-based constraints parses (``$PATH`` and ``$this`` as SHACL fills them in).

    :raises InputError: naming the pack file, the shape and what the parser found.
    """
    from rdflib.plugins.sparql import prepareQuery

    for holder, c in g.subject_objects(SH.sparql):
        text = g.value(c, SH.select)
        if text is None:
            continue
        prologue = "".join(f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n"
                           for pfx in g.objects(c, SH.prefixes) for d in g.objects(pfx, SH.declare))
        query = str(text).replace("$PATH", "<urn:mlkg:path>")
        try:
            prepareQuery(prologue + query)
        except Exception as e:  # pyparsing's ParseException, rdflib's errors: all mean "not valid SPARQL"
            detail = " ".join(str(e).split())[:160]
            raise InputError(f"the sh:select of {holder} is not a valid SPARQL query ({detail})", source=source,
                             expected="a SPARQL SELECT query (SHACL 5.3)") from None


class Shapes:
    """The merged shapes graph of some packs, with what every engine needs to read results back.

    Engines keep what they derive from it (pySHACL's parsed shapes, compiled queries) in :attr:`cache`,
    keyed by engine name, so it is built once per set of packs.
    """

    def __init__(self, graph: Graph, key: tuple[Any, ...] = ()) -> None:
        self.graph = graph
        self.key = key
        self.names: dict[URIRef | BNode, str] = {}
        for s, o in graph.subject_objects(SH.name):
            self.names.setdefault(s, str(o))  # type: ignore[arg-type]
        self.parent: dict[URIRef | BNode, URIRef | BNode] = {}
        for s, o in graph.subject_objects(SH.property):
            self.parent.setdefault(o, s)  # type: ignore[arg-type]
        self.cache: dict[str, Any] = {}
        self.lock = threading.Lock()


def shapes_for(packs: Sequence[str | Path]) -> Shapes:
    """The merged, cached :class:`Shapes` of some packs."""
    key = tuple(_key(pack_files(p)) for p in packs)
    with _LOCK:
        s = _SHAPES_CACHE.get(key)
    if s is None:
        g = Graph()
        for p in packs:
            pg = load_pack(p)
            for t in pg:
                g.add(t)
            for prefix, ns in pg.namespaces():
                g.bind(prefix, ns, override=False)
        s = Shapes(g, key)
        with _LOCK:
            _SHAPES_CACHE[key] = s
    return s
