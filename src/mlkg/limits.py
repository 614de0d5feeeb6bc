"""Input limits: how big a file, how long a literal, how many triples, entities and JSON values, how deep a JSON
or YAML document mlkg reads before it refuses the input with an :class:`~mlkg.errors.InputError` (exit 2 on the
CLI) naming the file, where the limit was crossed and the limit itself.

Every limit has a default, an environment variable and a CLI override (``mlkg --limit NAME=N COMMAND ...``); the
order is: :func:`override` (and ``--limit``) > environment > default. ``0`` means no limit.

>>> get("json_depth")
100
>>> with override(literal_chars=5):
...     check_tree({"a": ["x" * 6]}, "doc.json")
Traceback (most recent call last):
    ...
mlkg.errors.InputError: doc.json: $.a[0]: a string of 6 characters is longer than the limit (expected at most 5 characters (limit literal_chars: raise it with --limit literal_chars=N or MLKG_MAX_LITERAL_CHARS=N))
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError


@dataclass(frozen=True)
class Limit:
    """One limit: its name (for ``--limit``), environment variable, default and unit."""

    name: str
    env: str
    default: int
    unit: str
    doc: str


#: The limits, by name. The defaults leave room for every real input seen (OpenMetadata's documents nest fewer than
#: 10 levels; the largest model card in the fixtures has 40,000 characters) and stop input that would take
#: gigabytes of memory (rdflib keeps about 1 KB per triple).
LIMITS: dict[str, Limit] = {lim.name: lim for lim in (
    Limit("file_bytes", "MLKG_MAX_FILE_BYTES", 1 << 30, "bytes",
          "size of one input file read into memory (mlkg load into a store streams and is not bound by it)"),
    Limit("literal_chars", "MLKG_MAX_LITERAL_CHARS", 10_000_000, "characters",
          "length of one RDF literal, JSON or YAML string (or key)"),
    Limit("triples", "MLKG_MAX_TRIPLES", 20_000_000, "triples", "triples read from files into one in-memory graph"),
    Limit("entities", "MLKG_MAX_ENTITIES", 1_000_000, "entities", "entities one JSON document describes"),
    Limit("json_values", "MLKG_MAX_JSON_VALUES", 10_000_000, "values",
          "objects, arrays, strings, numbers in one JSON or YAML document (YAML aliases count each time used)"),
    Limit("json_depth", "MLKG_MAX_JSON_DEPTH", 100, "levels", "nesting of objects and arrays in JSON or YAML"),
)}

_OVERRIDES: dict[str, int] = {}
_TRUSTED = threading.local()


def _limit(name: str) -> Limit:
    if name not in LIMITS:
        raise InputError(f"unknown limit {name!r}", source="--limit", expected="one of " + ", ".join(LIMITS))
    return LIMITS[name]


def _parse_value(text: str, source: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = -1
    if value < 0:
        raise InputError(f"{text!r} is not a limit", source=source, expected="a whole number, 0 or more (0: none)")
    return value


def get(name: str) -> int:
    """The limit in force (0: none).

    :raises InputError: for an unknown name, or an environment variable that is not a number.
    """
    lim = _limit(name)
    if getattr(_TRUSTED, "on", False):
        return 0
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    env = os.environ.get(lim.env)
    if env not in (None, ""):
        return _parse_value(env, lim.env)
    return lim.default


def set_limit(name: str, value: int) -> None:
    """Override a limit for this process (what ``mlkg --limit NAME=N`` does); ``0`` removes it."""
    _limit(name)
    _OVERRIDES[name] = _parse_value(str(value), f"--limit {name}")


def set_from_options(assignments: list[str]) -> None:
    """The limits of one command line: every ``NAME=N`` given to ``--limit``, replacing earlier overrides.

    :raises InputError: naming ``--limit`` and what was expected.
    """
    new: dict[str, int] = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        name = name.strip()
        if not sep:
            raise InputError(f"{assignment!r} is not NAME=N", source="--limit",
                             expected="NAME=N with NAME one of " + ", ".join(LIMITS))
        _limit(name)
        new[name] = _parse_value(value.strip(), f"--limit {name}")
    _OVERRIDES.clear()
    _OVERRIDES.update(new)


@contextmanager
def override(**limits: int) -> Iterator[None]:
    """Limits changed inside a ``with`` block (``with override(triples=1000): ...``)."""
    old = dict(_OVERRIDES)
    try:
        for k, v in limits.items():
            set_limit(k, v)
        yield
    finally:
        _OVERRIDES.clear()
        _OVERRIDES.update(old)


@contextmanager
def unlimited() -> Iterator[None]:
    """No limits in this thread inside the block: for mlkg's own files (the bundled rule packs, the ontology),
    which the user's limits are not about."""
    before = getattr(_TRUSTED, "on", False)
    _TRUSTED.on = True
    try:
        yield
    finally:
        _TRUSTED.on = before


