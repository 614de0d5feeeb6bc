"""Writing results: rows as a table, JSON or CSV on stdout, and text to ``-o FILE`` or stdout."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import typer
from rich.console import Console
from rich.table import Table

from ._errors import fail
from ._options import ROW_FORMATS


def _plain(v: Any) -> Any:
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "; ".join(_text(x) for x in v)
    return str(v)


def columns_of(rows: Sequence[Any], default: Sequence[str] = ()) -> list[str]:
    """Column names of typed rows (dataclass fields or dict keys)."""
    if rows:
        r = rows[0]
        if dataclasses.is_dataclass(r) and not isinstance(r, type):
            return [f.name for f in dataclasses.fields(r)]
        if isinstance(r, dict):
            return list(r)
    return list(default)


_IRI = re.compile(r"^(https?|urn|file|tag):\S+$")


def _is_iri(v: Any) -> bool:
    return isinstance(v, str) and bool(_IRI.match(v))


def names_not_iris(cols: Sequence[str], dicts: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of a table that shows names, not IRIs: an IRI column with a name column beside it
    (``model`` and ``model_name``, ``version`` and ``version_label``; ``entity``/``source`` and ``name``) is left out, the name column takes its
    header, and a row with no name shows the IRI there instead."""
    def name_col(c: str) -> str | None:
        for n in (f"{c}_name", f"{c}_label", "name" if c in ("entity", "source") else ""):
            if n and n in cols:
                return n
        return None

    dropped = {c: n for c in cols if (n := name_col(c)) is not None
               and all(_is_iri(d.get(c)) for d in dicts if d.get(c) not in (None, ""))}
    header = {n: c for c, n in dropped.items() if n != "name"}
    out_cols = [header.get(c, c) for c in cols if c not in dropped]
    out = []
    for d in dicts:
        row = {}
        for c in cols:
            if c in dropped:
                continue
            v = d.get(c)
            iri_of = next((i for i, n in dropped.items() if n == c), None)
            if v in (None, "") and iri_of is not None:
                v = d.get(iri_of)
            row[header.get(c, c)] = v
        out.append(row)
    return out_cols, out


def table_width() -> int:
    """The width tables are laid out for: ``COLUMNS`` when set, else the terminal's, else 220 (a pipe)."""
    return shutil.get_terminal_size(fallback=(220, 24)).columns


def check_format(fmt: str, choices: Iterable[str] = ROW_FORMATS) -> None:
    """Refuse a ``--format`` outside ``choices`` (exit 2)."""
    choices = tuple(choices)
    if fmt not in choices:
        raise fail(f"--format must be one of {', '.join(choices)} (got {fmt!r})")


def emit(rows: Sequence[Any], fmt: str, *, columns: Sequence[str] | None = None, title: str | None = None,
         out: IO[str] | None = None, iris: bool = False) -> None:
    """Write rows to stdout: ``table`` (rich; names rather than IRIs unless ``iris``, laid out for
    :func:`table_width`), ``json`` (a list of objects, one per row) or ``csv`` (every column: the scripting
    formats)."""
    from ..query.registry import row_dict  # lazy: the query package pulls in rdflib's SPARQL engine

    out = out or sys.stdout
    cols = list(columns) if columns else columns_of(rows)
    dicts = [row_dict(r) for r in rows]
    if fmt == "json":
        out.write(json.dumps([{c: _plain(d.get(c)) for c in cols} for d in dicts], indent=2,
                             ensure_ascii=False) + "\n")
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for d in dicts:
            w.writerow([_text(d.get(c)) for c in cols])
        out.write(buf.getvalue())
    elif fmt == "table":
        if not iris:
            cols, dicts = names_not_iris(cols, dicts)
        if dicts:  # a column empty in every row says nothing in a table (json and csv keep it)
            cols = [c for c in cols if any(d.get(c) not in (None, "") for d in dicts)]
        cells = [[_text(d.get(c)) for c in cols] for d in dicts]
        width = table_width()
        console = Console(file=out, width=width, highlight=False, soft_wrap=False)
        table = Table(title=title, show_lines=False, title_justify="left")
        # a column is never narrower than its longest word (up to a share of the width), so words such as
        # "Production" stay whole while long FQNs fold, and the table still fits the width
        cap = max(4, min(12, (width - 3 * len(cols) - 1) // max(1, len(cols))))
        for i, c in enumerate(cols):
            longest = max([len(w) for row in cells for w in row[i].split()] + [1])
            table.add_column(c, min_width=min(longest, cap), overflow="fold")
        for row in cells:
            table.add_row(*row)
        console.print(table)
        if not dicts:  # an empty table alone reads like a failure: say that the answer is no rows
            print("no rows", file=sys.stderr)
    else:
        check_format(fmt)


@contextmanager
def progress(message: str, *, quiet: bool = False, console: Console | None = None
             ) -> Iterator[Callable[[str], None]]:
    """A spinner with ``message`` on stderr while a long step runs; only on a terminal, never with ``-q``
    (``console`` is for tests). It yields a function that replaces the message (a no-op when nothing shows)."""
    console = console or Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda _line: None
        return
    with console.status(message, spinner="dots") as status:
        yield lambda line: status.update(f"{message}: {line}")


def echo_notes(report: Any) -> None:
    """An import or export report's warnings and skipped items, one ``mlkg: note:`` line each, on stderr."""
    for w in report.warnings:
        typer.echo(f"mlkg: note: {w.item + ': ' if w.item else ''}{w.message}", err=True)
    for s in report.skipped:
        typer.echo(f"mlkg: note: {s.item}: {s.message}", err=True)


def write_text(text: str, output: str | None, *, note: str, quiet: bool = False) -> None:
    """Write ``text`` to the file ``output`` (atomically; ``note`` is printed on stderr unless ``quiet``), or to
    stdout when ``output`` is None or ``-``."""
    if not text.endswith("\n"):
        text += "\n"
    if output and output != "-":
        from ..rdf.formats import write_atomic  # lazy: rdflib

        write_atomic(output, text)
        if not quiet:
            typer.echo(f"mlkg: {note} {output}", err=True)
    else:
        sys.stdout.write(text)


__all__ = ["check_format", "columns_of", "emit", "names_not_iris", "progress", "table_width", "write_text"]
