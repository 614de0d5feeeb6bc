"""``mlkg load`` (RDF files into a store, one named graph per source) and ``mlkg serve`` (a local read-only SPARQL
endpoint over files or a store).

The store package is imported inside the commands (marked ``lazy``), so ``mlkg --help`` starts without rdflib's
SPARQL engine.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import typer

from ..errors import InputError
from ._errors import handle_errors
from ._output import progress as spinner

STORE_HELP = ("Store URL: memory:, oxigraph:PATH or sparql:http://host:port/path "
              "(default: $MLKG_STORE).")


def file_graph(path: Path) -> str:
    """The graph a file is loaded into when no --graph is given: one per file name, so loading the same file again
    replaces what it loaded before."""
    from ..store import source_graph  # lazy: see the module docstring

    return str(source_graph("file", path.name))


class _Progress:
    """A rich progress bar on stderr for loads of big files (shown only on a terminal, or when forced)."""

    def __init__(self, total_files: int, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.bar.__enter__()
        return self

    def start(self, name: str, total: int) -> None:
        if self.bar is not None:
            self.task = self.bar.add_task(name, total=total)

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _store_url(store: str | None) -> str:
    url = store or os.environ.get("MLKG_STORE")
    if not url:
        raise InputError("no store given", source="--store", expected="--store oxigraph:PATH, sparql:URL or memory:")
    return url


def register(app: typer.Typer) -> None:
    @app.command("load")
    @handle_errors
    def load_cmd(
        files: list[Path] = typer.Argument(..., help="RDF files (Turtle, JSON-LD, N-Triples, N-Quads, TriG, RDF/XML)."),
        store: str | None = typer.Option(None, "--store", "-s", help=STORE_HELP),
        graph: str | None = typer.Option(
            None, "--graph", "-g",
            help="Named graph IRI for all the files ('default' for the default graph). Without it each file goes "
                 "to its own graph (…/graph/file/NAME); quad files keep their graphs."),
        append: bool = typer.Option(False, "--append", help="Add to the graph instead of replacing it."),
        fmt: str | None = typer.Option(None, "--format", "-f", help="Input format (default: from the suffix)."),
        no_lineage: bool = typer.Option(False, "--no-lineage",
                                        help="Do not add the PROV-O super-property triples of lineage links."),
        progress: bool | None = typer.Option(None, "--progress/--no-progress",
                                                help="Progress bar on stderr (default: when stderr is a terminal)."),
    ) -> None:
        """Load RDF files into a store. Re-loading a source replaces exactly its graph, atomically."""
        import sys

        # lazy: see the module docstring
        from ..store import open_store
        from ..store.base import FORMATS, format_name

        url = _store_url(store)
        if url.partition(":")[0] == "memory":
            raise InputError("a memory: store lives only as long as the command, so the loaded data would be "
                             "discarded", source="--store", expected="a store that keeps it: oxigraph:PATH or "
                             "sparql:URL")
        for f in files:
            if not f.exists():
                raise FileNotFoundError(2, "No such file or directory", str(f))
        show = sys.stderr.isatty() if progress is None else progress
        big = sum(f.stat().st_size for f in files) > 5_000_000
        with open_store(url) as s, _Progress(len(files), show and (big or progress is True)) as bar:
            shared = None if graph is None else (None if graph == "default" else graph)
            done_graphs: set[str | None] = set()
            for f in files:
                quads = FORMATS[format_name(fmt, f)][2]
                target = shared if graph is not None else (None if quads else file_graph(f))
                replace = not append and target not in done_graphs
                bar.start(f.name, f.stat().st_size)
                t0 = time.perf_counter()
                # small files: a spinner on a terminal (big ones have the bar)
                with spinner(f"loading {f.name}", quiet=bar.enabled or not show):
                    n = s.load(path=f, format=fmt, graph=target, replace=replace, lineage=not no_lineage,
                               progress=bar if bar.enabled else None)
                done_graphs.add(target)
                where = f"<{target}>" if target else ("its own graphs" if quads else "the default graph")
                typer.echo(f"mlkg: loaded {n} triples from {f} into {where} of {s.url} "
                           f"in {time.perf_counter() - t0:.2f} s", err=True)

    @app.command("serve")
    @handle_errors
    def serve_cmd(
        files: list[Path] = typer.Argument(None, help="RDF files to serve (loaded into a temporary store)."),
        store: str | None = typer.Option(None, "--store", "-s",
                                            help="Serve an existing oxigraph:PATH store instead of files."),
        port: int = typer.Option(7878, "--port", "-p", help="Port on 127.0.0.1 (0: any free port)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
        ready_file: Path | None = typer.Option(None, "--ready-file",
                                                  help="Write the query URL here once the server answers."),
    ) -> None:
        """Serve files (or an oxigraph store) as a local, read-only SPARQL endpoint (oxigraph serve-read-only).

        Queries see all graphs as the default graph. Stop with Ctrl-C.
        """
        # lazy: see the module docstring
        from ..store import open_store
        from ..store.server import OxigraphServer, free_port

        files = list(files or [])
        if bool(files) == bool(store):
            raise InputError("give RDF files or --store oxigraph:PATH (one of them)", source="<arguments>")
        tmp = None
        try:
            if files:
                tmp = Path(tempfile.mkdtemp(prefix="mlkg-serve-"))
                location = tmp / "store"
                with open_store(f"oxigraph:{location}") as s:
                    for f in files:
                        if not f.exists():
                            raise FileNotFoundError(2, "No such file or directory", str(f))
                        quads = _is_quads(f)
                        s.load(path=f, graph=None if quads else file_graph(f), replace=True, lineage=True)
                    typer.echo(f"mlkg: loaded {len(s)} triples from {len(files)} file(s)", err=True)
            else:
                assert store is not None
                if not store.startswith("oxigraph:") or store == "oxigraph:":
                    raise InputError("mlkg serve --store needs an on-disk oxigraph:PATH store", source="--store")
                location = Path(store[len("oxigraph:"):].split("?")[0]).expanduser()
                if not location.exists():
                    raise InputError("no such store directory", source=str(location))
            srv = OxigraphServer(location=location, read_only=True, union=True,
                                 port=port or free_port(host), host=host)
            srv.start()
            typer.echo(f"mlkg: SPARQL endpoint (read-only) at {srv.query_url}  (store URL: {srv.store_url}); "
                       f"Ctrl-C to stop", err=True)
            if ready_file is not None:
                ready_file.write_text(srv.query_url + "\n", encoding="utf-8")
            stop = {"flag": False}

            def _stop(*_: Any) -> None:
                stop["flag"] = True

            signal.signal(signal.SIGTERM, _stop)
            try:
                while not stop["flag"] and srv.proc is not None and srv.proc.poll() is None:
                    time.sleep(0.2)
            except KeyboardInterrupt:
                pass
            finally:
                srv.stop()
            typer.echo("mlkg: server stopped", err=True)
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)


def _is_quads(path: Path) -> bool:
    from ..store.base import FORMATS, format_name  # lazy: see the module docstring

    return FORMATS[format_name(None, path)][2]