def exceeded(name: str, message: str, *, source: str, path: str | None = None, line: int | None = None,
             column: int | None = None) -> InputError:
    """The error for input past limit ``name``: ``message`` says what was too big, the error names the limit and
    how to raise it."""
    lim = LIMITS[name]
    return InputError(message, source=source, path=path, line=line, column=column,
                      expected=f"at most {get(name):,} {lim.unit} (limit {name}: raise it with --limit {name}=N "
                               f"or {lim.env}=N)")


def _over(name: str, value: int) -> bool:
    limit = get(name)
    return bool(limit) and value > limit


# -- files ----------------------------------------------------------------------------------------------------------


def check_size(path: str | Path, source: str | None = None) -> None:
    """Refuse a file larger than ``file_bytes`` before reading it (a missing file is left to the reader)."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return
    if _over("file_bytes", size):
        raise exceeded("file_bytes", f"the file has {size:,} bytes, more than the limit", source=source or str(path))


def read_text(path: str | Path, source: str | None = None, *, errors: str = "strict") -> str:
    """A UTF-8 text file, or ``-`` for stdin, within ``file_bytes``.

    :raises InputError: naming the file if it is missing, unreadable, too large or not UTF-8.
    """
    name = source or ("<stdin>" if str(path) == "-" else str(path))
    if str(path) == "-":
        limit = get("file_bytes")
        data = sys.stdin.read(limit + 1) if limit else sys.stdin.read()
        if limit and len(data.encode("utf-8", "surrogatepass")) > limit:
            raise exceeded("file_bytes", "the input has more bytes than the limit", source=name)
        return data
    raw = read_bytes(path, name)
    try:
        return raw.decode("utf-8", errors)
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start})", source=name) from None


def read_bytes(path: str | Path, source: str | None = None) -> bytes:
    """A file's bytes within ``file_bytes``.

    :raises InputError: naming the file if it is missing, unreadable or too large.
    """
    name = source or str(path)
    check_size(path, name)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", source=name) from None
    except IsADirectoryError:
        raise InputError("is a directory", source=name, expected="a file") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", source=name) from None


# -- parsed documents -----------------------------------------------------------------------------------------------


def _child(path: str, key: Any) -> str:
    return f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]"


def check_tree(data: Any, source: str) -> None:
    """Refuse a parsed JSON or YAML document past ``json_depth``, ``literal_chars`` or ``json_values``, naming
    the JSON path where the limit was crossed. Works without recursion, and on YAML whose aliases make the
    document a graph (each use counts; a cycle is refused by the depth limit)."""
    depth_lim, chars_lim, values_lim = get("json_depth"), get("literal_chars"), get("json_values")
    stack: list[tuple[Any, int, str]] = [(data, 1, "$")]
    count = 0
    while stack:
        x, depth, path = stack.pop()
        count += 1
        if values_lim and count > values_lim:
            raise exceeded("json_values", f"the document has more than {values_lim:,} values", source=source,
                           path=path)
        if isinstance(x, str):
            if chars_lim and len(x) > chars_lim:
                raise exceeded("literal_chars", f"a string of {len(x):,} characters is longer than the limit",
                               source=source, path=path)
            continue
        if not isinstance(x, (dict, list)):
            continue
        if depth_lim and depth > depth_lim:
            raise exceeded("json_depth", f"nested {depth_lim}+ levels deep", source=source, path=path)
        if isinstance(x, dict):
            for k, v in x.items():
                if isinstance(k, str) and chars_lim and len(k) > chars_lim:
                    raise exceeded("literal_chars", f"a key of {len(k):,} characters is longer than the limit",
                                   source=source, path=path)
                stack.append((v, depth + 1, _child(path, k)))
        else:
            stack.extend((v, depth + 1, _child(path, i)) for i, v in enumerate(x))


def check_entities(count: int, source: str) -> None:
    """Refuse a document describing more than ``entities`` entities."""
    if _over("entities", count):
        raise exceeded("entities", f"the document describes {count:,} entities, more than the limit", source=source)


def check_graph(g: Any, source: str, data: str | None = None, *, total: int | None = None) -> None:
    """Refuse an rdflib graph read from ``source`` with a literal longer than ``literal_chars`` (named by its
    subject and predicate, and its line in ``data`` when it can be found) or more than ``triples`` triples
    (``total``: the size of the graph the file was added to, if more)."""
    n = max(len(g), total or 0)
    if _over("triples", n):
        raise exceeded("triples", f"reading this file makes {n:,} triples, more than the limit", source=source)
    chars_lim = get("literal_chars")
    if not chars_lim or (data is not None and len(data) <= chars_lim):
        return  # no literal is longer than the text it was read from: the scan runs only for big files
    from rdflib import Literal

    for s, p, o in g:
        if isinstance(o, Literal) and len(o) > chars_lim:
            line = None
            if data is not None:
                at = data.find(str(o)[:40])
                line = data.count("\n", 0, at) + 1 if at >= 0 else None
            raise exceeded("literal_chars", f"a literal of {len(o):,} characters is longer than the limit",
                           source=source, path=f"<{s}> <{p}>", line=line)


__all__ = ["LIMITS", "Limit", "check_entities", "check_graph", "check_size", "check_tree", "exceeded", "get",
           "override", "read_bytes", "read_text", "set_from_options", "set_limit", "unlimited"]
