"""A third-party importer (``plugin_example/``) packaged as a wheel, installed by pip into a temporary
directory, found through its ``mlkg.importers`` entry point, listed by ``mlkg import --list`` and run through the
CLI. No change to mlkg is needed for it to work."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, OWL, PROV

EXAMPLE = Path(__file__).parent / "plugin_example"
SRC = Path(__file__).resolve().parents[2] / "src"


def build_wheel(dest: Path) -> Path:
    """A wheel of the example package, written the way a build backend would (PEP 427: dist-info with METADATA,
    WHEEL, entry_points.txt and RECORD), so that pip installs it like any other."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    dist = f"{name.replace('-', '_')}-{version}"
    files: dict[str, bytes] = {}
    for path in sorted((EXAMPLE / "mlkg_toy").glob("*.py")):
        files[f"mlkg_toy/{path.name}"] = path.read_bytes()
    eps = "".join(f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in table.items()) + "\n"
                  for group, table in project["entry-points"].items())
    files[f"{dist}.dist-info/METADATA"] = (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                                           f"Summary: {project['description']}\n").encode()
    files[f"{dist}.dist-info/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: mlkg-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{dist}.dist-info/entry_points.txt"] = eps.encode()
    record = "".join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()},"
                     f"{len(b)}\n" for p, b in files.items()) + f"{dist}.dist-info/RECORD,,\n"
    files[f"{dist}.dist-info/RECORD"] = record.encode()
    wheel = dest / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for p, b in files.items():
            zf.writestr(p, b)
    return wheel


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("plugin")
    wheel = build_wheel(tmp)
    target = tmp / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                           "--disable-pip-version-check", "--target", str(target), str(wheel)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (target / "mlkg_toy" / "__init__.py").is_file()
    return target


def mlkg(*args: str, site: Path | None) -> subprocess.CompletedProcess[str]:
    path = [str(site)] if site else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(SRC)])}
    return subprocess.run([sys.executable, "-m", "mlkg", *args], capture_output=True, text=True, env=env)


def test_the_installed_plugin_is_listed(site: Path) -> None:
    items = {i["name"]: i for i in json.loads(mlkg("import", "--list", "--format", "json", site=site).stdout)}
    toy = items["toy"]
    assert toy["distribution"] == "mlkg-toy" and toy["version"] == "0.3.1" and toy["target"] == "mlkg_toy:ToyImporter"
    assert toy["summary"].startswith("Toy registry") and set(toy["capabilities"]) == {"registry", "runs"}
    text = mlkg("import", "--list", site=site).stdout
    assert "toy  (no SDK needed, from mlkg-toy 0.3.1)" in text
    assert "toy" not in json.dumps([i["name"] for i in json.loads(
        mlkg("import", "--list", "--format", "json", site=None).stdout)])  # not installed: not there


def test_the_plugin_imports_through_the_cli(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "toy.ttl"
    proc = mlkg("import", "toy", str(EXAMPLE / "export.json"), "-o", str(out), site=site)
    assert proc.returncode == 0, proc.stderr
    # the model without a name failed alone; the rest was imported
    assert "failed: model None: KeyError: 'name'" in proc.stderr and "1 models" in proc.stderr
    g = Graph().parse(out)
    q = """PREFIX mlkg: <https://w3id.org/mlkg#>
    SELECT ?v ?prev WHERE { ?m mlkg:name "churn" ; mlkg:hasVersion ?v . OPTIONAL { ?v mlkg:previousVersion ?prev } }"""
    assert len(list(g.query(q))) == 2
    agents = {str(g.value(a, DCTERMS.identifier)): a for a in g.subjects(DCTERMS.publisher, None)}
    agent = agents["toy"]
    assert g.value(agent, DCTERMS.publisher) == Literal("mlkg-toy") and g.value(agent, OWL.versionInfo) == Literal("0.3.1")
    assert any(g.triples((None, PROV.wasAssociatedWith, agent)))
    # its options come from its config, checked like the built-ins'
    help_text = mlkg("import", "toy", "--help", site=site).stdout
    assert "--max-models INT" in help_text and "Import at most this many models." in help_text
    bad = mlkg("import", "toy", str(EXAMPLE / "export.json"), "--max-models", "0", site=site)
    assert bad.returncode == 2 and "max_models: 0 is too small (expected at least 1)" in bad.stderr
    strict = mlkg("import", "toy", str(EXAMPLE / "export.json"), "--strict", "-o", str(tmp_path / "s.ttl"), site=site)
    assert strict.returncode == 2 and not (tmp_path / "s.ttl").exists()
