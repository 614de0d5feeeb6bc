"""Lineage: upstream, downstream, impact and the path between two entities.

The public home of :mod:`mlkg.query.lineage` (the code lives in the query package, between the engine it uses and
the typed questions that use it); see there for the two walking methods.
"""

from __future__ import annotations

from .query.lineage import (
    KIND_ORDER,
    TRAVERSE,
    LineageNode,
    PathStep,
    downstream,
    group_by_kind,
    impact,
    path_between,
    pick_kind,
    upstream,
    walk,
)

__all__ = ["KIND_ORDER", "TRAVERSE", "LineageNode", "PathStep", "downstream", "group_by_kind", "impact",
           "path_between", "pick_kind", "upstream", "walk"]
