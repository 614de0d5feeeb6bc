"""The independent engines the conformance suite runs mlkg's artefacts through, found (or prepared) on this machine.

- Apache Jena (SHACL, ARQ, RIOT): Maven's 5.x jars when ``tests/conformance/fetch_tools.sh`` could fetch them into
  the cache dir, else Debian's ``libapache-jena-java`` 4.5.0 (with its message-bundle classpath fix). One JVM runs
  many jobs (``java/Harness.java``, compiled once into the cache dir).
- jsonld.js (npm ``jsonld``, pinned in ``js/package.json``), installed by ``fetch_tools.sh`` into the cache dir.
- Apache Jena Fuseki (``jena-fuseki-main`` from Maven) for the remote store tests.

The cache dir is ``$MLKG_CI_CACHE`` or ``~/.cache/mlkg-ci``. Each helper returns None when its engine is missing, so
fixtures can skip with the reason; CI installs all of them (.ci/run).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("MLKG_CI_CACHE") or Path.home() / ".cache" / "mlkg-ci")
DEBIAN_JARS = Path("/usr/share/java")
MAVEN_JENA = CACHE / "jena-5.6.0" / "lib"
DEBIAN_JENA = ("jena-arq jena-base jena-cmds jena-core jena-dboe-base jena-dboe-index jena-dboe-storage "
               "jena-dboe-trans-data jena-dboe-transaction jena-iri jena-rdfconnection jena-shacl jena-shex jena-tdb "
               "jena-tdb2 commons-cli commons-codec commons-compress commons-csv commons-io commons-lang3 "
               "dexx.collection gson guava httpclient httpcore jackson-annotations jackson-core jackson-databind "
               "jsonld-java jakarta.json-api protobuf slf4j-api slf4j-nop thrift titanium-json-ld").split()


@dataclass(frozen=True)
class Jena:
    version: str
    classpath: str


def _debian_fix() -> Path:
    """Debian relocated Jena's bundled Xerces to ``xerces.*`` but left its message bundles under
    ``org/apache/jena/ext/xerces/``; XSDDatatype's static init then dies with "internal error". Copy them."""
    fix = CACHE / "jena-4.5.0-fix"
    marker = fix / "xerces" / "impl"
    if not marker.is_dir():
        tmp = CACHE / f"jena-4.5.0-fix.tmp{os.getpid()}"  # per process: pytest-xdist workers may race here
        shutil.rmtree(tmp, ignore_errors=True)
        with zipfile.ZipFile(DEBIAN_JARS / "jena-core.jar") as z:
            prefix = "org/apache/jena/ext/xerces/"
            for name in z.namelist():
                if name.startswith(prefix) and name.endswith(".properties"):
                    dest = tmp / "xerces" / name[len(prefix):]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(z.read(name))
        _publish(tmp, fix, marker)
    return fix


def _publish(tmp: Path, dest: Path, marker: Path) -> None:
    """Move a finished ``tmp`` dir to ``dest`` unless another process got there first (then keep theirs)."""
    try:
        tmp.rename(dest)
    except OSError:
        if not marker.exists():
            shutil.rmtree(dest, ignore_errors=True)
            tmp.rename(dest)
    shutil.rmtree(tmp, ignore_errors=True)


def jena() -> Jena | None:
    if shutil.which("java") is None:
        return None
    if MAVEN_JENA.is_dir() and any(MAVEN_JENA.glob("jena-arq-*.jar")):
        jars = sorted(str(p) for p in MAVEN_JENA.glob("*.jar") if "fuseki" not in p.name)
        return Jena("5.6.0", os.pathsep.join(jars))
    if not (DEBIAN_JARS / "jena-shacl.jar").exists():
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    parts = [str(_debian_fix())] + [str(DEBIAN_JARS / f"{j}.jar") for j in DEBIAN_JENA
                                    if (DEBIAN_JARS / f"{j}.jar").exists()]
    return Jena("4.5.0", os.pathsep.join(parts))


def _harness(j: Jena) -> Path:
    src = HERE / "java" / "Harness.java"
    key = hashlib.sha256(src.read_bytes() + j.classpath.encode()).hexdigest()[:12]
    out = CACHE / f"harness-{j.version}-{key}"
    if not (out / "Harness.class").exists():
        tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        subprocess.run(["javac", "-nowarn", "-d", str(tmp), "-cp", j.classpath, str(src)], check=True,
                       capture_output=True, timeout=300)
        _publish(tmp, out, out / "Harness.class")
    return out


def run_jena_jobs(j: Jena, jobs: Sequence[Sequence[str]], timeout: float = 900) -> list[str]:
    """Run jobs (see java/Harness.java) in one JVM; returns "OK" or "ERR ..." per job."""
    classes = _harness(j)
    text = "".join("\t".join(str(x) for x in job) + "\n" for job in jobs)
    p = subprocess.run(["java", "-Xmx2g", "-cp", str(classes) + os.pathsep + j.classpath, "Harness"],
                       input=text, capture_output=True, text=True, timeout=timeout)
    lines = [l for l in p.stdout.splitlines() if l.startswith(("OK", "ERR "))]
    if len(lines) != len(jobs):
        raise RuntimeError(f"Jena harness answered {len(lines)} of {len(jobs)} jobs (rc {p.returncode}): "
                           f"{p.stderr[-800:]}")
    return lines


# -- jsonld.js ------------------------------------------------------------------------------------------------

JS_DIR = CACHE / "js"


def jsonld_js() -> Path | None:
    if shutil.which("node") is None or not (JS_DIR / "node_modules" / "jsonld" / "package.json").exists():
        return None
    return JS_DIR


def run_jsonld_js(docs: Sequence[Any], context: Any) -> list[dict[str, str]]:
    """toRDF + URDNA2015 of each document with jsonld.js. ``context`` is served for mlkg's context IRI by a
    document loader that refuses every other URL (nothing is fetched). Returns {"nquads": ...} or {"error": ...}."""
    js = jsonld_js()
    assert js is not None
    payload = json.dumps({"docs": list(docs), "context": context})
    env = dict(os.environ, NODE_PATH=str(js / "node_modules"))
    p = subprocess.run(["node", str(HERE / "js" / "canon.js")], input=payload, capture_output=True, text=True,
                       timeout=300, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"jsonld.js failed: {p.stderr[-800:]}")
    return json.loads(p.stdout)


# -- Fuseki ---------------------------------------------------------------------------------------------------


def fuseki_classpath() -> str | None:
    if shutil.which("java") is None or not MAVEN_JENA.is_dir():
        return None
    if not any(MAVEN_JENA.glob("jena-fuseki-main-*.jar")):
        return None
    return os.pathsep.join(sorted(str(p) for p in MAVEN_JENA.glob("*.jar")))
