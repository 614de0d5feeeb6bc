"""Writing results: rows as a table, JSON or CSV on stdout, and text to ``-o FILE`` or stdout."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Iterable, Sequence
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


def check_format(fmt: str, choices: Iterable[str] = ROW_FORMATS) -> None:
    """Refuse a ``--format`` outside ``choices`` (exit 2)."""
    choices = tuple(choices)
    if fmt not in choices:
        raise fail(f"--format must be one of {', '.join(choices)} (got {fmt!r})")


def emit(rows: Sequence[Any], fmt: str, *, columns: Sequence[str] | None = None, title: str | None = None,
         out: IO[str] | None = None) -> None:
    """Write rows to stdout: ``table`` (rich), ``json`` (a list of objects, one per row) or ``csv``."""
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
        console = Console(file=out, width=None if out.isatty() else 220, highlight=False, soft_wrap=False)
        table = Table(title=title, show_lines=False, title_justify="left")
        for c in cols:
            table.add_column(c, overflow="fold")
        for d in dicts:
            table.add_row(*[_text(d.get(c)) for c in cols])
        console.print(table)
    else:
        check_format(fmt)


def write_text(text: str, output: str | None, *, note: str) -> None:
    """Write ``text`` to the file ``output`` (atomically; ``note`` is printed on stderr), or to stdout when
    ``output`` is None or ``-``."""
    if not text.endswith("\n"):
        text += "\n"
    if output and output != "-":
        from ..rdf.formats import write_atomic  # lazy: rdflib

        write_atomic(output, text)
        typer.echo(f"mlkg: {note} {output}", err=True)
    else:
        sys.stdout.write(text)


__all__ = ["check_format", "columns_of", "emit", "write_text"]
