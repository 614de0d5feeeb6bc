"""Specification pages: one Markdown page per entity class, generated from the one source.

Each page is assembled from what mlkg already knows and never written by hand: the field specs of the class (the
field reference), the generated JSON Schema (its ``$defs`` entry), the ontology (the class and its properties as
Turtle), the generated SHACL shapes (the node shape), the generated JSON-LD context (the terms the class uses),
and examples produced by running mlkg on the shipped examples (OpenMetadata JSON, Turtle and JSON-LD of one real
node). A lineage diagram (Mermaid) shows the class among the classes it links to.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, SH, SKOS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..model import base as mbase
from ..model.base import REGISTRY, Entity
from ..namespaces import MLKG_IRI
from ..ontology import load_ontology
from ..rdf import formats
from ..rdf.reader import from_graph
from ..resources import resource_path
from .integrations import declared

#: The shipped example graphs the pages take their examples from, in order of preference.
EXAMPLES = ("fraud_detection", "customer_churn", "model_versions", "lifecycle_lineage", "sagemaker_recommendation",
            "vertex_demand_forecast")

#: Where the pages go, relative to the documentation root.
PAGE_DIR = "reference/entities"


def entity_classes() -> list[type[Entity]]:
    """Every concrete entity class (one with a JSON-LD type term), sorted by class name."""
    return sorted({c for c in REGISTRY.values() if c.CLASS}, key=lambda c: c.__name__)


def page_name(cls: type[Entity]) -> str:
    """File name of a class's page, e.g. ``MLModel.md``."""
    return f"{cls.__name__}.md"


# -- the one source, read -------------------------------------------------------------------------------------


def _spec(f: dataclasses.Field[Any]) -> Any:
    return f.metadata.get("mlkg")


def _kind(spec: Any) -> str:
    kind = spec.kind
    return str(getattr(kind, "value", kind))


def fields_of(cls: type[Entity]) -> list[tuple[dataclasses.Field[Any], Any]]:
    """The fields of a class that carry a field spec, in declaration order."""
    return [(f, _spec(f)) for f in dataclasses.fields(cls) if _spec(f) is not None]


def _json_key(f: dataclasses.Field[Any], spec: Any) -> str:
    return spec.json or mbase._camel(f.name)


def _prop_local(spec: Any) -> str:
    prop = str(spec.prop)
    return prop[len(MLKG_IRI):] if prop.startswith(MLKG_IRI) else prop


def _target_name(spec: Any) -> str:
    target = spec.target
    if isinstance(target, type):
        return target.__name__
    if isinstance(target, str):
        cls = REGISTRY.get(target)
        return cls.__name__ if cls is not None else target
    if isinstance(target, (tuple, list, frozenset, set)):
        return " or ".join(sorted(_target_name(type(spec)(**{**_spec_dict(spec), "target": t})) for t in target))
    return ""


def _spec_dict(spec: Any) -> dict[str, Any]:
    return {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}


def _type_cell(spec: Any) -> str:
    kind = _kind(spec)
    if kind in ("ref", "child"):
        name = _target_name(spec)
        cls = next((c for c in REGISTRY.values() if c.__name__ == name), None)
        shown = f"[`{name}`]({page_name(cls)})" if cls is not None and cls.CLASS else f"`{name}`" if name else ""
        return f"{'reference to' if kind == 'ref' else 'owned'} {shown}".strip()
    if kind == "enum":
        return f"enum `{spec.enum.__name__}`"
    if kind == "typed":
        return "integer, double, boolean or string (by value)"
    if kind == "iri":
        return "IRI"
    if kind == "json":
        return "JSON (kept whole)"
    return f"`xsd:{spec.datatype}`" + (" (JSON: epoch ms)" if getattr(spec, "epoch_ms", False) else "")


