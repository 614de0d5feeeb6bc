"""Write the Neptune Exporter fixture (data/exporter/) with the real exporter code over a real neptune client run
(run by hand; the output is checked in; see data/README.md).

Neptune's service is closed, so there is no server to export from. What is real here: the run is made by the
``neptune`` 1.x client (the same calls as make_fixtures.py, in the client's own ``mode="debug"`` in-memory
backend, which answers reads like the server), and the export is done by neptune-exporter's own code
(``Neptune2Exporter`` + ``ExportManager`` + ``ParquetWriter``, github.com/neptune-ai/neptune-exporter at the
commit in data/README.md). Three seams are bridged, nothing else: ``neptune.init_run(with_id=..., mode="read-only")``
returns that debug run (it cannot reach a server); its bulk ``fetch()`` is answered attribute by attribute (the
debug backend's own bulk fetch leaves out the name, tags and times); ``list_runs`` returns its id (the runs table
needs the server's search).

    git -C MIRROR archive 8d3f44a | tar -x -C /tmp/nexp     # the exporter's source
    PYTHONPATH=/tmp/nexp/src /work/venvs/nexp/bin/python make_exporter_fixture.py
    # /work/venvs/nexp: python3.11 venv, neptune==1.14.0.post2, pyarrow 21.0.0 (the exporter pins <22), pandas
"""

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent / "data"
OUT = HERE / "exporter"
PROJECT = "acme/iris-demo"
T0 = 1796121542.0  # 2026-12-01T10:39:02Z


class KeptOpen:
    """The debug run, as ``with neptune.init_run(...) as run`` uses it, left open for the next reader."""

    def __init__(self, run):
        self.run = run

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __getattr__(self, name):
        return getattr(self.run, name)

    def __getitem__(self, path):
        return self.run[path]

    def __contains__(self, path):
        return path in self.run

    def fetch(self):
        """The run's values, each from its attribute's own ``fetch()``: the debug backend's bulk ``fetch()``
        leaves out sys/name, sys/tags, times (the server's does not)."""
        from neptune.attributes.series.fetchable_series import FetchableSeries

        def walk(node):
            out = {}
            for key, value in node.items():
                if isinstance(value, dict):
                    out[key] = walk(value)
                elif not isinstance(value, FetchableSeries) and hasattr(value, "fetch"):
                    try:
                        out[key] = value.fetch()
                    except Exception:  # file sets, artifacts: not values
                        pass
            return out

        return walk(self.run.get_structure())


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    work = Path("/tmp/nexp-work")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.chdir(work)
    os.environ["NEPTUNE_PROJECT"] = PROJECT
    import neptune

    (work / "train.csv").write_text("x,y\n1,0\n2,1\n")
    run = neptune.init_run(mode="debug", name="logreg-C1", description="C sweep",
                           tags=["baseline", "sklearn"], source_files=[], capture_hardware_metrics=False,
                           capture_stdout=False, capture_stderr=False, capture_traceback=False,
                           git_ref=False)
    # the debug backend keeps init_run's name/description and the series' times only when set explicitly
    run["sys/name"] = "logreg-C1"
    run["sys/description"] = "C sweep"
    run["parameters"] = {"C": 1.0, "max_iter": 200, "algorithm": "LogisticRegression", "warm_start": False,
                         "optimizer": {"name": "lbfgs"}}
    for step in range(3):
        run["train/loss"].append(round(1.0 / (step + 1), 4), step=step, timestamp=T0 + step)
        run["train/accuracy"].append(0.8 + step * 0.05, step=step, timestamp=T0 + step)
    run["eval/accuracy"] = 0.92
    run["eval/f1"] = 0.9
    run["data/train"].track_files("train.csv")
    run["sys/group_tags"].add("team-ml")
    run["notes"].append("first try", timestamp=T0 + 3)
    run.wait()
    run_id = run["sys/id"].fetch()

    from neptune_exporter.export_manager import ExportManager
    from neptune_exporter.exporters import neptune2
    from neptune_exporter.exporters.error_reporter import ErrorReporter
    from neptune_exporter.progress.listeners import NoopProgressListenerFactory
    from neptune_exporter.storage.parquet_reader import ParquetReader
    from neptune_exporter.storage.parquet_writer import ParquetWriter

    real_init_run = neptune.init_run

    def init_run(*args, with_id=None, mode=None, **kwargs):
        if with_id == run_id and mode == "read-only":
            return KeptOpen(run)
        return real_init_run(*args, with_id=with_id, mode=mode, **kwargs)

    neptune2.neptune.init_run = init_run
    neptune2.Neptune2Exporter.list_runs = lambda self, project_id, runs=None, query=None: [run_id]

    reporter = ErrorReporter(path=work / "errors.jsonl")
    exporter = neptune2.Neptune2Exporter(error_reporter=reporter, api_token="debug")
    manager = ExportManager(exporter=exporter, reader=ParquetReader(base_path=OUT), writer=ParquetWriter(base_path=OUT),
                            error_reporter=reporter, files_destination=work / "files",
                            progress_listener_factory=NoopProgressListenerFactory())
    result = manager.run(project_ids=[PROJECT])
    exporter.close()
    run.stop()
    errors = (work / "errors.jsonl").read_text() if (work / "errors.jsonl").exists() else ""
    print("exported", result, "errors:", errors or "none", file=sys.stderr)
    print("wrote", sorted(str(p.relative_to(HERE)) for p in OUT.rglob("*") if p.is_file()), file=sys.stderr)


if __name__ == "__main__":
    main()
