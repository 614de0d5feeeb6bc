"""The export engine: run a profile's CONSTRUCT queries, then write the result as RDF, JSON-LD or cards.

A profile query is plain SPARQL 1.1 with one extension, a mapping directive the engine replaces by ``VALUES``
rows before the query runs::

    VALUES (?p ?q) { {{map rdfs:subPropertyOf|skos:exactMatch -> prov: dcat: dcterms:}} }

becomes one ``(<mlkg term> <target term>)`` row for each statement ``mlkg-term rel target-term`` in the core
ontology plus the alignment module whose relation is one of those named and whose target lies in one of the
namespaces named. ``{{labels mlkg:PlatformType}}`` becomes ``(<individual> "label")`` rows for the individuals of
an enumeration (their JSON values, e.g. ``"Mlflow"``), and ``{{include FILE}}`` pastes a fragment file (``{{include FILE ?in=?x ?out=?y}}``
renames the fragment's ``?in``/``?out`` and keeps its other variables apart). So the
term-to-term pairs are written once, in ``ontology/mlkg-align.ttl`` (and the core's
super-properties), and every profile that needs them reads them from there.

Queries run through rdflib's ``Graph.query``: on files loaded into memory, or on a store's rdflib view (the store's
own engine answers). Nothing here depends on which.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rdflib import Graph, URIRef

from ..errors import InputError
from ..namespaces import MLKG_IRI, PREFIXES

PROFILE_DIR = Path(__file__).parent / "profiles"
CONTEXT_DIR = Path(__file__).parent / "contexts"

#: FAIR4ML's version IRI; with ``Accept: application/ld+json`` it serves the release's JSON-LD, whose
#: ``@context`` exported documents use. A copy of release 0.1.0 is bundled, so nothing is fetched.
FAIR4ML_CONTEXT_URL = "https://w3id.org/fair4ml/0.1.0"
#: Bundled remote documents: URL → file under ``contexts/``.
BUNDLED_DOCUMENTS = {FAIR4ML_CONTEXT_URL: "fair4ml-0.1.0.jsonld"}


@dataclass(frozen=True)
class Profile:
    """One export target."""

    name: str
    summary: str
    queries: tuple[str, ...] = ()
    """CONSTRUCT files under ``mlkg/export/profiles/``, run one after the other into one graph."""
    writer: str = "rdf"
    """``rdf`` (any RDF format), ``jsonld`` (compacted with :attr:`context_url`), ``cards`` (framed, one file per
    model version) or ``bundle`` (the :attr:`parts` profiles together)."""
    frame: str | None = None
    """For ``cards``: the JSON-LD frame under ``profiles/`` that nests the constructed graph into the card."""
    card: str | None = None
    """For ``cards``: ``mct`` (JSON) or ``hf`` (README.md with YAML front matter)."""
    context_url: str | None = None
    parts: tuple[str, ...] = ()
    rename: str | None = None
    """A SELECT query under ``profiles/`` giving ``?x ?omx``: each ``?x`` is replaced by ``?omx`` in the output."""
    json_literals: tuple[str, ...] = ()
    """Predicates (CURIEs) whose objects are trees of ``json:`` properties, each written as one JSON literal."""
    json_arrays: tuple[str, ...] = ()
    """JSON keys whose values are always arrays."""
    rename_objects: bool = False
    retype: tuple[tuple[str, str], ...] = ()
    """(predicate, datatype) CURIE pairs: literals of the predicate get the datatype (SPARQL engines may normalize
    derived types such as xsd:long to xsd:integer; the target wants its own)."""
    """Apply :attr:`rename` to objects only (DataHub URNs are strings: they replace nodes written as values)."""


PROFILES: dict[str, Profile] = {p.name: p for p in (
    Profile("fair4ml", "FAIR4ML 0.1.0 JSON-LD, compacted with FAIR4ML's published context",
            ("fair4ml.rq",), writer="jsonld", context_url=FAIR4ML_CONTEXT_URL),
    Profile("mls", "W3C ML Schema: runs, models, hyperparameter settings, evaluations and measures",
            ("mls.rq",)),
    Profile("prov", "PROV-O, DCAT 3 and DCTERMS only: every lineage fact without mlkg terms", ("prov.rq",)),
    Profile("om-rdf", "OpenMetadata's ontology and IRI scheme, mergeable into OpenMetadata's RDF store",
            ("om-rdf.rq", "om-rdf-json.rq"), rename="om-iri.rq",
            json_literals=("om:hasMLFeature", "om:hasMLHyperParameter", "om:hasMLStore"),
            json_arrays=("featureSources",), retype=(("om:updatedAt", "xsd:long"),)),
    Profile("mct", "Google Model Card Toolkit JSON (schema v0.0.2), one card per model version",
            ("mct.rq",), writer="cards", frame="mct.frame.jsonld", card="mct"),
    Profile("hf-card", "Hugging Face model card (README.md front matter with model-index), one per model version",
            ("hf-card.rq",), writer="cards", frame="hf-card.frame.jsonld", card="hf"),
    Profile("datahub", "DataHub entities and aspects (used by mlkg push datahub)", ("datahub.rq",),
            writer="datahub", frame="datahub.frame.jsonld", rename="datahub-urns.rq", rename_objects=True),
    Profile("model-card", "Both model-card formats: <name>.model_card.json (MCT) and <name>/README.md (HF)",
            writer="bundle", parts=("mct", "hf-card")),
)}


@dataclass
class ExportResult:
    """What an export produced: files by relative name (one file for graph profiles) and the constructed graph."""

    profile: str
    files: dict[str, str] = field(default_factory=dict)
    graph: Graph | None = field(default=None, repr=False)
    documents: list[Any] = field(default_factory=list, repr=False)
    """For card profiles: the card objects (dicts; for HF the front matter) in file order."""

    @property
    def text(self) -> str:
        """The single document of a graph profile (or all files joined)."""
        return "".join(self.files.values())


# ---------------------------------------------------------------------------------------------------------------
# Queries and the mapping directive
# ---------------------------------------------------------------------------------------------------------------

_MAP = re.compile(r"\{\{\s*map\s+([^}]*?)\s*->\s*([^}]*?)\s*\}\}")


def _expand_curie(curie: str) -> str:
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {curie!r}; known: {', '.join(sorted(PREFIXES))}")
    return PREFIXES[prefix] + local


@lru_cache(maxsize=1)
def _mapping_graph() -> Graph:
    # lazy: loaded when a profile runs, so `import mlkg.export` stays light
    from ..ontology import load_ontology

    return load_ontology(alignment=True)


def mapping_rows(relations: list[str], namespaces: list[str]) -> list[tuple[URIRef, URIRef]]:
    """(mlkg term, target term) pairs: ``mlkg-term rel target`` in core + alignment, target in ``namespaces``."""
    g = _mapping_graph()
    rels = [URIRef(_expand_curie(r)) for r in relations]
    targets = [_expand_curie(n) for n in namespaces]
    rows = set()
    for rel in rels:
        for s, o in g.subject_objects(rel):
            if isinstance(s, URIRef) and isinstance(o, URIRef) and str(s).startswith(MLKG_IRI) \
                    and any(str(o).startswith(t) for t in targets):
                rows.add((s, o))
    return sorted(rows)


_INCLUDE = re.compile(r"\{\{\s*include\s+([A-Za-z0-9_.-]+)((?:\s+\?\w+=\?\w+)*)\s*\}\}")
_VAR = re.compile(r"\?(\w+)")
_COUNTER = itertools.count(1)


def _fragment(name: str, args: str = "", n: int = 0) -> str:
    """A fragment file without its comments. With arguments ``?a=?b``, its ``?a`` becomes ``?b`` and every other
    variable gets a suffix of its own, so one fragment can be pasted several times into one query."""
    lines = (PROFILE_DIR / name).read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    text = _INCLUDE.sub(lambda m: _fragment(m.group(1), m.group(2), next(_COUNTER)), text)
    if not args.strip():
        return text
    mapping = dict(pair.split("=") for pair in args.split())
    return _VAR.sub(lambda m: mapping.get("?" + m.group(1), f"?{m.group(1)}_{n}"), text)


def _expand_directives(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        rows = mapping_rows(m.group(1).split("|"), m.group(2).split())
        return " ".join(f"(<{a}> <{b}>)" for a, b in rows)

    text = _INCLUDE.sub(lambda m: _fragment(m.group(1), m.group(2), next(_COUNTER)), text)
    text = _LABELS.sub(lambda m: " ".join(f"(<{a}> {json.dumps(str(b))})" for a, b in label_rows(m.group(1))), text)
    return _MAP.sub(repl, text)


_LABELS = re.compile(r"\{\{\s*labels\s+([A-Za-z0-9_]+:[A-Za-z0-9_]+)\s*\}\}")


def label_rows(cls: str) -> list[tuple[URIRef, Any]]:
    """(individual, rdfs:label) for the individuals of an mlkg enumeration class (their JSON values)."""
    from rdflib import RDF, RDFS

    g = _mapping_graph()
    c = URIRef(_expand_curie(cls))
    return sorted((s, lbl) for s in g.subjects(RDF.type, c) if isinstance(s, URIRef)
                  for lbl in g.objects(s, RDFS.label))


@cache
def profile_query(filename: str) -> str:
    """The text of a profile query with its mapping directives expanded (what actually runs)."""
    path = PROFILE_DIR / filename
    return _expand_directives(path.read_text(encoding="utf-8"))


class _Oxigraph:
    """An in-memory rdflib graph copied into pyoxigraph, which answers the profile queries (much faster than
    rdflib's own evaluator, with the same results: tests/export compare the two)."""

    def __init__(self, graph: Graph) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = ox.Store()
        self.store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)

    def query(self, text: str) -> Any:
        # lazy: loaded when a profile runs, so `import mlkg.export` stays light
        from ..rdf.oxterms import from_ox

        res = self.store.query(text, use_default_graph_as_union=True)
        if isinstance(res, self.ox.QueryTriples):
            g = Graph()
            for t in res:
                g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))

            class _Result:
                graph = g

            return _Result()
        if not isinstance(res, self.ox.QuerySolutions):
            raise TypeError("profile queries are CONSTRUCT or SELECT")
        return [tuple(from_ox(v) for v in sol) for sol in res]


