"""The reference engine: a JSON-LD 1.1 processor (pyld) applying mlkg's context. Never touches the network.

Documents may name mlkg's context by its IRI (:data:`~mlkg.rdf.context.CONTEXT_URL`); an offline document loader
serves the bundled file. Any other remote context is refused with :class:`~mlkg.errors.RemoteAccessError` unless
the caller passes ``allow_remote=True``.

Writing JSON-LD needs no processor: :mod:`mlkg.rdf.jsonld_writer` (re-exported here as :func:`dumps`).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..errors import InputError, RemoteAccessError
from .build import new_graph
from .closure import add_super_properties
from .context import CONTEXT_URL, load_context
from .jsonld_writer import CONTEXT_CHOICES, compact_graph, dumps  # the writer (no pyld: see its module)

_XSD_STRING = str(XSD.string)
RDF_TYPE = RDF.type


def document_loader(*, allow_remote: bool = False) -> Any:
    """A pyld document loader that serves mlkg's bundled context and refuses every other URL."""
    bundled = {CONTEXT_URL: load_context()}

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url in bundled:
            return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(bundled[url])}
        if allow_remote:
            from pyld.documentloader.requests import requests_document_loader

            return requests_document_loader(timeout=10)(url, options or {})
        raise RemoteAccessError(
            f"refusing to fetch remote JSON-LD context {url!r}; mlkg only serves its own bundled context "
            "offline (pass allow_remote=True, or --allow-remote on the command line, to fetch it)")

    return load


def _options(allow_remote: bool, base: str | None = None) -> dict[str, Any]:
    opts: dict[str, Any] = {"documentLoader": document_loader(allow_remote=allow_remote)}
    if base:
        opts["base"] = base
    return opts


def _unwrap(e: Exception) -> Exception:
    """pyld wraps loader errors several levels deep; find ours."""
    seen = 0
    cur: Any = e
    while cur is not None and seen < 10:
        if isinstance(cur, RemoteAccessError):
            return cur
        cur = getattr(cur, "cause", None) or getattr(cur, "__cause__", None)
        seen += 1
    return e


def _reason(e: Exception) -> str:
    """The innermost JSON-LD error pyld chains (its outer message is "Could not expand input ..."), with its code
    and the offending value, e.g. ``invalid reverse property value: {'@value': 'x'}``."""
    cur: Any = e
    best: Any = None
    for _ in range(10):
        if cur is None:
            break
        if isinstance(cur, jsonld.JsonLdError) and getattr(cur, "code", None):
            best = cur
        cur = getattr(cur, "cause", None) or cur.__cause__ or cur.__context__
    if best is None:
        return str(getattr(e, "message", None) or e)
    details = getattr(best, "details", None)
    value = details.get("value") if isinstance(details, dict) else None
    text = str(best.code)
    if value is not None:
        text += f": {json.dumps(value, ensure_ascii=False, default=str)[:200]}"
    return text


def _check_document(doc: Any, source: str | None) -> None:
    # pyld takes a string as the URL of a document to fetch: a JSON string is not a document here
    if not isinstance(doc, (dict, list)):
        raise InputError(f"a JSON {type(doc).__name__} is not a JSON-LD document", source=source, path="$",
                         expected="a JSON object or array")


def _run(algorithm: Any, doc: Any, allow_remote: bool, source: str | None) -> Any:
    """``algorithm(doc, options)`` of pyld (expand, to_rdf) offline, its errors as mlkg's: a refused remote context
    as :class:`RemoteAccessError`, anything else pyld raises about the document as :class:`InputError`."""
    _check_document(doc, source)
    try:
        return algorithm(doc, _options(allow_remote))
    except jsonld.JsonLdError as e:
        inner = _unwrap(e)
        if isinstance(inner, RemoteAccessError):
            raise RemoteAccessError(f"{source}: {inner}" if source else str(inner)) from None
        raise InputError(f"not valid JSON-LD: {_reason(e)}", source=source,
                         expected="a JSON-LD 1.1 document") from None
    except ValueError as e:  # pyld raises bare ValueErrors for bad IRIs (a relative @context without a base)
        raise InputError(f"not valid JSON-LD: {e}", source=source, expected="a JSON-LD 1.1 document") from None
    except TypeError as e:  # pyld fails this way on some invalid contexts (a term whose "@id" is a number or list)
        raise InputError(f"not valid JSON-LD: an invalid @context ({e})", source=source,
                         expected="a JSON-LD 1.1 document") from None


def expand(doc: Any, *, allow_remote: bool = False, source: str | None = None) -> list[Any]:
    """Expand a JSON-LD document offline."""
    expanded: list[Any] = _run(jsonld.expand, doc, allow_remote, source)
    return expanded


def to_graph(doc: Any, *, graph: Graph | None = None, allow_remote: bool = False, source: str | None = None,
             lineage: bool = True) -> Graph:
    """Triples of a JSON-LD document, computed by pyld (the reference engine), as an rdflib graph."""
    g = graph if graph is not None else new_graph()
    dataset = _run(jsonld.to_rdf, doc, allow_remote, source)
    bnodes: dict[str, BNode] = {}

    def term(t: dict[str, Any]) -> Any:
        kind = t["type"]
        if kind == "IRI":
            return URIRef(t["value"])
        if kind == "blank node":
            return bnodes.setdefault(t["value"], BNode())
        dt = t.get("datatype")
        lang = t.get("language")
        if lang:
            return Literal(t["value"], lang=lang)
        if dt is None or dt == _XSD_STRING:
            return Literal(t["value"])
        return Literal(t["value"], datatype=URIRef(dt))

    for name, triples in dataset.items():
        if name != "@default":
            continue  # mlkg documents are single-graph
        for tr in triples:
            g.add((term(tr["subject"]), term(tr["predicate"]), term(tr["object"])))
    if lineage:
        add_super_properties(g)
    return g

__all__ = ["CONTEXT_CHOICES", "compact_graph", "document_loader", "dumps", "expand", "to_graph"]
