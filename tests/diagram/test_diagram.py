"""Lineage diagrams: Mermaid, DOT, SVG; direction and depth."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from query.graphs import STORES, fraud_graph, on

import mlkg.model as m
from mlkg import diagram
from mlkg.errors import MlkgError
from mlkg.rdf.build import to_graph


def chain():
    return to_graph([
        m.Table(name="raw", fqn="db.raw"),
        m.Pipeline(name="job", fqn="etl.job", inputs=["db.raw"]),
        m.Table(name="feats", fqn="db.feats", produced_by="etl.job"),
        m.MLModel(name="clf", service="svc", training_datasets=["db.feats"]),
        m.Dashboard(name="board", sources=[m.Ref(type="mlmodel", fqn="svc.clf")]),
    ])


@pytest.mark.parametrize("store", STORES)
def test_mermaid_both_directions(store: str) -> None:
    text = diagram.mermaid(on(store, chain()), "db.feats", direction="both")
    assert text == "\n".join([
        "---",
        'title: "Lineage of db.feats. An arrow is a triple: a -- p --> b reads \'a p b\' (a derives from b)"',
        "---",
        "graph RL",
        '    n0["db.feats<br/>Table"]',
        '    n1["board<br/>Dashboard"]',
        '    n2["db.raw<br/>Table"]',
        '    n3["etl.job<br/>Pipeline"]',
        '    n4["svc.clf<br/>MLModel"]',
        "    n4 -->|trainedOn| n0",
        "    n3 -->|readsFrom| n2",
        "    n0 -->|producedBy| n3",
        "    n1 -->|displays| n4",
        "    classDef Dashboard fill:#6900c7,color:#fff,stroke:#333",
        "    class n1 Dashboard",
        "    classDef MLModel fill:#4facfe,color:#fff,stroke:#333",
        "    class n4 MLModel",
        "    classDef Pipeline fill:#6c757d,color:#fff,stroke:#333",
        "    class n3 Pipeline",
        "    classDef Table fill:#0061f2,color:#fff,stroke:#333",
        "    class n0,n2 Table",
        "    style n0 stroke-width:4px",
    ])


def test_direction_and_depth() -> None:
    g = chain()
    up = diagram.lineage_graph(g, "db.feats", direction="up")
    assert {v[1] for v in up.nodes.values()} == {"db.feats", "etl.job", "db.raw"}
    down1 = diagram.lineage_graph(g, "db.raw", direction="down", depth=1)
    assert {v[1] for v in down1.nodes.values()} == {"db.raw", "etl.job"}
    assert [(e[2]) for e in down1.edges] == ["readsFrom"]
    down = diagram.lineage_graph(g, "db.raw", direction="down")
    assert len(down.nodes) == 5 and len(down.edges) == 4
    td = diagram.mermaid(g, "db.raw", direction="down", depth=1, layout="TD")
    assert td.splitlines()[3] == "graph BT"  # sources at the top, arrows pointing up to them
    with pytest.raises(ValueError, match="direction"):
        diagram.lineage_graph(g, "db.raw", direction="left")
    with pytest.raises(ValueError, match="layout"):
        diagram.mermaid(g, "db.raw", layout="RL")


def test_kinds_are_styled_apart() -> None:
    text = diagram.mermaid(fraud_graph(), "sf.prod.fraud_features", direction="both", depth=2)
    fills = {line.split()[1]: line.split()[2] for line in text.splitlines() if line.strip().startswith("classDef")}
    assert {"Table", "Pipeline", "ModelVersion", "Column"} <= set(fills)
    assert len(set(fills.values())) == len(fills)


def test_odd_labels_are_escaped() -> None:
    odd = 'x"y<z>|w\nv'
    g = to_graph([m.Table(name="a", fqn="db.a"), m.Table(name="b", fqn=odd, upstream=["db.a"])])
    text = diagram.mermaid(g, "db.a", direction="down")
    assert '    n1["x#quot;y#lt;z#gt;#124;w<br/>v<br/>Table"]' in text.splitlines()
    dot = diagram.dot(g, "db.a", direction="down")
    assert 'label="x\\"y<z>|w\\nv\\nTable"' in dot


def test_dot_output() -> None:
    text = diagram.dot(chain(), "db.raw", direction="down", depth=1)
    lines = text.splitlines()
    assert lines[0] == "digraph lineage {" and lines[-1] == "}"
    assert "  rankdir=RL;" in lines
    assert any(line.startswith('  label="Lineage of db.raw. An arrow is a triple') for line in lines)
    assert any(line.startswith('  n0 [label="db.raw\\nTable", fillcolor="#0061f2"') and "penwidth=3" in line
               for line in lines)
    assert '  n1 -> n0 [label="readsFrom"];' in lines  # the job reads from the table


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_with_graphviz() -> None:
    svg = diagram.svg(chain(), "db.raw", direction="down")
    root = ET.fromstring(svg[svg.index("<svg"):])
    assert root.tag.endswith("svg")
    assert "db.raw" in svg and "readsFrom" in svg


def test_svg_without_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(MlkgError, match="Graphviz"):
        diagram.svg(chain(), "db.raw")
