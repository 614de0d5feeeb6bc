"""Coverage-guided fuzzing of one mlkg reader with atheris (libFuzzer for Python): the reader's seeds from
tests/fuzz/targets.py are the starting corpus, libFuzzer mutates them guided by the lines and branches of mlkg,
rdflib, pyld and PyYAML they reach, and the rule is the one of tests/fuzz: success, or a clean mlkg error naming the
file. Anything else (a traceback) is a crash: libFuzzer stops and writes the input to ``crash-<sha1>``.

atheris needs its own venv (it ships libFuzzer in its wheel; 3.0.0 is the newest with a CPython 3.11 wheel here):

    python3 -m venv /work/venvs/atheris && /work/venvs/atheris/bin/pip install atheris==3.0.0
    # mlkg and its dependencies from the project's venv (same Python):
    echo /path/to/.venv/lib/python3.11/site-packages > /work/venvs/atheris/lib/python3.11/site-packages/mlkg.pth
    /work/venvs/atheris/bin/python tools/fuzz_atheris/harness.py turtle -max_total_time=60 -print_final_stats=1

The first argument is the reader (``--list`` prints them); the rest go to libFuzzer (``-runs=N``,
``-max_total_time=S``, a corpus directory). ``tools/fuzz_atheris/run.py`` runs every reader for a bounded time.
"""

from __future__ import annotations

import importlib
import logging
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
sys.path.insert(0, str(ROOT / "src"))

import atheris  # noqa: E402

_RDF = (["mlkg.rdf.formats"], ["mlkg.rdf", "rdflib.plugins.parsers", "rdflib.term"])
_JSON = (["mlkg.io"], ["mlkg.io", "mlkg.model", "mlkg.rdf", "mlkg.schema", "pyld"])
#: Per reader: the modules to import instrumented, and the packages whose lines and branches guide the fuzzer
#: (instrumenting everything takes minutes of CPU before the first case).
READERS: dict[str, tuple[list[str], list[str]]] = {
    "openmetadata-json": _JSON, "mlkg-jsonld": _JSON,
    "openmetadata-import": (["mlkg.importers.openmetadata"], ["mlkg.importers", "mlkg.model", "mlkg.rdf"]),
    "turtle": _RDF, "ntriples": _RDF, "nquads": _RDF, "rdfxml": _RDF, "trig": _RDF,
    "shacl-pack": (["mlkg.validate"], ["mlkg.validate", "mlkg.rdf", "rdflib.plugins.parsers"]),
    "huggingface-card": (["mlkg.importers.huggingface"], ["mlkg.importers.huggingface", "yaml", "mlkg.model"]),
    "query-params": (["mlkg.query"], ["mlkg.query"]),
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: harness.py READER [libFuzzer options] [corpus dir]  (harness.py --list)")
    reader = sys.argv.pop(1)
    if reader == "--list":
        print("\n".join(READERS))
        return
    if reader not in READERS:
        sys.exit(f"unknown reader {reader!r}; one of: {', '.join(READERS)}")
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    modules, include = READERS[reader]
    with atheris.instrument_imports(include=include):
        for m in modules:
            importlib.import_module(m)
    import targets as T

    t = T.targets()[reader]
    case = Path(tempfile.mkdtemp(prefix=f"atheris-{reader}-")) / f"case{t.suffix}"
    corpus = [a for a in sys.argv[1:] if not a.startswith("-")]
    for d in corpus:  # the seeds start an empty corpus directory
        p = Path(d)
        p.mkdir(parents=True, exist_ok=True)
        if not any(p.iterdir()):
            for i, seed in enumerate(t.seeds):
                (p / f"seed{i}{t.suffix}").write_bytes(seed)

    def one_input(data: bytes) -> None:
        case.write_bytes(data)
        T.check(t, case)  # raises T.Crash (a crash for libFuzzer) unless ok or a clean mlkg error

    if not corpus:  # no corpus dir: libFuzzer starts from nothing, so try the seeds first
        for seed in t.seeds:
            one_input(seed)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
