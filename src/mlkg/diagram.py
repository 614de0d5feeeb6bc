"""Lineage diagrams around one entity: Mermaid (``graph LR`` / ``graph TD``, like the seed's diagrams), Graphviz
DOT, and SVG (rendered by Graphviz's ``dot`` program when it is installed).

Each arrow is a triple read as a sentence: ``fraud_feature_pipeline -->|readsFrom| transactions`` is the triple
"pipeline readsFrom transactions", so arrows point from an entity to what it derives from (PROV-O's direction).
Sources stay on the left (``--layout LR``, drawn right to left) or at the top (``TD``, drawn bottom to top), and
the diagram's title says how to read it. Each kind of entity has its own colour; the entity the diagram is about
has a thick border.

>>> from mlkg.model import Table
>>> from mlkg.rdf.build import to_graph
>>> g = to_graph([Table(name="raw", fqn="db.raw"), Table(name="clean", fqn="db.clean", upstream=["db.raw"])])
>>> print(mermaid(g, "db.raw", direction="down"))
---
title: "Lineage of db.raw. An arrow is a triple: a -- p --> b reads 'a p b' (a derives from b)"
---
graph RL
    n0["db.raw<br/>Table"]
    n1["db.clean<br/>Table"]
    n1 -->|upstream| n0
    classDef Table fill:#0061f2,color:#fff,stroke:#333
    class n0,n1 Table
    style n0 stroke-width:4px
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from .dataset import Source, as_store
from .errors import MlkgError
from .query.engine import resolve
from .query.lineage import bfs, edge_label, lineage_reader, pick_kind

#: Fill colour per kind (the seed's palette where it has one), text colour.
STYLES: dict[str, tuple[str, str]] = {
    "Table": ("#0061f2", "#fff"),
    "Column": ("#6f9cf5", "#fff"),
    "FeatureSource": ("#6f9cf5", "#fff"),
    "Dataset": ("#0061f2", "#fff"),
    "Container": ("#0061f2", "#fff"),
    "Pipeline": ("#6c757d", "#fff"),
    "Feature": ("#00ac69", "#fff"),
    "TrainingRun": ("#a0a0a0", "#000"),
    "ModelVersion": ("#667eea", "#fff"),
    "MLModel": ("#4facfe", "#fff"),
    "Endpoint": ("#f5576c", "#fff"),
    "Dashboard": ("#6900c7", "#fff"),
    "AlertingSystem": ("#f76707", "#fff"),
}
DEFAULT_STYLE = ("#e9ecef", "#000")

DIRECTIONS = ("up", "down", "both")
LAYOUTS = ("LR", "TD")
#: Layout (where the sources are: left, top) → the flow of arrows, which point upstream.
_FLOW = {"LR": "RL", "TD": "BT"}


def legend(lg: LineageGraph) -> str:
    """How to read a diagram: the title every rendering carries."""
    name = lg.nodes.get(lg.start, ("", lg.start))[1]
    return f"Lineage of {name}. An arrow is a triple: a -- p --> b reads 'a p b' (a derives from b)"


@dataclass(frozen=True)
class LineageGraph:
    """The nodes and edges of a lineage diagram: node IRI → (kind, label); edges (source, derived, property)."""

    start: str
    nodes: dict[str, tuple[str, str]]
    edges: list[tuple[str, str, str]]


def lineage_graph(source: Source, entity: str, *, direction: str = "both", depth: int | None = None,
                  method: str = "auto", kind: str | None = None) -> LineageGraph:
    """Collect the entities up to ``depth`` steps upstream, downstream or both of ``entity``, and every lineage
    edge between them.

    :raises ValueError: for an unknown direction or a negative depth.
    :raises InputError: if the entity is not in the graph.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; known: {', '.join(DIRECTIONS)}")
    if depth is not None and depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    store = as_store(source)
    start = str(resolve(store, entity, kind=kind))
    nodes: dict[str, tuple[str, str]] = {}
    edges: set[tuple[str, str, str]] = set()
    for d in (("up", "down") if direction == "both" else (direction,)):
        reader = lineage_reader(store, start, d, method)
        seen = bfs(reader, start, d, depth)
        for n in seen:
            types, name = reader.info(n)
            if n not in nodes or nodes[n][0] == "Entity":
                nodes[n] = (pick_kind(types), name or n)
            for other, props in reader.neighbours(n, d).items():
                if other in seen:
                    src, dst = (n, other) if d == "down" else (other, n)
                    edges.add((src, dst, edge_label(props)))
    return LineageGraph(start=start, nodes=nodes, edges=sorted(edges))


