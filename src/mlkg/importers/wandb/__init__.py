"""Weights & Biases importer: offline run folders (``.wandb`` record files), read with the standard library.

:mod:`.records` reads the record log, :mod:`.mapping` turns runs and their artifacts into entities (the table
there). The live path through ``wandb.Api()`` is not implemented: the W&B server cannot run on this machine, so
it could not be tested against anything real.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...model import entities as m
from ..base import Capability, Importer, ImporterConfig, SourceUnavailable, first_line, option

__all__ = ["WandbConfig", "WandbImporter"]


@dataclass(frozen=True)
class WandbConfig(ImporterConfig):
    """Which offline runs to read."""

    paths: tuple[str, ...] = option((), "Offline run folders (wandb/offline-run-*), their parent wandb/ folder, "
                                        "or run-*.wandb files.")
    service_name: str = option("wandb", "Name of the MLModelService entity the runs and models belong to.")


def run_files(paths: tuple[str, ...]) -> list[Path]:
    """Every ``.wandb`` file in ``paths`` (files as given; folders searched).

    :raises SourceUnavailable: a path does not exist.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise SourceUnavailable(f"{p}: no such file or folder")
        out += sorted(p.rglob("*.wandb")) if p.is_dir() else [p]
    return out


class WandbImporter(Importer[WandbConfig]):
    """Weights & Biases: offline runs (config, history, summary, tags, git, logged artifacts)."""

    name = "wandb"
    platform = m.PlatformType.WANDB
    Config = WandbConfig
    capabilities = {
        Capability.REGISTRY: "Logged model artifacts as models with one version per digest, aliases kept.",
        Capability.RUNS: "Runs with config as typed hyperparameters, every history step and summary values as "
                         "evaluations, tags, notes, group, job type, git commit.",
        Capability.DATASETS: "Logged dataset artifacts, produced by their run (offline mode cannot record used "
                             "artifacts, so no training-data links).",
    }
    source_option = "paths"
    examples = ("mlkg import wandb wandb/ -o runs.ttl",
                "mlkg import wandb wandb/offline-run-20260101_120000-abc123 --strict -o run.ttl")

    def _files(self) -> Any:
        """The run-*.wandb files under the given paths (the check of test_connection and entities)."""
        if not self.config.paths:
            raise SourceUnavailable("wandb: nothing to import: give offline run folders or .wandb files")
        return run_files(self.config.paths)

    def test_connection(self) -> None:
        self._files()

    def entities(self) -> Iterator[m.Entity]:
        # lazy: reader and mapping load when an import runs; `mlkg import --list` imports every importer class
        from . import records
        from .mapping import Mapper

        c, report = self.config, self.report
        files = self._files()
        yield self.service()
        report.count("services")
        if not files:
            report.skip(" ".join(c.paths), "no run-*.wandb file here")
        runs = []
        for f in files:
            try:
                runs.append(records.read(f))
            except records.NotARecordFile as e:
                report.skip(str(f), str(e))
            except OSError as e:
                report.skip(str(f), f"cannot be read ({first_line(e)})")
        yield from Mapper(self).entities(runs)
