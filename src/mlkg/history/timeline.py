"""Which version served an endpoint at a time, on any graph or on a store that keeps history.

``serving_at`` answers "which model version was serving endpoint E at time t". On a store that keeps history
(:mod:`mlkg.history.log`) it reads the graph as it was at t; in any graph it keeps only the deployments the
platform recorded as made by t (``mlkg:deployedAt``: SageMaker's endpoint update time, Vertex AI's deploy time,
...), so a single import with recorded times answers for the time since the last deployment. The metric of an
entity over time is :func:`mlkg.query.metric_series` (no history needed: each value carries its time).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rdflib import URIRef

from ..query import Serving, serving
from ..store import Store
from .log import as_of, keeps_history, parse_time, records


def serving_at(source: Any, endpoint: str | URIRef, at: str | datetime | date) -> list[Serving]:
    """The version(s) endpoint ``endpoint`` served at time ``at`` (see the module docstring).

    :param source: an rdflib Graph or a mlkg Store; a store that keeps history is read as of ``at``.
    :param endpoint: FQN or IRI of the endpoint.
    :param at: ISO date or datetime (a date means the end of that day, UTC).
    """
    t = parse_time(at, source="at")
    if isinstance(source, Store) and keeps_history(source) and records(source):
        return serving(as_of(source, t), endpoint, t)
    return serving(source, endpoint, t)
