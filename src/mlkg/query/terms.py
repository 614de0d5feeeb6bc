"""RDF terms in query answers as Python values.

>>> from rdflib import Literal, URIRef
>>> py(Literal(3)), py(URIRef("https://w3id.org/mlkg#ProductionStage")), local_name("urn:x#y")
(3, 'Production', 'y')
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from ..namespaces import MLKG_IRI, SPDX_LICENSE

Term = Identifier


@lru_cache(maxsize=1)
def _enum_values() -> dict[str, str]:
    from ..model import OntologyEnum  # lazy: start-up without mlkg.model (issue 16)

    out: dict[str, str] = {}
    for cls in OntologyEnum.__subclasses__():
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


__all__ = ["Term", "local_name", "py"]
