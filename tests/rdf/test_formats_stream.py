"""Conversions that write without an rdflib graph: N-Triples / N-Quads files streamed to N-Triples or Turtle
(memory does not grow with the file), and ``convert --store`` through the store's own writer. The output must be
the graph the in-memory path writes, with every literal's lexical form kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.io import read_inputs
from mlkg.rdf.formats import serialize

ROOT = Path(__file__).resolve().parents[2]
FRAUD = ROOT / "examples" / "output" / "fraud_detection.ttl"
XSD = "http://www.w3.org/2001/XMLSchema#"
# forms a store or a numeric writer would change: a long double, trailing and leading zeros, a +00:00 offset
LEXICAL = f"""<urn:m> <https://w3id.org/mlkg#upstream> <urn:t> .
<urn:m> <urn:lr> "0.013888888888888888"^^<{XSD}double> .
<urn:m> <urn:d> "0.10"^^<{XSD}decimal> .
<urn:m> <urn:i> "007"^^<{XSD}integer> .
<urn:m> <urn:at> "2024-01-02T12:00:00+00:00"^^<{XSD}dateTime> .
<urn:m> <urn:s> "caf\u00e9 \\"q\\"\\nx"@fr .
_:b <urn:p> <urn:m> .
"""


def cli(*args: str) -> str:
    r = CliRunner().invoke(get_app(), list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.stdout


def ox_terms(path: Path, fmt: ox.RdfFormat) -> set[str]:
    return {f"{q.subject} {q.predicate} {q.object}" for q in ox.parse(path=str(path), format=fmt)
            if not isinstance(q.subject, ox.BlankNode)}


def test_streamed_nt_and_turtle_keep_lexical_forms_and_equal_the_graph_path(tmp_path: Path) -> None:
    src = tmp_path / "in.nt"
    src.write_text(LEXICAL, encoding="utf-8")
    reference = Graph().parse(data=serialize(read_inputs([str(src)]), "nt"), format="nt")  # the in-memory path
    expected = ox_terms(src, ox.RdfFormat.N_TRIPLES) | {
        "<urn:m> <http://www.w3.org/ns/prov#wasDerivedFrom> <urn:t>"}
    for to, oxf, rdflib_fmt in (("nt", ox.RdfFormat.N_TRIPLES, "nt"), ("turtle", ox.RdfFormat.TURTLE, "turtle")):
        out = tmp_path / f"out.{to}"
        cli("convert", str(src), "--to", to, "-o", str(out))
        assert ox_terms(out, oxf) == expected, to  # exact terms, read back by pyoxigraph
        back = Graph().parse(out, format=rdflib_fmt)
        assert isomorphic(back, reference), to  # and by rdflib: the graph the in-memory path writes
        assert {o.n3() for o in back.objects()} == {o.n3() for o in reference.objects()}
    text = (tmp_path / "out.turtle").read_text(encoding="utf-8")
    assert "0.10" in text and "007" in text and "+00:00" in text and "0.013888888888888888" in text


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    a.write_text('_:x <urn:p> "a" <urn:g:1> .\n', encoding="utf-8")
    b.write_text('_:x <urn:p> "b" <urn:g:2> .\n', encoding="utf-8")
    out = tmp_path / "out.nt"
    cli("convert", str(a), str(b), "--to", "nt", "-o", str(out))
    g = Graph().parse(out, format="nt")
    assert len(g) == 2 and len(set(g.subjects())) == 2


def test_bad_line_exits_2_names_file_and_line_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "bad.nt"
    src.write_text('<urn:a> <urn:p> "1" .\n<urn:a> <urn:p> "2" .\n<urn:a> <urn:p> "3 .\n', encoding="utf-8")
    out = tmp_path / "out.ttl"
    out.write_text("old\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    r = subprocess.run([sys.executable, "-m", "mlkg", "convert", str(src), "--to", "turtle", "-o", str(out)],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "bad.nt:3:" in r.stderr, r.stderr
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.nt", "out.ttl"]


def test_store_export_is_the_stores_writer_with_the_same_triples(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'kg'}"
    cli("load", str(FRAUD), "--store", url, "--no-progress")
    from_file = Graph().parse(data=cli("convert", str(FRAUD), "--to", "turtle"), format="turtle")
    for to in ("turtle", "nt"):
        out = tmp_path / f"store.{to}"
        cli("convert", "--store", url, "--to", to, "-o", str(out))
        assert isomorphic(Graph().parse(out, format=to), from_file), to
    # a store loaded without the lineage super-properties is converted through the graph path, which adds them
    bare = tmp_path / "bare.nt"
    bare.write_text("<urn:m> <https://w3id.org/mlkg#upstream> <urn:t> .\n", encoding="utf-8")
    url2 = f"oxigraph:{tmp_path / 'kg2'}"
    cli("load", str(bare), "--store", url2, "--no-lineage", "--no-progress")
    assert "wasDerivedFrom" in cli("convert", "--store", url2, "--to", "nt")


@pytest.mark.slow
def test_streamed_convert_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    from mlkg import synth

    code = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); assert p.returncode == 0; "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    rss = {}
    small = tmp_path / "small.nt"
    synth.write_ntriples(small, 10_000, seed=4)
    text = small.read_text(encoding="utf-8")
    with open(tmp_path / "big.nt", "w", encoding="utf-8") as fh:  # 15 copies under different IRIs
        for i in range(15):
            fh.write(text.replace("/mlkg/id/", f"/mlkg/id/c{i}/"))
    for name in ("small", "big"):
        src = tmp_path / f"{name}.nt"
        p = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "mlkg", "convert", str(src),
                            "--to", "turtle", "-o", str(tmp_path / f"{name}.ttl"), "-q"],
                           capture_output=True, text=True, timeout=600, env=env)
        assert p.returncode == 0, p.stderr
        rss[name] = int(p.stdout.strip().splitlines()[-1]) / 1024
    size_mb = (tmp_path / "big.nt").stat().st_size / 1e6
    # 15x the triples, ~27 MB of N-Triples: an in-memory graph needs ~1 KB per triple (150 MB); the stream only
    # its buffers
    assert rss["big"] < rss["small"] + 0.5 * size_mb, (rss, size_mb)
