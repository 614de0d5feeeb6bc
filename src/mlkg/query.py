"""The SPARQL query library: one ``.rq`` file per question, one Python function per file returning typed rows.

Every query lives in ``mlkg/queries/<name>.rq`` with a header comment (purpose, parameters, columns). Values
enter a query as bindings (rdflib ``initBindings``, pyoxigraph ``substitutions``), never pasted into its text, so
a name holding quotes, braces, ``#`` or newlines is just a value. Parameter variables are projected at the top
level and in every sub-SELECT that uses them, the form SEP-0007 substitution (pyoxigraph) needs.

Entities are named by FQN or IRI; :func:`resolve` turns an FQN into the IRI of the node carrying it as
``mlkg:fullyQualifiedName``.

:func:`run_query` is the one place a query meets a store. It takes an rdflib ``Graph`` or a
``pyoxigraph.Store`` and returns rows as dicts of rdflib terms, so a new store only has to be taught there.

>>> from mlkg.model import MLModel, MLModelService
>>> from mlkg.rdf.build import to_graph
>>> g = to_graph([MLModelService(name="mlflow", service_type="Mlflow"), MLModel(name="churn", service="mlflow")])
>>> [(r.service_name, r.model_name, r.versions) for r in models_by_service(g)]
[('mlflow', 'mlflow.churn', 0)]
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.term import Identifier

from .errors import InputError
from .namespaces import MLKG_IRI, SPDX_LICENSE

QUERY_DIR = Path(__file__).resolve().parent / "queries"

#: Parameter kinds a query header may declare.
PARAM_KINDS = ("entity", "string", "double", "integer", "boolean")

Term = Identifier
Row = dict[str, Any]


# ---------------------------------------------------------------------------------------------------------------
# The query files
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A parameter of a query: its variable name, kind (entity, string, double, integer, boolean), whether it is
    required, and what it means."""

    name: str
    kind: str
    required: bool
    doc: str


@dataclass(frozen=True)
class QuerySpec:
    """A query file and what its header says."""

    name: str
    path: Path
    purpose: str
    params: tuple[Param, ...]
    columns: str
    text: str

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None


_HEADER = re.compile(r"^#\s*(Query|Purpose|Param\s+\w+|Columns|Notes):\s*(.*)$")


def _parse_header(name: str, path: Path, text: str) -> QuerySpec:
    fields: dict[str, str] = {}
    params: list[Param] = []
    key: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            key = m.group(1)
            fields[key] = m.group(2).strip()
        elif key is not None:
            fields[key] += " " + line.lstrip("#").strip()
    for key, value in fields.items():
        if key.startswith("Param"):
            pname = key.split()[1]
            kind, _, rest = value.partition(",")
            required, _, doc = rest.strip().partition(".")
            kind = kind.strip()
            if kind not in PARAM_KINDS or required.strip() not in ("required", "optional"):
                raise ValueError(f"{path}: bad parameter line for {pname!r}: {value!r}")
            params.append(Param(pname, kind, required.strip() == "required", doc.strip()))
    if fields.get("Query") != name:
        raise ValueError(f"{path}: header says query {fields.get('Query')!r}, file is {name!r}")
    return QuerySpec(name=name, path=path, purpose=fields.get("Purpose", ""), params=tuple(params),
                     columns=fields.get("Columns", ""), text=text)


@lru_cache(maxsize=None)
def query_spec(name: str) -> QuerySpec:
    """The query named ``name`` (the file ``queries/<name>.rq``).

    :raises InputError: if there is no such query; the message lists the known ones.
    """
    path = QUERY_DIR / f"{name}.rq"
    if not re.fullmatch(r"[a-z_]+", name) or not path.is_file():
        raise InputError(f"no query named {name!r}", expected="one of " + ", ".join(query_names()))
    return _parse_header(name, path, path.read_text(encoding="utf-8"))


def load_query(name: str) -> str:
    """The SPARQL text of the query ``name``."""
    return query_spec(name).text


