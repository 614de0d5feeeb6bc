"""``mlkg docs``: build the documentation site, or regenerate its generated pages."""

from __future__ import annotations

import typer

from ._errors import handle_errors


def register(app: typer.Typer) -> None:
    docs = typer.Typer(help="The documentation site (MkDocs Material), generated from the one source.",
                       no_args_is_help=True)
    app.add_typer(docs, name="docs")

    @docs.command("build")
    @handle_errors
    def build_cmd(
        output: str = typer.Option("site", "-o", "--output", help="Directory to write the site into."),
    ) -> None:
        """Build the site with warnings as errors (generated pages must be current).

        \b
        Example:
          mlkg docs build -o site/
        """
        # lazy: loaded when the command runs, so `mlkg --help` stays fast
        from ..docs.site import build

        site = build(output)
        typer.echo(f"site written to {site}", err=True)

    @docs.command("pages")
    @handle_errors
    def pages_cmd(
        check: bool = typer.Option(False, "--check", help="Only report stale pages (exit 1 when any is stale)."),
    ) -> None:
        """Regenerate the generated pages under docs/reference/ (spec pages, ontology, CLI, queries, packs).

        \b
        Example:
          mlkg docs pages --check
        """
        # lazy: loaded when the command runs, so `mlkg --help` stays fast
        from ..docs.site import write_pages

        stale = write_pages(check=check)
        for rel in stale:
            typer.echo(f"{'stale' if check else 'wrote'}: docs/{rel}", err=True)
        if check and stale:
            raise typer.Exit(1)
