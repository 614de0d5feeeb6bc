"""Reading FAIR4ML JSON-LD back into mlkg terms (the inverse of the ``fair4ml`` profile).

The document is expanded with pyld and FAIR4ML's bundled context (nothing is fetched), and
``profiles/fair4ml-read.rq`` rewrites FAIR4ML and schema.org terms into mlkg's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from ..errors import InputError

__all__ = ["read_fair4ml"]


def read_fair4ml(source: str | Path | dict[str, Any]) -> Graph:
    """An mlkg graph (with the lineage super-properties) from a FAIR4ML JSON-LD file or parsed document.

    :raises InputError: naming the file when it is not JSON, not JSON-LD, or holds no fair4ml:MLModel.
    """
    from pyld import jsonld

    # lazy: loaded when a document is read
    from ..rdf.closure import add_super_properties

    # lazy: loaded when a document is read
    from .engine import construct, document_loader

    name = "<document>" if isinstance(source, dict) else str(source)
    if isinstance(source, dict):
        doc = source
    else:
        try:
            doc = json.loads(Path(source).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("no such file", source=name) from None
        except ValueError as e:
            raise InputError(f"not JSON ({e})", source=name, expected="FAIR4ML JSON-LD") from None
    try:
        nq = jsonld.to_rdf(doc, {"documentLoader": document_loader(), "format": "application/n-quads"})
    except Exception as e:
        raise InputError(f"not JSON-LD that FAIR4ML's context can read ({str(e).splitlines()[0]})", source=name,
                         expected="FAIR4ML JSON-LD (context https://w3id.org/fair4ml/0.1.0)") from None
    g = Graph().parse(data=nq, format="nquads") if nq.strip() else Graph()
    if len(g) == 0:
        raise InputError("no triples", source=name, expected="FAIR4ML JSON-LD with at least one fair4ml:MLModel")
    from rdflib import RDF

    # lazy: loaded when a document is read
    from ..namespaces import MLKG_IRI

    out = construct(g, ("fair4ml-read.rq",))
    kinds = {URIRef(MLKG_IRI + "MLModel"), URIRef(MLKG_IRI + "ModelVersion")}
    if not any(o in kinds for o in out.objects(None, RDF.type)):
        raise InputError("no fair4ml:MLModel in the document", source=name,
                         expected="FAIR4ML JSON-LD with at least one fair4ml:MLModel")
    _type_datasets(out)
    add_super_properties(out)
    return out


def _type_datasets(g: Graph) -> None:
    """FAIR4ML says only ``schema:Dataset``: a node whose IRI mlkg minted for a table becomes an ``mlkg:Table``
    again (its version ``mlkg:dataVersion``); any other stays an ``mlkg:Dataset`` (its version ``mlkg:revision``)."""
    from rdflib import RDF

    # lazy: loaded when a document is read
    from .. import ids

    # lazy: loaded when a document is read
    from ..vocab import MLKG as V

    for node in list(g.subjects(RDF.type, V.Dataset)):
        kind = (ids.parse(str(node)) or ("", ""))[0] if isinstance(node, URIRef) else ""
        if kind == "table":
            g.remove((node, RDF.type, V.Dataset))
            g.add((node, RDF.type, V.Table))
            continue
        for version in list(g.objects(node, V.dataVersion)):
            g.remove((node, V.dataVersion, version))
            g.add((node, V.revision, version))
