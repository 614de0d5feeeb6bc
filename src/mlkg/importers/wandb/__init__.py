"""Weights & Biases importer: offline run folders (``.wandb`` record files, read with the standard library) and
projects on a W&B server (``--entity E --project P``, through the SDK's ``wandb.Api()``).

:mod:`.records` reads the record log, :mod:`.live` reads a project through the public API into the same records,
:mod:`.mapping` turns runs and their artifacts into entities (the table there), so an offline run and the same
run read live give the same graph shape (live versions are labelled ``v0``, ``v1``... as the server numbers them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...model import entities as m
from ..base import Capability, Importer, ImporterConfig, SourceUnavailable, first_line, option, redact_uri

__all__ = ["WandbConfig", "WandbImporter"]


@dataclass(frozen=True)
class WandbConfig(ImporterConfig):
    """Which offline runs, or which project on a W&B server, to read."""

    paths: tuple[str, ...] = option((), "Offline run folders (wandb/offline-run-*), their parent wandb/ folder, "
                                        "or run-*.wandb files.")
    entity: str = option("", "With project: the W&B entity (user or team) owning the project to read live.")
    project: str = option("", "A project to read live through wandb.Api(): its runs, their artifacts and the "
                              "registry collections its models are linked into.")
    base_url: str = option("", "The W&B server of the live path (default: the SDK's, https://api.wandb.ai, or "
                               "WANDB_BASE_URL).")
    api_key: str = option("", "API key of the live path (default: WANDB_API_KEY or the key `wandb login` stored).",
                          secret=True)
    registry: bool = option(True, "Live: also read the registry collections each model version is linked into.")
    page_size: int = option(50, "Page size of the live listings (runs, artifacts).", minimum=1, maximum=1000)
    timeout: float = option(30.0, "Timeout of one live request, in seconds.", minimum=1)
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
    """Weights & Biases: offline runs and live projects (config, history, summary, tags, git, artifacts,
    registry links)."""

    name = "wandb"
    sdk = ("wandb",)  # required by the live path only: offline files are read with the standard library
    platform = m.PlatformType.WANDB
    Config = WandbConfig
    capabilities = {
        Capability.REGISTRY: "Logged model artifacts as models (offline: one version per digest; live: v0...vN "
                             "with the server's aliases); live, the registry collections they are linked into.",
        Capability.RUNS: "Runs with config as typed hyperparameters, every history step and summary values as "
                         "evaluations, tags, notes, group, job type, git commit.",
        Capability.DATASETS: "Logged dataset artifacts, produced by their run; live, used artifacts as the run's "
                             "training data (offline mode cannot record them).",
    }
    extra = "wandb"
    source_option = "paths"
    examples = ("mlkg import wandb wandb/ -o runs.ttl",
                "mlkg import wandb wandb/offline-run-20260101_120000-abc123 --strict -o run.ttl",
                "mlkg import wandb --entity acme --project iris-demo -o iris.ttl",
                "mlkg import wandb --entity acme --project iris-demo --base-url https://wandb.example.org "
                "-o iris.ttl")
    from .fields import FILLS as fills  # the mapping table: field → W&B source

    @property
    def live(self) -> bool:
        return bool(self.config.project or self.config.entity)

    def source(self) -> str:
        c = self.config
        parts = ["wandb", *map(redact_uri, c.paths)]
        if self.live:
            parts += [f"--entity {c.entity}", f"--project {c.project}"]
            if c.base_url:
                parts.append(f"--base-url {redact_uri(c.base_url)}")
        return " ".join(parts)

    def graph_key(self) -> str:
        c = self.config
        parts = [" ".join(map(redact_uri, c.paths))] if c.paths else []
        if self.live:
            parts += [redact_uri(c.base_url) or "wandb.ai", c.entity, c.project]
        return "/".join([self.service_name, *parts])

    def service_url(self) -> str | None:
        return redact_uri(self.config.base_url) if self.live and self.config.base_url else None

    def _check(self) -> None:
        c = self.config
        if not (c.paths or self.live):
            raise SourceUnavailable("wandb: nothing to import: give offline run folders or .wandb files, or "
                                    "--entity E --project P")
        if self.live and not (c.entity and c.project):
            raise SourceUnavailable("wandb: the live path needs both --entity and --project")

    def _files(self) -> Any:
        """The run-*.wandb files under the given paths (the check of test_connection and entities)."""
        self._check()
        return run_files(self.config.paths)

    def _api(self) -> Any:
        """The connected ``wandb.Api`` (SDK imported here; missing: ``pip install 'mlkg[wandb]'``)."""
        self.require_sdk()
        from .live import connect  # lazy: the live reader (and the wandb SDK it imports) loads on the live path only

        c = self.config
        return connect(c.base_url, c.api_key, c.timeout)

    def test_connection(self) -> None:
        self._files()
        if self.live:
            self._api()

    def entities(self) -> Iterator[m.Entity]:
        # lazy: reader and mapping load when an import runs; `mlkg import --list` imports every importer class
        from . import records
        from .mapping import Mapper

        c, report = self.config, self.report
        files = self._files()
        api = self._api() if self.live else None
        yield self.service()
        report.count("services")
        if c.paths and not files:
            report.skip(" ".join(c.paths), "no run-*.wandb file here")
        runs = []
        for f in files:
            try:
                runs.append(records.read(f))
            except records.NotARecordFile as e:
                report.skip(str(f), str(e))
            except OSError as e:
                report.skip(str(f), f"cannot be read ({first_line(e)})")
        if api is not None:
            from .live import read_project  # lazy: the live path only

            runs += read_project(api, c.entity, c.project, report, page_size=c.page_size, registry=c.registry)
        yield from Mapper(self).entities(runs)
