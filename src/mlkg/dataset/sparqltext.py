"""SPARQL text helpers: the query form, a term in SPARQL syntax, and bindings written as ``VALUES`` blocks for
stores that take only query text (SPARQL endpoints).

>>> from rdflib import Literal
>>> print(with_values("SELECT ?x ?n WHERE { ?x <urn:p> ?n }", {"n": Literal('a"b')}))
SELECT ?x ?n WHERE { VALUES (?n) { ("a\\"b") }  ?x <urn:p> ?n }
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from ..errors import InputError

_IRI_RE = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_VAR_RE = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")


def _scan(text: str) -> Iterator[tuple[int, str]]:
    """Yield (position, token) for the significant characters and keywords of a SPARQL text, skipping comments,
    strings and IRIs (a small lexer, enough to find the query form and the outer WHERE group)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            q = c * 3 if long else c
            j = i + len(q)
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(q, j):
                    j += len(q)
                    break
                j += 1
            i = j
        elif c == "<":
            m = _IRI_RE.match(text, i)
            if m:
                i = m.end()
            else:
                yield i, c
                i += 1
        elif c in "?$":
            m = _VAR_RE.match(text, i + 1)
            if m:
                yield i, "?" + m.group(0)
                i = m.end()
            else:
                i += 1
        elif c.isalpha():
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_:-]*").match(text, i)
            assert m
            yield i, m.group(0).upper()
            i = m.end()
        else:
            if c in "{}":
                yield i, c
            i += 1


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (or UPDATE when the text is an update)."""
    for _, tok in _scan(text):
        if tok in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return tok
        if tok in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"):
            return "UPDATE"
    raise InputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found", source="<query>")


def term_sparql(term: Identifier) -> str:
    """An rdflib term in SPARQL/N-Triples syntax (used only for VALUES blocks sent to remote servers)."""
    if isinstance(term, URIRef):
        if not _IRI_RE.fullmatch(f"<{term}>"):
            raise InputError(f"{str(term)!r} is not a valid IRI", source="<bindings>")
        return f"<{term}>"
    if isinstance(term, Literal):
        lex = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{lex}"@{term.language}'
        if term.datatype is not None:
            return f'"{lex}"^^<{term.datatype}>'
        return f'"{lex}"'
    if isinstance(term, BNode):
        raise InputError("a blank node cannot be bound in a query sent to a server", source="<bindings>")
    raise TypeError(f"cannot write {term!r} as SPARQL")


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """``text`` with a ``VALUES`` block for the bound variables at the start of every WHERE group (the query's and
    each sub-SELECT's) that mentions them.

    That is how bindings reach a server: the variables stay variables (still projected), the values are written in
    SPARQL term syntax, escaped, never pasted as raw text; and because the block sits inside the sub-SELECTs too,
    engines bind the value before walking a path from it (as SEP-0007 substitution does).
    """
    if not bindings:
        return text
    for name in bindings:
        if not _VAR_RE.fullmatch(name):
            raise ValueError(f"not a variable name: {name!r}")
    groups: list[tuple[int, set[str]]] = []
    stack: list[tuple[int, bool, set[str]]] = []
    pending: str | None = None
    where_seen = False
    for i, tok in _scan(text):
        if tok in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            pending, where_seen = tok, False
        elif tok == "WHERE" and pending is not None:
            where_seen = True
        elif tok == "{":
            is_where = pending is not None and (where_seen or pending in ("SELECT", "ASK"))
            if is_where:
                pending = None
            stack.append((i, is_where, set()))
        elif tok == "}":
            if not stack:
                break
            pos, is_where, names = stack.pop()
            if is_where:
                groups.append((pos, names))
            if stack:
                stack[-1][2].update(names)
        elif tok.startswith("?") and stack:
            stack[-1][2].add(tok[1:])
    if not groups:
        raise InputError("cannot bind values: no WHERE group found in the query", source="<query>")
    outer = min(p for p, _ in groups)
    inserts: list[tuple[int, list[str]]] = []
    for pos, names in groups:
        here = [n for n in bindings if n in names or (pos == outer and not any(n in ns for _, ns in groups))]
        if here:
            inserts.append((pos, here))
    for pos, bound in sorted(inserts, reverse=True):
        vals = " ".join(term_sparql(bindings[n]) for n in bound)
        block = " VALUES (" + " ".join("?" + n for n in bound) + ") { (" + vals + ") } "
        text = text[: pos + 1] + block + text[pos + 1:]
    return text


__all__ = ["query_form", "term_sparql", "with_values"]
