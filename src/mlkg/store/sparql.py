"""``sparql:URL`` — any server speaking the SPARQL 1.1 Protocol (queries, updates) and, when it has one, the Graph
Store Protocol (bulk loads): Fuseki, Virtuoso, GraphDB, Neptune, ``oxigraph serve``.

The URL is the query endpoint. Options go in its query string (removed before it is used) or in the config file
(:mod:`mlkg.store.credentials`)::

    sparql:http://127.0.0.1:7878/query                       oxigraph serve (update and GSP found by convention)
    sparql:http://127.0.0.1:3030/ds/query                    Fuseki (/ds/update, /ds/data)
    sparql:http://127.0.0.1:8890/sparql?server=virtuoso      Virtuoso (updates on /sparql, loads by update)
    sparql:https://h/repositories/kg?update=/repositories/kg/statements&gsp=/repositories/kg/rdf-graphs/service

Options: ``server`` (oxigraph, fuseki, virtuoso, graphdb, neptune, generic; guessed from the path), ``update``,
``gsp`` (``none`` to load by SPARQL Update), ``timeout`` (seconds, default 60), ``retries`` (default 3),
``union`` (1: queries see all graphs as the default graph; needs the server to support it, default 1),
``chunk`` (triples per INSERT DATA when loading by update; Virtuoso: 400, it refuses long SQL).

Connection errors and 502/503/504 answers are retried with exponential back-off (queries always; updates only
when the request surely did not reach the server). Credentials are sent in the ``Authorization`` header only.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..dataset.memory import MemoryStore
from ..errors import InputError, StoreError
from ..namespaces import PREFIXES
from ..rdf.closure import add_super_properties
from ..rdf.oxterms import OX_FORMATS
from .base import (
    FORMATS,
    STAGING_PREFIX,
    Progress,
    Rows,
    Store,
    as_terms,
    format_name,
    graph_iri,
    load_input,
    nt_bytes,
    parse_to_graph,
    query_form,
    with_values,
)
from .credentials import Credentials, credentials_for, settings_for

OPTIONS = ("server", "update", "gsp", "timeout", "retries", "union", "chunk")

#: Per server kind: (update endpoint, GSP endpoint, send union-default-graph, how to find the endpoints from the
#: query URL: the last path segment of the query URL is replaced).
PRESETS: dict[str, dict[str, Any]] = {
    "oxigraph": {"update": "update", "gsp": "store", "union_param": "union-default-graph"},
    "fuseki": {"update": "update", "gsp": "data", "union_param": None},
    "virtuoso": {"update": "", "gsp": None, "union_param": None, "chunk": 400},
    "graphdb": {"update": "/statements", "gsp": "/rdf-graphs/service", "union_param": None},
    "neptune": {"update": "", "gsp": None, "union_param": None},
    "generic": {"update": "", "gsp": None, "union_param": None},
}

#: Graphs Virtuoso keeps for itself (left out of graphs()).
_SYSTEM_GRAPHS = ("http://www.openlinksw.com/", "http://localhost:8890/", "http://www.w3.org/", "urn:activitystreams",
                  "urn:core:", "http://open.vocab.", "virtrdf:", "http://www.w3.org/ns/ldp#")

CHUNK = 2000
"""Triples per INSERT DATA request when loading by SPARQL Update."""


def _guess_server(path: str) -> str:
    if path.endswith("/sparql"):
        return "virtuoso" if not path.startswith("/repositories") else "graphdb"
    if path.startswith("/repositories/"):
        return "graphdb"
    if path in ("/query", "/query/"):
        return "oxigraph"
    if path.endswith(("/query", "/sparql/query")):
        return "fuseki"
    return "generic"


class SparqlStore(Store):
    """A remote SPARQL 1.1 server."""

    #: Every lookup is a request: lineage sends one closure query instead of walking neighbour by neighbour.
    prefers_sparql = True

    def __init__(self, endpoint: str, *, credentials: Credentials | None = None, **options: Any) -> None:
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"not an http(s) SPARQL endpoint: {self._safe(endpoint)!r}", source="--store",
                             expected="sparql:http://host:port/path")
        if parts.username or parts.password:
            raise InputError("credentials in the store URL are not accepted; use MLKG_STORE_USER/"
                             "MLKG_STORE_PASSWORD, MLKG_STORE_TOKEN or the store config file", source="--store")
        query_opts = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        opts = {k: v for k, v in query_opts if k in OPTIONS}
        kept = urllib.parse.urlencode([(k, v) for k, v in query_opts if k not in OPTIONS])
        self.query_url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, kept, ""))
        conf = settings_for(self.query_url)
        opts = {**{k: v for k, v in conf.items() if k in OPTIONS}, **opts,
                **{k: str(v) for k, v in options.items() if v is not None}}
        self.server = opts.get("server") or _guess_server(parts.path)
        if self.server not in PRESETS:
            raise InputError(f"unknown server kind {self.server!r}", source="--store",
                             expected="one of " + ", ".join(PRESETS))
        preset = PRESETS[self.server]
        self.update_url = self._endpoint(opts.get("update"), preset["update"])
        gsp = opts.get("gsp")
        self.gsp_url = None if gsp == "none" else self._endpoint(gsp, preset["gsp"]) if (gsp or preset["gsp"]) else None
        self.timeout = float(opts.get("timeout", 60))
        self.retries = int(opts.get("retries", 3))
        self.union = opts.get("union", "1") not in ("0", "false", "no")
        self.union_param = preset["union_param"]
        self.chunk = int(opts.get("chunk", preset.get("chunk", CHUNK)))
        self.url = "sparql:" + self.query_url
        self._creds = credentials if credentials is not None else credentials_for(self.query_url)

    @staticmethod
    def _safe(url: str) -> str:
        p = urllib.parse.urlsplit(url)
        netloc = p.hostname or ""
        if p.port:
            netloc += f":{p.port}"
        return urllib.parse.urlunsplit((p.scheme, netloc, p.path, "", ""))

    def _endpoint(self, given: str | None, default: str | None) -> str:
        if given:
            return urllib.parse.urljoin(self.query_url, given)
        if default is None or default == "":
            return self.query_url.split("?")[0]
        base = self.query_url.split("?")[0]
        if default.startswith("/"):
            return base.rstrip("/") + default
        return base.rsplit("/", 1)[0] + "/" + default

    # -- HTTP ------------------------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
                 idempotent: bool = True, ok_404: bool = False) -> tuple[int, str, bytes]:
        hdrs = dict(headers or {})
        hdrs.setdefault("User-Agent", "mlkg")
        auth = self._creds.header()
        if auth:
            hdrs["Authorization"] = auth
        delay = 0.2
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(url, data=body, headers=hdrs, method=method)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.status, resp.headers.get("Content-Type", ""), resp.read()
            except urllib.error.HTTPError as e:
                text = e.read()[:300].decode("utf-8", "replace").strip()
                if e.code == 404 and ok_404:
                    return 404, "", b""
                if e.code in (502, 503, 504) and attempt < self.retries:
                    time.sleep(delay)
                    delay *= 2
                    continue
                if e.code in (401, 403):
                    raise StoreError(f"{self._safe(url)}: HTTP {e.code}: access denied "
                                     f"(credentials: {self._creds.kind})") from None
                first = " ".join(text.split())[:200]
                if e.code == 400:
                    raise InputError(f"the server refused the request: {first}", source=self._safe(url)) from None
                raise StoreError(f"{self._safe(url)}: HTTP {e.code}: {first}") from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                reason = getattr(e, "reason", e)
                refused = isinstance(reason, ConnectionRefusedError)
                if attempt < self.retries and (idempotent or refused):
                    time.sleep(delay)
                    delay *= 2
                    continue
                what = "timed out" if isinstance(reason, (socket.timeout, TimeoutError)) else (
                    "connection refused" if refused else str(reason))
                raise StoreError(f"{self._safe(url)}: {what} (after {attempt + 1} attempts)") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _query_raw(self, text: str, accept: str) -> tuple[str, bytes]:
        params = [("query", text)]
        if self.union and self.union_param:
            params.append((self.union_param, ""))
        body = urllib.parse.urlencode(params).encode("utf-8")
        _, ctype, data = self._request("POST", self.query_url, body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        return ctype, data

    # -- reading ---------------------------------------------------------------------------------------------

    def query(self, text: str, *, bindings: Mapping[str, Any] | None = None) -> Rows | bool | Graph:
        binds = as_terms(bindings)
        form = query_form(text)
        if form == "UPDATE":
            raise InputError("this is an update, not a query: use update()", source="<query>")
        text = with_values(text, binds)
        if form in ("SELECT", "ASK"):
            ctype, data = self._query_raw(text, "application/sparql-results+json")
            try:
                doc = json.loads(data)
            except ValueError:
                raise StoreError(f"{self._safe(self.query_url)}: answer is not SPARQL JSON results "
                                 f"({ctype or 'no content type'})") from None
            if form == "ASK":
                return bool(doc.get("boolean"))
            names = list(doc.get("head", {}).get("vars", []))
            rows = Rows(names)
            for b in doc.get("results", {}).get("bindings", []):
                rows.append({n: _term(b.get(n)) for n in names})
            return rows
        ctype, data = self._query_raw(text, "application/n-triples, text/turtle;q=0.8")
        g = Graph()
        fmt = "turtle" if "turtle" in ctype else "nt"
        g.parse(data=data.decode("utf-8"), format=fmt)
        return g

    def _construct_nt(self, graph: URIRef | None) -> bytes:
        if graph is None:
            q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        else:
            q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        ctype, data = self._query_raw(q, "application/n-triples, text/turtle;q=0.8")
        if "turtle" in ctype:
            import pyoxigraph as ox

            return ox.serialize(ox.parse(data, ox.RdfFormat.TURTLE), None, ox.RdfFormat.N_TRIPLES) or b""
        return data

    def dump(self, output: str | Path | IO[bytes] | None = None, *, format: str = "turtle",
             graph: str | URIRef | None = None) -> bytes | None:
        import pyoxigraph as ox


        fmt = format_name(format)
        g_iri = graph_iri(graph)
        if g_iri is not None and self.gsp_url is not None and fmt in ("nt", "turtle"):
            # the server serializes the graph itself (Graph Store Protocol GET)
            _, _, data = self._request("GET", f"{self.gsp_url}?graph=" + urllib.parse.quote(str(g_iri), safe=""),
                                       headers={"Accept": FORMATS[fmt][1]})
            if output is None:
                return data
            if isinstance(output, (str, Path)):
                Path(output).write_bytes(data)
            else:
                output.write(data)
            return None
        if FORMATS[fmt][2] and graph is None:
            quads = bytearray()
            for g in self.graphs():
                for line in self._construct_nt(g).splitlines():
                    if line.strip():
                        quads += line.rstrip()[:-1].rstrip() + f" <{g}> .\n".encode()
            data = bytes(quads)
            src_fmt = ox.RdfFormat.N_QUADS
        else:
            data = self._construct_nt(graph_iri(graph))
            src_fmt = ox.RdfFormat.N_TRIPLES
        prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt in ("turtle", "trig") else None
        out: Any = str(output) if isinstance(output, Path) else output
        return ox.serialize(ox.parse(data, src_fmt), out, OX_FORMATS[fmt], prefixes=prefixes)

    def graphs(self) -> list[URIRef]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, Rows)
        out = []
        for r in rows:
            g = r.get("g")
            if not isinstance(g, URIRef) or str(g).startswith(STAGING_PREFIX):
                continue
            if self.server == "virtuoso" and str(g).startswith(_SYSTEM_GRAPHS):
                continue
            out.append(g)
        return sorted(out)

    def count(self, graph: str | URIRef | None = None) -> int:
        g = graph_iri(graph)
        q = ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }" if g is None
             else f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        rows = self.query(q)
        assert isinstance(rows, Rows)
        return int(rows[0]["n"]) if rows else 0

    def __len__(self) -> int:
        return sum(self.count(g) for g in self.graphs()) + (self.count(None) if not self.union_param else 0)

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        names = ("s", "p", "o")
        binds = {n: t for n, t in zip(names, pattern) if t is not None}
        q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
        rows = self.query(q, bindings=binds)
        assert isinstance(rows, Rows)
        for r in rows:
            yield tuple(r[n] if r.get(n) is not None else binds[n] for n in names)  # type: ignore[misc]

    # -- writing ---------------------------------------------------------------------------------------------

    def update(self, text: str) -> None:
        body = urllib.parse.urlencode([("update", text)]).encode("utf-8")
        self._request("POST", self.update_url, body=body, idempotent=False,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})

    def _gsp(self, method: str, graph: URIRef | None, data: bytes, media: str) -> None:
        assert self.gsp_url is not None
        param = "default" if graph is None else "graph=" + urllib.parse.quote(str(graph), safe="")
        sep = "&" if "?" in self.gsp_url else "?"
        self._request(method, f"{self.gsp_url}{sep}{param}", body=data, idempotent=method == "PUT",
                      headers={"Content-Type": media})

    def _gsp_stream(self, method: str, graph: URIRef | None, fh: Any, size: int, media: str) -> None:
        assert self.gsp_url is not None
        param = "default" if graph is None else "graph=" + urllib.parse.quote(str(graph), safe="")
        sep = "&" if "?" in self.gsp_url else "?"
        # a file body cannot be re-sent, so no retries here
        retries, self.retries = self.retries, 0
        try:
            self._request(method, f"{self.gsp_url}{sep}{param}", body=fh, idempotent=False,
                          headers={"Content-Type": media, "Content-Length": str(size)})
        finally:
            self.retries = retries

    def _insert_chunks(self, graph: URIRef | None, g: Graph) -> None:
        lines = [ln for ln in nt_bytes(g).decode("utf-8").splitlines() if ln.strip()]
        if any("_:" in ln for ln in lines):
            # blank nodes must keep their identity across chunks: send them in one request
            chunks = [lines]
        else:
            chunks = [lines[i:i + self.chunk] for i in range(0, len(lines), self.chunk)]
        for chunk in chunks:
            body = "\n".join(chunk)
            text = f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}" if graph is not None else \
                f"INSERT DATA {{ {body} }}"
            self.update(text)

    def _send(self, graph: URIRef | None, g: Graph, *, put: bool) -> None:
        if self.gsp_url is not None:
            self._gsp("PUT" if put else "POST", graph, nt_bytes(g), "application/n-triples")
        else:
            if put:
                self.update(f"DROP SILENT GRAPH <{graph}>" if graph is not None else "CLEAR SILENT DEFAULT")
            self._insert_chunks(graph, g)

    def extend(self, triples: Iterable[tuple[Node, Node, Node]], *, graph: str | URIRef | None = None) -> int:
        g = Graph()
        for t in triples:
            g.add(t)
        if len(g):
            self._send(graph_iri(graph), g, put=False)
        return len(g)

    def load(self, source: Any = None, *, path: str | Path | None = None, format: str | None = None,
             graph: str | URIRef | None = None, replace: bool = False, progress: Progress | None = None,
             lineage: bool = False) -> int:
        inp = load_input(source, path=path, format=format)
        target = graph_iri(graph)
        if FORMATS[inp.fmt][2] and target is None and inp.graph is None:
            tmp = MemoryStore()
            tmp.load(source, path=path, format=format)
            n = 0
            for name in [None, *tmp.graphs()]:
                part = tmp.to_graph(name)
                if len(part):
                    n += self.load(part, graph=name, replace=replace, lineage=lineage)
            return n
        if (self.gsp_url is not None and inp.path is not None and not lineage
                and inp.fmt in ("nt", "turtle", "rdfxml")):
            # Stream the file as it is: the server parses it, and a PUT/POST that fails changes nothing there.
            size = inp.path.stat().st_size
            before = 0 if replace else self.count(target)
            with open(inp.path, "rb") as fh:
                try:
                    self._gsp_stream("PUT" if replace else "POST", target, fh, size, FORMATS[inp.fmt][1])
                except InputError as e:
                    raise InputError(e.message, source=str(inp.path), expected=f"a valid {inp.fmt} file") from None
            if progress is not None:
                progress(size, size)
            return self.count(target) - before
        g = parse_to_graph(inp)  # parse first: a bad file sends nothing
        n = len(g)
        if lineage:
            if g is inp.graph:
                copy = Graph()
                for t in g:
                    copy.add(t)
                g = copy
            add_super_properties(g)
        if progress is not None and inp.path is not None:
            size = inp.path.stat().st_size
            progress(size, size)
        if not replace:
            self._send(target, g, put=False)
        elif self.gsp_url is not None:
            self._send(target, g, put=True)  # a GSP PUT replaces the graph in one request
        else:
            # Stage, then swap in one update request (atomic when the server runs a request in one transaction).
            staging = URIRef(STAGING_PREFIX + uuid.uuid4().hex)
            try:
                self._insert_chunks(staging, g)
                dest = f"GRAPH <{target}>" if target is not None else "DEFAULT"
                self.update(f"DROP SILENT {dest} ; ADD SILENT GRAPH <{staging}> TO {dest}")
            finally:
                self.update(f"DROP SILENT GRAPH <{staging}>")
        return n

    def drop(self, graph: str | URIRef | None) -> None:
        g = graph_iri(graph)
        self.update(f"DROP SILENT GRAPH <{g}>" if g is not None else "DROP SILENT DEFAULT")


def _term(b: dict[str, Any] | None) -> Any:
    if b is None:
        return None
    t = b.get("type")
    v = b.get("value", "")
    if t == "uri":
        return URIRef(v)
    if t == "bnode":
        return BNode(v)
    if t in ("literal", "typed-literal"):
        if b.get("xml:lang"):
            return Literal(v, lang=b["xml:lang"])
        dt = b.get("datatype")
        if dt and dt != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(v, datatype=URIRef(dt))
        return Literal(v)
    raise StoreError(f"unknown term type {t!r} in SPARQL results")


def _open(rest: str, url: str) -> SparqlStore:
    """``sparql:http://host:port/path[?options]``."""
    return SparqlStore(rest)
