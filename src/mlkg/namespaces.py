"""Namespaces used across mlkg.

``MLKG`` is the closed namespace generated from the ontology (:mod:`mlkg.vocab`): ``MLKG.trainedOn`` is a term,
``MLKG.trainedon`` raises ``AttributeError``, so a misspelt term fails where it is written.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from .vocab import MLKG

MLKG_IRI = str(MLKG)
MLS = Namespace("http://www.w3.org/ns/mls#")
FAIR4ML = Namespace("https://w3id.org/fair4ml#")
SCHEMA = Namespace("https://schema.org/")
OM = Namespace("https://open-metadata.org/ontology/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX_LICENSE = Namespace("https://spdx.org/licenses/")
SH = Namespace("http://www.w3.org/ns/shacl#")
#: mlkg's SHACL shapes (``mlkgsh:ModelVersionShape``): a namespace of their own, apart from the ontology's terms.
SHAPES = Namespace("https://w3id.org/mlkg/shapes#")

#: Default base for instance IRIs (configurable per call and with ``MLKG_BASE``).
DEFAULT_BASE = "https://w3id.org/mlkg/id/"

PREFIXES: dict[str, str] = {
    "mlkg": MLKG_IRI,
    "prov": str(PROV),
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "mls": str(MLS),
    "fair4ml": str(FAIR4ML),
    "schema": str(SCHEMA),
    "om": str(OM),
    "dqv": str(DQV),
}

__all__ = [
    "ADMS", "DCAT", "DCTERMS", "DEFAULT_BASE", "DQV", "FAIR4ML", "MLKG", "MLKG_IRI", "MLS", "OM", "OWL",
    "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA", "SH", "SHAPES", "SKOS", "SPDX_LICENSE", "XSD",
]