def _constraints(spec: Any) -> str:
    bits: list[str] = []
    if _kind(spec) == "enum":
        bits.append(", ".join(f"`{m.value}`" for m in spec.enum))
    for attr, word in (("minimum", "≥"), ("maximum", "≤")):
        value = getattr(spec, attr, None)
        if value is not None:
            bits.append(f"{word} {value}")
    if getattr(spec, "reverse", False):
        bits.append("written from the value to this node")
    return "; ".join(bits)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def field_rows(cls: type[Entity]) -> list[dict[str, str]]:
    """One row per field: the field reference of the page, also used by tests."""
    rows = []
    for f, spec in fields_of(cls):
        rows.append({
            "python": f.name,
            "json": _json_key(f, spec),
            "property": _prop_local(spec),
            "type": _type_cell(spec),
            "cardinality": "0..n" if spec.many else ("1" if spec.required else "0..1"),
            "required": "yes" if spec.required else "",
            "constraints": _constraints(spec),
            "description": spec.doc,
        })
    return rows


@cache
def _ontology() -> Graph:
    return load_ontology(alignment=True)


@cache
def _shapes() -> Graph:
    return Graph().parse(resource_path("ontology", "shapes", "core.ttl"))


@cache
def _context() -> dict[str, Any]:
    return json.loads(resource_path("contexts", "mlkg.context.jsonld").read_text())["@context"]


@cache
def _schema() -> dict[str, Any]:
    return json.loads((Path(mbase.__file__).parents[1] / "schema" / "document.schema.json").read_text())


def _turtle(g: Graph) -> str:
    for prefix, ns in (("mlkg", MLKG_IRI), ("owl", str(OWL)), ("rdfs", str(RDFS)), ("skos", str(SKOS)),
                       ("sh", str(SH)), ("prov", "http://www.w3.org/ns/prov#"), ("dcat", "http://www.w3.org/ns/dcat#"),
                       ("dcterms", "http://purl.org/dc/terms/"), ("xsd", "http://www.w3.org/2001/XMLSchema#")):
        g.bind(prefix, ns, override=True)
    text = g.serialize(format="mlkg-turtle")  # mlkg.rdf.formats registered it (doubles keep every digit)
    return "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip()


def _closure(src: Graph, start: Node, out: Graph) -> None:
    """The triples about ``start`` and the blank nodes they reach (rdflib's CBD, without reification)."""
    todo: list[Any] = [start]
    seen: set[Any] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in src.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def owl_turtle(cls: type[Entity]) -> str:
    """The class and the properties its fields use, as the ontology states them."""
    onto = _ontology()
    g = Graph()
    _closure(onto, URIRef(MLKG_IRI + cls.CLASS), g)
    for _, spec in fields_of(cls):
        _closure(onto, URIRef(MLKG_IRI + _prop_local(spec)), g)
    return _turtle(g)


def shacl_turtle(cls: type[Entity]) -> str:
    """The generated SHACL node shape that targets the class."""
    shapes = _shapes()
    g = Graph()
    targets = [s for s in shapes.subjects(SH.targetClass, URIRef(MLKG_IRI + cls.CLASS)) if isinstance(s, URIRef)]
    for shape in sorted(targets):
        _closure(shapes, shape, g)
        for ps in shapes.objects(shape, SH.property):
            _closure(shapes, ps, g)
    return _turtle(g)


def context_terms(cls: type[Entity]) -> dict[str, Any]:
    """The JSON-LD context terms the class's JSON uses, with its type term and type-scoped context."""
    ctx = _context()
    terms: dict[str, Any] = {}
    for key in (cls.TYPE, cls.CLASS):
        if key in ctx:
            terms[key] = ctx[key]
    for f, spec in fields_of(cls):
        key = _json_key(f, spec)
        if key in ctx and key not in terms:
            terms[key] = ctx[key]
    return terms


def json_schema(cls: type[Entity]) -> dict[str, Any] | None:
    """The class's definition in the generated JSON Schema."""
    return _schema().get("$defs", {}).get(cls.TYPE)


