"""Turtle and TriG writers that keep every literal's lexical form.

rdflib's Turtle and TriG serializers write ``xsd:double`` literals in a short numeric form made with Python's
``%e`` format, which keeps six digits after the point: ``0.013888888888888888`` becomes ``1.388889e-02``, so a
hyperparameter written to Turtle comes back as a different number, and ``"0.01"^^xsd:double`` is ``1e-02`` in
Turtle but ``"0.01"`` in N-Triples. These writers are rdflib's with one change: a double is written as a typed
literal with its own lexical form (``"0.013888888888888888"^^xsd:double``), as N-Triples and N-Quads write it.
Integers, decimals and booleans keep their short forms (those keep every digit).

They are registered with rdflib's plugin registry under their own names (``mlkg-turtle``, ``mlkg-trig``); rdflib's
own ``turtle`` and ``trig`` are left as they are.
"""

from __future__ import annotations

from rdflib import XSD, Literal
from rdflib.plugin import Serializer, register
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import _GEN_QNAME_FOR_DT, TurtleSerializer
from rdflib.term import Node


def _full(node: Literal, serializer: TurtleSerializer) -> str:
    return node._literal_n3(use_plain=False,
                            qname_callback=lambda dt: serializer.get_pname(dt, _GEN_QNAME_FOR_DT))


class LosslessTurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer, with doubles in their own lexical form."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype == XSD.double:
            return _full(node, self)
        return super().label(node, position)


class LosslessTrigSerializer(TrigSerializer):
    """rdflib's TriG writer, with doubles in their own lexical form."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype == XSD.double:
            return _full(node, self)
        return super().label(node, position)


register("mlkg-turtle", Serializer, __name__, "LosslessTurtleSerializer")
register("mlkg-trig", Serializer, __name__, "LosslessTrigSerializer")
