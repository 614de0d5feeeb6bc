"""Every instance IRI mlkg writes is minted here.

IRIs are deterministic: the same kind and fully qualified name give the same IRI, so importing a model twice
yields one node. Names are percent-encoded, so any name is safe (spaces, slashes, ``#``, quotes, non-ASCII).

>>> mint("mlmodel", 'mlflow-prod.churn "v2"/eu', base="https://example.org/")
'https://example.org/mlmodel/mlflow-prod.churn%20%22v2%22%2Feu'
>>> fqn_join("svc", "my.model")
'svc."my.model"'
"""

from __future__ import annotations

import os
from functools import lru_cache
from urllib.parse import quote, unquote

from .namespaces import DEFAULT_BASE

_SAFE = "-._~"


def default_base() -> str:
    """The base for instance IRIs: ``MLKG_BASE`` from the environment, else :data:`DEFAULT_BASE`."""
    return os.environ.get("MLKG_BASE", DEFAULT_BASE)


def check_base(base: str) -> str:
    """Validate a base IRI: absolute http(s)/urn, ending in ``/`` or ``#``.

    :raises ValueError: if the base cannot prefix instance IRIs.
    """
    if not (base.startswith(("http://", "https://", "urn:")) and base[-1] in "/#:"):
        raise ValueError(f"instance base {base!r} must be an absolute IRI ending in '/', '#' or ':'")
    if any(c in base for c in ' <>"{}|\\^`'):
        raise ValueError(f"instance base {base!r} contains characters not allowed in an IRI")
    return base


def encode(name: str) -> str:
    """Percent-encode one name for use in an IRI path segment."""
    return quote(name, safe=_SAFE)


def mint(kind: str, fqn: str, *, base: str | None = None) -> str:
    """IRI of the entity of ``kind`` (an OpenMetadata-style type such as ``mlmodel``) named ``fqn``."""
    if not fqn:
        raise ValueError(f"cannot mint an IRI for a {kind} without a name")
    return _mint(kind, fqn, base or default_base())


@lru_cache(maxsize=65536)
def _mint(kind: str, fqn: str, base: str) -> str:
    return _checked_base(base) + kind + "/" + encode(fqn)


@lru_cache(maxsize=64)
def _checked_base(base: str) -> str:
    return check_base(base)


def mint_uuid(kind: str, uuid: str, *, base: str | None = None) -> str:
    """IRI in OpenMetadata's server scheme, ``{base}entity/{type}/{uuid}``, so graphs merge with its RDF."""
    return check_base(base or default_base()) + "entity/" + encode(kind) + "/" + encode(uuid)


def parse(iri: str, *, base: str | None = None) -> tuple[str, str] | None:
    """Inverse of :func:`mint`: ``(kind, fqn)``, or ``None`` if the IRI was not minted under ``base``."""
    b = base or default_base()
    if not iri.startswith(b):
        return None
    rest = iri[len(b):]
    kind, sep, enc = rest.partition("/")
    if not sep or kind == "entity":
        return None
    return kind, unquote(enc)


def quote_part(name: str) -> str:
    """Quote one FQN part the way OpenMetadata does: names containing a dot are wrapped in double quotes."""
    if "." in name and not (name.startswith('"') and name.endswith('"')):
        return '"' + name.replace('"', '\\"') + '"'
    return name


def fqn_join(*parts: str) -> str:
    """Join FQN parts with dots, quoting parts that contain dots."""
    return ".".join(quote_part(p) for p in parts if p != "")


def fqn_child(parent: str, *parts: str) -> str:
    """FQN of a node under ``parent`` (an FQN already): ``parent`` plus quoted ``parts``.

    >>> fqn_child('svc."my.model"', "f1", "a.b")
    'svc."my.model".f1."a.b"'
    """
    return ".".join([parent, *(quote_part(p) for p in parts if p != "")])


def split_fqn(fqn: str) -> list[str]:
    """Split an FQN on dots outside double quotes (inverse of :func:`fqn_join`)."""
    out, cur, quoted, i = [], [], False, 0
    while i < len(fqn):
        c = fqn[i]
        if c == "\\" and quoted and i + 1 < len(fqn):
            cur.append(fqn[i + 1])
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c == "." and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out
