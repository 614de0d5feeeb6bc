"""One vocabulary: every mlkg IRI that any artifact uses is defined in ``ontology/mlkg.ttl``.

Checked artifacts: (a) the JSON-LD context, (b) the Python field specs, enums and measures, (c) SHACL files under
``ontology/shapes/``, (d) SPARQL queries under ``src/mlkg/queries/``, (e) JSON Schemas under ``src/mlkg/schema/``
(their property names must be JSON keys of field specs). Files are collected when the test runs, so new shapes,
queries and schemas are checked as soon as they exist; a category with no files yet passes with a test id that
says so. The reverse holds too: every ontology property has a context term. Finally the context itself must be
accepted by pyld (offline loader) and by rdflib's JSON-LD parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from mlkg.model.base import REGISTRY, OntologyEnum, iter_fields
from mlkg.namespaces import MLKG_IRI, PREFIXES

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "ontology" / "mlkg.ttl"
CONTEXT = ROOT / "contexts" / "mlkg.context.jsonld"
SHAPES_DIR = ROOT / "ontology" / "shapes"
QUERIES_DIR = ROOT / "src" / "mlkg" / "queries"
SCHEMA_DIR = ROOT / "src" / "mlkg" / "schema"
SH = Namespace("http://www.w3.org/ns/shacl#")
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)


@pytest.fixture(scope="module")
def defined() -> set[URIRef]:
    g = Graph().parse(CORE, format="turtle")
    return {s for k in DECLARATIONS for s in g.subjects(RDF.type, k)
            if isinstance(s, URIRef) and str(s).startswith(MLKG_IRI)}


def _undefined(iris: set[str], defined: set[URIRef]) -> list[str]:
    return sorted(i for i in iris if i.startswith(MLKG_IRI) and URIRef(i) not in defined)


def _files(directory: Path, pattern: str) -> list[Path]:
    return sorted(directory.rglob(pattern)) if directory.is_dir() else []


def _params(files: list[Path], category: str) -> list[Any]:
    """One test per file, or one vacuous test whose id says the category has no files yet."""
    if files:
        return [pytest.param(f, id=str(f.relative_to(ROOT))) for f in files]
    return [pytest.param(None, id=f"no-{category}-files-yet-vacuous-pass")]


# ---------------------------------------------------------------------------------------------------------------
# (a) JSON-LD context
# ---------------------------------------------------------------------------------------------------------------


def _context() -> dict[str, Any]:
    return json.loads(CONTEXT.read_text(encoding="utf-8"))


def _context_iris(ctx: dict[str, Any]) -> set[str]:
    """Every IRI the context maps a term, type or coercion to, CURIEs expanded with the context's prefixes."""
    top = ctx["@context"]
    prefixes = {k: v for k, v in top.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    out: set[str] = set()

    def expand(value: str) -> str | None:
        if value.startswith("@") or value in prefixes.values():  # keywords and prefix definitions
            return None
        if ":" in value:
            pfx, local = value.split(":", 1)
            if pfx in prefixes:
                return prefixes[pfx] + local
            return value
        return None  # a term name (e.g. "@type": "@vocab" targets); its own definition is visited

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if ":" in k and not k.startswith("@"):
                    e = expand(k)
                    if e:
                        out.add(e)
                if isinstance(v, str):
                    if k in ("@language", "@direction", "@version", "@container"):
                        continue
                    e = expand(v)
                    if e:
                        out.add(e)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(top)
    return out


def test_context_iris_are_defined(defined: set[URIRef]) -> None:
    iris = _context_iris(_context())
    mlkg_iris = {i for i in iris if i.startswith(MLKG_IRI)}
    assert len(mlkg_iris) > 150, "the walk over the context found too few mlkg IRIs"
    assert not _undefined(iris, defined), _undefined(iris, defined)


def test_every_ontology_property_has_a_context_term(defined: set[URIRef]) -> None:
    g = Graph().parse(CORE, format="turtle")
    props = {str(p) for k in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in g.subjects(RDF.type, k)
             if str(p).startswith(MLKG_IRI)}
    missing = sorted(props - _context_iris(_context()))
    assert not missing, f"ontology properties without a JSON-LD context term: {missing}"


# ---------------------------------------------------------------------------------------------------------------
# (b) Python field specs, enums, measures
# ---------------------------------------------------------------------------------------------------------------


def _python_iris() -> Iterator[tuple[str, str]]:
    """(where, IRI) for every mlkg term the Python model uses."""
    from mlkg.model import entities
    from mlkg.rdf.build import REF_STUB

    enums: set[type] = {e for e in vars(entities).values()
                        if isinstance(e, type) and issubclass(e, OntologyEnum) and e is not OntologyEnum}
    for cls in REGISTRY.values():
        yield f"{cls.__name__}.CLASS", MLKG_IRI + cls.CLASS
        for f, spec in iter_fields(cls):
            yield f"{cls.__name__}.{f.name}", MLKG_IRI + spec.prop
            if spec.text_prop:
                yield f"{cls.__name__}.{f.name} (text)", MLKG_IRI + spec.text_prop
            if spec.enum is not None:
                enums.add(spec.enum)
    for _attr, prop, _dt in REF_STUB:
        yield f"reference stub {prop}", str(prop)
    for e in enums:
        yield e.__name__, MLKG_IRI + e.__name__
        for m in e:
            yield f"{e.__name__}.{m.name}", MLKG_IRI + m.iri_name
    for alias, local in entities.MEASURES.items():
        yield f"MEASURES[{alias!r}]", MLKG_IRI + local


def test_python_terms_are_defined(defined: set[URIRef]) -> None:
    used = list(_python_iris())
    assert len(used) > 300
    bad = sorted(f"{where}: {iri}" for where, iri in used if URIRef(iri) not in defined)
    assert not bad, "\n".join(bad)


def test_every_class_and_property_is_used_by_python(defined: set[URIRef]) -> None:
    g = Graph().parse(CORE, format="turtle")
    used = {iri for _w, iri in _python_iris()}
    unused = sorted(str(t) for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
                    for t in g.subjects(RDF.type, k)
                    if str(t).startswith(MLKG_IRI) and str(t) not in used and str(t) != MLKG_IRI + "Measure")
    assert not unused, f"ontology terms no Python field, class or enum uses: {unused}"


# ---------------------------------------------------------------------------------------------------------------
# (c) SHACL shapes
# ---------------------------------------------------------------------------------------------------------------

_PNAME = re.compile(r"(?<![\w<])mlkg:([A-Za-z_][\w.-]*[\w-]|[A-Za-z_])")
_FULL = re.compile(r"<(" + re.escape(MLKG_IRI) + r"[^>\s]*)>")


def _iris_in_sparql_text(text: str) -> set[str]:
    return {MLKG_IRI + m for m in _PNAME.findall(text)} | set(_FULL.findall(text))


@pytest.mark.parametrize("path", _params(_files(SHAPES_DIR, "*.ttl"), "shacl"))
def test_shacl_terms_are_defined(path: Path | None, defined: set[URIRef]) -> None:
    if path is None:
        return
    g = Graph().parse(path, format="turtle")
    # shapes are named in their own namespace (mlkgsh:ModelVersionShape); they are SHACL nodes, not ontology terms
    shape_nodes = {s for s, o in g.subject_objects(RDF.type) if str(o).startswith(str(SH))}
    shape_nodes |= {s for s, p in g.subject_predicates() if str(p).startswith(str(SH)) and p != SH.path}
    iris = {str(t) for triple in g for t in triple if isinstance(t, URIRef) and t not in shape_nodes}
    for lit in (o for o in g.objects() if isinstance(o, Literal)):
        if lit.datatype is None and ("SELECT" in lit.upper() or "ASK" in lit.upper()):
            iris |= _iris_in_sparql_text(str(lit))
    paths = {str(p) for p in g.objects(None, SH.path) if isinstance(p, URIRef)}
    assert not _undefined(iris | paths, defined), f"{path.name}: {_undefined(iris | paths, defined)}"


# ---------------------------------------------------------------------------------------------------------------
# (d) SPARQL queries
# ---------------------------------------------------------------------------------------------------------------


def _algebra_iris(node: Any, out: set[str]) -> None:
    if isinstance(node, URIRef):
        out.add(str(node))
    elif isinstance(node, dict):  # CompValue is a dict subclass
        for v in node.values():
            _algebra_iris(v, out)
    elif isinstance(node, (list, tuple, set)):
        for v in node:
            _algebra_iris(v, out)
    elif hasattr(node, "__dict__") and type(node).__module__.startswith("rdflib.paths"):
        _algebra_iris(vars(node), out)


@pytest.mark.parametrize("path", _params(_files(QUERIES_DIR, "*.rq"), "sparql"))
def test_query_terms_are_defined(path: Path | None, defined: set[URIRef]) -> None:
    if path is None:
        return
    from rdflib.plugins.sparql import prepareQuery

    text = path.read_text(encoding="utf-8")
    q = prepareQuery(text, initNs=PREFIXES)
    iris: set[str] = set()
    _algebra_iris(q.algebra, iris)
    assert not _undefined(iris, defined), f"{path.name}: {_undefined(iris, defined)}"


def test_query_walk_finds_iris() -> None:
    """The algebra walk above really sees IRIs in triple patterns, paths and filters."""
    from rdflib.plugins.sparql import prepareQuery

    q = prepareQuery("PREFIX mlkg: <https://w3id.org/mlkg#> SELECT * WHERE { ?a mlkg:trainedOn/mlkg:nope+ ?b . "
                     "?b a mlkg:Table FILTER(?a != mlkg:Other) }")
    iris: set[str] = set()
    _algebra_iris(q.algebra, iris)
    assert {MLKG_IRI + x for x in ("trainedOn", "nope", "Table", "Other")} <= iris


# ---------------------------------------------------------------------------------------------------------------
# (e) JSON Schemas
# ---------------------------------------------------------------------------------------------------------------

#: JSON keys every entity or reference may carry besides its field specs' keys.
_BASE_KEYS = {"@context", "@id", "@type", "@graph", "type", "fullyQualifiedName", "id", "name", "displayName",
              "description", "deleted", "href"}


def _json_keys() -> set[str]:
    keys = set(_BASE_KEYS)
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            keys.add(spec.json)
            if spec.text_prop:
                keys.add(spec.text_prop)
    return keys


def _schema_property_names(node: Any, out: set[str], om_only: set[str]) -> None:
    """Names under every ``properties`` object; names listed in ``x-openmetadata-only`` (an array of keys, or
    ``true`` on a property's own subschema) are OpenMetadata-only keys the schema declares itself."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                out.add(name)
                if isinstance(sub, dict) and sub.get("x-openmetadata-only") is True:
                    om_only.add(name)
        extra = node.get("x-openmetadata-only")
        if isinstance(extra, list):
            om_only.update(x for x in extra if isinstance(x, str))
        for k, v in node.items():
            if k != "properties" or not isinstance(v, dict):
                _schema_property_names(v, out, om_only)
            else:
                for sub in v.values():
                    _schema_property_names(sub, out, om_only)
    elif isinstance(node, list):
        for v in node:
            _schema_property_names(v, out, om_only)


def _schema_files() -> list[Path]:
    return [p for p in _files(SCHEMA_DIR, "*.json") if '"$schema"' in p.read_text(encoding="utf-8")[:4000]
            or p.name.endswith(".schema.json")]


@pytest.mark.parametrize("path", _params(_schema_files(), "json-schema"))
def test_json_schema_properties_are_field_keys(path: Path | None) -> None:
    if path is None:
        return
    names: set[str] = set()
    om_only: set[str] = set()
    _schema_property_names(json.loads(path.read_text(encoding="utf-8")), names, om_only)
    unknown = sorted(names - _json_keys() - om_only)
    assert not unknown, (f"{path.name}: properties that are neither a field spec's JSON key nor listed as "
                         f"OpenMetadata-only (x-openmetadata-only): {unknown}")


def test_schema_walk_finds_nested_properties() -> None:
    names: set[str] = set()
    om: set[str] = set()
    _schema_property_names({"$defs": {"A": {"properties": {"mlFeatures": {"items": {"properties": {
        "featureSources": {}, "x": {"x-openmetadata-only": True}}}}}, "x-openmetadata-only": ["y"]}}}, names, om)
    assert names == {"mlFeatures", "featureSources", "x"} and om == {"x", "y"}


# ---------------------------------------------------------------------------------------------------------------
# The context is valid JSON-LD 1.1 for two processors
# ---------------------------------------------------------------------------------------------------------------


def _sample_doc() -> dict[str, Any]:
    from mlkg import synth
    from mlkg.rdf.build import to_jsonld

    return to_jsonld(synth.generate(2), context=_context()["@context"])


def test_pyld_accepts_the_context_offline() -> None:
    from pyld import jsonld

    url = "https://w3id.org/mlkg/context.jsonld"
    ctx = _context()

    def loader(requested: str, options: Any = None) -> dict[str, Any]:
        assert requested == url, f"pyld tried to load {requested}"
        return {"contextUrl": None, "documentUrl": url, "document": ctx}

    doc = _sample_doc()
    doc["@context"] = url
    nq = jsonld.to_rdf(doc, {"documentLoader": loader, "format": "application/n-quads"})
    g = Graph().parse(data=nq, format="nt")
    from mlkg import synth
    from mlkg.rdf.build import to_graph

    assert isomorphic(g, to_graph(synth.generate(2), lineage=False))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_rdflib_accepts_the_context() -> None:
    doc = _sample_doc()
    g = Graph().parse(data=json.dumps(doc), format="json-ld")
    preds = {str(p) for p in g.predicates() if str(p).startswith(MLKG_IRI)}
    assert len(g) > 500 and len(preds) > 30