class _StoreSource:
    """An mlkg :class:`~mlkg.dataset.Store` answering the profile queries in its own engine."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def query(self, text: str) -> Any:
        res = self.store.query(text)
        if isinstance(res, Graph):
            class _Result:
                graph = res

            return _Result()
        return res.tuples()


def _fast(source: Any) -> Any:
    """Something with ``query(text)``: a pyoxigraph copy of an in-memory rdflib graph (plain graphs, and mlkg
    stores wrapping one), the store itself for other mlkg stores (their engine answers), else ``source``."""
    # lazy: loaded when a profile runs, so `import mlkg.export` stays light
    from ..dataset import GraphStore, Store

    graph = source
    if isinstance(source, GraphStore):
        graph = source.ds
    elif isinstance(source, Store):
        return _StoreSource(source)
    if type(graph) is Graph and type(graph.store).__name__ == "Memory":
        return _Oxigraph(graph)
    return graph


def construct(source: Any, filenames: tuple[str, ...] | list[str], *, rename: str | None = None,
              json_literals: tuple[str, ...] = (), json_arrays: tuple[str, ...] = (),
              rename_objects: bool = False) -> Graph:
    """Run profile CONSTRUCT queries over ``source``: an mlkg store (:mod:`mlkg.dataset`, e.g. from
    :func:`mlkg.io.open_source`), an rdflib Graph or Dataset, or a store's rdflib view.

    :param rename: a SELECT query giving ``?x ?omx`` pairs; every ``?x`` in the result becomes ``?omx``.
    :param json_literals: predicates whose object trees (``json:`` properties) become JSON literals.
    """
    # lazy: loaded when a profile runs, so `import mlkg.export` stays light
    from ..rdf.build import new_graph

    source = _fast(source)
    out = new_graph()
    for name in filenames:
        res = source.query(profile_query(name))
        g = getattr(res, "graph", None)
        if g is None:
            raise TypeError(f"{name} is not a CONSTRUCT query")
        for t in g:
            out.add(t)
    if rename:
        out = _rename(out, {row[0]: row[1] for row in source.query(profile_query(rename))},
                      objects_only=rename_objects)
    if json_literals:
        out = _json_literals(out, [URIRef(_expand_curie(c)) for c in json_literals], set(json_arrays))
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns, override=True)
    return out


JSON_NS = "https://w3id.org/mlkg/export/json#"


def _retype(g: Graph, pairs: tuple[tuple[str, str], ...]) -> None:
    from rdflib import Literal

    for pred_curie, dt_curie in pairs:
        pred, dt = URIRef(_expand_curie(pred_curie)), URIRef(_expand_curie(dt_curie))
        for s, o in list(g.subject_objects(pred)):
            if isinstance(o, Literal) and o.datatype != dt:
                g.remove((s, pred, o))
                g.add((s, pred, Literal(str(o), datatype=dt)))


def _rename(g: Graph, mapping: dict[Any, Any], *, objects_only: bool = False) -> Graph:
    # lazy: loaded when a profile runs, so `import mlkg.export` stays light
    from ..rdf.build import new_graph

    out = new_graph()
    for s, p, o in g:
        out.add((s if objects_only else mapping.get(s, s), p, mapping.get(o, o)))
    return out


def _json_literals(g: Graph, predicates: list[URIRef], arrays: set[str]) -> Graph:
    """Replace each tree of ``json:`` properties under ``predicates`` by one JSON literal (arrays sorted by name)."""
    from rdflib import Literal

    def tree(node: Any, seen: frozenset[Any]) -> Any:
        obj: dict[str, Any] = {}
        for p, o in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if not str(p).startswith(JSON_NS):
                continue
            key = str(p)[len(JSON_NS):]
            val = tree(o, seen | {node}) if not isinstance(o, Literal) and o not in seen else (
                o.toPython() if isinstance(o, Literal) else str(o))
            if isinstance(val, Literal):
                val = str(val)
            if key in obj or key in arrays:
                prev = obj.get(key, [])
                obj[key] = (prev if isinstance(prev, list) else [prev]) + [val]
            else:
                obj[key] = val
        for val in obj.values():
            if isinstance(val, list):
                val.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return obj

    out = Graph()
    drop: set[Any] = set()
    values: list[tuple[Any, Any, Any]] = []
    for pred in predicates:
        for s in set(g.subjects(pred, None)):
            items = [tree(o, frozenset()) for o in g.objects(s, pred)]
            items.sort(key=lambda v: (str(v.get("name", "")) if isinstance(v, dict) else "", json.dumps(v, sort_keys=True)))
            value: Any = items if pred != URIRef(_expand_curie("om:hasMLStore")) else items[0]
            values.append((s, pred, Literal(json.dumps(value, ensure_ascii=False, separators=(",", ":")))))
            stack = list(g.objects(s, pred))
            while stack:
                n = stack.pop()
                if n in drop or isinstance(n, Literal):
                    continue
                drop.add(n)
                stack.extend(o for p, o in g.predicate_objects(n) if str(p).startswith(JSON_NS))
    for t in g:
        if t[1] in predicates or (t[0] in drop and str(t[1]).startswith(JSON_NS)):
            continue
        out.add(t)
    for t in values:
        out.add(t)
    return out


# ---------------------------------------------------------------------------------------------------------------
# JSON-LD helpers (offline)
# ---------------------------------------------------------------------------------------------------------------


def bundled_document(url: str) -> Any:
    """A bundled remote JSON-LD document (FAIR4ML's release), parsed."""
    return json.loads((CONTEXT_DIR / BUNDLED_DOCUMENTS[url]).read_text(encoding="utf-8"))


def document_loader() -> Callable[..., dict[str, Any]]:
    """A pyld loader for the bundled documents; every other URL is refused (exports never fetch)."""
    # lazy: loaded when a profile runs, so `import mlkg.export` stays light
    from ..errors import RemoteAccessError

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url in BUNDLED_DOCUMENTS:
            return {"contextUrl": None, "documentUrl": url, "document": bundled_document(url)}
        raise RemoteAccessError(f"refusing to fetch {url!r}: exports use bundled contexts only")

    return load


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _pyld_term(t: Any) -> dict[str, str]:
    from rdflib import BNode, Literal

    if isinstance(t, BNode):
        return {"type": "blank node", "value": f"_:{t}"}
    if isinstance(t, Literal):
        if t.language:
            return {"type": "literal", "value": str(t), "datatype": _RDF_LANGSTRING, "language": t.language}
        return {"type": "literal", "value": str(t), "datatype": str(t.datatype or _XSD_STRING)}
    return {"type": "IRI", "value": str(t)}


def _pyld_dataset(g: Graph) -> dict[str, list[dict[str, Any]]]:
    """``g`` as pyld's RDF dataset (what its N-Quads parser returns). Built from the terms directly: pyld's parser
    checks each triple against every triple before it (quadratic: 72 s of a 10k-triple DataHub export)."""
    return {"@default": [{"subject": _pyld_term(s), "predicate": _pyld_term(p), "object": _pyld_term(o)}
                         for s, p, o in g]}


def _to_jsonld_rdf(g: Graph) -> list[Any]:
    from pyld import jsonld

    return jsonld.from_rdf(_pyld_dataset(g), {"useNativeTypes": True})


def _strip_keywords(obj: Any) -> Any:
    """Drop JSON-LD keywords (``@id``, ``@type``, ``@context``) and unwrap ``@value`` objects."""
    if isinstance(obj, list):
        return [_strip_keywords(x) for x in obj]
    if isinstance(obj, dict):
        if "@value" in obj:
            return obj["@value"]
        return {k: _strip_keywords(v) for k, v in obj.items() if not k.startswith("@")}
    return obj


# ---------------------------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------------------------


def _write_jsonld(p: Profile, g: Graph) -> tuple[str, list[Any]]:
    from pyld import jsonld

    assert p.context_url
    expanded = _to_jsonld_rdf(g)
    ctx = bundled_document(p.context_url)["@context"]
    compacted = jsonld.compact(expanded, ctx, {"documentLoader": document_loader()})
    compacted["@context"] = p.context_url
    graph = compacted.get("@graph")
    if graph is None:
        body = {k: v for k, v in compacted.items() if k != "@context"}
        graph = [body] if body else []
    doc = {"@context": p.context_url, "@graph": sorted(graph, key=lambda n: str(n.get("@id", "")))}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n", [doc]


def card_file_name(iri: str) -> str:
    """File stem of a card: the last segment of the model (version) IRI, decoded, made file-safe."""
    stem = unquote(iri.rstrip("/").rsplit("/", 1)[-1])
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_") or "model"


def frame_cards(p: Profile, g: Graph) -> list[tuple[str, dict[str, Any]]]:
    """(file stem, card object) for each card root the profile's frame selects, in IRI order."""
    from pyld import jsonld

    assert p.frame
    frame = json.loads((PROFILE_DIR / p.frame).read_text(encoding="utf-8"))
    expanded = _to_jsonld_rdf(g)
    framed = jsonld.frame(expanded, copy.deepcopy(frame), {"documentLoader": document_loader(),
                                                           "embed": "@always", "omitGraph": False})
    roots = framed.get("@graph", [])
    out = []
    for root in sorted(roots, key=lambda r: str(r.get("@id", ""))):
        out.append((card_file_name(str(root.get("@id", ""))), _clean(_strip_keywords(root))))
    return out


def _clean(obj: Any) -> Any:
    """Remove empty lists and objects the frame left where the graph had nothing."""
    if isinstance(obj, dict):
        out = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v not in ({}, [], None)}
    if isinstance(obj, list):
        return [x for x in (_clean(v) for v in obj) if x not in ({}, [], None)]
    return obj