# -- examples: mlkg run on the shipped examples ----------------------------------------------------------------


@cache
def _example_graph(name: str) -> Graph:
    return formats.load_graph([resource_path("examples", "output", f"{name}.ttl")])


def example_node(cls: type[Entity]) -> tuple[str, URIRef] | None:
    """The first node of exactly this class in the shipped examples: (example name, IRI)."""
    klass = URIRef(MLKG_IRI + cls.CLASS)
    for name in EXAMPLES:
        try:
            g = _example_graph(name)
        except FileNotFoundError:
            continue
        nodes = sorted(n for n in g.subjects(RDF.type, klass) if isinstance(n, URIRef))
        if nodes:
            return name, nodes[0]
    return None


def _walk(entities: list[Entity]) -> Iterator[Entity]:
    for e in entities:
        yield e
        for f, spec in fields_of(type(e)):
            if _kind(spec) != "child":
                continue
            value = getattr(e, f.name)
            yield from _walk(list(value) if spec.many else [value] if value is not None else [])


def examples(cls: type[Entity]) -> dict[str, str] | None:
    """The example node in OpenMetadata JSON, Turtle and JSON-LD, each produced by mlkg from the example graph."""
    found = example_node(cls)
    if found is None:
        return None
    name, node = found
    g = _example_graph(name)
    sub = Graph()
    _closure(g, node, sub)
    entity = next((e for e in _walk(from_graph(g)) if type(e) is cls and e.iri() == str(node)), None)
    out = {"example": name, "iri": str(node), "turtle": _turtle(sub)}
    if entity is not None:
        out["json"] = json.dumps(entity.to_dict(), indent=2, ensure_ascii=False, sort_keys=False)
    out["jsonld"] = json.dumps(_sorted(json.loads(formats.serialize(sub, "jsonld", context="url"))), indent=2,
                               ensure_ascii=False)
    return out


