"""The reference engine: pySHACL's public :func:`pyshacl.validate`, nothing of its internals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyshacl
from rdflib import Graph, URIRef

from ...ontology import load_ontology
from ..report import empty_report

if TYPE_CHECKING:
    from ..packs import Shapes

__all__ = ["PyShaclEngine"]


class PyShaclEngine:
    """``pyshacl.validate(data, shacl_graph=shapes, focus_nodes=..., inference=...)``."""

    name = "pyshacl"

    def run(self, data: Graph, shapes: Shapes, *, focus: set[URIRef] | None = None,
            inference: bool = False) -> Graph:
        kwargs: dict[str, Any] = {}
        if inference:
            kwargs["ont_graph"] = load_ontology()
            kwargs["inference"] = "rdfs"
        if focus is not None:
            if not focus:
                return empty_report()
            kwargs["focus_nodes"] = sorted(focus)
        _conforms, report_graph, _text = pyshacl.validate(data, shacl_graph=shapes.graph, **kwargs)
        return report_graph
