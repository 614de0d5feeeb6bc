"""The options several commands share, defined once (like sqlite-utils' ``@output_options``): each function
returns a fresh Typer option with the same name, help and default everywhere.
"""

from __future__ import annotations

from typing import Any

import typer

#: Row output formats of the commands that print rows (query, lineage, impact).
ROW_FORMATS = ("table", "json", "csv")


def store() -> Any:
    """``--store``: read the graph from a store instead of (or besides) files."""
    return typer.Option(None, "--store", help="Read the graph from a store instead of (or besides) files: "
                                              "memory:, oxigraph:PATH, sparql:URL.")


def as_of() -> Any:
    """``--as-of``: read a store as it was at a time (its kept imports; see mlkg.history)."""
    return typer.Option(None, "--as-of", help="With --store: the graph as the latest imports before this time had "
                                              "it (ISO date or datetime, e.g. 2026-03-03).")


def row_format() -> Any:
    """``--format/-f`` of the row-printing commands."""
    return typer.Option("table", "--format", "-f", help="Output: " + " | ".join(ROW_FORMATS) + ".")


def iris() -> Any:
    """``--iris``: show IRI columns in tables (json and csv always have them)."""
    return typer.Option(False, "--iris", help="Tables: show IRI columns too (json and csv always have them).")


def quiet() -> Any:
    """``-q/--quiet``: no progress and no notes on stderr (errors still)."""
    return typer.Option(False, "-q", "--quiet", help="No progress or notes on stderr (errors are still printed).")


def kind() -> Any:
    """``--kind``: the class of ENTITY when its FQN names several nodes."""
    return typer.Option(None, "--kind", help="Class of ENTITY when its FQN is ambiguous (Table, MLModel, ...).")


def depth() -> Any:
    """``--depth/-d``: at most this many lineage steps."""
    return typer.Option(None, "--depth", "-d", help="At most this many steps (default: all).")


def output() -> Any:
    """``-o/--output``: the file to write (``-`` or none: stdout)."""
    return typer.Option(None, "-o", "--output", help="Write to this file (default stdout).")


def entity() -> Any:
    """The ENTITY argument: an FQN or an IRI."""
    return typer.Argument(..., metavar="ENTITY", help="FQN or IRI of the entity.")


def files() -> Any:
    """The FILE... argument of the commands that read RDF files or a store."""
    return typer.Argument(None, metavar="FILE...", help="RDF files (or --store).")


__all__ = ["ROW_FORMATS", "depth", "entity", "files", "iris", "kind", "output", "quiet", "row_format", "store"]
