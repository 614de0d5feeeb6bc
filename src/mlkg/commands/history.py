"""``mlkg diff``: what changed between two graphs, per entity, in words, JSON or a change-set graph."""

from __future__ import annotations

import sys

import typer

from ..cli import fail, handle_errors

FORMATS = ("text", "json", "turtle")


def register(app: typer.Typer) -> None:
    @app.command("diff")
    @handle_errors
    def diff_cmd(
        before: str = typer.Argument(..., metavar="BEFORE", help="The older RDF file."),
        after: str = typer.Argument(..., metavar="AFTER", help="The newer RDF file."),
        fmt: str = typer.Option("text", "--format", "-f", help="text | json | turtle (a change-set graph)."),
        output: str = typer.Option("-", "-o", "--output", help="Write to this file (default stdout)."),
    ) -> None:
        """List what changed from BEFORE to AFTER, per entity: new and removed entities, changed fields.

        \b
        Example:
          mlkg diff mlflow-monday.ttl mlflow-tuesday.ttl
          mlkg diff old.ttl new.ttl --format json
        """
        from ..history.diff import change_set_graph, diff, to_json, to_text
        from ..rdf.formats import load_graph, write_atomic

        if fmt not in FORMATS:
            raise fail(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
        old, new = load_graph([before]), load_graph([after])
        if fmt == "turtle":
            text = change_set_graph(old, new).serialize(format="turtle")
        else:
            changes = diff(old, new)
            text = to_json(changes) if fmt == "json" else to_text(changes)
        if output == "-":
            sys.stdout.write(text)
        else:
            write_atomic(output, text)