def _order(lg: LineageGraph) -> dict[str, str]:
    """Stable node ids: the start first, then by kind and label."""
    rest = sorted((n for n in lg.nodes if n != lg.start), key=lambda n: (lg.nodes[n][1], n))
    return {n: f"n{i}" for i, n in enumerate([lg.start, *rest])}


def _edges_in_order(lg: LineageGraph, ids: dict[str, str]) -> list[tuple[str, str, str]]:
    return sorted(lg.edges, key=lambda e: (int(ids[e[0]][1:]), int(ids[e[1]][1:]), e[2]))


def _mermaid_text(s: str) -> str:
    return (s.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("\r", "").replace("\n", "<br/>").replace("|", "#124;"))


def render_mermaid(lg: LineageGraph, *, layout: str = "LR") -> str:
    """A Mermaid flowchart of a :class:`LineageGraph`."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
    ids = _order(lg)
    title = legend(lg).replace("\\", "\\\\").replace('"', '\\"')
    lines = ["---", f'title: "{title}"', "---", f"graph {_FLOW[layout]}"]
    for n, i in ids.items():
        kind, label = lg.nodes[n]
        lines.append(f'    {i}["{_mermaid_text(label)}<br/>{kind}"]')
    for src, dst, prop in _edges_in_order(lg, ids):
        lines.append(f"    {ids[dst]} -->|{_mermaid_text(prop)}| {ids[src]}")
    by_kind: dict[str, list[str]] = {}
    for n, i in ids.items():
        by_kind.setdefault(lg.nodes[n][0], []).append(i)
    for kind in sorted(by_kind):
        fill, color = STYLES.get(kind, DEFAULT_STYLE)
        lines.append(f"    classDef {kind} fill:{fill},color:{color},stroke:#333")
        lines.append(f"    class {','.join(by_kind[kind])} {kind}")
    lines.append(f"    style {ids[lg.start]} stroke-width:4px")
    return "\n".join(lines)


def _dot_text(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")


def render_dot(lg: LineageGraph, *, layout: str = "LR") -> str:
    """A Graphviz DOT digraph of a :class:`LineageGraph`."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
    ids = _order(lg)
    lines = [
        "digraph lineage {",
        f"  rankdir={_FLOW[layout]};",
        f'  label="{_dot_text(legend(lg))}"; labelloc=b; fontname="Helvetica"; fontsize=10;',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]
    for n, i in ids.items():
        kind, label = lg.nodes[n]
        fill, color = STYLES.get(kind, DEFAULT_STYLE)
        pen = ", penwidth=3" if n == lg.start else ""
        lines.append(f'  {i} [label="{_dot_text(label)}\\n{_dot_text(kind)}", fillcolor="{fill}", '
                     f'fontcolor="{"white" if color == "#fff" else "black"}", tooltip="{_dot_text(n)}"{pen}];')
    for src, dst, prop in _edges_in_order(lg, ids):
        lines.append(f'  {ids[dst]} -> {ids[src]} [label="{_dot_text(prop)}"];')
    lines.append("}")
    return "\n".join(lines)


def render_svg(dot_text: str) -> str:
    """Render DOT to SVG with Graphviz's ``dot``.

    :raises MlkgError: if ``dot`` is not installed or fails.
    """
    exe = shutil.which("dot")
    if exe is None:
        raise MlkgError("SVG output needs Graphviz's 'dot' program, which is not installed "
                        "(apt-get install graphviz, brew install graphviz); or use --format dot or mermaid")
    proc = subprocess.run([exe, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise MlkgError("dot failed: " + proc.stderr.decode("utf-8", "replace").strip())
    return proc.stdout.decode("utf-8")


def mermaid(source: Source, entity: str, *, direction: str = "both", depth: int | None = None,
            layout: str = "LR", kind: str | None = None) -> str:
    """Mermaid diagram of the lineage around ``entity``."""
    return render_mermaid(lineage_graph(source, entity, direction=direction, depth=depth, kind=kind), layout=layout)


def dot(source: Source, entity: str, *, direction: str = "both", depth: int | None = None, layout: str = "LR",
        kind: str | None = None) -> str:
    """Graphviz DOT diagram of the lineage around ``entity``."""
    return render_dot(lineage_graph(source, entity, direction=direction, depth=depth, kind=kind), layout=layout)


def svg(source: Source, entity: str, *, direction: str = "both", depth: int | None = None, layout: str = "LR",
        kind: str | None = None) -> str:
    """SVG diagram of the lineage around ``entity`` (needs Graphviz's ``dot``)."""
    return render_svg(dot(source, entity, direction=direction, depth=depth, layout=layout, kind=kind))


__all__ = ["DIRECTIONS", "LAYOUTS", "STYLES", "LineageGraph", "dot", "lineage_graph", "mermaid", "render_dot",
           "render_mermaid", "render_svg", "svg"]
