"""OWL 2 DL: OWL API's profile checker (``OWL2DLProfile``, OWL API 5.1.20 from Debian's libowlapi-java) finds no
violation in mlkg's ontology, alone and with its alignment module. The imported W3C vocabularies are stood in for
by their logical axioms (tests/data/prov-dcat-min.ttl); the violations of that extract itself (terms it leaves
undeclared, DCAT's xsd:duration) are not mlkg's, so with it loaded only violations the extract has alone are allowed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OWLAPI = Path("/usr/share/java")
JARS = ["owlapi-api", "owlapi-apibinding", "owlapi-impl", "owlapi-parsers", "owlapi-rio", "owlapi-tools",
        "owlapi-oboformat", "slf4j-api", "slf4j-nop", "guava", "failureaccess", "commons-io", "commons-lang3",
        "commons-rdf-api", "commons-codec", "commons-logging", "jsr305", "caffeine", "atinject-jsr330-api", "xz",
        "hppcrt", "jackson-core", "jackson-databind", "jackson-annotations", "httpclient", "httpcore"]
EXTRACT = ROOT / "tests" / "data" / "prov-dcat-min.ttl"


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    if shutil.which("javac") is None or not (OWLAPI / "owlapi-api.jar").exists():
        pytest.skip("OWL API not found: apt-get install libowlapi-java default-jdk-headless")
    cp = [str(OWLAPI / f"{j}.jar") for j in JARS if (OWLAPI / f"{j}.jar").exists()]
    cp += sorted(str(p) for p in OWLAPI.glob("rdf4j-*.jar") if not re.search(r"-\d", p.name))
    out = tmp_path_factory.mktemp("owlprofile")
    subprocess.run(["javac", "-nowarn", "-d", str(out), "-cp", ":".join(cp), str(HERE / "java" / "OwlProfile.java")],
                   check=True, capture_output=True, timeout=300)
    return ["java", "-cp", ":".join([str(out), *cp]), "OwlProfile"]


def _file(tmp: Path, name: str, *sources: Path) -> Path:
    g = Graph()
    for s in sources:
        g.parse(s, format="turtle")
    g.remove((None, OWL.imports, None))  # never fetch: the imports are stood in for or left out
    p = tmp / name
    g.serialize(p, format="xml")
    return p


def check(runner: list[str], *files: Path) -> dict[str, list[str]]:
    p = subprocess.run([*runner, *map(str, files)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0 and "DONE" in p.stdout, p.stderr[-2000:]
    out: dict[str, list[str]] = {str(f): [] for f in files}
    checked = set()
    for line in p.stdout.splitlines():
        if line.startswith("VIOLATION "):
            path, _, text = line[len("VIOLATION "):].partition(" ")
            # what is wrong with which term ("Use of undeclared datatype: xsd:date"), without the axiom it was
            # found in: merged files attach annotations of either file to it
            out[path].append(text.split(" [", 1)[0])
        elif line.startswith("CHECKED "):
            checked.add(line.split()[1])
    assert checked == set(out), p.stdout[-2000:]
    return out


def test_ontology_is_owl2_dl(runner: list[str], tmp_path: Path) -> None:
    core = _file(tmp_path, "core.owl", ROOT / "ontology" / "mlkg.ttl")
    aligned = _file(tmp_path, "aligned.owl", ROOT / "ontology" / "mlkg.ttl", ROOT / "ontology" / "mlkg-align.ttl",
                    EXTRACT)
    extract = _file(tmp_path, "extract.owl", EXTRACT)
    found = check(runner, core, aligned, extract)
    assert found[str(core)] == [], found[str(core)]
    assert set(found[str(aligned)]) <= set(found[str(extract)]), set(found[str(aligned)]) - set(found[str(extract)])


def test_the_check_finds_a_datatype_outside_the_map(runner: list[str], tmp_path: Path) -> None:
    """The check can fail: the range mlkg had (xsd:date, outside the OWL 2 datatype map) is a violation."""
    text = (ROOT / "ontology" / "mlkg.ttl").read_text(encoding="utf-8")
    i = text.index("mlkg:releaseDate\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text(text[:i] + text[i:].replace("rdfs:range rdfs:Literal", "rdfs:range xsd:date", 1), encoding="utf-8")
    found = check(runner, _file(tmp_path, "bad.owl", bad))
    (v,) = found[str(tmp_path / "bad.owl")]
    assert v == "Use of undeclared datatype: xsd:date", v
