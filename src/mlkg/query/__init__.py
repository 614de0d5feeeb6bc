"""The SPARQL query library: one ``.rq`` file per question, one Python function per file returning typed rows.

The package, one job per module, imported one way (each only from those above it):

================  ==============================================================================================
:mod:`.catalog`   the ``queries/*.rq`` files and their headers (purpose, parameters, columns)
:mod:`.engine`    :func:`run_query` (the one place a query meets a store) and :func:`resolve` (FQN → IRI)
:mod:`.terms`     RDF terms in answers as Python values
:mod:`.lineage`   upstream, downstream, impact and paths (also :mod:`mlkg.lineage`)
:mod:`.library`   the typed questions (``production``, ``pii_models``, ...) and their row classes
:mod:`.registry`  query name → function and parameter parsing, for ``mlkg query NAME``
================  ==============================================================================================

Every function takes an mlkg :class:`~mlkg.dataset.Store` (``open_store("oxigraph:...")``, ``memory:``,
``sparql:``), an rdflib :class:`~rdflib.Graph` or a :class:`pyoxigraph.Store`, and gives the same rows on each.

>>> from mlkg.model import MLModel, MLModelService
>>> from mlkg.rdf.build import to_graph
>>> g = to_graph([MLModelService(name="mlflow", service_type="Mlflow"), MLModel(name="churn", service="mlflow")])
>>> [(r.service_name, r.model_name, r.versions) for r in models_by_service(g)]
[('mlflow', 'mlflow.churn', 0)]
"""

from __future__ import annotations

from ..dataset import as_term
from . import lineage
from .catalog import PARAM_KINDS, QUERY_DIR, Param, QuerySpec, list_queries, load_query, query_names, query_spec
from .engine import Row, inline_bindings, resolve, run_named_query, run_query, to_oxigraph
from .library import (
    DashboardColumn,
    DerivedModel,
    FairnessGap,
    GovernanceGap,
    MetricPoint,
    ModelFeature,
    PiiModel,
    ProductionVersion,
    ProvenanceItem,
    RawSource,
    SeriesPoint,
    ServiceModel,
    Serving,
    dashboard_columns,
    derived_models,
    fairness_gaps,
    features,
    governance_gaps,
    metric_history,
    metric_series,
    models_by_service,
    node_info,
    pii_models,
    production,
    provenance,
    raw_sources,
    resolve_rows,
    serving,
)
from .registry import FUNCTIONS, ROW_TYPES, check_params, columns, convert_param, row_dict, rows_as_dicts, run_named
from .terms import Term, local_name, py

__all__ = [
    "FUNCTIONS", "PARAM_KINDS", "QUERY_DIR", "ROW_TYPES", "DashboardColumn", "DerivedModel", "FairnessGap",
    "GovernanceGap", "MetricPoint", "ModelFeature", "Param", "PiiModel", "ProductionVersion", "ProvenanceItem",
    "QuerySpec", "RawSource", "Row", "ServiceModel", "Term", "as_term", "check_params", "columns", "convert_param",
    "dashboard_columns", "derived_models", "fairness_gaps", "features", "governance_gaps", "inline_bindings",
    "lineage", "list_queries", "load_query", "local_name", "metric_history", "models_by_service", "node_info",
    "pii_models", "production", "provenance", "py", "query_names", "query_spec", "raw_sources", "resolve",
    "resolve_rows", "row_dict", "rows_as_dicts", "run_named", "run_named_query", "run_query", "to_oxigraph",
    "SeriesPoint", "Serving", "metric_series", "serving",
]
