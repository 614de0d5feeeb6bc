"""What "in production" means, written once: the governance shapes and the ``production`` and
``governance_gaps`` queries are generated from it.

A **version** is in production when its stage is Production, one of its aliases is ``production``, ``prod`` or
``champion``, or an endpoint whose environment is ``production`` or ``prod`` serves it (case-insensitive). A
**model** is in production when one of its versions is, or a production endpoint deploys the model itself.

The definition appears in generated regions of ``ontology/shapes/governance.ttl`` (SHACL) and of the two query
files (SPARQL), between ``# BEGIN in-production ...`` and ``# END in-production`` comments. Both forms test names
with the same regular expression (``REGEX(..., "i")`` in SPARQL, ``sh:pattern`` with ``sh:flags "i"`` in
SHACL). Regenerate after changing this file, and check in CI::

    python -m mlkg.tools.generate --only production          # rewrite the regions (with every artefact)
    python -m mlkg.validate.production [--check]             # the same, this artefact alone
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..resources import resource_path

__all__ = ["ENVIRONMENTS", "PRODUCTION_ALIASES", "model_in_production", "outputs", "regions", "sync",
           "version_in_production"]

#: Alias names that put a version in production (case-insensitive).
PRODUCTION_ALIASES = ("production", "prod", "champion")
#: Endpoint environments that are production (case-insensitive).
ENVIRONMENTS = ("production", "prod")


def _regex(names: tuple[str, ...]) -> str:
    return "^(" + "|".join(re.escape(n) for n in names) + ")$"


def version_in_production(v: str, tag: str = "") -> str:
    """A SPARQL group pattern (for ``FILTER EXISTS``) that holds when version ``v`` (``?version``, ``$this``) is in
    production; its own variables end in ``tag``.

    The endpoint's environment is tested in an ``EXISTS`` of its own, from the endpoint that serves ``v``: written
    as one join (``?e mlkg:servesModelVersion v ; mlkg:environment ?env``), pyoxigraph read every endpoint's
    environment for every version (the ``production`` query took 20 s of CPU at 1M triples, 2.5 s this way)."""
    return (f'{{ {v} mlkg:stage mlkg:ProductionStage }}\n'
            f'UNION {{ {v} mlkg:alias ?prodAlias{tag} FILTER(REGEX(STR(?prodAlias{tag}), '
            f'"{_regex(PRODUCTION_ALIASES)}", "i")) }}\n'
            f'UNION {{ ?prodEndpoint{tag} mlkg:servesModelVersion {v} '
            f'FILTER EXISTS {{ ?prodEndpoint{tag} mlkg:environment ?prodEnv{tag} '
            f'FILTER(REGEX(STR(?prodEnv{tag}), "{_regex(ENVIRONMENTS)}", "i")) }} }}')


def model_in_production(m: str, tag: str = "") -> str:
    """A SPARQL group pattern (for ``FILTER EXISTS``) that holds when model ``m`` is in production (the
    deployment's environment in an ``EXISTS`` of its own, as in :func:`version_in_production`)."""
    return (f'{{ {m} mlkg:hasVersion ?prodVersion{tag} .\n'
            f'  {_indent(version_in_production(f"?prodVersion{tag}", tag + "v"), 2)} }}\n'
            f'UNION {{ ?prodDeployment{tag} mlkg:deploymentOf|mlkg:servesModel {m} '
            f'FILTER EXISTS {{ ?prodDeployment{tag} mlkg:environment ?prodDeploymentEnv{tag} '
            f'FILTER(REGEX(STR(?prodDeploymentEnv{tag}), "{_regex(ENVIRONMENTS)}", "i")) }} }}')


def _indent(text: str, n: int) -> str:
    return text.replace("\n", "\n" + " " * n)


def _shacl() -> str:
    """The governance pack's shapes for a production version and a production model."""
    return f'''# A version in production: stage Production, a production alias, or a production endpoint serving it.
mlkgsh:ProductionVersion a sh:NodeShape ;
    sh:or ( mlkgsh:ProductionVersion-stage mlkgsh:ProductionVersion-alias mlkgsh:ProductionVersion-endpoint ) .

mlkgsh:ProductionVersion-stage a sh:PropertyShape ;
    sh:path mlkg:stage ;
    sh:name "stage" ;
    sh:hasValue mlkg:ProductionStage ;
    sh:message "is not in the Production stage" .

mlkgsh:ProductionVersion-alias a sh:PropertyShape ;
    sh:path mlkg:alias ;
    sh:name "aliases" ;
    sh:qualifiedValueShape [ sh:pattern "{_regex(PRODUCTION_ALIASES)}" ; sh:flags "i" ] ;
    sh:qualifiedMinCount 1 ;
    sh:message "has no production alias ({", ".join(PRODUCTION_ALIASES)})" .

mlkgsh:ProductionVersion-endpoint a sh:PropertyShape ;
    sh:path [ sh:inversePath mlkg:servesModelVersion ] ;
    sh:name "endpoints" ;
    sh:qualifiedValueShape mlkgsh:ProductionEndpoint ;
    sh:qualifiedMinCount 1 ;
    sh:message "no production endpoint serves it" .

mlkgsh:ProductionEndpoint a sh:NodeShape ;
    sh:property [
        sh:path mlkg:environment ;
        sh:name "environment" ;
        sh:qualifiedValueShape [ sh:pattern "{_regex(ENVIRONMENTS)}" ; sh:flags "i" ] ;
        sh:qualifiedMinCount 1 ;
        sh:message "is not in a production environment ({", ".join(ENVIRONMENTS)})" ] .

# A model in production: one of its versions is, or a production endpoint deploys the model itself.
mlkgsh:DeployedInProduction a sh:PropertyShape ;
    sh:path [ sh:alternativePath ( [ sh:inversePath mlkg:deploymentOf ] [ sh:inversePath mlkg:servesModel ] ) ] ;
    sh:name "deployments" ;
    sh:qualifiedValueShape mlkgsh:ProductionEndpoint ;
    sh:qualifiedMinCount 1 ;
    sh:message "no production endpoint deploys it" .'''


def _render(kind: str, args: list[str]) -> str:
    if kind == "shacl":
        return _shacl()
    if kind == "version":
        return version_in_production(args[0], args[1] if len(args) > 1 else "")
    if kind == "model":
        return model_in_production(args[0], args[1] if len(args) > 1 else "")
    raise ValueError(f"unknown in-production region kind {kind!r}")


#: The files with generated regions.
FILES = (("ontology", "shapes", "governance.ttl"), ("src", "mlkg", "queries", "production.rq"),
         ("src", "mlkg", "queries", "governance_gaps.rq"))
_REGION = re.compile(r"^(?P<indent>[ \t]*)# BEGIN in-production (?P<kind>\w+)(?P<args>[^\n]*)\n"
                     r"(?P<body>.*?)^[ \t]*# END in-production\n", re.MULTILINE | re.DOTALL)


def regions(text: str) -> str:
    """``text`` with every in-production region regenerated."""
    def sub(m: re.Match[str]) -> str:
        ind = m.group("indent")
        body = _render(m.group("kind"), m.group("args").split("(", 1)[0].split())  # "(...)": a note
        lines = "".join(ind + line + "\n" if line else "\n" for line in body.split("\n"))
        return f"{ind}# BEGIN in-production {m.group('kind')}{m.group('args')}\n{lines}{ind}# END in-production\n"
    return _REGION.sub(sub, text)


def _paths() -> list[Path]:
    shapes = resource_path("ontology", "shapes", "governance.ttl")
    queries = Path(__file__).resolve().parents[1] / "queries"
    return [shapes, queries / "production.rq", queries / "governance_gaps.rq"]


def outputs() -> dict[Path, str]:
    """Every file with in-production regions, regenerated (for ``python -m mlkg.tools.generate``)."""
    return {path: regions(path.read_text(encoding="utf-8")) for path in _paths()}


def sync(*, check: bool = False) -> list[Path]:
    """Regenerate the regions (or, with ``check``, only report them): the files that differ."""
    stale = []
    for path in _paths():
        text = path.read_text(encoding="utf-8")
        if not _REGION.search(text):
            stale.append(path)  # a file without its region cannot be in step
            continue
        new = regions(text)
        if new != text:
            stale.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    stale = sync(check=check)
    for p in stale:
        print(f"{p}: in-production region {'differs from' if check else 'rewritten from'} "
              f"mlkg.validate.production", file=sys.stderr)
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
