"""SHACL engines behind one interface.

An engine takes a data graph and the merged shapes of some packs and returns the W3C SHACL validation report
graph (``sh:ValidationReport`` with its ``sh:result`` nodes), nothing else::

    class ShaclEngine(Protocol):
        name: str
        def run(self, data, shapes, *, focus=None, inference=False) -> Graph: ...

=================  ================================================================================================
``pyshacl``        pySHACL's public :func:`pyshacl.validate`: the reference every other engine is tested against
``pyshacl-focus``  pySHACL's shapes driven by mlkg: only the targets of the focus nodes, vacuous property shapes
                   skipped, SPARQL parsed once (:mod:`.pyshacl_focus`, pinned to the pySHACL versions it reads)
``oxigraph``       the shapes compiled to SPARQL and run on pyoxigraph to find the nodes that can fail, then those
                   nodes checked by ``pyshacl-focus`` (:mod:`.oxigraph`): the default for full validation
=================  ================================================================================================

An engine that cannot handle some input raises :class:`Unsupported` (with the reason); :func:`mlkg.validate.validate`
then logs a warning and uses the next engine in line, ending with ``pyshacl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from rdflib import Graph, URIRef

if TYPE_CHECKING:
    from ..packs import Shapes

__all__ = ["ENGINES", "ShaclEngine", "Unsupported", "get_engine"]


class Unsupported(Exception):
    """The engine cannot run these shapes or this data (the message says why); use another engine."""


class ShaclEngine(Protocol):
    """A SHACL engine: data graph + shapes → the W3C validation report graph."""

    name: str

    def run(self, data: Graph, shapes: Shapes, *, focus: set[URIRef] | None = None,
            inference: bool = False) -> Graph:
        """Validate ``data`` (every target, or only ``focus``) and return the W3C report graph.

        :raises Unsupported: when this engine cannot handle the input.
        """
        ...


#: Engine name → "module:class" under this package (imported on first use).
ENGINES: dict[str, str] = {
    "pyshacl": "pyshacl_public:PyShaclEngine",
    "pyshacl-focus": "pyshacl_focus:FocusPyShaclEngine",
    "oxigraph": "oxigraph:OxigraphEngine",
}

_INSTANCES: dict[str, Any] = {}


def get_engine(name: str) -> ShaclEngine:
    """The engine registered under ``name``.

    :raises ValueError: for an unknown name (the message lists the known ones).
    """
    if name not in ENGINES:
        raise ValueError(f"unknown SHACL engine {name!r} (expected one of {', '.join(ENGINES)} or auto)")
    eng = _INSTANCES.get(name)
    if eng is None:
        import importlib

        mod, _, cls = ENGINES[name].partition(":")
        eng = _INSTANCES[name] = getattr(importlib.import_module(f"{__name__}.{mod}"), cls)()
    return eng
