"""Which version served an endpoint at a time, on any graph or on a store that keeps history.

``serving_at`` answers "which model version was serving endpoint E at time t". The answer comes from the
platforms' own times, in the graph (see docs/history.md):

* a **serving interval** (``mlkg:ServingInterval``: the version, the start, the end, the traffic share) where the
  platform recorded when a deployment began: SageMaker's endpoint ``LastModifiedTime``, Vertex AI's
  ``DeployedModel.createTime``, a batch transform job's start and end. A period covers t when it began by t and
  had not ended (the end is excluded);
* else the deployment time ``mlkg:deployedAt`` of the version the endpoint serves now (deployed by t).

A single import answers for the time since the platform's recorded start. Platforms keep no end of a period (an
endpoint's earlier config, an undeployed model are simply gone), so on a store that keeps history
(:mod:`mlkg.history.log`) the imports before and after t are both read: the periods of the graph as of t, and
those of the first import after t of the endpoint's source. A period of the earlier import that the later one no longer has ended when a
period of the same endpoint that the later one has began (the new config replaced it), or else by the later
import's time. A version deployed on 1 March and replaced on 5 March, imported on 2 and 7 March, answers for
3 March and not for 6 March, when its successor does.

``stage_at`` and ``alias_at`` answer "which version of model M was in stage S / held alias A at time t" the same
way: the periods the platform recorded (:mod:`mlkg.query.periods`) in the graph as of t; a stage or alias with no
recorded time (MLflow keeps none for aliases) gets the times of the imports from the change log
(:func:`mlkg.history.log.presence`): it held from the first import that showed it on that version (it moved
between that import and the one before) until the first import that no longer did. On a graph, or a store without
history, they are :func:`mlkg.query.periods.stage_at` and :func:`~mlkg.query.periods.alias_at`.

The metric of an entity over time is :func:`mlkg.query.metric_series` (no history needed: each value carries its
time).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from rdflib import Literal, URIRef

from ..errors import InputError
from ..model.entities import Stage
from ..namespaces import MLKG
from ..query import Serving, resolve, serving
from ..query import periods as per
from ..store import Store
from .log import as_of, keeps_history, parse_time, presence, records

#: How the rows given times from the change log say where they came from.
FROM_IMPORTS = "mlkg change log: the imports that showed it (it changed between two imports)"


def _period(row: Serving) -> tuple[str | None, str]:
    start = parse_time(row.served_from).isoformat() if isinstance(row.served_from, datetime) else ""
    return row.version, start


def _closed(before: list[Serving], after: list[Serving], next_import: datetime) -> list[Serving]:
    """The periods of an import and of the next one, those that the next no longer has closed (see the module
    docstring); rows without a recorded period are kept as they are."""
    later = {_period(r) for r in after if r.served_from is not None}
    out: list[Serving] = []
    for r in before:
        if r.served_from is None or r.served_until is not None or _period(r) in later:
            out.append(r)
            continue
        starts = [parse_time(s.served_from) for s in after if s.served_from is not None
                  and _period(s) not in {_period(b) for b in before}
                  and parse_time(s.served_from) > parse_time(r.served_from)]
        out.append(dataclasses.replace(r, served_until=min(starts) if starts else next_import))
    seen = {_period(r) for r in out if r.served_from is not None}
    out += [r for r in after if r.served_from is not None and _period(r) not in seen]
    return out


def _rows(view: Store, endpoint: str | URIRef) -> list[Serving] | None:
    """Every row of ``serving`` in ``view``; None when the endpoint is not in it (not imported yet, or gone)."""
    try:
        return serving(view, endpoint)
    except InputError:
        return None


def _graphs_of(store: Store, endpoint: str | URIRef) -> set[str] | None:
    """The source graphs that hold the endpoint now; None when it is not in the store (any import may tell)."""
    try:
        iri = resolve(store, endpoint, kind="Endpoint")
    except InputError:
        return None
    rows = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
    return {str(r["g"]) for r in rows} or None


def serving_at(source: Any, endpoint: str | URIRef, at: str | datetime | date) -> list[Serving]:
    """The version(s) endpoint ``endpoint`` served at time ``at`` (see the module docstring).

    :param source: an rdflib Graph or a mlkg Store; a store that keeps history is read as of ``at`` and at the
        first import after it.
    :param endpoint: FQN or IRI of the endpoint.
    :param at: ISO date or datetime (a date means the end of that day, UTC).
    """
    t = parse_time(at, source="at")
    if not (isinstance(source, Store) and keeps_history(source) and records(source)):
        return serving(source, endpoint, t)
    graphs = _graphs_of(source, endpoint)  # the next import of the endpoint's own source, not of any source
    recs = [r for r in records(source) if graphs is None or r.graph in graphs]
    last = max((r.time for r in recs), default=None)

    def view(when: datetime) -> Store:
        # at or after the source's last import its graph is the current one: no as-of view to build
        return source if last is not None and when >= last else as_of(source, when)

    before = _rows(view(t), endpoint)
    later = sorted({r.time for r in recs if r.time > t})
    after = _rows(view(later[0]), endpoint) if later else None
    if before is None and after is None:
        return serving(source, endpoint, t)  # nowhere: the current graph's error names the endpoint
    if after is None:
        rows = before or []
    else:
        rows = _closed(before or [], after, later[0])
    kept = [r for r in rows if r.covers(t)]
    return sorted(kept, key=lambda s: (s.version_name or "", s.model_name or "",
                                       parse_time(s.served_from).isoformat() if s.served_from else ""))


def _view_at(store: Store, t: datetime) -> Store:
    last = max((r.time for r in records(store)), default=None)
    return store if last is not None and t >= last else as_of(store, t)


def _from_imports(store: Store, rows: list[Any], predicate: URIRef, value: Any, t: datetime) -> list[Any]:
    """Rows with no recorded time get the period the imports show (see the module docstring)."""
    out = []
    for r in rows:
        if r.held_from is not None or r.held_until is not None or r.times_from is not None:
            out.append(r)
            continue
        events = presence(store, (URIRef(r.version), predicate, value))
        start = end = None
        for when, held in events:
            if when <= t:
                if held and start is None:
                    start = when
                elif not held:
                    start = None
            elif not held:
                end = when
                break
        if start is None:  # not in any import (a graph loaded without history): as the graph says
            out.append(r)
            continue
        out.append(dataclasses.replace(r, held_from=start, held_until=end, times_from=FROM_IMPORTS))
    return out


def _closed_periods(before: list[Any], after: list[Any], next_import: datetime) -> list[Any]:
    """The recorded periods of an import and of the next one: an open period the next import no longer has ended
    when a period the next import has began after it (the stage or alias moved on), else by the next import."""
    def ident(r: Any) -> tuple[str, str]:
        return r.version, parse_time(r.held_from).isoformat() if r.held_from is not None else ""

    later = {ident(r) for r in after if r.held_from is not None}
    earlier = {ident(r) for r in before}
    out = []
    for r in before:
        if r.held_from is None or r.held_until is not None or ident(r) in later:
            out.append(r)
            continue
        starts = [parse_time(a.held_from) for a in after if a.held_from is not None and ident(a) not in earlier
                  and parse_time(a.held_from) > parse_time(r.held_from)]
        out.append(dataclasses.replace(r, held_until=min(starts) if starts else next_import))
    seen = {ident(r) for r in out}
    return out + [r for r in after if r.held_from is not None and ident(r) not in seen]


def _held_at(store: Store, t: datetime, periods: Any, model: str | URIRef, key: Any, predicate: URIRef,
             value: Any) -> list[Any]:
    """``periods`` (every period of the model's stage or alias) read as of ``t`` and at the next import, closed,
    timeless rows given the imports' times, and kept when they cover ``t``."""
    def rows(view: Store) -> list[Any] | None:
        try:
            return list(periods(view, model, key))
        except InputError:  # the model is not in the graph as of then
            return None

    later = sorted({r.time for r in records(store) if r.time > t})
    before = rows(_view_at(store, t))
    after = rows(_view_at(store, later[0])) if later else None
    if before is None and after is None:
        periods(store, model, key)  # not in any import: the current graph's error names the model
        return []
    found = (before or []) if after is None else _closed_periods(before or [], after, later[0])
    found = _from_imports(store, found, predicate, value, t)
    return sorted((r for r in found if r.covers(t)), key=lambda r: (
        r.version_name or r.version, parse_time(r.held_from).isoformat() if r.held_from else ""))


def stage_at(source: Any, model: str | URIRef, stage: str | Stage, at: str | datetime | date) -> list[per.StagePeriod]:
    """The version(s) of ``model`` in ``stage`` at ``at`` (see the module docstring).

    :param source: an rdflib Graph or a mlkg Store; a store that keeps history is read as of ``at`` and at the
        first import after it.
    :param model: FQN or IRI of the model.
    :param stage: Production, Staging, Archived or None (case-insensitive).
    :param at: ISO date or datetime (a date means the end of that day, UTC).
    """
    t = parse_time(at, source="at")
    if not (isinstance(source, Store) and keeps_history(source) and records(source)):
        return per.stage_at(source, model, stage, t)
    s = per.stage_of(stage)
    return _held_at(source, t, per.stage_periods, model, s, URIRef(MLKG.stage), URIRef(MLKG[s.iri_name]))


def alias_at(source: Any, model: str | URIRef, alias: str, at: str | datetime | date) -> list[per.AliasPeriod]:
    """The version(s) of ``model`` holding ``alias`` at ``at`` (see the module docstring and :func:`stage_at`)."""
    t = parse_time(at, source="at")
    if not (isinstance(source, Store) and keeps_history(source) and records(source)):
        return per.alias_at(source, model, alias, t)
    return _held_at(source, t, per.alias_periods, model, alias, URIRef(MLKG.alias), Literal(alias))


def serving_history(source: Any, endpoint: str | URIRef, at: str | None = None) -> list[Serving]:
    """What ``mlkg query serving`` runs on a store: :func:`serving_at` when ``at`` is given, else every row."""
    return serving(source, endpoint) if at is None else serving_at(source, endpoint, at)


#: Bundled queries whose answer on a store that keeps history reads more than the graph as of one time: query name
#: → the function ``mlkg query NAME --store S`` runs instead of the plain query (same parameters).
HISTORY_QUERIES: dict[str, Any] = {"serving": serving_history, "stage_at": stage_at, "alias_at": alias_at}