def query_names() -> list[str]:
    """Names of every bundled query, sorted."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.rq"))


def list_queries() -> list[QuerySpec]:
    """Every bundled query with its header."""
    return [query_spec(n) for n in query_names()]


# ---------------------------------------------------------------------------------------------------------------
# Running a query on a store
# ---------------------------------------------------------------------------------------------------------------


def _is_oxigraph(source: Any) -> bool:
    return type(source).__module__.startswith("pyoxigraph")


def as_term(value: Any) -> Term:
    """A Python value as an RDF term for binding: rdflib terms pass through, ``str`` becomes a plain literal,
    numbers, booleans and dates typed literals. (Use :class:`rdflib.URIRef` for IRIs.)"""
    if isinstance(value, Identifier):
        return value
    if isinstance(value, (bool, int, float, Decimal, str, datetime, date)):
        return Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__}: {value!r}")


def run_query(source: Any, query_text: str, bindings: Mapping[str, Any] | None = None) -> list[Row]:
    """Run a SELECT query on ``source`` and return its rows.

    ``source`` is an rdflib :class:`~rdflib.Graph` (any store) or a :class:`pyoxigraph.Store`. ``bindings``
    maps variable names (without ``?``) to values (rdflib terms, or Python values, see :func:`as_term`); they are
    passed as ``initBindings`` or ``substitutions``, never written into the text. With pyoxigraph, every bound
    variable must be in the top-level projection (SEP-0007). Each row maps every projected variable to an
    rdflib term, or ``None`` when unbound.

    :raises TypeError: if ``source`` is neither.
    """
    binds = {k: as_term(v) for k, v in (bindings or {}).items() if v is not None}
    if _is_oxigraph(source):
        import pyoxigraph as ox

        from .store.embedded import from_ox, to_ox  # one rdflib ⇄ pyoxigraph term mapping

        res = source.query(query_text, substitutions={ox.Variable(k): to_ox(v) for k, v in binds.items()})
        names = [v.value for v in res.variables]
        return [{n: from_ox(sol[n]) for n in names} for sol in res]
    if isinstance(source, Graph):
        if _local_store(source):
            prepared = _prepare(query_text)  # parsed once: rdflib's parser costs ~50 ms per query
            res = source.query(prepared, initBindings={Variable(k): v for k, v in binds.items()})
        else:  # a SPARQL endpoint: the values travel as VALUES blocks inside the groups that use them
            res = source.query(inline_bindings(query_text, binds))
        names = [str(v) for v in res.vars or []]
        out = []
        for r in res:
            values = r.asdict() if hasattr(r, "asdict") else {}  # type: ignore[union-attr]
            row = {n: values.get(n) for n in names}
            for k, v in binds.items():  # rdflib leaves projected bound variables out of some rows
                if k in row and row[k] is None:
                    row[k] = v
            out.append(row)
        return out
    raise TypeError(f"cannot query a {type(source).__name__}: expected an rdflib Graph or a pyoxigraph Store")


_SELECT_WHERE = re.compile(r"SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?((?:[^{}])*?)\s*WHERE\s*\{", re.I)


def inline_bindings(query_text: str, bindings: Mapping[str, Any]) -> str:
    """The query with each binding as a one-row ``VALUES ?var { term }`` block at the start of the WHERE
    group of every SELECT (top level and sub-SELECTs) that projects the variable: the form for stores that take
    only query text (SPARQL endpoints).

    The value stays data: a VALUES block holds one RDF term, written in its escaped N-Triples form by rdflib,
    so quotes, braces, ``#`` and newlines in it cannot change the query. Putting the block inside the
    sub-SELECTs (rather than one VALUES after the query, as rdflib's SPARQLStore does with ``initBindings``)
    lets engines start the closure from the bound node: 1 ms instead of 2.4 s for ``downstream.rq`` on
    pyoxigraph at 100k triples.

    >>> print(inline_bindings("SELECT ?x ?n WHERE { ?x <urn:p> ?n }", {"n": Literal('a"b')}))
    SELECT ?x ?n WHERE { VALUES ?n { "a\\"b" } ?x <urn:p> ?n }
    """
    out = query_text
    for var, value in bindings.items():
        if value is None:
            continue
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
            raise ValueError(f"not a variable name: {var!r}")
        block = f"VALUES ?{var} {{ {as_term(value).n3()} }}"
        rx = re.compile(r"\?" + var + r"\b")

        def put(m: re.Match[str], block: str = block, rx: re.Pattern[str] = rx) -> str:
            return m.group(0) + " " + block if rx.search(m.group(1)) else m.group(0)

        out = _SELECT_WHERE.sub(put, out)
    return out


@lru_cache(maxsize=64)
def _prepare(query_text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(query_text)


def _local_store(graph: Graph) -> bool:
    """True when rdflib evaluates queries itself (not a SPARQL endpoint store, which needs the text)."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    return not isinstance(graph.store, SPARQLStore)


def to_oxigraph(graph: Graph) -> Any:
    """Copy an rdflib graph into a new in-memory :class:`pyoxigraph.Store` (through N-Triples)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


# ---------------------------------------------------------------------------------------------------------------
# Terms to Python
# ---------------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _enum_values() -> dict[str, str]:
    from .model import base, entities  # noqa: F401

    out: dict[str, str] = {}
    for cls in base.OntologyEnum.__subclasses__():
        for m in cls:
            out[MLKG_IRI + m.iri_name] = m.value
    return out


def py(term: Term | None) -> Any:
    """An RDF term as a Python value: literals via their datatype (int, float, Decimal, bool, datetime, date,
    str), IRIs as strings, except ontology individuals (``mlkg:ProductionStage`` → ``"Production"``), measures
    (``mlkg:AUC`` → ``"AUC"``) and SPDX licences (→ ``"Apache-2.0"``), which become their short names."""
    if term is None:
        return None
    if isinstance(term, Literal):
        v = term.toPython()
        return str(term) if isinstance(v, Literal) else v
    s = str(term)
    if isinstance(term, URIRef):
        ev = _enum_values().get(s)
        if ev is not None:
            return ev
        if s.startswith(str(SPDX_LICENSE)):
            return s[len(str(SPDX_LICENSE)):]
    return s


def local_name(iri: Term | str | None) -> str | None:
    """The part of an IRI after the last ``#`` or ``/``."""
    if iri is None:
        return None
    s = str(iri)
    return re.split(r"[#/]", s)[-1]


def _s(term: Term | None) -> str | None:
    return None if term is None else str(term)


# ---------------------------------------------------------------------------------------------------------------
# Naming entities
# ---------------------------------------------------------------------------------------------------------------

_IRI_RE = re.compile(r"^(https?|urn|file|tag):\S*$")


def resolve(source: Any, name: str | URIRef, *, kind: str | None = None) -> URIRef:
    """The IRI of the entity named ``name``: an IRI (``https://...``, ``urn:...``, or ``<...>``) is taken as it
    is; anything else is a fully qualified name, looked up through its ``mlkg:fullyQualifiedName`` triple.

    ``kind`` (a class local name such as ``Table`` or ``MLModel``, case-insensitive) picks one when several
    nodes carry the same FQN.

    :raises InputError: if no node has that FQN, or several do and ``kind`` does not single one out.
    """
    if isinstance(name, URIRef):
        return name
    text = str(name)
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if _IRI_RE.match(text):
        return URIRef(text)
    rows = run_query(source, load_query("resolve"), {"name": Literal(text)})
    found: dict[str, set[str]] = {}
    for r in rows:
        found.setdefault(str(r["entity"]), set())
        if r["type"] is not None and str(r["type"]).startswith(MLKG_IRI):
            found[str(r["entity"])].add(str(r["type"])[len(MLKG_IRI):])
    if kind is not None:
        k = kind.lower()
        found = {e: t for e, t in found.items() if any(x.lower() == k for x in t)}
    if len(found) == 1:
        return URIRef(next(iter(found)))
    shown = repr(text)
    if not found:
        what = f"no {kind} " if kind else "no entity "
        raise InputError(what + f"has the fully qualified name {shown}",
                         expected="the FQN of an entity in the graph, or its IRI")
    options = "; ".join(f"{e} ({', '.join(sorted(t)) or 'untyped'})" for e, t in sorted(found.items()))
    raise InputError(f"{shown} names {len(found)} entities: {options}",
                     expected="an IRI, or a kind (--kind Table, MLModel, ...) to pick one")


def _entity(source: Any, value: Any, kind: str | None = None) -> URIRef:
    return resolve(source, value, kind=kind)


# ---------------------------------------------------------------------------------------------------------------
# Typed rows
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawSource:
    """A raw source of an entity: a table, dataset, column or container upstream of it with nothing upstream."""

    source: str
    kind: str
    name: str | None
    path: str


@dataclass(frozen=True)
class PiiModel:
    """A model trained (directly or through pipelines, tables or base models) on tagged data."""

    model: str
    model_name: str | None
    data: str
    data_name: str | None
    tag: str
    direct: bool


@dataclass(frozen=True)
class MetricPoint:
    """One version's value of a metric on one evaluation dataset, split and slice."""

    version: str
    version_label: str | None
    stage: str | None
    created_at: datetime | None
    metric: str | None
    value: Any
    dataset: str | None
    dataset_name: str | None
    split: str | None
    slice: str | None
    change: Any
    """Difference from the previous version on the same dataset, split and slice (None for the first)."""


@dataclass(frozen=True)
class ProductionVersion:
    """A version in production, with the endpoint serving it and its aliases."""

    model: str
    model_name: str | None
    version: str
    version_label: str | None
    stage: str | None
    aliases: str | None
    endpoint: str | None
    endpoint_name: str | None
    url: str | None
    environment: str | None
    status: str | None


@dataclass(frozen=True)
class ProvenanceItem:
    """One fact about what produced a version (see ``provenance.rq`` for the aspects)."""

    aspect: str
    name: str | None
    value: Any
    node: str | None


@dataclass(frozen=True)
class ModelFeature:
    """A feature of a model with one of its source columns; ``used`` is None when unknown; ``importance`` is the
    model's feature importance of the feature (with its method), None when it has none."""

    model: str
    model_name: str | None
    feature: str
    feature_name: str | None
    data_type: str | None
    column: str | None
    column_name: str | None
    table: str | None
    table_name: str | None
    used: bool | None
    importance: float | None = None
    importance_method: str | None = None


@dataclass(frozen=True)
class FairnessGap:
    """A fairness metric whose gap between groups is above the threshold, on a production model."""

    model: str
    model_name: str | None
    subject: str
    metric: str
    attribute: str | None
    gap: float
    min_value: float
    max_value: float
    groups: int


@dataclass(frozen=True)
class GovernanceGap:
    """A production model missing an owner, a model card or an evaluation."""

    model: str
    model_name: str | None
    missing_owner: bool
    missing_model_card: bool
    missing_evaluation: bool


@dataclass(frozen=True)
class DerivedModel:
    """A model deriving (transitively) from a base model."""

    model: str
    model_name: str | None
    parent: str
    parent_name: str | None
    relation: str | None
    license: str | None
    base_license: str | None
    depth: int


@dataclass(frozen=True)
class ServiceModel:
    """A model of an ML service, with its number of versions."""

    service: str
    service_name: str | None
    platform: str | None
    model: str
    model_name: str | None
    versions: int


@dataclass(frozen=True)
class DashboardColumn:
    """A dashboard and a source column it depends on."""

    dashboard: str
    column: str


# ---------------------------------------------------------------------------------------------------------------
# The query functions
# ---------------------------------------------------------------------------------------------------------------


def _run(source: Any, name: str, bindings: Mapping[str, Any] | None = None) -> list[Row]:
    return run_query(source, load_query(name), bindings)


def raw_sources(source: Any, entity: str | URIRef, *, kind: str | None = None) -> list[RawSource]:
    """Trace ``entity`` (a prediction table, dashboard, model...) back to its raw sources, each with the
    shortest lineage path from the entity to it."""
    from . import lineage

    iri = _entity(source, entity, kind)
    rows = _run(source, "raw_sources", {"entity": iri})
    kinds: dict[str, set[str]] = {}
    names: dict[str, str | None] = {}
    for r in rows:
        s = str(r["source"])
        kinds.setdefault(s, set()).add(str(r["sourceType"]))
        names[s] = _s(r["sourceName"])
    paths = {n.entity: n.path for n in lineage.upstream(source, iri)} if kinds else {}
    out = [RawSource(source=s, kind=lineage.pick_kind(t), name=names[s], path=paths.get(s, ""))
           for s, t in kinds.items()]
    return sorted(out, key=lambda r: (r.kind, r.name or r.source))


def pii_models(source: Any, tag: str = "PII") -> list[PiiModel]:
    """Models trained, directly or transitively, on data carrying ``tag`` (a tag FQN or classification
    prefix: ``PII`` matches ``PII.Sensitive``)."""
    rows = _run(source, "pii_models", {"tag": Literal(tag)})
    out = {PiiModel(model=str(r["model"]), model_name=_s(r["modelName"]), data=str(r["data"]),
                    data_name=_s(r["dataName"]), tag=str(r["tagName"]), direct=bool(py(r["direct"])))
           for r in rows}
    return sorted(out, key=lambda r: (r.model_name or r.model, r.data_name or r.data, r.tag))


def _natural(label: str | None) -> tuple:
    parts = re.split(r"(\d+)", label or "")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def metric_history(source: Any, model: str | URIRef, metric: str, *,
                   dataset: str | URIRef | None = None) -> list[MetricPoint]:
    """How ``metric`` moved across the versions of ``model``: one row per version and evaluation, grouped by
    (dataset, split, slice), versions in order (creation time, then label), with the change from the previous
    version of the same group. ``dataset`` keeps one evaluation dataset only."""
    m = _entity(source, model, "MLModel")
    rows = _run(source, "metric_history", {"model": m, "metric": Literal(metric)})
    ds = _entity(source, dataset) if dataset is not None else None
    pts = []
    for r in rows:
        if ds is not None and r["dataset"] != ds:
            continue
        pts.append(dict(version=str(r["version"]), version_label=_s(r["versionLabel"]), stage=py(r["stage"]),
                        created_at=py(r["createdAt"]), metric=_s(r["metricName"]), value=py(r["value"]),
                        dataset=_s(r["dataset"]), dataset_name=_s(r["datasetName"]), split=py(r["split"]),
                        slice=_s(r["slice"])))

    def key(p: dict[str, Any]) -> tuple:
        group = (p["dataset_name"] or p["dataset"] or "", p["split"] or "", p["slice"] or "")
        created = p["created_at"].isoformat() if isinstance(p["created_at"], (datetime, date)) else ""
        return group + (created == "", created, _natural(p["version_label"]))

    pts.sort(key=key)
    out: list[MetricPoint] = []
    prev: dict[tuple, Any] = {}
    for p in pts:
        group = (p["dataset"], p["split"], p["slice"])
        before = prev.get(group)
        change = None
        if isinstance(before, (int, float, Decimal)) and isinstance(p["value"], (int, float, Decimal)) \
                and not isinstance(p["value"], bool):
            a: Any = p["value"]
            b: Any = before
            if isinstance(a, Decimal) != isinstance(b, Decimal):  # xsd:decimal next to xsd:double
                a, b = float(a), float(b)
            change = a - b
        prev[group] = p["value"]
        out.append(MetricPoint(change=change, **p))
    return out


def production(source: Any, model: str | URIRef | None = None) -> list[ProductionVersion]:
    """Versions in production (stage, alias or production endpoint), with endpoints and aliases."""
    b = {"model": _entity(source, model, "MLModel")} if model is not None else {}
    rows = _run(source, "production", b)
    out = [ProductionVersion(model=str(r["model"]), model_name=_s(r["modelName"]), version=str(r["version"]),
                             version_label=_s(r["versionLabel"]), stage=py(r["stage"]),
                             aliases=", ".join(sorted(a for a in str(r["aliases"] or "").split(", ") if a)) or None,
                             endpoint=_s(r["endpoint"]), endpoint_name=_s(r["endpointName"]), url=_s(r["url"]),
                             environment=_s(r["environment"]), status=py(r["status"]))
           for r in rows if r["model"] is not None]
    return sorted(out, key=lambda r: (r.model_name or r.model, _natural(r.version_label), r.endpoint_name or ""))


def provenance(source: Any, version: str | URIRef) -> list[ProvenanceItem]:
    """What produced a model version: run, code, people, data and hyperparameters."""
    v = _entity(source, version, "ModelVersion")
    rows = _run(source, "provenance", {"version": v})
    out = {ProvenanceItem(aspect=str(r["aspect"]), name=_s(r["name"]), value=py(r["value"]), node=_s(r["node"]))
           for r in rows}
    return sorted(out, key=lambda r: (r.aspect, r.name or "", str(r.value), r.node or ""))


def features(source: Any, model: str | URIRef | None = None) -> list[ModelFeature]:
    """Features of each model (or of ``model``) with their source columns, and whether they are used."""
    b = {"model": _entity(source, model, "MLModel")} if model is not None else {}
    rows = _run(source, "features", b)
    out = {ModelFeature(model=str(r["model"]), model_name=_s(r["modelName"]), feature=str(r["feature"]),
                        feature_name=_s(r["featureName"]), data_type=py(r["dataType"]), column=_s(r["column"]),
                        column_name=_s(r["columnName"]), table=_s(r["table"]), table_name=_s(r["tableName"]),
                        used=py(r["used"]),
                        importance=float(py(r["importance"])) if r.get("importance") is not None else None,
                        importance_method=_s(r.get("importanceMethod")))
           for r in rows}
    return sorted(out, key=lambda r: (r.model_name or r.model, r.feature_name or r.feature, r.column_name or ""))


def fairness_gaps(source: Any, threshold: float = 0.1) -> list[FairnessGap]:
    """Production models whose fairness metrics differ between groups by more than ``threshold``."""
    rows = _run(source, "fairness_gaps", {"threshold": Literal(float(threshold))})
    out = [FairnessGap(model=str(r["model"]), model_name=_s(r["modelName"]), subject=str(r["subject"]),
                       metric=str(r["metric"]), attribute=_s(r["attribute"]), gap=float(py(r["gap"])),
                       min_value=float(py(r["minValue"])), max_value=float(py(r["maxValue"])),
                       groups=int(py(r["groups"])))
           for r in rows]
    return sorted(out, key=lambda r: (-r.gap, r.model_name or r.model, r.metric, r.attribute or ""))


def governance_gaps(source: Any) -> list[GovernanceGap]:
    """Production models lacking an owner, a model card or an evaluation."""
    rows = _run(source, "governance_gaps")
    out = [GovernanceGap(model=str(r["model"]), model_name=_s(r["modelName"]),
                         missing_owner=bool(py(r["missingOwner"])),
                         missing_model_card=bool(py(r["missingModelCard"])),
                         missing_evaluation=bool(py(r["missingEvaluation"])))
           for r in rows]
    return sorted(out, key=lambda r: r.model_name or r.model)


def derived_models(source: Any, base: str | URIRef) -> list[DerivedModel]:
    """Models deriving from ``base`` (fine-tunes, adapters, merges...), with depth and licences."""
    b = _entity(source, base, "MLModel")
    rows = _run(source, "derived_models", {"base": b})
    out = [DerivedModel(model=str(r["model"]), model_name=_s(r["modelName"]), parent=str(r["parent"]),
                        parent_name=_s(r["parentName"]), relation=_s(r["relation"]), license=py(r["license"]),
                        base_license=py(r["baseLicense"]), depth=int(py(r["depth"])))
           for r in rows]
    return sorted(out, key=lambda r: (r.depth, r.model_name or r.model, r.parent_name or r.parent))


def models_by_service(source: Any, service: str | URIRef | None = None) -> list[ServiceModel]:
    """Models per ML service, with their number of versions."""
    b = {"service": _entity(source, service, "MLModelService")} if service is not None else {}
    rows = _run(source, "models_by_service", b)
    out = [ServiceModel(service=str(r["service"]), service_name=_s(r["serviceName"]), platform=py(r["platform"]),
                        model=str(r["model"]), model_name=_s(r["modelName"]), versions=int(py(r["versions"])))
           for r in rows if r["model"] is not None]
    return sorted(out, key=lambda r: (r.service_name or r.service, r.model_name or r.model))


def dashboard_columns(source: Any) -> list[DashboardColumn]:
    """Every dashboard with every source column it depends on."""
    rows = _run(source, "dashboard_columns")
    return sorted({DashboardColumn(dashboard=str(r["dashboard"]), column=str(r["column"])) for r in rows},
                  key=lambda r: (r.dashboard, r.column))


def resolve_rows(source: Any, name: str) -> list[Row]:
    """Rows of ``resolve.rq``: the nodes named ``name`` and their classes (for ``mlkg query resolve``)."""
    return [{"entity": str(r["entity"]), "type": _s(r["type"])}
            for r in _run(source, "resolve", {"name": Literal(name)})]


# ---------------------------------------------------------------------------------------------------------------
# Name → function, for the CLI
# ---------------------------------------------------------------------------------------------------------------


def _lineage(fn_name: str) -> Callable[..., list[Any]]:
    def call(source: Any, *args: Any, **kw: Any) -> list[Any]:
        from . import lineage

        return getattr(lineage, fn_name)(source, *args, **kw)

    call.__name__ = fn_name
    return call


#: Query name → the function returning its typed rows; keyword arguments are the header's parameters.
FUNCTIONS: dict[str, Callable[..., Sequence[Any]]] = {
    "impact": _lineage("impact"),
    "upstream": _lineage("upstream"),
    "downstream": _lineage("downstream"),
    "path": _lineage("path_between"),
    "raw_sources": raw_sources,
    "pii_models": pii_models,
    "metric_history": metric_history,
    "production": production,
    "provenance": provenance,
    "features": features,
    "fairness_gaps": fairness_gaps,
    "governance_gaps": governance_gaps,
    "derived_models": derived_models,
    "models_by_service": models_by_service,
    "dashboard_columns": dashboard_columns,
    "resolve": resolve_rows,
    "node_info": lambda source, entity: [
        {"entity": str(r["entity"]), "type": _s(r["type"]), "name": _s(r["name"])}
        for r in _run(source, "node_info", {"entity": _entity(source, entity)})],
}


def convert_param(spec: QuerySpec, name: str, text: str) -> Any:
    """Turn the text of a ``--param NAME=VALUE`` into the value the query function takes.

    :raises InputError: for an unknown parameter or a value of the wrong kind.
    """
    p = spec.param(name)
    if p is None:
        known = ", ".join(q.name for q in spec.params)
        raise InputError(f"query {spec.name!r} has no parameter {name!r}", source="--param",
                         expected=f"one of: {known}" if known else "no parameters")
    try:
        if p.kind == "double":
            return float(text)
        if p.kind == "integer":
            return int(text)
        if p.kind == "boolean":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return text.lower() == "true"
    except ValueError:
        raise InputError(f"parameter {name!r} of query {spec.name!r} is {text!r}", source="--param",
                         expected=f"a {p.kind}") from None
    return text


def run_named(source: Any, name: str, params: Mapping[str, Any] | None = None) -> list[Any]:
    """Run the query ``name`` through its Python function with ``params`` (header names → values).

    :raises InputError: for an unknown query, a missing required parameter or an unknown one.
    """
    spec = query_spec(name)
    params = dict(params or {})
    for p in spec.params:
        if p.required and p.name not in params:
            raise InputError(f"query {name!r} needs the parameter {p.name!r} ({p.doc})", source="--param",
                             expected=f"--param {p.name}=VALUE")
    for k in params:
        if spec.param(k) is None:
            known = ", ".join(p.name for p in spec.params)
            raise InputError(f"query {name!r} has no parameter {k!r}", source="--param",
                             expected=f"one of: {known}" if known else "no parameters")
    fn = FUNCTIONS[name]
    if name == "path":
        return list(fn(source, params["start"], params["end"]))
    return list(fn(source, **params))


def row_dict(row: Any) -> dict[str, Any]:
    """A typed row as a plain dict (field name → Python value)."""
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    if isinstance(row, dict):
        return dict(row)
    if hasattr(row, "_asdict"):
        return dict(row._asdict())
    raise TypeError(f"not a row: {row!r}")


def rows_as_dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows as plain dicts."""
    return [row_dict(r) for r in rows]


__all__ = [
    "FUNCTIONS", "DashboardColumn", "DerivedModel", "FairnessGap", "GovernanceGap", "MetricPoint",
    "ModelFeature", "Param", "PiiModel", "ProductionVersion", "ProvenanceItem", "QuerySpec", "RawSource",
    "ServiceModel", "as_term", "convert_param", "dashboard_columns", "derived_models", "fairness_gaps",
    "features", "governance_gaps", "list_queries", "load_query", "local_name", "metric_history",
    "models_by_service", "pii_models", "production", "provenance", "py", "query_names", "query_spec",
    "raw_sources", "resolve", "row_dict", "rows_as_dicts", "run_named", "run_query", "to_oxigraph",
    "inline_bindings",
]
