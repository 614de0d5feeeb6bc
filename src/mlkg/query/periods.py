"""Which version of a model was in a stage, or held an alias, at a time (``stage_at``, ``alias_at``) on one graph.

The answer comes from the periods the platforms recorded (``mlkg:StageAssignment``, ``mlkg:AliasAssignment``:
start, end, and where the times were read from): a period covers a time when it began by then and had not ended
(the end is excluded). A stage or alias a version has with no recorded period (MLflow's aliases, a stage mlkg
derived from SageMaker's approval) has no time in the graph, so it is answered for any time, with empty
``held_from``/``held_until`` (the graph says nothing against it, as :func:`~mlkg.query.library.serving` does).

On a store that keeps history, :func:`mlkg.history.timeline.stage_at` and :func:`~mlkg.history.timeline.alias_at`
read the graph as of that time and give such rows the times of the imports that showed them.

>>> from datetime import UTC, datetime
>>> import mlkg.model as m
>>> from mlkg.rdf.build import to_graph
>>> v = m.ModelVersion(name="2", aliases=["champion"], stage_history=[m.StageAssignment(
...     stage="Production", started_at=datetime(2026, 3, 1, tzinfo=UTC))])
>>> g = to_graph([m.MLModel(name="churn", service="mlflow", versions=[v])])
>>> [(r.version_name, r.held_from.day) for r in stage_at(g, "mlflow.churn", "production", "2026-03-02")]
[('mlflow.churn.2', 1)]
>>> stage_at(g, "mlflow.churn", "Production", "2026-02-28")
[]
>>> [r.version_name for r in alias_at(g, "mlflow.churn", "champion", "2026-01-01")]
['mlflow.churn.2']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from rdflib import Literal, URIRef

from ..dataset import Source
from ..errors import InputError
from ..model.entities import Stage
from ..namespaces import MLKG
from .engine import resolve, run_named_query
from .terms import py


def moment(value: datetime | date | str, *, source: str = "at") -> datetime:
    """An aware datetime (UTC when no zone is given; a date, or a date string, means the end of that day).

    >>> moment("2026-03-03").isoformat()
    '2026-03-03T23:59:59.999999+00:00'
    """
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise InputError(f"{value!r} is not an ISO date or datetime", path=source,
                             expected="e.g. 2026-03-03 or 2026-03-03T12:00:00Z") from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, datetime.max.time(), tzinfo=UTC)


class _Held:
    """What both row types share: a period, and whether it covers a time."""

    held_from: datetime | None
    held_until: datetime | None

    def covers(self, at: datetime | date | str) -> bool:
        """Held at ``at``: within the period (its end excluded); a row with no time at all is taken as held."""
        t = moment(at)
        return ((self.held_from is None or moment(self.held_from) <= t)
                and (self.held_until is None or t < moment(self.held_until)))


@dataclass(frozen=True)
class StagePeriod(_Held):
    """A version of a model in a lifecycle stage over a period (``stage_at``)."""

    model: str
    model_name: str | None
    version: str
    version_name: str | None
    stage: str
    held_from: datetime | None = None
    held_until: datetime | None = None
    times_from: str | None = None


@dataclass(frozen=True)
class AliasPeriod(_Held):
    """A version of a model holding a registry alias over a period (``alias_at``)."""

    model: str
    model_name: str | None
    version: str
    version_name: str | None
    alias: str
    held_from: datetime | None = None
    held_until: datetime | None = None
    times_from: str | None = None


def stage_of(stage: str | Stage) -> Stage:
    """The stage named as MLflow and the JSON name it (``Production``; case ignored), or as the ontology does
    (``ProductionStage``).

    :raises InputError: for a name that is no stage.
    """
    if isinstance(stage, Stage):
        return stage
    for s in Stage:
        if str(stage).strip().lower() in (s.value.lower(), s.iri_name.lower()):
            return s
    raise InputError(f"{stage!r} is not a stage", path="stage", expected=", ".join(s.value for s in Stage))


def _s(term: Any) -> str | None:
    return None if term is None else str(term)


def _periods(source: Source, query: str, model: str | URIRef, key: str, value: Any) -> list[dict[str, Any]]:
    iri = resolve(source, model, kind="MLModel")
    rows = run_named_query(source, query, {"model": iri, key: value})
    out = []
    for r in rows:
        out.append({"model": str(r["model"]), "model_name": _s(r["modelName"]), "version": str(r["version"]),
                    "version_name": _s(r["versionName"]), "held_from": py(r["heldFrom"]),
                    "held_until": py(r["heldUntil"]), "times_from": _s(r["timesFrom"])})
    return out


def _order(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda r: (r.version_name or r.version,
                                       moment(r.held_from).isoformat() if r.held_from else ""))


def stage_periods(source: Source, model: str | URIRef, stage: str | Stage) -> list[StagePeriod]:
    """Every period in which a version of ``model`` was in ``stage`` (recorded, or with no time)."""
    s = stage_of(stage)
    term = URIRef(MLKG[s.iri_name])
    return _order([StagePeriod(stage=s.value, **r) for r in _periods(source, "stage_at", model, "stage", term)])


def alias_periods(source: Source, model: str | URIRef, alias: str) -> list[AliasPeriod]:
    """Every period in which a version of ``model`` held ``alias`` (recorded, or with no time)."""
    return _order([AliasPeriod(alias=alias, **r) for r in _periods(source, "alias_at", model, "alias",
                                                                    Literal(alias))])


def stage_at(source: Source, model: str | URIRef, stage: str | Stage,
             at: datetime | date | str) -> list[StagePeriod]:
    """The version(s) of ``model`` in ``stage`` at ``at`` on this graph (see the module docstring).

    :param model: FQN or IRI of the model.
    :param stage: Production, Staging, Archived or None (case-insensitive).
    :param at: ISO date or datetime (a date means the end of that day, UTC).
    """
    t = moment(at)
    return [r for r in stage_periods(source, model, stage) if r.covers(t)]


def alias_at(source: Source, model: str | URIRef, alias: str, at: datetime | date | str) -> list[AliasPeriod]:
    """The version(s) of ``model`` holding ``alias`` at ``at`` on this graph (see the module docstring)."""
    t = moment(at)
    return [r for r in alias_periods(source, model, alias) if r.covers(t)]


__all__ = ["AliasPeriod", "StagePeriod", "alias_at", "alias_periods", "moment", "stage_at", "stage_of",
           "stage_periods"]
