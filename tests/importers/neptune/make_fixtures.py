"""Write the Neptune fixture with the neptune client in offline mode (run by hand; the output is checked in).

``neptune.init_run(mode="offline")`` queues every operation in ``.neptune/offline/run__<uuid>__<pid>__<rand>/``
(``data-1.log``: one JSON operation per line; ``metadata.json``); ``neptune sync`` would upload it. One run of
project ``acme/iris-demo`` with name, description, tags, group tags, parameters (nested), a metric series, a
single value, a tracked dataset file (artifact) and a string series. Monitoring operations (CPU, memory,
stdout) are turned off so the log only holds what the script logged.

    /work/venvs/neptune/bin/python make_fixtures.py     # pip install neptune==1.14.0.post2
"""

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent / "data"


def main() -> None:
    shutil.rmtree(HERE / ".neptune", ignore_errors=True)
    HERE.mkdir(parents=True, exist_ok=True)
    os.chdir(HERE)
    os.environ["NEPTUNE_PROJECT"] = "acme/iris-demo"
    import neptune

    (HERE / "train.csv").write_text("x,y\n1,0\n2,1\n")
    run = neptune.init_run(mode="offline", name="logreg-C1", description="C sweep",
                           tags=["baseline", "sklearn"], source_files=[], capture_hardware_metrics=False,
                           capture_stdout=False, capture_stderr=False, capture_traceback=False,
                           git_ref=False)
    run["parameters"] = {"C": 1.0, "max_iter": 200, "algorithm": "LogisticRegression", "warm_start": False,
                         "optimizer": {"name": "lbfgs"}}
    for step in range(3):
        run["train/loss"].append(round(1.0 / (step + 1), 4), step=step)
        run["train/accuracy"].append(0.8 + step * 0.05, step=step)
    run["eval/accuracy"] = 0.92
    run["eval/f1"] = 0.9
    run["data/train"].track_files("train.csv")
    run["sys/group_tags"].add("team-ml")
    run["notes"].append("first try")
    run.stop()
    (HERE / "train.csv").unlink()
    print("wrote", HERE / ".neptune", "with neptune", neptune.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
