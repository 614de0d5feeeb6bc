"""Read H2O-3 model documents: model-details JSON files, MOJO zips and a running cluster's REST API.

One document format carries everything: the model-details JSON that ``model.save_model_details()`` writes is the
REST answer of ``GET /3/Models/{id}`` and the ``experimental/modelDetails.json`` entry of a MOJO. A MOJO also has
``model.ini`` (``[info]`` key = value lines, ``[columns]``, ``[domains]`` pointing at ``domains/dNNN.txt``), which is
all there is when the MOJO was written without details. Standard library only (json, zipfile, configparser-free
parsing of ``model.ini``, urllib).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from ... import limits
from ..base import ImportReport, SourceUnavailable, first_line, redact_uri


@dataclass
class H2OModel:
    """One model as found: its details document (or None) and, for a MOJO, its ``model.ini``."""

    where: str
    """The file (or ``file.zip!entry``, or the REST URL) it came from."""
    details: dict[str, Any] | None
    ini: dict[str, Any] = field(default_factory=dict)
    """``info`` (key → text), ``columns`` (names), ``domains`` (column index → levels)."""
    artifact: str | None = None
    """Where the model itself is (the MOJO file, or the REST URL of the model)."""


def read_paths(paths: tuple[str, ...], report: ImportReport) -> Iterator[H2OModel]:
    """Every model in ``paths``: ``.json`` details files, ``.zip`` MOJOs, or folders holding them.

    A file that is neither is skipped (reported); a path that does not exist raises.

    :raises SourceUnavailable: a path does not exist.
    """
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise SourceUnavailable(f"{p}: no such file or folder")
        files = sorted(f for f in p.rglob("*") if f.suffix.lower() in (".json", ".zip")) if p.is_dir() else [p]
        if p.is_dir() and not files:
            report.skip(str(p), "no .json model details or .zip MOJO in this folder")
        for f in files:
            model = read_file(f, report)
            if model is not None:
                yield model


def read_file(path: Path, report: ImportReport) -> H2OModel | None:
    """One model-details JSON or MOJO; None (with the reason in the report) if it is neither."""
    if zipfile.is_zipfile(path):
        return read_mojo(path, report)
    with open(path, "rb") as fh:
        if fh.read(4) == b"PK\x03\x04":
            report.skip(str(path), "a damaged zip (no central directory; truncated?): not a readable MOJO")
            return None
    limits.check_size(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        report.skip(str(path), f"not readable as a model-details JSON file ({first_line(e, 120)})")
        return None
    try:
        doc = json.loads(text)
    except ValueError as e:
        report.skip(str(path), f"not JSON ({e}); expected H2O model details (save_model_details / /3/Models)")
        return None
    limits.check_tree(doc, str(path))
    if isinstance(doc, dict) and isinstance(doc.get("models"), list) and doc["models"] and _is_details(
            doc["models"][0]):  # a saved answer of /3/Models/{id}
        return H2OModel(where=str(path), details=doc["models"][0])
    if not _is_details(doc):
        report.skip(str(path), "not H2O model details (expected the keys algo, model_id, parameters and output)")
        return None
    return H2OModel(where=str(path), details=doc)


def _is_details(doc: Any) -> bool:
    return isinstance(doc, dict) and "algo" in doc and isinstance(doc.get("output"), dict) and isinstance(
        doc.get("parameters"), list)


def read_mojo(path: Path, report: ImportReport) -> H2OModel | None:
    """A MOJO zip: ``model.ini`` (required) and ``experimental/modelDetails.json`` (if the MOJO has it)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "model.ini" not in names:
                report.skip(str(path), "a zip without model.ini: not an H2O MOJO")
                return None
            ini = parse_model_ini(z.read("model.ini").decode("utf-8"))
            domains = {}
            for idx, fname in ini.pop("domain_files").items():
                entry = f"domains/{fname}"
                if entry in names:
                    domains[idx] = z.read(entry).decode("utf-8").splitlines()
            ini["domains"] = domains
            details = None
            if "experimental/modelDetails.json" in names:
                try:
                    details = json.loads(z.read("experimental/modelDetails.json").decode("utf-8"))
                except ValueError as e:
                    report.warn(f"experimental/modelDetails.json is not JSON ({e}); only model.ini is read",
                                item=str(path))
            else:
                report.warn("MOJO without experimental/modelDetails.json: only model.ini is read (algorithm, "
                            "columns, domains); no parameters, metrics or variable importances", item=str(path))
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, EOFError) as e:
        report.skip(str(path), f"unreadable MOJO zip ({first_line(e, 120)})")
        return None
    return H2OModel(where=str(path), details=details, ini=ini, artifact=str(path))


