"""``mlkg export --profile NAME``: the graph in another vocabulary (FAIR4ML, ML Schema, PROV, OpenMetadata RDF,
Model Card Toolkit, Hugging Face model cards)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from . import _options as opt
from ._errors import fail, handle_errors, naming
from ._output import progress


def register(app: typer.Typer) -> None:
    @app.command("export")
    @handle_errors
    def export_cmd(
        files: list[str] | None = opt.files(),
        profile: str = typer.Option(..., "--profile", "-p", help="fair4ml | mls | prov | om-rdf | mct | hf-card | "
                                                                  "model-card."),
        store: str | None = opt.store(),
        as_of: str | None = opt.as_of(),
        output: str | None = typer.Option(None, "-o", "--output",
                                             help="Output file; for card profiles a directory (one card per model "
                                                  "version). Default stdout."),
        fmt: str = typer.Option("turtle", "--format", "-f",
                                help="RDF format of mls, prov and om-rdf: turtle, nt, jsonld, rdfxml, trig."),
        model: str | None = typer.Option(None, "--model", help="Card profiles: only the card of this model or "
                                                                  "version (FQN or IRI)."),
        quiet: bool = opt.quiet(),
    ) -> None:
        """Export ML metadata in the vocabulary another tool reads.

        \b
        Profiles:
          fair4ml     FAIR4ML 0.1.0 JSON-LD (context https://w3id.org/fair4ml/0.1.0)
          mls         W3C ML Schema (runs, models, hyperparameter settings, evaluations)
          prov        PROV-O, DCAT 3 and DCTERMS only
          om-rdf      OpenMetadata's ontology and entity IRIs (merges into its RDF store)
          mct         Model Card Toolkit JSON, one card per model version
          hf-card     Hugging Face README.md (front matter with model-index), one per model version
          model-card  both card formats
        \b
        Examples:
          mlkg export fraud.ttl --profile fair4ml -o fraud.jsonld
          mlkg export fraud.ttl --profile om-rdf -o fraud-om.ttl
          mlkg export fraud.ttl --profile model-card -o cards/
          mlkg export --store oxigraph:./kg --profile hf-card --model mlflow-prod.fraud_detection.2
          mlkg export --store oxigraph:./kg --as-of 2026-03-03 --profile prov -o then.ttl
        """
        # lazy: the export engine loads only when the command runs
        from ..export import PROFILES, export

        # lazy: the export engine loads only when the command runs
        from ..rdf.formats import write_atomic

        p = PROFILES.get(profile)
        if p is None:
            raise fail(f"--profile must be one of {', '.join(sorted(PROFILES))} (got {profile!r})")
        with naming(files):
            # lazy: the export engine loads only when the command runs
            from ..io import open_source

            with progress(f"reading {len(files or [])} file(s)" + (f" and {store}" if store else ""), quiet=quiet):
                g = open_source(files, store, as_of=as_of)
            try:
                with progress(f"exporting as {profile}", quiet=quiet):
                    res = export(g, profile, format=fmt, model=model)
            except ValueError as e:  # unknown RDF format
                raise fail(str(e)) from None
        cards = p.writer in ("cards", "bundle")
        if output is None:
            if cards and len(res.files) > 1:
                raise fail(f"{len(res.files)} cards: give -o DIRECTORY, or --model to pick one "
                           f"({', '.join(sorted(res.files))})")
            if not res.files:
                typer.echo("mlkg: no model in the input, nothing to export", err=True)
                raise typer.Exit(0)
            sys.stdout.write(res.text)
            return
        if not cards:
            write_atomic(output, res.text)
            return
        out = Path(output)
        if out.exists() and not out.is_dir():
            raise fail(f"{output}: card profiles write a directory, and this is a file")
        for name, text in sorted(res.files.items()):
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text)
        typer.echo(f"mlkg: wrote {len(res.files)} file(s) under {output}", err=True)
