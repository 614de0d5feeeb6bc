"""``mlkg diagram``: the lineage around an entity as Mermaid, Graphviz DOT or SVG.

The library is imported inside the command (marked ``lazy``), so ``mlkg --help`` starts without rdflib's SPARQL
engine and pyld.
"""

from __future__ import annotations

import typer

from . import _options as opt
from ._errors import fail, handle_errors, naming
from ._output import write_text

FORMATS = ("mermaid", "dot", "svg")


def register(app: typer.Typer) -> None:
    @app.command("diagram")
    @handle_errors
    def diagram_cmd(
        entity: str = opt.entity(),
        files: list[str] | None = opt.files(),
        store: str | None = opt.store(),
        as_of: str | None = opt.as_of(),
        fmt: str = typer.Option("mermaid", "--format", "-f", help="mermaid | dot | svg (svg needs Graphviz)."),
        direction: str = typer.Option("both", "--direction", help="up | down | both."),
        depth: int | None = opt.depth(),
        layout: str = typer.Option("LR", "--layout", help="LR (left to right) or TD (top down)."),
        kind: str | None = opt.kind(),
        output: str | None = opt.output(),
        metric: str | None = typer.Option(None, "--metric", help="Draw this metric of ENTITY over time instead "
                                                               "of its lineage (svg or png; needs matplotlib)."),
    ) -> None:
        """Draw the lineage around ENTITY.

        \b
        Example:
          mlkg diagram mlflow-prod.fraud_detection fraud.ttl --direction both --depth 2
          mlkg diagram snowflake.analytics.public.transactions fraud.ttl --direction down --format svg -o t.svg
          mlkg diagram sagemaker-prod.fraud-endpoint --store oxigraph:./kg --metric psi -f svg -o psi.svg
        """
        # lazy: see the module docstring
        from .. import diagram
        from ..io import open_source

        if metric is not None:
            _draw_metric(entity, files, store, as_of, metric, fmt, output)
            return
        if fmt not in FORMATS:
            raise fail(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
        if direction not in diagram.DIRECTIONS:
            raise fail(f"--direction must be one of {', '.join(diagram.DIRECTIONS)} (got {direction!r})")
        if layout.upper() not in diagram.LAYOUTS:
            raise fail(f"--layout must be LR or TD (got {layout!r})")
        if depth is not None and depth < 0:
            raise fail(f"--depth must be 0 or more (got {depth})")
        source = open_source(files, store, as_of=as_of)
        with naming(files):
            lg = diagram.lineage_graph(source, entity, direction=direction, depth=depth, kind=kind)
        if fmt == "mermaid":
            text = diagram.render_mermaid(lg, layout=layout.upper())
        else:
            text = diagram.render_dot(lg, layout=layout.upper())
            if fmt == "svg":
                text = diagram.render_svg(text)
        write_text(text, output, note=f"wrote {len(lg.nodes)} entities, {len(lg.edges)} edges to")


def _draw_metric(entity: str, files: list[str] | None, store: str | None, as_of: str | None, metric: str,
                 fmt: str, output: str | None) -> None:
    """``mlkg diagram ENTITY --metric NAME``: the metric's series (mlkg.query.metric_series) as SVG or PNG."""
    import sys

    # lazy: see the module docstring (and plot needs matplotlib)
    from .. import plot, query
    from ..io import open_source
    from ..rdf.formats import write_atomic

    if fmt == "mermaid":
        fmt = "svg"
    if fmt not in plot.FORMATS:
        raise fail(f"--metric draws svg or png (got --format {fmt!r})")
    if fmt == "png" and not output:
        raise fail("PNG output needs -o FILE")
    source = open_source(files, store, as_of=as_of)
    with naming(files):
        points = query.metric_series(source, entity, metric)
    data = plot.metric_chart(points, title=f"{metric} of {entity}", metric=metric, fmt=fmt)
    if output and output != "-":
        write_atomic(output, data)
        typer.echo(f"mlkg: wrote {len(points)} values of {metric} to {output}", err=True)
    else:
        sys.stdout.write(data.decode())