def _sorted(value: Any) -> Any:
    """JSON-LD with its arrays in one order (mlkg's JSON-LD writer does not sort them), so pages do not churn."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


# -- lineage diagram -------------------------------------------------------------------------------------------


def links(cls: type[Entity]) -> list[tuple[str, str, str]]:
    """(from class, label, to class) for the references and owned nodes of a class, and those pointing at it."""
    edges: set[tuple[str, str, str]] = set()
    for other in entity_classes():
        for _f, spec in fields_of(other):
            if _kind(spec) not in ("ref", "child"):
                continue
            target = _target_name(spec)
            for t in target.split(" or "):
                if other is cls or t == cls.__name__:
                    src, dst = (t, other.__name__) if spec.reverse else (other.__name__, t)
                    edges.add((src, _prop_local(spec), dst))
    return sorted(edges)


def mermaid(cls: type[Entity]) -> str:
    ids: dict[str, str] = {}

    def node(name: str) -> str:
        if name not in ids:
            ids[name] = f"c{len(ids)}"
        return ids[name]

    lines = ["flowchart LR"]
    node(cls.__name__)
    body = [f"  {node(a)} -->|{label}| {node(b)}" for a, label, b in links(cls)]
    lines += [f'  {i}["{n}"]' for n, i in ids.items()] + body
    lines.append(f"  style {ids[cls.__name__]} stroke-width:3px")
    return "\n".join(lines)


# -- the page --------------------------------------------------------------------------------------------------


def _definition(cls: type[Entity]) -> str:
    onto = _ontology()
    value = onto.value(URIRef(MLKG_IRI + cls.CLASS), SKOS.definition) or onto.value(
        URIRef(MLKG_IRI + cls.CLASS), RDFS.comment)
    return str(value) if isinstance(value, Literal) else (cls.__doc__ or "").strip().splitlines()[0]


def _fence(lang: str, text: str) -> str:
    return f"```{lang}\n{text.rstrip()}\n```\n"


def render(cls: type[Entity], *, integrations: dict[str, dict[str, str]] | None = None) -> str:
    """The specification page of one entity class, as Markdown."""
    rows = field_rows(cls)
    out = [f"# {cls.__name__}\n",
           "<!-- generated by python -m mlkg.tools.generate: do not edit -->\n",
           f"{_definition(cls)}\n",
           f"- Ontology class: [`mlkg:{cls.CLASS}`](../ontology.md#{cls.CLASS}) (`{MLKG_IRI}{cls.CLASS}`)",
           f"- JSON-LD type term: `{cls.TYPE}`; Python: `mlkg.model.{cls.__name__}`",
           f"- Stands alone in a document: {'yes' if cls.ROOT else 'no (owned by its parent)'}\n",
           "## Fields\n",
           "| Python | JSON key | RDF property | type | card. | required | values and constraints | description |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        prop = f"[`mlkg:{r['property']}`](../ontology.md#{r['property']})"
        out.append("| " + " | ".join(_cell(x) for x in (
            f"`{r['python']}`", f"`{r['json']}`", prop, r["type"], r["cardinality"], r["required"],
            r["constraints"], r["description"])) + " |")
    out.append("")
    out += ["## Lineage\n", "How this class links to the others (arrows in the direction of the triples).\n",
            _fence("mermaid", mermaid(cls))]
    ex = examples(cls)
    if ex is not None:
        out += ["## Examples\n",
                f"The node `{ex['iri']}` of the shipped `{ex['example']}` example "
                f"(`examples/output/{ex['example']}.ttl`), as mlkg writes it.\n"]
        if "json" in ex:
            out += ["### OpenMetadata JSON\n", _fence("json", ex["json"])]
        out += ["### Turtle\n", _fence("turtle", ex["turtle"]), "### JSON-LD\n", _fence("json", ex["jsonld"])]
    schema = json_schema(cls)
    if schema is not None:
        out += ["## JSON Schema\n", f"The `{cls.TYPE}` definition of `document.schema.json` (Draft 2020-12).\n",
                _fence("json", json.dumps(schema, indent=2, ensure_ascii=False))]
    out += ["## OWL\n", _fence("turtle", owl_turtle(cls))]
    shacl = shacl_turtle(cls)
    if shacl:
        out += ["## SHACL\n", "The generated node shape (`ontology/shapes/core.ttl`).\n", _fence("turtle", shacl)]
    out += ["## JSON-LD context\n", _fence("json", json.dumps(context_terms(cls), indent=2, ensure_ascii=False))]
    if integrations:
        out += ["## Platform integration\n",
                "The fields each importer fills on this class and where on the platform each value comes from: the "
                "mapping table the importer declares (`Importer.fills`), which a test holds equal to the importer's "
                "golden graphs (its output on the platform's own files, in `tests/importers/<platform>/`).\n",
                "| importer | field | comes from |", "|---|---|---|"]
        for name, table in sorted(integrations.items()):
            out += [f"| [`{name}`](../../importers/{name}.md) | `{f}` | {_cell(src)} |"
                    for f, src in sorted(table.items())]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def index_page() -> str:
    lines = ["# Entity specifications\n", "<!-- generated by python -m mlkg.tools.generate: do not edit -->\n",
             "One page per entity class, generated from the field specs, the ontology, the shapes, the JSON Schemas "
             "and the JSON-LD context.\n", "| class | ontology class | fields | definition |", "|---|---|---|---|"]
    for cls in entity_classes():
        lines.append(f"| [{cls.__name__}]({page_name(cls)}) | `mlkg:{cls.CLASS}` | {len(fields_of(cls))} | "
                     f"{_cell(_definition(cls))} |")
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """Every spec page: path under the docs root → Markdown."""
    out = {f"{PAGE_DIR}/index.md": index_page()}
    for cls in entity_classes():
        out[f"{PAGE_DIR}/{page_name(cls)}"] = render(cls, integrations=declared(cls.__name__))
    return out
