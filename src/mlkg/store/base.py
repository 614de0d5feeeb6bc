"""What the store backends share beyond the interface: the interface itself and its helpers live in
:mod:`mlkg.dataset` (below the query layer, which takes a :class:`Store`) and are re-exported here.
"""

from __future__ import annotations

from rdflib import URIRef

from .. import ids
from ..dataset.base import (  # noqa: F401 - re-exported for the backends
    FORMATS,
    STAGING_PREFIX,
    LoadInput,
    Progress,
    ProgressReader,
    Rows,
    Store,
    as_term,
    as_terms,
    closure_missing,
    closure_update,
    format_name,
    graph_iri,
    load_input,
    nt_bytes,
    parse_to_graph,
    store_error,
)
from ..dataset.sparqltext import query_form, term_sparql, with_values  # noqa: F401 - re-exported


def source_graph(kind: str, name: str) -> URIRef:
    """The named graph an import of one source writes to, e.g. ``source_graph("mlmodelService", "mlflow_prod")``.

    Graph IRIs are minted like entity IRIs, under ``{base}graph/{kind}/{name}``.
    """
    return URIRef(ids.mint("graph/" + kind, name))
