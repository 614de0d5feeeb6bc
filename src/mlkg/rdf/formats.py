"""Reading and writing RDF files: Turtle, JSON-LD, N-Triples, N-Quads, RDF/XML and TriG.

Parse errors become :class:`~mlkg.errors.InputError` with file, line and column. JSON-LD is read with the bundled
context only: a document naming a remote context is refused unless ``allow_remote=True``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO, cast

from rdflib import Dataset, Graph

from .. import limits
from ..errors import InputError
from . import turtle as _turtle  # noqa: F401 - registers the lossless mlkg-turtle and mlkg-trig writers

#: Format names accepted by mlkg → rdflib format names.
FORMATS: dict[str, str] = {
    "turtle": "turtle",
    "ttl": "turtle",
    "jsonld": "json-ld",
    "json-ld": "json-ld",
    "nt": "nt",
    "ntriples": "nt",
    "nq": "nquads",
    "nquads": "nquads",
    "rdfxml": "xml",
    "xml": "xml",
    "trig": "trig",
}

SUFFIXES: dict[str, str] = {
    ".ttl": "turtle", ".turtle": "turtle", ".jsonld": "jsonld", ".json": "jsonld", ".nt": "nt", ".nq": "nq",
    ".rdf": "rdfxml", ".owl": "rdfxml", ".xml": "rdfxml", ".trig": "trig",
}

MEDIA_TYPES: dict[str, str] = {
    "turtle": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
    "nq": "application/n-quads", "rdfxml": "application/rdf+xml", "trig": "application/trig",
}


def loads_json(data: str, source: str, expected: str = "a JSON document") -> Any:
    """``json.loads`` with errors as :class:`InputError` (line and column) and the input limits of
    :mod:`mlkg.limits` (nesting, string length, number of values)."""
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as e:
        raise InputError(f"not JSON: {e.msg}", source=source, line=e.lineno, column=e.colno,
                         expected=expected) from None
    except RecursionError:
        raise limits.exceeded("json_depth", "JSON nested too deeply to read", source=source) from None
    limits.check_tree(doc, source)
    return doc


def normalize_format(fmt: str) -> str:
    """Canonical mlkg format name (``turtle``, ``jsonld``, ``nt``, ``nq``, ``rdfxml``, ``trig``).

    :raises ValueError: listing the known formats.
    """
    f = fmt.lower()
    if f not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; known: turtle, jsonld, nt, nq, rdfxml, trig")
    return {"ttl": "turtle", "json-ld": "jsonld", "ntriples": "nt", "nquads": "nq", "xml": "rdfxml"}.get(f, f)


def guess_format(path: str | Path) -> str:
    """Format from a file suffix.

    :raises InputError: if the suffix is not an RDF one.
    """
    suffix = Path(str(path)).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"cannot tell the RDF format from the suffix {suffix!r}", source=str(path),
                         expected="one of " + ", ".join(sorted(SUFFIXES)) + " (or pass --from)")
    return SUFFIXES[suffix]


_LINE_RE = [
    re.compile(r"at line (\d+)(?:,? column (\d+))?", re.I),
    re.compile(r"line (\d+)(?:,? col(?:umn)? (\d+))?", re.I),
    re.compile(r":(\d+):(\d+)"),
]


def _position(message: str) -> tuple[int | None, int | None]:
    for rx in _LINE_RE:
        m = rx.search(message)
        if m:
            return int(m.group(1)), int(m.group(2)) if m.group(2) else None
    return None, None


def _turtle_position(data: str, message: str) -> tuple[int | None, int | None]:
    # rdflib's notation3 parser reports "at ^ in:" with the text before and after the error.
    m = re.search(r'at \^ in:\s*"(.*?)"\^"', message, re.S)
    if m:
        before = m.group(1)
        tail = before[-60:] if len(before) > 60 else before
        idx = data.find(before) if before else -1
        if idx < 0 and tail:
            idx = data.find(tail)
            if idx >= 0:
                idx += len(tail) - len(before)
        if idx >= 0:
            offset = idx + len(before)
            line = data.count("\n", 0, offset) + 1
            col = offset - (data.rfind("\n", 0, offset) + 1) + 1
            return line, col
    return _position(message)


def _line_based_position(data: str, fmt: str) -> tuple[int | None, int | None]:
    """Line and column of the first error in N-Triples / N-Quads text (rdflib's parser does not say), found by
    pyoxigraph's parser; (None, None) when it accepts the text."""
    import pyoxigraph as ox

    try:
        for _ in ox.parse(data.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.N_QUADS):
            pass
    except SyntaxError as e:
        return e.lineno, e.offset
    except ValueError:
        pass
    return None, None


_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.S)
_ENTITY = re.compile(r"<!ENTITY\s+(%\s+)?([^\s\"']+)\s+(SYSTEM|PUBLIC)?\s*(\"[^\"]*\"|'[^']*')", re.S)


