"""The catalogue of bundled queries: one ``queries/<name>.rq`` file per question, with a header comment naming its
purpose, parameters (kind, required or optional, meaning) and columns.

>>> spec = query_spec("pii_models")
>>> [(p.name, p.kind, p.required) for p in spec.params]
[('tag', 'string', True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import InputError

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"

#: Parameter kinds a query header may declare.
PARAM_KINDS = ("entity", "string", "double", "integer", "boolean")


@dataclass(frozen=True)
class Param:
    """A parameter of a query: its variable name, kind (entity, string, double, integer, boolean), whether it is
    required, and what it means."""

    name: str
    kind: str
    required: bool
    doc: str


@dataclass(frozen=True)
class QuerySpec:
    """A query file and what its header says."""

    name: str
    path: Path
    purpose: str
    params: tuple[Param, ...]
    columns: str
    text: str

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None


_HEADER = re.compile(r"^#\s*(Query|Purpose|Param\s+\w+|Columns|Notes):\s*(.*)$")


def _parse_header(name: str, path: Path, text: str) -> QuerySpec:
    fields: dict[str, str] = {}
    params: list[Param] = []
    key: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            key = m.group(1)
            fields[key] = m.group(2).strip()
        elif key is not None:
            fields[key] += " " + line.lstrip("#").strip()
    for key, value in fields.items():
        if key.startswith("Param"):
            pname = key.split()[1]
            kind, _, rest = value.partition(",")
            required, _, doc = rest.strip().partition(".")
            kind = kind.strip()
            if kind not in PARAM_KINDS or required.strip() not in ("required", "optional"):
                raise ValueError(f"{path}: bad parameter line for {pname!r}: {value!r}")
            params.append(Param(pname, kind, required.strip() == "required", doc.strip()))
    if fields.get("Query") != name:
        raise ValueError(f"{path}: header says query {fields.get('Query')!r}, file is {name!r}")
    return QuerySpec(name=name, path=path, purpose=fields.get("Purpose", ""), params=tuple(params),
                     columns=fields.get("Columns", ""), text=text)


@cache
def query_spec(name: str) -> QuerySpec:
    """The query named ``name`` (the file ``queries/<name>.rq``).

    :raises InputError: if there is no such query; the message lists the known ones.
    """
    path = QUERY_DIR / f"{name}.rq"
    if not re.fullmatch(r"[a-z_]+", name) or not path.is_file():
        raise InputError(f"no query named {name!r}", expected="one of " + ", ".join(query_names()))
    return _parse_header(name, path, path.read_text(encoding="utf-8"))


def load_query(name: str) -> str:
    """The SPARQL text of the query ``name``."""
    return query_spec(name).text


def query_names() -> list[str]:
    """Names of every bundled query, sorted."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.rq"))


def list_queries() -> list[QuerySpec]:
    """Every bundled query with its header."""
    return [query_spec(n) for n in query_names()]


__all__ = ["PARAM_KINDS", "QUERY_DIR", "Param", "QuerySpec", "list_queries", "load_query", "query_names",
           "query_spec"]
