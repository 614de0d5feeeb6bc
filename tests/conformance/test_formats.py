"""Every RDF format ``mlkg convert`` writes, read back by Apache Jena riot (strict), rdflib and pyoxigraph: each
parser must accept every file and read the same exact terms (lexical forms included), and every format must carry
the same terms as every other (mlkg promises lossless round trips: one lexical form in every format it writes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cases
import engines
import pytest
from rdflib import BNode, Dataset, Graph, Literal

pytestmark = pytest.mark.slow

FORMATS = {"turtle": ".ttl", "nt": ".nt", "nq": ".nq", "rdfxml": ".rdf", "trig": ".trig"}
JENA_LANG = {"turtle": "Turtle", "nt": "N-Triples", "nq": "N-Quads", "rdfxml": "RDF/XML", "trig": "TriG"}


def exact(t: Any) -> Any:
    if isinstance(t, Literal):
        return ("lit", str(t), str(t.datatype or ""), t.language or "")
    if isinstance(t, BNode):
        return ("bnode",)
    return ("iri", str(t))


def triples_rdflib(path: Path, fmt: str) -> set[Any]:
    import rdflib

    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False  # keep lexical forms as written
    try:
        rfmt = {"turtle": "turtle", "nt": "nt", "nq": "nquads", "rdfxml": "xml", "trig": "trig"}[fmt]
        if fmt in ("nq", "trig"):
            ds = Dataset()
            ds.parse(path, format=rfmt)
            return {(exact(s), exact(p), exact(o)) for s, p, o, _g in ds.quads((None, None, None, None))}
        g = Graph()
        g.parse(path, format=rfmt)
        return {(exact(s), exact(p), exact(o)) for s, p, o in g}
    finally:
        rdflib.NORMALIZE_LITERALS = saved


def _ox_exact(t: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(t, ox.Literal):
        return ("lit", t.value, t.datatype.value if t.language is None else
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", t.language or "")
    if isinstance(t, ox.BlankNode):
        return ("bnode",)
    return ("iri", t.value)


def triples_pyoxigraph(path: Path, fmt: str) -> set[Any]:
    import pyoxigraph as ox

    f = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
         "rdfxml": ox.RdfFormat.RDF_XML, "trig": ox.RdfFormat.TRIG}[fmt]
    return {(_ox_exact(q.subject), _ox_exact(q.predicate), _ox_exact(q.object)) for q in ox.parse(path=path, format=f)}


def _norm_string(t: set[Any]) -> set[Any]:
    """rdflib gives plain literals no datatype, pyoxigraph xsd:string (RDF 1.1: the same term)."""
    xs = "http://www.w3.org/2001/XMLSchema#string"
    fix = lambda x: ("lit", x[1], "", x[3]) if x[0] == "lit" and x[2] == xs else (  # noqa: E731
        ("lit", x[1], "", x[3]) if x[0] == "lit" and x[3] else x)
    return {tuple(fix(x) for x in tr) for tr in t}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    from typer.testing import CliRunner

    from mlkg import synth
    from mlkg.cli import get_app
    from mlkg.rdf.build import to_graph

    tmp = tmp_path_factory.mktemp("formats")
    sources = {p.stem: p for p in sorted(cases.EXAMPLES.glob("*.ttl"))}
    syn = tmp / "synth5.ttl"
    syn.write_text(to_graph(synth.generate(5, seed=1)).serialize(format="turtle"), encoding="utf-8")
    sources["synth5"] = syn
    om = sorted(cases.ROOT.glob("tests/data/om_mlmodel_api.json"))
    for p in om:
        sources[p.stem] = p
    out = {}
    runner = CliRunner()
    for name, src in sources.items():
        for fmt, suffix in FORMATS.items():
            dest = tmp / f"{name}{suffix}"
            res = runner.invoke(get_app(), ["convert", str(src), "--to", fmt, "-o", str(dest)])
            assert res.exit_code == 0, res.output
            out[(name, fmt)] = dest
    return out


def test_jena_riot_strict_accepts_every_export(exports: dict[tuple[str, str], Path], jena: engines.Jena) -> None:
    jobs = [("riot", str(p), JENA_LANG[fmt], str(p) + ".jena.nq") for (_n, fmt), p in sorted(exports.items())]
    answers = engines.run_jena_jobs(jena, jobs)
    bad = [f"{j[1]}: {a}" for j, a in zip(jobs, answers) if a != "OK"]
    assert not bad, bad
    for (name, fmt), p in sorted(exports.items()):
        jena_terms = triples_rdflib(Path(str(p) + ".jena.nq"), "nq")
        assert _norm_string(jena_terms) == _norm_string(triples_rdflib(p, fmt)), f"{name}.{fmt}: Jena and rdflib differ"


def test_rdflib_and_pyoxigraph_read_the_same_terms(exports: dict[tuple[str, str], Path]) -> None:
    for (name, fmt), p in sorted(exports.items()):
        a, b = _norm_string(triples_rdflib(p, fmt)), _norm_string(triples_pyoxigraph(p, fmt))
        assert a == b and len(a) > 10, f"{name}.{fmt}: {sorted(a - b)[:2]} vs {sorted(b - a)[:2]}"


# #15 N3 (Turtle and TriG wrote 1e-02 where N-Triples wrote "0.01"^^xsd:double) is fixed: mlkg.rdf.turtle.
def test_every_format_carries_the_same_terms(exports: dict[tuple[str, str], Path]) -> None:
    names = sorted({n for n, _f in exports})
    bad = []
    for name in names:
        ref = _norm_string(triples_rdflib(exports[(name, "nt")], "nt"))
        for fmt in FORMATS:
            got = _norm_string(triples_rdflib(exports[(name, fmt)], fmt))
            if got != ref:
                bad.append(f"{name}.{fmt}: {sorted(got - ref)[:1]} vs nt {sorted(ref - got)[:1]}")
    assert not bad, "\n".join(bad)
