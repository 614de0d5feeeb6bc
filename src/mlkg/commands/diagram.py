"""``mlkg diagram``: the lineage around an entity as Mermaid, Graphviz DOT or SVG."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ..cli import fail, handle_errors
from .query import load_source, naming, store_option

FORMATS = ("mermaid", "dot", "svg")


def register(app: typer.Typer) -> None:
    @app.command("diagram")
    @handle_errors
    def diagram_cmd(
        entity: str = typer.Argument(..., metavar="ENTITY", help="FQN or IRI of the entity."),
        files: Optional[list[str]] = typer.Argument(None, metavar="FILE...", help="RDF files (or --store)."),
        store: Optional[str] = store_option(),
        fmt: str = typer.Option("mermaid", "--format", "-f", help="mermaid | dot | svg (svg needs Graphviz)."),
        direction: str = typer.Option("both", "--direction", help="up | down | both."),
        depth: Optional[int] = typer.Option(None, "--depth", "-d", help="At most this many steps (default: all)."),
        layout: str = typer.Option("LR", "--layout", help="LR (left to right) or TD (top down)."),
        kind: Optional[str] = typer.Option(None, "--kind", help="Class of ENTITY when its FQN is ambiguous."),
        output: Optional[str] = typer.Option(None, "-o", "--output", help="Write to this file (default stdout)."),
    ) -> None:
        """Draw the lineage around ENTITY.

        \b
        Example:
          mlkg diagram mlflow-prod.fraud_detection fraud.ttl --direction both --depth 2
          mlkg diagram snowflake.analytics.public.transactions fraud.ttl --direction down --format svg -o t.svg
        """
        from .. import diagram
        from ..rdf.formats import write_atomic

        if fmt not in FORMATS:
            raise fail(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
        if direction not in diagram.DIRECTIONS:
            raise fail(f"--direction must be one of {', '.join(diagram.DIRECTIONS)} (got {direction!r})")
        if layout.upper() not in diagram.LAYOUTS:
            raise fail(f"--layout must be LR or TD (got {layout!r})")
        if depth is not None and depth < 0:
            raise fail(f"--depth must be 0 or more (got {depth})")
        source = load_source(files, store)
        with naming(files):
            lg = diagram.lineage_graph(source, entity, direction=direction, depth=depth, kind=kind)
        if fmt == "mermaid":
            text = diagram.render_mermaid(lg, layout=layout.upper())
        else:
            text = diagram.render_dot(lg, layout=layout.upper())
            if fmt == "svg":
                text = diagram.render_svg(text)
        if not text.endswith("\n"):
            text += "\n"
        if output and output != "-":
            write_atomic(output, text)
            typer.echo(f"mlkg: wrote {len(lg.nodes)} entities, {len(lg.edges)} edges to {output}", err=True)
        else:
            sys.stdout.write(text)