def check_xml_entities(data: str, source: str) -> None:
    """Refuse RDF/XML whose DOCTYPE declares external entities (a local file or URL read into the graph),
    parameter entities, or entities that refer to other entities ("billion laughs" expansion). Flat internal
    entities, the usual namespace abbreviations (``<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">``), are fine.

    :raises InputError: naming the entity and its line.
    """
    m = _DOCTYPE.search(data)
    if m is None:
        if "<!ENTITY" in data:
            raise InputError("XML entity declaration outside a readable DOCTYPE", source=source,
                             line=data.count("\n", 0, data.find("<!ENTITY")) + 1,
                             expected="RDF/XML without external, parameter or nested entities")
        return
    subset = m.group(1)
    decls = list(_ENTITY.finditer(subset))
    if subset.count("<!ENTITY") != len(decls):
        raise InputError("unreadable XML entity declaration", source=source,
                         expected="RDF/XML without external, parameter or nested entities")
    for d in decls:
        line = data.count("\n", 0, m.start(1) + d.start()) + 1
        kind = ("an external" if d.group(3) else "a parameter" if d.group(1) else
                "a nested" if "&" in d.group(4) or "%" in d.group(4) else None)
        if kind:
            raise InputError(f"RDF/XML declares {kind} XML entity {d.group(2)!r}; mlkg does not expand it",
                             source=source, line=line,
                             expected="RDF/XML without external, parameter or nested entities")


def parse_text(data: str, fmt: str, *, source: str = "<input>", graph: Graph | None = None,
               allow_remote: bool = False) -> Graph:
    """Parse RDF text into ``graph`` (a new one by default).

    :raises InputError: with file, line and column when the text is not valid ``fmt``.
    """
    from .build import new_graph  # lazy: see load_graph

    fmt = normalize_format(fmt)
    target = graph if graph is not None else new_graph()
    # a file is read into a graph of its own first, so the limits see only its triples
    g = new_graph() if len(target) else target
    _parse_into(g, data, fmt, source=source, allow_remote=allow_remote)
    if g is not target:
        limits.check_graph(g, source, data, total=len(g) + len(target))
        target += g
    else:
        limits.check_graph(g, source, data)
    return target


class _Lines(io.TextIOBase):
    """``data`` for rdflib's N-Triples and N-Quads parsers in whole lines: they read 2,048 characters at a time and
    match the line pattern on the whole buffer after each read, so one line of n characters costs n²/2,048 (a
    1,000,000-character literal: 17 s). Each read here returns at least what was asked, up to the end of a line."""

    def __init__(self, data: str) -> None:
        self.data, self.pos = data, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> str:
        d, start = self.data, self.pos
        end = len(d) if n is None or n < 0 else start + n
        if end < len(d):
            nl = d.find("\n", end - 1)
            end = len(d) if nl < 0 else nl + 1
        self.pos = min(end, len(d))
        return d[start:self.pos]


def _parse_into(g: Graph, data: str, fmt: str, *, source: str, allow_remote: bool) -> None:
    if fmt == "jsonld":
        doc = loads_json(data, source, expected="a JSON-LD document")
        from .jsonld import to_graph  # lazy: pyld (~0.2 s to import) loads only when JSON-LD is read

        to_graph(doc, graph=g, allow_remote=allow_remote, source=source, lineage=False)
        return
    if fmt == "rdfxml":
        check_xml_entities(data, source)
    try:
        if fmt in ("nq", "trig"):
            ds = Dataset()
            if fmt == "nq":
                ds.parse(source=cast(TextIO, _Lines(data)), format="nquads")
            else:
                ds.parse(data=data, format=FORMATS[fmt])
            for s, p, o, _c in ds.quads((None, None, None, None)):
                g.add((s, p, o))
        elif fmt == "nt":
            g.parse(source=cast(TextIO, _Lines(data)), format="nt")
        else:
            g.parse(data=data, format=FORMATS[fmt])
    except Exception as e:  # rdflib raises many types (BadSyntax, SAXParseException, ParserError, ...)
        msg = str(e)
        line, col = _turtle_position(data, msg) if fmt in ("turtle", "trig") else _position(msg)
        if hasattr(e, "_str") and hasattr(e, "_i"):
            # rdflib's notation3 BadSyntax carries the text and the offset of the error
            raw = e._str if isinstance(e._str, bytes) else str(e._str).encode("utf-8")
            before = raw[: e._i].decode("utf-8", "replace")
            line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
            msg = str(getattr(e, "_why", msg))
        if hasattr(e, "getLineNumber"):
            line, col = e.getLineNumber(), e.getColumnNumber()  # type: ignore[attr-defined]  # RDF/XML (SAX)
        if hasattr(e, "lines") and line is None:
            line = getattr(e, "lines", None)
            line = line + 1 if isinstance(line, int) else None
        if line is None and fmt in ("nt", "nq"):
            line, col = _line_based_position(data, fmt)
        first = msg.strip().splitlines()[0] if msg.strip() else type(e).__name__
        first = re.sub(r"\s+", " ", first)[:200]
        raise InputError(f"invalid {fmt}: {first}", source=source, line=line, column=col,
                         expected=f"a valid {fmt} document") from None


