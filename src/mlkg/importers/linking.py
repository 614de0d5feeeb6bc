"""One model across platforms: link registrations of the same artifact that different imports put in a store.

The seed's fraud flow trains in MLflow and deploys to SageMaker: MLflow's model version and SageMaker's model
package then name the same artifact (``s3://bucket/.../model`` and ``s3://bucket/.../model/model.tar.gz``). Each
importer records its own view (``mlkg:artifactUri`` of a version, ``mlkg:storageLocation`` of its store);
:func:`link_store` finds the nodes of *different services* whose artifact URIs are the same and writes, for each
registration that came later (the *copy*) and the one that produced the artifact (the *origin*); models are
linked only when they have no versions (a SageMaker model built without a package: its store is its own, while
a registered model's store is its latest version's):

- ``copy prov:wasDerivedFrom origin``: lineage walks from the training data of the origin through the copy to
  the endpoints serving the copy (``mlkg impact``), and any query following ``prov:wasDerivedFrom`` back;
- ``copy prov:alternateOf origin`` and the reverse: PROV-O's "two entities that present aspects of the same
  thing", for "where else is this model registered?".

Which one is the origin: the one with a training run (``mlkg:producedBy``); else the one created first; else the
one whose IRI sorts first (and the report says the direction was a guess). Artifact URIs are compared after
:func:`normalize_uri`.

The links live in their own named graph (:data:`LINK_GRAPH`), replaced as a whole each time, so running the step
again (after every import into a store, and by ``mlkg link --store S``) never piles up stale links. This is a
step over a store, not code inside each importer: it links whatever importers (built-in or plugins) wrote.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from ..store import source_graph

#: Packaging file names a platform adds to an artifact directory (SageMaker's model.tar.gz).
PACKAGE_FILES = ("model.tar.gz",)
_SCHEMES = {"s3a": "s3", "s3n": "s3"}

QUERY = """
PREFIX mlkg: <https://w3id.org/mlkg#>
SELECT ?node ?uri ?service ?created ?run WHERE {
  { ?node mlkg:artifactUri ?uri } UNION { ?node mlkg:hasStore/mlkg:storageLocation ?uri }
  { ?node a mlkg:ModelVersion . ?model mlkg:hasVersion ?node . OPTIONAL { ?model mlkg:belongsToService ?service } }
  UNION { ?node a mlkg:MLModel . FILTER NOT EXISTS { ?node mlkg:hasVersion ?anyVersion }
          OPTIONAL { ?node mlkg:belongsToService ?service } }
  OPTIONAL { ?node mlkg:createdAt ?created }
  OPTIONAL { ?node mlkg:producedBy ?run }
}
"""


def link_graph() -> URIRef:
    """The named graph holding the links (``{base}graph/link/artifacts``)."""
    return source_graph("link", "artifacts")


def normalize_uri(uri: str) -> str | None:
    """The form two artifact URIs are compared in, or None for a URI that names no stored artifact.

    Scheme and host lower-cased (``s3a://``/``s3n://`` are ``s3://``), no trailing slash, and a packaging file
    SageMaker adds (``.../model.tar.gz``) stands for its directory. ``models:/`` and ``runs:/`` URIs are MLflow
    references, not locations.

    >>> normalize_uri("S3A://Bucket/churn/3/model.tar.gz"), normalize_uri("s3://bucket/churn/3/")
    ('s3://bucket/churn/3', 's3://bucket/churn/3')
    >>> normalize_uri("models:/m-123") is None
    True
    """
    text = (uri or "").strip()
    if not text or "://" not in text:
        return None
    parts = urlsplit(text)
    scheme = _SCHEMES.get(parts.scheme.lower(), parts.scheme.lower())
    if scheme in ("models", "runs", "http", "https") or not (parts.netloc or scheme == "file"):
        return None
    path = parts.path.rstrip("/")
    for name in PACKAGE_FILES:
        if path.endswith("/" + name):
            path = path[: -len(name) - 1]
    if not path.strip("/"):
        return None  # a bucket root is not one artifact
    return urlunsplit((scheme, parts.netloc.lower(), path, "", ""))


@dataclass
class Node:
    iri: URIRef
    service: str
    created: str | None = None
    has_run: bool = False
    uris: set[str] = field(default_factory=set)


@dataclass
class LinkReport:
    """What a linking run found: the (copy, origin, artifact) links, and the links whose direction was a guess."""

    links: list[tuple[str, str, str]] = field(default_factory=list)
    guessed: list[tuple[str, str, str]] = field(default_factory=list)
    triples: int = 0

    def text(self) -> str:
        lines = [f"linked {len(self.links)} registration{'s' if len(self.links) != 1 else ''} of the same artifact "
                 f"across platforms ({self.triples} triples)"]
        lines += [f"  {c} -> {o} ({a})" for c, o, a in self.links]
        lines += [f"  guessed direction: {c} -> {o} ({a}): neither has a run or a creation time"
                  for c, o, a in self.guessed]
        return "\n".join(lines)


def find_links(rows: Any) -> LinkReport:
    """The links for the rows of :data:`QUERY` (node, uri, service, created, run)."""
    nodes: dict[str, Node] = {}
    for r in rows:
        iri = str(r["node"])
        key = normalize_uri(str(r["uri"]))
        if key is None:
            continue
        n = nodes.setdefault(iri, Node(URIRef(iri), str(r.get("service") or "")))
        n.uris.add(key)
        if r.get("created") is not None:
            n.created = min(filter(None, [n.created, str(r["created"])]))
        if r.get("run") is not None:
            n.has_run = True
    by_uri: dict[str, list[Node]] = defaultdict(list)
    for n in nodes.values():
        for u in n.uris:
            by_uri[u].append(n)
    report = LinkReport()
    seen: set[tuple[str, str]] = set()
    for uri, group in sorted(by_uri.items()):
        if len({n.service for n in group}) < 2:
            continue  # one platform's own registrations sharing an artifact are not a cross-platform link
        origin, guessed = _origin(group)
        for n in sorted(group, key=lambda n: str(n.iri)):
            if n is origin or n.service == origin.service or (str(n.iri), str(origin.iri)) in seen:
                continue
            seen.add((str(n.iri), str(origin.iri)))
            link = (str(n.iri), str(origin.iri), uri)
            report.links.append(link)
            if guessed:
                report.guessed.append(link)
    return report


def _origin(group: list[Node]) -> tuple[Node, bool]:
    with_run = [n for n in group if n.has_run]
    pool = with_run if with_run else group
    dated = [n for n in pool if n.created]
    if dated:
        return min(dated, key=lambda n: (n.created or "", str(n.iri))), False
    return min(pool, key=lambda n: str(n.iri)), not with_run or len(with_run) > 1


def link_triples(report: LinkReport) -> Graph:
    g = Graph()
    g.bind("prov", PROV)
    for copy, origin, _uri in report.links:
        c, o = URIRef(copy), URIRef(origin)
        g.add((c, PROV.wasDerivedFrom, o))
        g.add((c, PROV.alternateOf, o))
        g.add((o, PROV.alternateOf, c))
    return g


def link_store(store: Any) -> LinkReport:
    """Find the cross-platform links in ``store`` (an open :class:`mlkg.store.Store`) and replace the link graph
    with them; returns what was linked."""
    name = link_graph()
    report = find_links(store.select(QUERY))
    g = link_triples(report)
    report.triples = len(g)
    if len(g):
        store.load(g, graph=name, replace=True)
    elif name in set(store.graphs()):
        store.drop(name)
    return report


__all__ = ["LinkReport", "find_links", "link_graph", "link_store", "link_triples", "normalize_uri"]
