"""Write the W&B fixture with the wandb SDK in offline mode (run by hand; the output is checked in).

``WANDB_MODE=offline`` writes ``wandb/offline-run-<time>-<id>/run-<id>.wandb`` (the record log wandb syncs
later) and nothing leaves the machine. Two runs of project ``acme/iris-demo``:

1. ``logreg-C1``: config, tags, notes, group, job type, five history steps, a summary value, a dataset artifact
   (a file reference) and a model artifact with the alias ``champion``;
2. ``logreg-C2``: a second run of the same group with a second version of the model artifact.

Only ``run-*.wandb`` is kept (the importer reads nothing else; logs and requirements.txt vary by machine).

    /work/venvs/wandb/bin/python make_fixtures.py        # pip install wandb==0.31.0
"""

import glob
import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent / "data"


def main() -> None:
    work = HERE / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ.update(WANDB_MODE="offline", WANDB_SILENT="true", WANDB_DIR=str(work))
    os.chdir(work)
    import wandb

    for i, c in enumerate((1.0, 2.0)):
        run = wandb.init(project="iris-demo", entity="acme", name=f"logreg-C{c:g}", job_type="train",
                         group="sweep-1", tags=["baseline", "sklearn"], notes=f"C sweep, C={c:g}",
                         config={"C": c, "max_iter": 200, "algorithm": "LogisticRegression",
                                 "optimizer": {"name": "lbfgs", "tol": 1e-4}})
        for step in range(5):
            wandb.log({"train_loss": round(1.0 / (step + 1) / c, 4), "accuracy": round(0.8 + step * 0.03, 3)},
                      step=step)
        run.summary["best_accuracy"] = 0.92 if i == 0 else 0.94
        if i == 0:
            csv = work / "train.csv"
            csv.write_text("x,y\n1,0\n")
            ds = wandb.Artifact("iris-train", type="dataset", description="iris training split",
                                metadata={"rows": 150, "source": "s3://demo-bucket/iris/train.csv"})
            ds.add_reference("file://" + str(csv))
            run.log_artifact(ds)     # use_artifact is refused offline: the dataset can only be an output
        pkl = work / "model.pkl"
        pkl.write_bytes(b"fake model %d" % i)
        art = wandb.Artifact("iris-classifier", type="model", description="logistic regression",
                             metadata={"framework": "sklearn", "accuracy": 0.92 if i == 0 else 0.94})
        art.add_file(str(pkl))
        run.log_artifact(art, aliases=["champion"] if i == 0 else ["candidate"])
        run.finish()
    out = HERE / "wandb"
    shutil.rmtree(out, ignore_errors=True)
    for rec in glob.glob(str(work / "wandb" / "offline-run-*" / "run-*.wandb")):
        dest = out / Path(rec).parent.name
        dest.mkdir(parents=True)
        shutil.copy(rec, dest)
    shutil.rmtree(work)
    (HERE / "sdk_decoded.json").write_text(json.dumps(
        {p.parent.name: sdk_decode(p) for p in sorted(out.glob("*/run-*.wandb"))}, indent=1, sort_keys=True) + "\n")
    print("wrote", out, "with wandb", wandb.__version__, file=sys.stderr)


def sdk_decode(path: Path) -> dict:
    """The same file decoded by wandb's own reader classes (its protobuf ``Record``), for the test to compare
    with mlkg's standard-library reader. The framing loop is the LevelDB log reader wandb's Go core uses."""
    import struct
    import zlib

    from google.protobuf.json_format import MessageToDict
    from wandb.proto import wandb_internal_pb2 as pb

    data = path.read_bytes()
    pos, buf, kinds, out = 7, b"", {}, {"history": [], "artifacts": [], "config": {}, "summary": {}}
    while pos + 7 <= len(data):
        left = 32768 - pos % 32768
        if left < 7:
            pos += left
            continue
        crc, length, rtype = struct.unpack("<IHB", data[pos:pos + 7])
        chunk = data[pos + 7:pos + 7 + length]
        assert zlib.crc32(bytes([rtype]) + chunk) & 0xFFFFFFFF == crc
        pos += 7 + length
        if rtype in (1, 4):
            rec = pb.Record()
            rec.ParseFromString(buf + chunk if rtype == 4 else chunk)
            buf = b""
            kind = rec.WhichOneof("record_type")
            kinds[kind] = kinds.get(kind, 0) + 1
            if kind == "run":
                r = MessageToDict(rec.run, preserving_proto_field_name=True)
                out["run"] = {k: v for k, v in r.items() if k in ("run_id", "entity", "project", "run_group",
                                                                  "job_type", "display_name", "notes", "tags")}
                out["config"].update({i.key: json.loads(i.value_json) for i in rec.run.config.update})
            elif kind == "config":
                out["config"].update({i.key: json.loads(i.value_json) for i in rec.config.update})
            elif kind == "summary":
                out["summary"].update({i.key or "/".join(i.nested_key): json.loads(i.value_json)
                                       for i in rec.summary.update})
            elif kind == "history":
                out["history"].append({i.key or "/".join(i.nested_key): json.loads(i.value_json)
                                       for i in rec.history.item})
            elif kind == "artifact":
                a = rec.artifact
                out["artifacts"].append({"name": a.name, "type": a.type, "digest": a.digest,
                                         "aliases": list(a.aliases), "metadata": json.loads(a.metadata or "{}"),
                                         "files": [e.path for e in a.manifest.contents]})
        elif rtype == 2:
            buf = chunk
        elif rtype == 3:
            buf += chunk
    out["record_kinds"] = kinds
    return out


if __name__ == "__main__":
    main()
