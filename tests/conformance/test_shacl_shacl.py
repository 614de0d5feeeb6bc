"""The shapes graphs themselves: every shape is named in mlkg's shapes namespace (``mlkgsh:``), none in the
ontology's, and every pack passes the W3C SHACL-SHACL check (the shapes graph of SHACL section C, as pySHACL ships
it) on pySHACL (its ``meta_shacl``, default depth limit: no recursion tuning), the Rust ``shacl`` package and
Apache Jena. A broken shapes graph fails each check, so passing means something."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from mlkg.namespaces import MLKG_IRI, SH, SHAPES

ROOT = Path(__file__).resolve().parents[2]
PACKS = sorted((ROOT / "ontology" / "shapes").glob("*.ttl"))
SHACL_SHACL = Path(__import__("pyshacl").__file__).parent / "assets" / "shacl-shacl.ttl"
#: A shapes graph SHACL-SHACL rejects: two paths on one property shape, and a minCount that is not an integer.
BROKEN = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .
ex:P a sh:PropertyShape ; sh:path ex:p, ex:q ; sh:minCount "one" .
"""


def shape_nodes(g: Graph) -> set[URIRef]:
    nodes = {s for s, o in g.subject_objects(RDF.type) if o in (SH.NodeShape, SH.PropertyShape)}
    nodes |= {s for s, p in g.subject_predicates() if str(p).startswith(str(SH)) and p != SH.path}
    return {n for n in nodes if isinstance(n, URIRef)}


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_shapes_have_a_namespace_of_their_own(pack: Path) -> None:
    g = Graph().parse(pack, format="turtle")
    named = shape_nodes(g)
    assert named, "no named shapes found: the check would pass on nothing"
    outside = sorted(str(n) for n in named if not str(n).startswith(str(SHAPES)))
    assert not outside, outside[:10]
    # and nothing in the shapes namespace is used as a term of the data (a class, a path, a value)
    terms = {o for _s, p, o in g if p in (SH.targetClass, SH.path, SH["class"], SH.hasValue)}
    assert not {t for t in terms if isinstance(t, URIRef) and str(t).startswith(str(SHAPES))}
    ontology = Graph().parse(ROOT / "ontology" / "mlkg.ttl", format="turtle")
    assert not {s for s in ontology.subjects() if str(s).startswith(str(SHAPES))}
    assert not {n for n in named if (URIRef(MLKG_IRI + str(n)[len(str(SHAPES)):]), None, None) in ontology}


def _pyshacl_meta(shapes: Graph) -> bool:
    """pySHACL's own SHACL-SHACL check with its default ``max_validation_depth``: a shapes graph it rejects raises
    "does not validate against the SHACL Shapes SHACL (MetaSHACL) file"; one too deeply nested to check raises "Validation path
    too deep" (what governance.ttl did before its list members were wrapped), which fails the test."""
    from pyshacl import validate
    from pyshacl.errors import ReportableRuntimeError

    try:
        validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    except ReportableRuntimeError as e:
        if "does not validate against the shacl shapes shacl" in str(e).lower():
            return False
        raise
    return True


@pytest.mark.slow
@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_pyshacl_meta_shacl_accepts_every_pack(pack: Path) -> None:
    """core.ttl's 457 shapes take pySHACL about 20 s (50 s on a loaded machine): there is no cheaper way to have
    pySHACL itself check them."""
    assert _pyshacl_meta(Graph().parse(pack, format="turtle"))


def test_pyshacl_meta_shacl_rejects_a_broken_graph() -> None:
    assert not _pyshacl_meta(Graph().parse(data=BROKEN, format="turtle"))


@pytest.mark.slow
def test_rust_shacl_shacl_check(rust_shacl: object) -> None:
    meta = rust_shacl.Shapes.from_file(str(SHACL_SHACL))  # type: ignore[attr-defined]
    assert not meta.validate_text(BROKEN, "turtle").conforms
    for pack in PACKS:
        res = meta.validate_text(pack.read_text(encoding="utf-8"), "turtle")
        assert res.conforms, (pack.name, res.turtle[:1500])


@pytest.mark.slow
def test_jena_shacl_shacl_check(jena: object, tmp_path: Path) -> None:
    import engines

    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN, encoding="utf-8")
    files = [*PACKS, broken]
    jobs = [("shacl", str(f), str(SHACL_SHACL), str(tmp_path / f"{f.stem}.report.nt")) for f in files]
    answers = engines.run_jena_jobs(jena, jobs)  # type: ignore[arg-type]
    for f, job, answer in zip(files, jobs, answers):
        assert answer == "OK", (f.name, answer)
        report = Graph().parse(job[3], format="nt")
        conforms = set(report.objects(None, SH.conforms))
        assert conforms == {Literal(f is not broken)}, (f.name, report.serialize(format="turtle")[:1500])
        if f is broken:
            assert any(isinstance(s, BNode) for s in report.subjects(RDF.type, SH.ValidationResult))
