"""Streaming conversion of line-based RDF: N-Triples and N-Quads files to N-Triples or Turtle, in memory that does
not grow with the input (pyoxigraph's parser and writers, one triple at a time).

The output is what ``mlkg convert`` writes for the same files, less the sorting: every triple of the input (the
graph names of N-Quads dropped, as when the files are read into one graph) plus the lineage super-property triples
(:func:`mlkg.rdf.closure.super_properties`). Literals keep their lexical form (``"0.10"``, ``007``, ``+00:00``: no
store in between to canonicalise them). A triple is written once per run of triples about the same subject, which
is how N-Triples files are laid out (mlkg's, stores' dumps); a file that repeats a triple far from its first
occurrence gets it repeated in the output, which is the same RDF graph.

>>> import io, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.nt"
>>> _ = p.write_text('<urn:a> <https://w3id.org/mlkg#upstream> <urn:b> .\\n<urn:a> <urn:p> "0.10" .\\n')
>>> out = io.BytesIO()
>>> convert_stream([p], "nt", out)
3
>>> print(out.getvalue().decode().strip())
<urn:a> <https://w3id.org/mlkg#upstream> <urn:b> .
<urn:a> <http://www.w3.org/ns/prov#wasDerivedFrom> <urn:b> .
<urn:a> <urn:p> "0.10" .
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import PREFIXES
from .closure import super_properties

#: Input formats read as a stream, and output formats written as one.
STREAM_INPUTS = {"nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS}
STREAM_OUTPUTS = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE}


class _BlankNodes:
    """Renames the blank nodes of one file (``_:x`` → ``_:f1_x``) so two files' labels stay two nodes."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: dict[str, Any] = {}

    def __call__(self, t: Any) -> Any:
        if not isinstance(t, ox.BlankNode):
            return t
        b = self.seen.get(t.value)
        if b is None:
            b = self.seen[t.value] = ox.BlankNode(self.prefix + t.value)
        return b


def _triples(inputs: Sequence[tuple[Path, str]], lineage: bool, counter: list[int]) -> Iterator[Any]:
    sup = {ox.NamedNode(str(p)): [ox.NamedNode(str(q)) for q in qs] for p, qs in super_properties().items()} \
        if lineage else {}
    several = len(inputs) > 1
    for i, (path, fmt) in enumerate(inputs):
        current: Any = None
        seen: set[tuple[Any, Any]] = set()
        fresh = _BlankNodes(f"f{i}_") if several else None  # blank node labels are scoped to one file
        try:
            for q in ox.parse(path=str(path), format=STREAM_INPUTS[fmt]):
                s, p, o = q.subject, q.predicate, q.object
                if fresh is not None:
                    s, o = fresh(s), fresh(o)
                if s != current:
                    current, seen = s, set()
                if (p, o) not in seen:
                    seen.add((p, o))
                    counter[0] += 1
                    yield ox.Triple(s, p, o)
                for sp in sup.get(p, ()):
                    if (sp, o) not in seen:
                        seen.add((sp, o))
                        counter[0] += 1
                        yield ox.Triple(s, sp, o)
        except SyntaxError as e:
            msg = str(e).strip().splitlines()[0] if str(e).strip() else "syntax error"
            raise InputError(f"invalid {fmt}: {msg[:200]}", source=str(path), line=e.lineno, column=e.offset,
                             expected=f"a valid {fmt} document") from None
        except (ValueError, OSError) as e:
            raise InputError(f"cannot read: {str(e).splitlines()[0] if str(e) else type(e).__name__}",
                             source=str(path)) from None


def convert_stream(inputs: Sequence[str | Path | tuple[str | Path, str]], to: str, out: IO[bytes], *,
                   lineage: bool = True) -> int:
    """Write the triples of N-Triples / N-Quads ``inputs`` (paths, or ``(path, format)`` pairs; the format comes
    from the suffix otherwise) to the binary file ``out`` as ``to`` (``nt`` or ``turtle``); returns the number of
    triples written. With ``lineage`` the super-property triples are added.

    :raises InputError: naming the file, line and column of a syntax error (``out`` then holds a partial
        document: write to a temporary file, see :func:`mlkg.rdf.formats.atomic_output`).
    """
    if to not in STREAM_OUTPUTS:
        raise ValueError(f"cannot stream to {to!r}; streaming writes {', '.join(STREAM_OUTPUTS)}")
    pairs: list[tuple[Path, str]] = []
    for item in inputs:
        path, fmt = (item if isinstance(item, tuple) else (item, Path(str(item)).suffix.lstrip(".").lower()))
        if fmt not in STREAM_INPUTS:
            raise ValueError(f"cannot stream {fmt!r} input; streaming reads {', '.join(STREAM_INPUTS)}")
        pairs.append((Path(path), fmt))
    counter = [0]
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if to == "turtle" else None
    ox.serialize(_triples(pairs, lineage, counter), out, STREAM_OUTPUTS[to], prefixes=prefixes)
    return counter[0]


__all__ = ["STREAM_INPUTS", "STREAM_OUTPUTS", "convert_stream"]
