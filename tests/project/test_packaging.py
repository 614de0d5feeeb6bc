"""Issue 2: the ontology, shapes and contexts ship inside the wheel and load from it without the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_carries_the_ontology_shapes_and_context(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    (wheel,) = tmp_path.glob("mlkg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("mlkg/_data/ontology/mlkg.ttl", "mlkg/_data/ontology/mlkg-align.ttl",
                   "mlkg/_data/ontology/shapes/core.ttl", "mlkg/_data/ontology/shapes/governance.ttl",
                   "mlkg/_data/contexts/mlkg.context.jsonld", "mlkg/py.typed"):
        assert needed in names, needed
    assert any(n.startswith("mlkg/queries/") and n.endswith(".rq") for n in names)
    # unpacked alone (no source tree next to it), the package finds its files
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import mlkg.resources as r, json; "
            "print(r.resource_path('ontology', 'mlkg.ttl')); "
            "print(r.resource_path('contexts', 'mlkg.context.jsonld'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert all(str(site) in line for line in out.stdout.splitlines())
