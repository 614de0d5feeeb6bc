"""Reading what a user names into something to query: files (RDF, mlkg/OpenMetadata JSON, ``-`` for Turtle on
stdin) and stores (``--store``). The library side of the commands' inputs; the commands only parse options.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.ttl"
>>> _ = p.write_text('<urn:a> <https://w3id.org/mlkg#name> "a" .')
>>> len(read_inputs([str(p)]))
1
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from . import limits
from .dataset import Store, as_store
from .errors import InputError
from .history.log import as_of as history_as_of
from .history.log import parse_time
from .rdf.closure import add_super_properties
from .rdf.formats import guess_format, load_graph, normalize_format, read_json
from .schema import check_json
from .store import open_store

if TYPE_CHECKING:
    from .model import MLModelService
    from .model.base import Ref


def read_inputs(paths: Sequence[str], *, store: str | Store | None = None, as_of: str | None = None,
                **options: Any) -> Graph:
    """Everything in ``paths`` and ``store`` as one in-memory rdflib graph with the lineage super-property triples
    (for commands that walk every triple: validate, convert).

    ``options`` go to :func:`convert_files`. ``-`` in ``paths`` reads Turtle from stdin (or, with an explicit
    ``from_``, that kind). With ``as_of``, the store as its kept imports had it then.

    :raises InputError: if there is no input, or naming the file (and JSON path, or line and column) that is bad.
    """
    if as_of is not None and store is None:
        raise InputError("--as-of reads a store's history: give --store too", source="--as-of",
                         expected="--store memory:|oxigraph:PATH")
    stdin_turtle = options.get("from_", "auto") == "auto"
    named = [p for p in paths if not (stdin_turtle and p == "-")]
    if store is None and not paths:
        raise InputError("no input files", source="<arguments>",
                         expected="one or more RDF or JSON files, or a store")
    from .rdf import build  # lazy: start-up without mlkg.model (issue 16)

    g = build.new_graph()
    if store is not None:
        if as_of is not None:
            parse_time(as_of)  # a bad time is an error before the store is opened
        s = open_store(store) if isinstance(store, str) else store
        g += (history_as_of(s, as_of) if as_of is not None else s).to_graph()
    if named:
        g += convert_files(named, **options)
    if len(named) < len(paths):
        load_graph(["-"], graph=g)  # Turtle on stdin
    add_super_properties(g)
    return g


def open_source(paths: Sequence[str] | None, store: str | Store | None = None, *,
                as_of: str | None = None) -> Store:
    """What a query, lineage or diagram command reads: the ``store`` itself (live: SPARQL runs in its engine), or
    RDF ``paths`` loaded into memory with the lineage super-property triples, or both merged in memory. With
    ``as_of`` (an ISO date or datetime), the store as its kept imports had it then (:func:`mlkg.history.log.as_of`).

    :raises InputError: if there is neither, a file cannot be read, or ``as_of`` is given without a store.
    """
    paths = list(paths or [])
    if as_of is not None and store is None:
        raise InputError("--as-of reads a store's history: give --store too", source="--as-of",
                         expected="--store memory:|oxigraph:PATH")
    if store is not None:
        if as_of is not None:
            parse_time(as_of)  # a bad time is an error before the store is opened
        s = open_store(store) if isinstance(store, str) else store
        if as_of is not None:
            s = history_as_of(s, as_of)
        if not paths:
            return s
        g = s.to_graph()
        load_graph(paths, graph=g)
        add_super_properties(g)
        return as_store(g)
    if not paths:
        raise InputError("no input files", source="<arguments>",
                         expected="one or more RDF files (Turtle, JSON-LD, N-Triples, ...), or a store")
    g = load_graph(paths)
    add_super_properties(g)
    return as_store(g)


def convert_files(inputs: Sequence[str], *, from_: str = "auto", service: str | MLModelService | Ref | None = None,
                  engine: str = "fast", base: str | None = None, allow_remote: bool = False,
                  check_schema: bool = True) -> Graph:
    """Read files into one rdflib graph with the lineage super-property triples (all-or-nothing: any bad input
    raises before anything is written).

    ``from_`` is the input kind (``auto``: ``.json`` is mlkg/OpenMetadata JSON unless it carries an
    ``@context``, ``.jsonld`` JSON-LD, anything else RDF by suffix); ``service`` the service of models that
    name none: an MlModelService JSON file (mlkg's shape), an :class:`MLModelService`, or a :class:`Ref` to one
    (a service FQN: the models are placed under it, no service entity is added); ``engine`` ``fast`` or ``pyld`` (the reference JSON-LD processor).

    :raises InputError: naming file, JSON path and what was expected.
    """
    # lazy: start-up without mlkg.model (issue 16)
    from .model import MLModelService
    from .model.base import Ref
    from .model.json import document_from_json, entity_from_dict
    from .rdf import build

    g = build.new_graph()
    svc_entity: MLModelService | None = None
    svc_ref: Ref | None = None
    if isinstance(service, Ref):
        svc_ref = service
    elif isinstance(service, MLModelService):
        svc_entity = service
    elif service:
        data = read_json(service)
        if check_schema:
            _schema_check(data, "mlmodelService", service)
        svc_entity = entity_from_dict(MLModelService, data, source=service)  # type: ignore[assignment]
    if svc_entity is not None:
        svc_ref = svc_entity.ref()
    for name in inputs:
        kind = from_
        if kind == "auto":
            suffix = Path(name).suffix.lower()
            kind = "openmetadata" if suffix == ".json" else ("jsonld" if suffix == ".jsonld" else "rdf")
        if kind in ("openmetadata", "mlkg"):
            data = read_json(name)
            if isinstance(data, dict) and "@context" in data:
                kind = "jsonld"
            else:
                if check_schema:
                    _schema_check(data, "document", name)
                ents = document_from_json(data, source=name)
                if svc_ref is not None:
                    svc_type = svc_entity.service_type if svc_entity is not None else None
                    ents = [_with_service(e, svc_ref, svc_type) for e in ents]
                limits.check_entities(len(ents), name)
                if svc_entity is not None:
                    ents.append(svc_entity)
                if engine == "pyld":
                    from .rdf.jsonld import to_graph as pyld_graph  # lazy: pyld costs ~0.2 s to import

                    pyld_graph(build.to_jsonld(ents, base=base), graph=g, lineage=False, source=name)
                else:
                    build.to_graph(ents, base=base, graph=g, lineage=False)
                continue
        if kind == "jsonld":
            load_graph([name], fmt="jsonld", graph=g, allow_remote=allow_remote)
        elif kind == "rdf":
            load_graph([name], fmt=guess_format(name), graph=g)
        else:
            load_graph([name], fmt=normalize_format(kind), graph=g)
    add_super_properties(g)
    return g


def _with_service(e: Any, svc: Ref, service_type: Any) -> Any:
    from .model import MLModel, PlatformType  # lazy: start-up without mlkg.model (issue 16)

    if isinstance(e, MLModel) and e.service is None:
        kw: dict[str, Any] = {"service": svc, "fqn": None}
        if e.service_type is None and isinstance(service_type, PlatformType):
            kw["service_type"] = service_type
        # rebuild so FQNs (and the IRIs minted from them) are re-derived under the service
        return _rebuild(dataclasses.replace(e, **kw))
    return e


def _rebuild(e: Any) -> Any:
    """Re-derive owned nodes' FQNs after the parent's FQN changed."""
    from .model.base import iter_fields  # lazy: start-up without mlkg.model (issue 16)

    kw: dict[str, Any] = {}
    for f, spec in iter_fields(type(e)):
        if spec.kind != "child":
            continue
        val = getattr(e, f.name)
        if val is None:
            continue
        if spec.many:
            kw[f.name] = [_rebuild(dataclasses.replace(c, fqn=None)) if _derived(c) else c for c in val]
        else:
            kw[f.name] = _rebuild(dataclasses.replace(val, fqn=None)) if _derived(val) else val
    return dataclasses.replace(e, **kw) if kw else e


def _derived(c: Any) -> bool:
    from .model import FeatureSource  # lazy: start-up without mlkg.model (issue 16)

    return not (isinstance(c, FeatureSource) and c.data_source is not None)


def _schema_check(data: Any, kind: str, source: str) -> None:
    """JSON Schema check before any RDF is made."""
    check_json(data, kind=kind, source=source)


__all__ = ["convert_files", "open_source", "read_inputs"]