def _write_cards(p: Profile, g: Graph) -> tuple[dict[str, str], list[Any]]:
    # lazy: loaded when a profile runs, so `import mlkg.export` stays light
    from . import cards

    files: dict[str, str] = {}
    docs: list[Any] = []
    for stem, obj in frame_cards(p, g):
        name, text, doc = cards.render(p.card or "", stem, obj)
        files[name] = text
        docs.append(doc)
    return files, docs


def export(source: Any, profile: str, *, format: str = "turtle", model: str | None = None) -> ExportResult:
    """Export ``source`` (an rdflib Graph or a store's rdflib view) with a profile.

    :param format: RDF format for the ``rdf`` profiles (turtle, nt, jsonld, rdfxml, ...).
    :param model: for card profiles, only the card of this model or version (its FQN or IRI).
    :raises InputError: for an unknown profile, or a ``model`` that has no card.
    """
    p = PROFILES.get(profile)
    if p is None:
        raise InputError(f"no export profile {profile!r}", source="--profile",
                         expected=", ".join(sorted(PROFILES)))
    if p.writer == "bundle":
        res = ExportResult(profile)
        for part in p.parts:
            sub = export(source, part, format=format, model=model)
            res.files.update(sub.files)
            res.documents.extend(sub.documents)
        return res
    if p.writer == "datahub":
        import tempfile

        # lazy: loaded when a profile runs, so `import mlkg.export` stays light
        from .datahub import build_mcps, write_file

        mcps = build_mcps(source)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "mcps.json"
            write_file(mcps, path)
            return ExportResult(profile, files={"datahub.mcps.json": path.read_text(encoding="utf-8")},
                                documents=mcps)
    g = construct(source, p.queries, rename=p.rename, json_literals=p.json_literals, json_arrays=p.json_arrays)
    _retype(g, p.retype)
    res = ExportResult(profile, graph=g)
    if p.writer == "rdf":
        # lazy: loaded when a profile runs, so `import mlkg.export` stays light
        from ..rdf.formats import normalize_format

        fmt = normalize_format(format)
        rdflib_fmt = {"jsonld": "json-ld", "nq": "nquads", "rdfxml": "xml"}.get(fmt, fmt)
        res.files[f"{profile}.{_SUFFIX.get(fmt, fmt)}"] = g.serialize(format=rdflib_fmt)
    elif p.writer == "jsonld":
        text, docs = _write_jsonld(p, g)
        res.files[f"{profile}.jsonld"] = text
        res.documents = docs
    else:
        files, docs = _write_cards(p, g)
        if model is not None:
            keep = _select_card(source, model, files)
            files = {k: v for k, v in files.items() if k in keep}
            docs = [d for (k, d) in zip(list(_write_cards(p, g)[0]), docs, strict=False) if k in keep]
        res.files, res.documents = files, docs
    return res


def _select_card(source: Any, model: str, files: dict[str, str]) -> set[str]:
    stem = card_file_name(model) if "://" in model else re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")
    keep = {k for k in files if k == f"{stem}.model_card.json" or k.split("/")[0] == stem}
    if not keep:
        known = sorted({k.split("/")[0].removesuffix(".model_card.json") for k in files})
        raise InputError(f"no model card for {model!r}", source="--model",
                         expected="one of: " + (", ".join(known) or "(no model in the graph)"))
    return keep


_SUFFIX = {"turtle": "ttl", "rdfxml": "rdf"}
