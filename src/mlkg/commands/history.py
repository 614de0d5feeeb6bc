"""``mlkg diff`` and ``mlkg history``: what changed, and the imports a store keeps."""

from __future__ import annotations

import json
import sys
from datetime import UTC

import typer

from ._errors import fail, handle_errors

FORMATS = ("text", "json", "turtle")


def register(app: typer.Typer) -> None:
    @app.command("diff")
    @handle_errors
    def diff_cmd(
        files: list[str] | None = typer.Argument(None, metavar="[BEFORE AFTER]",
                                                    help="Two RDF files, the older first (or --store with --from/--to)."),
        store: str | None = typer.Option(None, "--store", "-s", help="A store that keeps history (memory: or "
                                            "oxigraph:PATH); compare it at --from and --to."),
        since: str | None = typer.Option(None, "--from", help="With --store: the older time (ISO date or datetime)."),
        until: str | None = typer.Option(None, "--to", help="With --store: the newer time (default: now)."),
        fmt: str = typer.Option("text", "--format", "-f", help="text | json | turtle (a change-set graph)."),
        output: str = typer.Option("-", "-o", "--output", help="Write to this file (default stdout)."),
    ) -> None:
        """List what changed, per entity: new and removed entities, changed fields (in words, JSON or RDF).

        \b
        Example:
          mlkg diff mlflow-monday.ttl mlflow-tuesday.ttl
          mlkg diff --store oxigraph:./kg --from 2026-03-01 --to 2026-03-03 --format json
        """
        # lazy: loaded when the command runs, so `mlkg --help` stays fast
        from ..history.diff import change_set_graph, diff, to_json, to_text
        from ..rdf.formats import load_graph, serialize, write_atomic

        if fmt not in FORMATS:
            raise fail(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
        if store:
            if files:
                raise fail("give two files or --store, not both")
            if not since:
                raise fail("--store needs --from TIME (and optionally --to TIME)")
            from datetime import datetime

            # lazy: loaded when the command runs, so `mlkg --help` stays fast
            from ..history.log import as_of
            from ..store import open_store

            with open_store(store) as s:
                old = as_of(s, since).to_graph()
                new = as_of(s, until or datetime.now(UTC)).to_graph()
        else:
            if not files or len(files) != 2:
                raise fail("give two files (BEFORE AFTER), or --store S --from T1 [--to T2]")
            old, new = load_graph([files[0]]), load_graph([files[1]])
        if fmt == "turtle":
            text = serialize(change_set_graph(old, new), "turtle")
        else:
            changes = diff(old, new)
            text = to_json(changes) if fmt == "json" else to_text(changes)
        if output == "-":
            sys.stdout.write(text)
        else:
            write_atomic(output, text)

    @app.command("history")
    @handle_errors
    def history_cmd(
        source: str | None = typer.Argument(None, metavar="[GRAPH]", help="One source graph (default: all)."),
        store: str = typer.Option(..., "--store", "-s", help="The store (memory: or oxigraph:PATH)."),
        fmt: str = typer.Option("text", "--format", "-f", help="text | json."),
    ) -> None:
        """List the imports a store keeps, oldest first, with their time and counts.

        \b
        Example:
          mlkg history --store oxigraph:./kg
        """
        # lazy: loaded when the command runs, so `mlkg --help` stays fast
        from ..history.log import records
        from ..store import open_store

        with open_store(store) as s:
            recs = records(s, source)
        if fmt == "json":
            sys.stdout.write(json.dumps([r.to_json() for r in recs], indent=2) + "\n")
            return
        if fmt != "text":
            raise fail(f"--format must be text or json (got {fmt!r})")
        if not recs:
            typer.echo("no imports recorded (history is kept for imports with --store)", err=True)
            return
        for r in recs:
            typer.echo(f"{r.time.isoformat()}  #{r.sequence}  {r.graph}  {r.triples} triples  "
                       f"+{r.added} -{r.removed}")