def parse_model_ini(text: str) -> dict[str, Any]:
    """``model.ini`` of a MOJO: ``info`` (key → text), ``columns`` (names in order), ``domain_files``
    (column index → file under ``domains/``).

    >>> ini = parse_model_ini("[info]\\nalgo = gbm\\n\\n[columns]\\nx\\ny\\n\\n[domains]\\n1: 2 d000.txt\\n")
    >>> ini["info"]["algo"], ini["columns"], ini["domain_files"]
    ('gbm', ['x', 'y'], {1: 'd000.txt'})
    """
    info: dict[str, str] = {}
    columns: list[str] = []
    domain_files: dict[int, str] = {}
    section = None
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith("[") and s.endswith("]"):
            section = s[1:-1]
        elif section == "info" and "=" in s:
            k, _, v = s.partition("=")
            info[k.strip()] = v.strip()
        elif section == "columns":
            columns.append(line.rstrip("\n"))
        elif section == "domains" and ":" in s:
            idx, _, rest = s.partition(":")
            parts = rest.split()
            if idx.strip().isdigit() and parts:
                domain_files[int(idx)] = parts[-1]
    return {"info": info, "columns": columns, "domain_files": domain_files}


# ---------------------------------------------------------------------------------------------------------------
# A running cluster: GET /3/Models, then /3/Models/{id}
# ---------------------------------------------------------------------------------------------------------------


def read_cluster(url: str, report: ImportReport, *, models: tuple[str, ...] = (),
                 timeout: float = 30) -> Iterator[H2OModel]:
    """Every model of the H2O cluster at ``url`` (or only ``models``), through its REST API.

    :raises SourceUnavailable: the cluster cannot be reached or does not answer like H2O.
    """
    base = url.rstrip("/")
    shown = redact_uri(base)
    if not models:
        listing = _get_json(f"{base}/3/Models", shown, timeout)
        if not isinstance(listing, dict) or not isinstance(listing.get("models"), list):
            raise SourceUnavailable(f"{shown}/3/Models: not an H2O answer (no 'models' list)")
        models = tuple(str((m.get("model_id") or {}).get("name")) for m in listing["models"]
                       if isinstance(m, dict) and isinstance(m.get("model_id"), dict))
    for mid in models:
        with report.guard(f"model {mid}") as g:
            doc = _get_json(f"{base}/3/Models/{quote(mid, safe='')}", shown, timeout, missing_ok=True)
        if not g.ok:
            continue
        if doc is None:
            report.skip(f"model {mid}", f"not found on {shown}")
            continue
        found = doc.get("models") if isinstance(doc, dict) else None
        if not found or not _is_details(found[0]):
            report.skip(f"model {mid}", "the answer of /3/Models/{id} holds no model details")
            continue
        yield H2OModel(where=f"{shown}/3/Models/{mid}", details=found[0], artifact=f"{shown}/3/Models/{mid}")


def _get_json(url: str, shown: str, timeout: float, *, missing_ok: bool = False) -> Any:
    try:
        with urlopen(Request(url, headers={"Accept": "application/json"}), timeout=timeout) as resp:
            body = resp.read()
    except HTTPError as e:
        if missing_ok and e.code == 404:
            return None
        raise SourceUnavailable(f"{shown}: HTTP {e.code} from {url[len(url) - len(url.split('/3/', 1)[-1]) - 3:]}"
                                ) from None
    except (URLError, OSError) as e:
        raise SourceUnavailable(f"cannot reach H2O at {shown}: {first_line(e)}") from None
    try:
        return json.loads(body)
    except ValueError:
        raise SourceUnavailable(f"{shown}: the answer is not JSON (is this an H2O cluster?)") from None


def merge(models: list[H2OModel]) -> list[H2OModel]:
    """One entry per trained model: a details JSON and a MOJO of the same model (same id and checksum) become
    one, keeping the details and the MOJO as the artifact."""
    out: dict[tuple[str, str], H2OModel] = {}
    for h in models:
        key = _identity(h)
        have = out.get(key)
        if have is None:
            out[key] = h
            continue
        if have.details is None and h.details is not None:
            have.details, have.where = h.details, h.where
        if have.artifact is None or (h.artifact or "").endswith(".zip"):
            have.artifact = h.artifact or have.artifact
        have.ini = have.ini or h.ini
    return list(out.values())


def _identity(h: H2OModel) -> tuple[str, str]:
    if h.details is not None:
        mid = h.details.get("model_id")
        name = mid.get("name") if isinstance(mid, dict) else mid
        checksum = ((h.details.get("output") or {}).get("training_metrics") or {}).get("model_checksum")
        return str(name), str(checksum)
    info = h.ini.get("info", {})
    return str(info.get("model_id") or Path(h.where).stem), str(info.get("uuid"))