def load_graph(paths: Iterable[str | Path], *, fmt: str | None = None, graph: Graph | None = None,
               allow_remote: bool = False) -> Graph:
    """Load RDF files (``-`` for stdin) into one graph.

    :raises InputError: for unreadable files, unknown suffixes and syntax errors (with line and column), and input
        past the limits of :mod:`mlkg.limits`.
    """
    # lazy: rdf.build and rdf.context cost ~45 ms; reading JSON (azureml's client, `mlkg import --list`) needs neither
    from .build import new_graph

    g = graph if graph is not None else new_graph()
    for p in paths:
        name = str(p)
        if name == "-":
            f = normalize_format(fmt or "turtle")
            name = "<stdin>"
        else:
            f = normalize_format(fmt) if fmt else guess_format(name)
        data = limits.read_text(p if name != "<stdin>" else "-", name)
        parse_text(data, f, source=name, graph=g, allow_remote=allow_remote)
    return g


def serialize(g: Graph, fmt: str, *, compact_jsonld: bool = True, context: str = "embed") -> str:
    """Serialize a graph. JSON-LD is compacted with mlkg's context by mlkg's own writer (:func:`mlkg.rdf.jsonld.dumps`),
    the context embedded by default so any processor reads it offline (``context``: see
    :data:`mlkg.rdf.jsonld.CONTEXT_CHOICES`); Turtle and TriG keep every literal's
    lexical form (:mod:`mlkg.rdf.turtle`); the others are rdflib's writers."""
    fmt = normalize_format(fmt)
    if fmt == "jsonld":
        from .jsonld_writer import dumps  # lazy: the JSON-LD writer (~30 ms, c14n) loads only to write JSON-LD

        return dumps(g, context=context)
    if fmt in ("nq", "trig"):
        ds = Dataset()
        for t in g:
            ds.add(t)
        for p, ns in g.namespaces():
            ds.bind(p, ns, override=True)
        return ds.serialize(format="mlkg-trig" if fmt == "trig" else FORMATS[fmt])
    if fmt == "nt":
        lines = sorted(g.serialize(format="nt").splitlines())
        return "\n".join(l for l in lines if l.strip()) + "\n"
    if fmt == "turtle":
        return g.serialize(format="mlkg-turtle")
    return g.serialize(format=FORMATS[fmt])


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write a file so that readers see the old content or the new, never half (temp file + rename); ``bytes``
    are written as they are, ``str`` as UTF-8. A target that exists and is not a regular file (``/dev/stdout``,
    a FIFO) is written in place: renaming over a device would replace it.

    :raises InputError: naming the file when it cannot be written (no such directory, no space left, ...); the
        old file is then left as it was.
    """
    import os
    import tempfile

    p = Path(path)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if not (p.parent if str(p.parent) else Path(".")).is_dir():
        raise InputError(f"cannot write: no such directory {str(p.parent)!r}", source=str(p))
    if p.exists() and not p.is_file():
        try:
            with open(p, "wb") as fh:
                fh.write(data)
        except OSError as e:
            raise InputError(f"cannot write the file: {e.strerror or e}", source=str(p)) from None
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + p.name + ".", dir=str(p.parent or "."))
    except OSError as e:  # name the file asked for, not the temporary one
        raise InputError(f"cannot write the file: {e.strerror or e}", source=str(p)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the mode open() would have
        os.replace(tmp, p)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):  # disk full, file too large, ...: the old file is still there
            raise InputError(f"cannot write the file: {e.strerror or e}; the old file (if any) is unchanged",
                             source=str(p)) from None
        raise


@contextmanager
def atomic_output(path: str | Path | None) -> Iterator[IO[bytes]]:
    """A binary file to write a big output into without holding it in memory: a temporary file that becomes
    ``path`` when the block ends without an error (readers see the old file or the new one, never half), and is
    removed otherwise. With ``path`` None or ``-`` it is copied to stdout at the end (so a failed write prints
    nothing)."""
    import os
    import shutil
    import sys
    import tempfile

    to_stdout = path is None or str(path) == "-"
    p = Path(tempfile.gettempdir() if to_stdout else str(path))
    parent = p if to_stdout else (p.parent if str(p.parent) else Path("."))
    if not parent.is_dir():
        raise InputError(f"cannot write: no such directory {str(parent)!r}", source=str(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".mlkg-out." if to_stdout else "." + p.name + ".", dir=str(parent))
    except OSError as e:
        raise InputError(f"cannot write the file: {e.strerror or e}", source=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        if to_stdout:
            sys.stdout.flush()
            with open(tmp, "rb") as src:
                shutil.copyfileobj(src, sys.stdout.buffer, 1 << 20)
            sys.stdout.buffer.flush()
            os.unlink(tmp)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_json(path: str, *, data: str | None = None) -> Any:
    """Read a JSON file (``-`` for stdin) with an :class:`InputError` carrying line and column on failure."""
    name = "<stdin>" if path == "-" else path
    if data is None:
        data = limits.read_text(path, name)
    return loads_json(data, name)
