"""Neptune importer: offline run folders (``.neptune/offline/...``), replayed from their operation log, and Neptune
Exporter's Parquet files.

Neptune's hosted service has shut down (its data was deleted after 2026-03-05), so the offline folders the
``neptune`` 1.x client wrote, and what Neptune Exporter exported before the shutdown, are what users still have.
:mod:`.oplog` replays a folder, :mod:`.exporter` reads the Parquet export into the same records (pyarrow,
``pip install 'mlkg[neptune]'``), :mod:`.mapping` maps the run (the table there). Offline folders need only the
standard library.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...model import entities as m
from ..base import Capability, Importer, ImporterConfig, SourceUnavailable, option

__all__ = ["NeptuneConfig", "NeptuneImporter"]


@dataclass(frozen=True)
class NeptuneConfig(ImporterConfig):
    """Which offline runs to read."""

    paths: tuple[str, ...] = option((), "Offline run folders (.neptune/offline/run__*), Neptune Exporter .parquet "
                                        "files, or folders holding them (.neptune, the exporter's data path).")
    project: str = option("", "The Neptune project (workspace/project) the runs belong to: offline folders do "
                              "not record it (default: no experiment; exported runs: the project they name).")
    service_name: str = option("neptune", "Name of the MLModelService entity the runs belong to.")


def containers(paths: tuple[str, ...]) -> list[Path]:
    """Every offline container folder and exporter ``.parquet`` file in ``paths``.

    :raises SourceUnavailable: a path does not exist.
    """
    # lazy: the oplog reader loads when an import runs; `mlkg import --list` imports every importer class
    from .exporter import is_export_file
    from .oplog import is_container

    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise SourceUnavailable(f"{p}: no such file or folder")
        if is_container(p) or not p.is_dir():
            out.append(p)
        else:
            out += sorted(d for d in p.rglob("*") if (d.is_dir() and is_container(d)) or is_export_file(d))
    return out


class NeptuneImporter(Importer[NeptuneConfig]):
    """Neptune: offline runs (parameters, metric series, tags, tracked artifacts), replayed from their log."""

    name = "neptune"
    platform = m.PlatformType.NEPTUNE
    Config = NeptuneConfig
    capabilities = {
        Capability.RUNS: "Runs with parameters as typed hyperparameters, float series (step, time) and numeric "
                         "values as evaluations, tags and group tags, status, entry point.",
        Capability.DATASETS: "Tracked artifacts (track_files) as datasets used by the run.",
    }
    extra = "neptune"
    sdk = ("pyarrow",)  # for Neptune Exporter's Parquet files only; offline folders need no package
    source_option = "paths"
    examples = ("mlkg import neptune .neptune -o runs.ttl",
                "mlkg import neptune .neptune/offline/run__1234__5678__abcd --project acme/iris -o run.ttl",
                "mlkg import neptune exports/data -o exported.ttl")
    from .fields import FILLS as fills  # the mapping table: field → Neptune source

    def _found(self) -> Any:
        """The offline run folders under the given paths (the check of test_connection and entities)."""
        if not self.config.paths:
            raise SourceUnavailable("neptune: nothing to import: give offline run folders")
        return containers(self.config.paths)

    def test_connection(self) -> None:
        self._found()

    def entities(self) -> Iterator[m.Entity]:
        # lazy: reader and mapping load when an import runs; `mlkg import --list` imports every importer class
        from . import oplog
        from .exporter import is_export_file
        from .mapping import Mapper

        c, report = self.config, self.report
        found = self._found()
        exported = [p for p in found if is_export_file(p)]
        if exported:
            self.require_sdk()
        yield self.service()
        report.count("services")
        mappers: dict[str, Mapper] = {}

        def mapper(project: str) -> Iterator[m.Entity]:
            """The mapper of ``project``, yielding its experiment the first time."""
            if project not in mappers:
                mappers[project] = Mapper(self, project=project)
                exp = mappers[project].experiment()
                if exp is not None:
                    report.count("experiments")
                    yield exp

        yield from mapper(c.project)
        if not found:
            report.skip(" ".join(c.paths), "no Neptune offline run folder (run__*/data-1.log) or exporter "
                                           ".parquet file here")
        runs: list[oplog.Container] = []
        for folder in found:
            if folder in exported:
                continue
            try:
                runs.append(oplog.replay(folder))
            except oplog.NotAnOfflineRun as e:
                report.skip(str(folder), str(e).split(": ", 1)[-1])
            except OSError as e:
                report.skip(str(folder), f"cannot be read ({e.strerror or e})")
        if exported:
            from .exporter import read  # lazy: pyarrow behind it, only for exporter files

            runs += read(exported, report)
        for container in runs:
            project = c.project or str(container.metadata.get("project") or "")
            yield from mapper(project)
            with report.guard(f"run {container.folder}") as g:
                ents = list(mappers[project].entities(container))
            if g.ok:
                yield from ents
