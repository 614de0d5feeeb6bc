"""mlkg's JSON-LD writer: a graph as JSON-LD compacted with mlkg's context, in one pass grouped by subject.

The context is generated from the field specs (:mod:`mlkg.rdf.context`), so which term names which property is known
before any graph is seen: :func:`_export_terms` works it out once from the bundled context, and :func:`dumps` writes
each subject as one flat node object with those terms. Only terms whose meaning is the same in every scope are used
(no key that a type-scoped or property-scoped context redefines, such as ``dataType`` or ``owners``: the generated
aliases ``columnDataType``, ``sourceDataType``, ``hasOwner``, ... name those properties), so the document means the
same whichever type-scoped context a processor applies, and in whichever order (#15: rdflib applied them in the
wrong order). The embedded context is the bundled one without scoped contexts and without those ambiguous keys; with
``--context url`` the bundled context itself is named, and the same terms mean the same there.

No JSON-LD processor runs here (pyld's ``compact`` rebuilt its inverse context for every typed node: 61 s of CPU
for 100k triples); the output is checked against pyld, rdflib, pyoxigraph and jsonld.js by the tests.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring  # the C encoder where available
from typing import Any, cast

from c14n.Canonicalize import canonicalize
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..model.base import lexical
from ..namespaces import PREFIXES
from .context import CONTEXT_URL, load_context

_XSD_STRING = str(XSD.string)
RDF_TYPE = RDF.type

CONTEXT_CHOICES = ("embed", "url")
"""How an exported document names mlkg's context: ``embed`` (the default) writes the context into the document, so
any JSON-LD processor reads it offline; ``url`` writes :data:`~mlkg.rdf.context.CONTEXT_URL`, which a processor
resolves with :func:`document_loader` (or the network). Any other string is written as the reference itself (a
file next to the document, say)."""

_RDF_JSON = str(RDF) + "JSON"
_XSD_DOUBLE = str(XSD.double)
_DOUBLE_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN")
_KEYWORD_ALIAS = "type"  # the context's alias of @type
_VARIES = "varies"  # coercion marker: the key's datatype differs between scopes, so values are written explicitly


@dataclass(frozen=True)
class _ExportTerms:
    context: dict[str, Any]  # the context embedded in exports: no scoped contexts, no ambiguous keys
    prefixes: dict[str, str]  # namespace IRI -> prefix usable in compact IRIs
    predicates: dict[str, tuple[str, str | None]]  # property IRI -> (key, coercion)
    vocab: dict[str, str]  # IRI -> term naming it (classes, enumeration members), for @type and @vocab values
    names: frozenset[str]  # every key of the context (a compact IRI must not be one)


def _definitions_of(ctx: dict[str, Any]) -> dict[str, list[Any]]:
    """Every definition each key has, at the top level and in every scoped context."""
    out: dict[str, list[Any]] = {}

    def walk(c: dict[str, Any]) -> None:
        for k, v in c.items():
            if k.startswith("@"):
                continue
            out.setdefault(k, []).append(v)
            if isinstance(v, dict) and isinstance(v.get("@context"), dict):
                walk(v["@context"])

    walk(ctx)
    return out


@lru_cache(maxsize=1)
def _export_terms() -> _ExportTerms:
    ctx = load_context()["@context"]
    prefixes = {v: k for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    by_prefix = {k: v for v, k in prefixes.items()}

    def expand(value: str) -> str:
        head, sep, tail = value.partition(":")
        return by_prefix[head] + tail if sep and head in by_prefix else value

    def meaning(d: Any) -> tuple[str, str, str | None]:
        if isinstance(d, str):
            return ("@id", d if d.startswith("@") else expand(d), None)
        key = "@reverse" if "@reverse" in d else "@id"
        t = d.get("@type")
        return (key, expand(d[key]), expand(t) if t and not t.startswith("@") else t)

    flat: dict[str, Any] = {"@version": ctx["@version"]} if "@version" in ctx else {}
    predicates: dict[str, tuple[str, str | None]] = {}
    vocab: dict[str, str] = {}
    for key, defs in _definitions_of(ctx).items():
        if key not in ctx:
            continue  # only in scoped contexts
        meanings = {meaning(d) for d in defs}
        if len({m[:2] for m in meanings}) > 1:
            continue  # ambiguous: its meaning depends on the scope
        direction, iri, coerce = next(iter(meanings))
        d = ctx[key]
        if isinstance(d, dict):
            d = {k: v for k, v in d.items() if k != "@context"}
            d = d["@id"] if set(d) == {"@id"} else d
        flat[key] = d
        if direction != "@id" or iri.startswith("@") or iri in prefixes:
            continue
        # the shortest term, then the first in code-point order (as JSON-LD's term selection ranks equal terms)
        best = predicates.get(iri)
        if best is None or (len(key), key) < (len(best[0]), best[0]):
            predicates[iri] = (key, coerce if len(meanings) == 1 else _VARIES)
        if iri not in vocab or (len(key), key) < (len(vocab[iri]), vocab[iri]):
            vocab[iri] = key
    return _ExportTerms(flat, prefixes, predicates, vocab, frozenset(ctx))


def _canonical_double(lex: str) -> str:
    """The canonical xsd:double form (``1.0E-2``), the one JSON-LD processors write when they turn a JSON-LD double
    into RDF (jsonld.js and PyLD do so to strings too); kept as it is when that would change the value (17
    significant digits) or the text is not an xsd:double."""
    if not _DOUBLE_RE.fullmatch(lex):
        return lex
    v = float(lex)
    canon = lexical(v, "double")
    return canon if math.isnan(v) or float(canon) == v else lex


def _subjects(g: Graph) -> Any:
    """``(subject, {predicate: objects})`` for every subject of ``g``. rdflib has no bulk read: when ``g`` is the only
    graph in an rdflib ``Memory`` store (what mlkg's readers build), its subject index is read directly, which is
    ten times cheaper than ``Graph.triples`` (that computes the contexts of each triple); otherwise the triples are
    grouped here."""
    from rdflib.plugins.stores.memory import Memory

    store = g.store
    spo = getattr(store, "_Memory__spo", None)
    contexts = getattr(store, "_Memory__contextTriples", None)
    if (type(store) is Memory and type(g) is Graph and isinstance(spo, dict) and isinstance(contexts, dict)
            and len(contexts) <= 2 and store.__len__(None) == len(g)):  # g is the store's only graph
        return spo.items()
    by_subject: dict[Any, dict[Any, list[Any]]] = {}
    for s, p, o in g:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)
    return by_subject.items()


def dumps(g: Graph, *, context: str = "embed") -> str:
    """``g`` as a JSON-LD document compacted with mlkg's context: one flat node object per subject in ``@graph``
    (a single node beside ``@context``), sorted by ``@id``, keys and values sorted.

    ``context``: one of :data:`CONTEXT_CHOICES`, or a reference to write as the document's ``@context``. The
    context is extended with prefixes (from :data:`mlkg.namespaces.PREFIXES`) for the other vocabularies the graph
    uses, so ``http://purl.org/dc/terms/isPartOf`` is written ``dct:isPartOf``. Every literal keeps its lexical
    form except ``xsd:double``, written in its canonical form (:func:`_canonical_double`: the value is the same) so
    that every JSON-LD processor reads the same literal back.
    """
    terms = _export_terms()
    own = terms.prefixes
    others = {ns: p for p, ns in PREFIXES.items() if p not in terms.context}
    spaces = sorted({**own, **others}, key=len, reverse=True)
    extra: dict[str, str] = {}  # the other vocabularies' prefixes this graph uses
    names = terms.names
    enc = encode_basestring
    iri_cache: dict[str, str] = {}

    namespace = re.compile("|".join(re.escape(ns) for ns in spaces)).match  # the longest namespace first

    def compact(iri: str) -> str:
        """A compact IRI (``dct:isPartOf``) where a prefix fits, else the IRI itself."""
        got = iri_cache.get(iri)
        if got is None:
            got = iri
            m = namespace(iri)
            if m is not None:
                ns = m.group()
                rest = iri[len(ns):]
                prefix = own.get(ns) or others[ns]
                cand = prefix + ":" + rest
                if rest and cand not in names and not rest.startswith("//"):
                    got = cand
                    if ns in others:
                        extra[prefix] = ns
            iri_cache[iri] = got
        return got

    def node_id(t: Any) -> str:
        return compact(str(t)) if type(t) is URIRef or not isinstance(t, BNode) else "_:" + str(t)

    def literal(o: Literal, coerce: str | None) -> str:
        lex = str(o)
        if o.language:
            return f'{{"@value": {enc(lex)}, "@language": {enc(o.language)}}}'
        dt = o.datatype
        dts = str(dt) if dt is not None else _XSD_STRING
        if dts == _XSD_STRING:
            return enc(lex) if coerce is None else f'{{"@value": {enc(lex)}}}'
        if dts == _XSD_DOUBLE:
            lex = _canonical_double(lex)
        elif dts == _RDF_JSON:
            try:
                parsed = json.loads(lex)
                same = canonicalize(parsed).decode("utf-8") == lex
            except (ValueError, RecursionError):
                same = False
            if same:
                text = json.dumps(parsed, ensure_ascii=False)
                return text if coerce == "@json" else f'{{"@value": {text}, "@type": "@json"}}'
        if coerce == dts:
            return enc(lex)
        return f'{{"@value": {enc(lex)}, "@type": {enc(compact(dts))}}}'

    def reference(o: Any, coerce: str | None) -> str:
        if coerce == "@id":
            return enc(node_id(o))
        if coerce == "@vocab":
            return enc(terms.vocab.get(str(o)) or node_id(o))
        return f'{{"@id": {enc(node_id(o))}}}'

    # Caches are keyed by plain strings: rdflib terms hash as strings but compare in Python.
    refs: dict[str | None, dict[str, str]] = {}  # rendered references per coercion
    type_texts: dict[str, str] = {}
    preds: dict[str, tuple[str, str | None, dict[str, str]] | None] = {str(RDF_TYPE): None}
    nodes: list[tuple[str, str]] = []
    type_key = enc(_KEYWORD_ALIAS)
    for s, po in _subjects(g):
        entries: list[tuple[str, list[str]]] = []
        types: list[str] | None = None
        for p, objs in po.items():
            ps = str(p)
            if ps in preds:
                got = preds[ps]
            else:
                key, coerce = terms.predicates.get(ps) or (compact(ps), _VARIES)
                got = preds[ps] = (enc(key), coerce, refs.setdefault(coerce, {}))
            if got is None:  # rdf:type: IRIs and blank nodes go to "type"
                types = types or []
                rest = []
                for o in objs:
                    if type(o) is Literal or isinstance(o, Literal):
                        rest.append(o)
                    else:
                        os_ = str(o) if type(o) is URIRef else "_:" + str(o)
                        text = type_texts.get(os_)
                        if text is None:
                            text = type_texts[os_] = enc(terms.vocab.get(str(o)) or node_id(o))
                        types.append(text)
                if not rest:
                    continue
                objs = rest
                key, coerce = compact(ps), _VARIES
                got = (enc(key), coerce, refs.setdefault(coerce, {}))
            key, coerce, cache = got
            vals = []
            for o in objs:
                t = type(o)
                if t is URIRef:
                    os_ = str(o)
                    text = cache.get(os_)
                    if text is None:
                        text = cache[os_] = reference(o, coerce)
                elif t is Literal or isinstance(o, Literal):
                    text = literal(o, coerce)
                else:
                    text = reference(o, coerce)
                vals.append(text)
            if vals:
                entries.append((key, vals))
        if not entries and not types:
            continue  # a subject whose triples were all removed
        entries.sort()
        if types:
            entries.insert(0, (type_key, types))
        sid = node_id(s)
        parts = [f'      "@id": {enc(sid)}']
        for key, vals in entries:
            if len(vals) == 1:
                parts.append(f"      {key}: {vals[0]}")
            else:
                vals.sort()
                parts.append(f"      {key}: [\n        " + ",\n        ".join(vals) + "\n      ]")
        nodes.append((sid, "    {\n" + ",\n".join(parts) + "\n    }"))
    nodes.sort()
    extra = dict(sorted(extra.items()))
    if context == "embed":
        ctx_text = json.dumps({**terms.context, **extra}, indent=2, ensure_ascii=False)
    else:
        ref: Any = CONTEXT_URL if context == "url" else context
        ctx_text = json.dumps([ref, extra] if extra else ref, indent=2, ensure_ascii=False)
    head = '{\n  "@context": ' + ctx_text.replace("\n", "\n  ") + ",\n"
    if len(nodes) == 1:  # one node: its keys beside the context (as JSON-LD compaction writes it)
        return head + ("\n" + nodes[0][1][6:-6]).replace("\n    ", "\n")[1:] + "\n}\n"
    body = ",\n".join(text for _, text in nodes)
    return head + '  "@graph": [\n' + body + ("\n" if body else "") + "  ]\n}\n"


def compact_graph(g: Graph, *, context: str = "embed") -> dict[str, Any]:
    """:func:`dumps` as a dict."""
    return cast(dict[str, Any], json.loads(dumps(g, context=context)))
