"""Hugging Face importer: a model card (README.md front matter) and config.json → mlkg entities.

What becomes what:

=====================================  ===========================================================================
model card / config.json               mlkg
=====================================  ===========================================================================
the Hub                                :class:`MLModelService` (``service_type`` HuggingFace)
the model                              :class:`MLModel`: name, licence (SPDX), ``pipeline_tag`` → task, tags,
                                       language and library as tag labels, ``base_model`` → ``base_model``
                                       (plus ``base_model_relation``)
``datasets``                           :class:`Dataset` entities, the model's training datasets
``model-index`` results                :class:`Evaluation` on the model: metric, value, dataset, split
                                       (``dataset.config`` becomes the slice)
``co2_eq_emissions``, card sections    :class:`ModelCard`: emissions in grams, intended use, out-of-scope use,
                                       limitations, bias/risks
``config.json``                        ``algorithm`` (first of ``architectures``, else ``model_type``) and the
                                       scalar settings as :class:`HyperParameter` s
=====================================  ===========================================================================

The card is parsed with ``huggingface_hub.ModelCard``. When its ``model-index`` is broken (``ModelCard`` refuses
it, or would silently drop the results), the raw YAML is read instead, bad entries are skipped and the report
says why. The Hub is contacted only when ``repo_id`` is given with ``allow_network=True``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .. import ids, limits
from ..errors import InputError
from ..model import entities as m
from ..model.base import Ref
from ..rdf.formats import loads_json
from .base import (
    Capability,
    Importer,
    ImporterConfig,
    ImportReport,
    SourceUnavailable,
    first_line,
    missing_sdk,
    option,
    redact_uri,
)
from .mappers import split_for as shared_split_for

HUB = "https://huggingface.co"


@dataclass(frozen=True)
class HuggingFaceConfig(ImporterConfig):
    """Which card to read and how to name what comes out."""

    path: str = option("", "A model directory (README.md, config.json) or a README.md file.")
    repo_id: str = option("", "Hub repository id (org/name); with allow_network, the card is downloaded.")
    allow_network: bool = option(False, "Download the card and config.json from the Hub (never in tests); on "
                                        "the command line --hub, which takes SOURCE as the repo id.",
                                 cli=("--hub",))
    revision: str | None = option(None, "Hub revision (branch, tag or commit) to download.")
    name: str = option("", "Model name (default: the repo id, the card's model name, its first heading, or "
                           "the directory name).")
    service_name: str = option("huggingface", "Name of the MLModelService entity the model belongs to.")
    config_hyperparameters: bool = option(True, "Turn the scalar settings of config.json into hyperparameters.")
    hub_timeout: float = option(10.0, "Seconds to wait for the Hugging Face Hub to answer before giving up (with "
                                      "--hub); an unreachable Hub fails at once instead of being retried.",
                                minimum=0.1)


#: Hugging Face licence ids whose SPDX spelling differs only in case (or not at all).
_SPDX = {
    "apache-2.0": "Apache-2.0", "mit": "MIT", "bsd": "BSD-3-Clause", "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause", "gpl-2.0": "GPL-2.0-only", "gpl-3.0": "GPL-3.0-only",
    "lgpl-3.0": "LGPL-3.0-only", "agpl-3.0": "AGPL-3.0-only", "mpl-2.0": "MPL-2.0", "cc0-1.0": "CC0-1.0",
    "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0", "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0", "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0", "cc-by-3.0": "CC-BY-3.0",
    "cc-by-sa-3.0": "CC-BY-SA-3.0", "unlicense": "Unlicense", "wtfpl": "WTFPL", "artistic-2.0": "Artistic-2.0",
    "bsl-1.0": "BSL-1.0", "epl-2.0": "EPL-2.0", "ecl-2.0": "ECL-2.0", "afl-3.0": "AFL-3.0",
    "openrail": "OpenRAIL", "creativeml-openrail-m": "CreativeML-OpenRAIL-M",
}

_SPLITS = {"train": "train", "training": "train", "validation": "validation", "valid": "validation",
           "val": "validation", "dev": "validation", "test": "test", "testing": "test"}

#: Card section headings (lower-cased, prefix match) → ModelCard field.
_SECTIONS = (
    ("out-of-scope", "out_of_scope_use"), ("out of scope", "out_of_scope_use"),
    ("intended use", "intended_use"), ("intended uses", "intended_use"), ("uses", "intended_use"),
    ("limitations", "limitations"), ("bias, risks", "ethical_considerations"),
    ("bias risks", "ethical_considerations"), ("ethical considerations", "ethical_considerations"),
    ("risks", "ethical_considerations"),
)

_CONFIG_SKIP = {"architectures", "transformers_version", "id2label", "label2id",
                "auto_map", "task_specific_params", "quantization_config"}


def license_id(value: str) -> str:
    """SPDX spelling of a Hugging Face licence id (``apache-2.0`` → ``Apache-2.0``); unknown ids unchanged."""
    return _SPDX.get(value.strip().lower(), value.strip())


def split_for(value: Any) -> tuple[m.Split | None, str | None]:
    """(mlkg split, slice) for a model-index split name: ``test`` → (test, None), ``test_matched`` → (test,
    'split=test_matched'); the split itself comes from the shared :func:`mlkg.importers.mappers.split_for`."""
    if not isinstance(value, str) or not value:
        return None, None
    split = shared_split_for(value)
    exact = value.strip().lower() in _SPLITS
    return split, None if (exact and split is not None) else f"split={value}"


# ---------------------------------------------------------------------------------------------------------------
# Reading the card
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _EvalRow:
    metric: str
    value: Any
    dataset_type: str
    dataset_name: str | None = None
    split: str | None = None
    config: str | None = None
    revision: str | None = None
    task: str | None = None


def front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter of a card (``{}`` if none) and the Markdown body.

    :raises InputError: if the YAML is malformed (with the line in the file).
    """
    import yaml

    if not text.startswith("---"):
        return {}, text
    match = re.match(r"^---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", text, re.S | re.M)
    if not match:
        raise InputError("the YAML front matter is not closed by a '---' line", source=source, line=1)
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(f"malformed YAML front matter: {getattr(e, 'problem', None) or e}", source=source,
                         line=(mark.line + 2) if mark is not None else None,
                         column=(mark.column + 1) if mark is not None else None) from None
    limits.check_tree(data, source)
    if not isinstance(data, dict):
        raise InputError("the YAML front matter is not a mapping", source=source, line=2,
                         expected="key: value lines")
    return data, text[match.end():]


def raw_eval_rows(meta: dict[str, Any], report: ImportReport, where: str) -> list[_EvalRow]:
    """Evaluation results read straight from the ``model-index`` YAML, skipping (and reporting) bad entries."""
    rows: list[_EvalRow] = []
    index = meta.get("model-index")
    if index is None:
        return rows
    if not isinstance(index, list):
        report.skip(f"{where} model-index", "not a list")
        return rows
    for i, entry in enumerate(index):
        results = entry.get("results") if isinstance(entry, dict) else None
        if not isinstance(results, list):
            report.skip(f"{where} model-index[{i}]", "no 'results' list")
            continue
        for j, res in enumerate(results):
            at = f"{where} model-index[{i}].results[{j}]"
            if not isinstance(res, dict):
                report.skip(at, "not a mapping")
                continue
            task = res.get("task") if isinstance(res.get("task"), dict) else {}
            ds = res.get("dataset")
            if not isinstance(ds, dict) or not (ds.get("type") or ds.get("name")):
                report.skip(at, "no dataset (type or name); the result cannot be tied to data")
                continue
            metrics = res.get("metrics")
            if not isinstance(metrics, list) or not metrics:
                report.skip(at, "no metrics")
                continue
            for k, met in enumerate(metrics):
                if not isinstance(met, dict) or not (met.get("type") or met.get("name")) or "value" not in met:
                    report.skip(f"{at}.metrics[{k}]", "needs a metric type and a value")
                    continue
                rows.append(_EvalRow(
                    metric=str(met.get("type") or met.get("name")), value=met.get("value"),
                    dataset_type=str(ds.get("type") or ds.get("name")),
                    dataset_name=str(ds["name"]) if ds.get("name") else None,
                    split=ds.get("split"), config=ds.get("config"), revision=ds.get("revision"),
                    task=(task or {}).get("type")))
    return rows


def _sdk_card(path: Path, report: ImportReport, where: str) -> tuple[Any, bool]:
    """``(card data, eval results usable)`` from huggingface_hub, or ``(None, False)`` when it refuses the card."""
    try:
        from huggingface_hub import ModelCard
    except ImportError:
        raise missing_sdk("huggingface_hub", "huggingface") from None
    import logging

    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)  # problems go to the report instead
    try:
        card = ModelCard.load(str(path))
        return card.data, True
    except Exception as e:
        report.warn(f"huggingface_hub could not parse the card metadata ({first_line(e, 160)}); the raw YAML "
                    "was read instead", item=where)
        try:
            card = ModelCard.load(str(path), ignore_metadata_errors=True)
            return card.data, False
        except Exception:
            return None, False


_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)


def card_sections(body: str) -> dict[str, str]:
    """Text of the sections a model card usually has (intended use, limitations, ...), by ModelCard field."""
    out: dict[str, str] = {}
    body = _FENCE.sub("", body)
    parts = re.split(r"^(#{1,4})[ \t]+(.+?)[ \t]*#*[ \t]*$", body, flags=re.M)
    # parts: [pre, hashes, title, text, hashes, title, text, ...]
    for i in range(1, len(parts) - 2, 3):
        title = parts[i + 1].strip().lower()
        text = parts[i + 2].strip()
        if not text:
            continue
        for prefix, fieldname in _SECTIONS:
            if title.startswith(prefix) and fieldname not in out:
                out[fieldname] = text
                break
    return out


def _first_heading(body: str) -> str | None:
    body = _FENCE.sub("", body)
    match = re.search(r"^#[ \t]+(.+?)[ \t]*$", body, re.M)
    return match.group(1).strip() if match else None


_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def base_from_config(hf_config: dict[str, Any], *, own: tuple[str, ...]) -> str | None:
    """The model this one was built from, as config.json records it (``_name_or_path``, written by
    transformers when a model is loaded from the Hub and saved), when it is a Hub repo id other than the model
    itself; local paths are not repo ids.

    >>> base_from_config({"_name_or_path": "nreimers/MiniLM-L6-H384-uncased"}, own=("x/y",))
    'nreimers/MiniLM-L6-H384-uncased'
    >>> base_from_config({"_name_or_path": "/tmp/checkpoints/run1"}, own=())
    """
    value = hf_config.get("_name_or_path")
    if not isinstance(value, str) or not _REPO_ID.match(value) or value in own:
        return None
    return value


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


# ---------------------------------------------------------------------------------------------------------------
# The importer
# ---------------------------------------------------------------------------------------------------------------


def reachable(url: str, timeout: float, *, what: str) -> None:
    """Open (and close) a TCP connection to ``url``'s host within ``timeout`` seconds.

    :raises SourceUnavailable: saying which host could not be reached and why, in full.
    """
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise SourceUnavailable(f"cannot reach {what} at {redact_uri(url)} ({reason}); check the network, or "
                                "import a local model directory instead") from None


def _locate(config: HuggingFaceConfig) -> tuple[Path, Path | None]:
    """(README.md, config.json or None) for a local path or, if allowed, a Hub download."""
    if config.path:
        p = Path(config.path)
        if p.is_dir():
            readme = p / "README.md"
            if not readme.is_file():
                raise InputError("no README.md (model card) in this directory", source=str(p),
                                 expected="a model directory with README.md")
            cfg = p / "config.json"
            return readme, cfg if cfg.is_file() else None
        if p.is_file():
            cfg = p.parent / "config.json"
            return p, cfg if cfg.is_file() else None
        raise InputError("no such file or directory", source=str(p))
    if not config.repo_id:
        raise InputError("give a model directory, a README.md, or a repo id with network access allowed",
                         source="huggingface")
    if not config.allow_network:
        raise SourceUnavailable(f"{config.repo_id}: downloading from the Hugging Face Hub needs "
                                "allow_network=True (--hub on the command line)")
    try:
        from huggingface_hub import constants, hf_hub_download
    except ImportError:
        raise missing_sdk("huggingface_hub", "huggingface") from None
    import logging

    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)  # no "Retrying in 8s" lines: one clear error
    endpoint = os.environ.get("HF_ENDPOINT") or constants.ENDPOINT
    reachable(endpoint, config.hub_timeout, what="the Hugging Face Hub")
    try:
        readme = Path(hf_hub_download(config.repo_id, "README.md", revision=config.revision,
                                      etag_timeout=config.hub_timeout))
    except Exception as e:
        raise SourceUnavailable(f"{config.repo_id}: cannot download the model card from {endpoint} "
                                f"({first_line(e, 1000)})") from None
    cfg_file: Path | None
    try:
        cfg_file = Path(hf_hub_download(config.repo_id, "config.json", revision=config.revision,
                                        etag_timeout=config.hub_timeout))
    except Exception:
        cfg_file = None
    return readme, cfg_file


class HuggingFaceImporter(Importer[HuggingFaceConfig]):
    """Hugging Face: a model card (README.md front matter) and config.json, from a directory or the Hub."""

    name = "huggingface"
    platform = m.PlatformType.HUGGING_FACE
    Config = HuggingFaceConfig
    capabilities = {
        Capability.REGISTRY: "One model per card; its base model (with the relation) as a link to another model.",
        Capability.RUNS: "Evaluation results of the model-index (metric, value, dataset, split); the scalar "
                         "settings of config.json as hyperparameters. No training runs.",
        Capability.DATASETS: "The card's datasets as training data; evaluation datasets from the model-index.",
        Capability.GOVERNANCE: "Licence (SPDX), intended and out-of-scope use, limitations, bias and risks, "
                               "CO2 emissions, tags, language.",
    }
    extra = "huggingface"
    sdk = ("huggingface_hub",)
    source_option = "path"
    examples = ("mlkg import huggingface ./my-model -o my-model.ttl",
                "mlkg import huggingface distilbert/distilbert-base-uncased --hub -o distilbert.jsonld")
    from .huggingface_fields import FILLS as fills  # the mapping table: field → Hugging Face source

    @classmethod
    def cli_values(cls, values: dict[str, Any]) -> dict[str, Any]:
        """``--hub``: the SOURCE argument is a Hub repo id."""
        if values.get("allow_network") and values.get("path") and not values.get("repo_id"):
            values["repo_id"] = values.pop("path")
        return values

    def source(self) -> str:
        return f"huggingface {redact_uri(self.config.path or self.config.repo_id)}"

    def graph_key(self) -> str:
        c = self.config
        return f"{c.service_name}/{c.name or c.repo_id or Path(redact_uri(c.path)).resolve().name}"

    def service_url(self) -> str | None:
        return HUB if self.config.repo_id else None

    def entities(self) -> Iterator[m.Entity]:
        """Yield the service, the model (with its card, evaluations and base model link) and its datasets.

        :raises InputError: the card or config.json is malformed (file and line named).
        :raises SourceUnavailable: huggingface_hub is missing, or a Hub download failed.
        """
        config, report = self.config, self.report
        readme, cfg_path = _locate(config)
        where = str(readme)
        text = limits.read_text(readme, where)
        meta, body = front_matter(text, where)
        data, sdk_evals_ok = _sdk_card(readme, report, where)
        if not meta:
            report.warn("the card has no YAML metadata; only the name and text were used", item=where)

        def get(key: str) -> Any:
            value = getattr(data, key, None) if data is not None else None
            return value if value is not None else meta.get(key)

        hf_config: dict[str, Any] = {}
        if cfg_path is not None:
            loaded = loads_json(limits.read_text(cfg_path), str(cfg_path), expected="a model's config.json")
            if isinstance(loaded, dict):
                hf_config = loaded
            else:
                report.warn("config.json is not a JSON object; ignored", item=str(cfg_path))

        svc_fqn = self.service_fqn()
        yield self.service()
        report.count("services")

        index = meta.get("model-index")
        index_name = index[0].get("name") if isinstance(index, list) and index and isinstance(index[0], dict) else None
        name = (config.name or config.repo_id or get("model_name") or index_name or _first_heading(body)
                or (readme.parent.name if readme.name.lower() == "readme.md" else readme.stem))
        name = str(name)
        model_fqn = ids.fqn_child(svc_fqn, name)

        def dataset_ref(ds_id: str) -> Ref:
            return Ref(type="dataset", fqn=ids.fqn_child(svc_fqn, ds_id))

        datasets: dict[str, m.Dataset] = {}

        def add_dataset(ds_id: str, display: str | None = None, revision: str | None = None) -> Ref:
            fqn = ids.fqn_child(svc_fqn, ds_id)
            if fqn not in datasets:
                datasets[fqn] = m.Dataset(name=ds_id, fqn=fqn, source=f"{HUB}/datasets/{ds_id}", source_type="hf",
                                          display_name=display if display and display != ds_id else None,
                                          revision=str(revision) if revision else None)
            return dataset_ref(ds_id)

        train_refs = []
        raw_datasets = get("datasets") or []
        if isinstance(raw_datasets, str):
            raw_datasets = [raw_datasets]
        for ds in raw_datasets if isinstance(raw_datasets, list) else []:
            if isinstance(ds, str) and ds.strip():
                train_refs.append(add_dataset(ds.strip()))
            else:
                report.skip(f"{where} datasets entry {ds!r}", "not a dataset id")

        # evaluations: the SDK's parse when it worked, else the raw YAML
        rows: list[_EvalRow] = []
        sdk_rows = list(getattr(data, "eval_results", None) or []) if (data is not None and sdk_evals_ok) else []
        if sdk_rows:
            for r in sdk_rows:
                rows.append(_EvalRow(metric=r.metric_type or r.metric_name, value=r.metric_value,
                                     dataset_type=r.dataset_type or r.dataset_name, dataset_name=r.dataset_name,
                                     split=r.dataset_split, config=r.dataset_config, revision=r.dataset_revision,
                                     task=r.task_type))
        elif index is not None:
            rows = raw_eval_rows(meta, report, where)
        metrics = []
        seen_eval = set()
        for r in rows:
            value = r.value
            if isinstance(value, (list, dict)) or value is None:
                report.skip(f"{where} metric {r.metric} on {r.dataset_type}", "the value is not a single number or text")
                continue
            split, slice_ = split_for(r.split)
            if r.config and r.config != "default":
                slice_ = f"config={r.config}" + (f", {slice_}" if slice_ else "")
            ref = add_dataset(str(r.dataset_type), r.dataset_name, r.revision)
            key = (r.metric, ref.fqn, split, slice_)
            if key in seen_eval:
                report.skip(f"{where} metric {r.metric} on {r.dataset_type}", "repeated result")
                continue
            seen_eval.add(key)
            metrics.append(m.Evaluation(name=str(r.metric), value=value,
                                        dataset=ref, split=split, slice=slice_,
                                        description=f"task: {r.task}" if r.task else None))

        # base model(s)
        base = get("base_model")
        base_ref = None
        if isinstance(base, list):
            if len(base) > 1:
                report.warn(f"{len(base)} base models (a merge?); only the first, {base[0]!r}, is linked", item=where)
            base = base[0] if base else None
        if not base:
            base = base_from_config(hf_config, own=(config.repo_id, name))
        if isinstance(base, str) and base.strip():
            base_ref = Ref(type="mlmodel", fqn=ids.fqn_child(svc_fqn, base.strip()))
        relation = get("base_model_relation")

        # licence
        lic = get("license")
        license_value = None
        if isinstance(lic, str) and lic.strip():
            if lic.strip().lower() == "other":
                link = get("license_link")
                if isinstance(link, str) and "://" in link:
                    license_value = link
                else:
                    report.warn(f"licence 'other' ({get('license_name') or 'unnamed'}) without a link; not recorded",
                                item=where)
            else:
                license_value = license_id(lic)

        # tags: card tags, language and library
        tags = []
        raw_tags = get("tags") or []
        for t in [raw_tags] if isinstance(raw_tags, str) else raw_tags:
            if isinstance(t, str) and t:
                tags.append(ids.fqn_join("HuggingFace", t))
        langs = get("language") or []
        for lang in [langs] if isinstance(langs, str) else langs:
            if isinstance(lang, str) and lang:
                tags.append(ids.fqn_join("Language", lang))
        lib = get("library_name")
        if isinstance(lib, str) and lib:
            tags.append(ids.fqn_join("Library", lib))

        # the card
        co2 = get("co2_eq_emissions")
        grams = None
        if isinstance(co2, dict):
            grams = _number(co2.get("emissions"))
        elif co2 is not None:
            grams = _number(co2)
        if co2 is not None and grams is None:
            report.warn(f"co2_eq_emissions {co2!r} has no number of grams; not recorded", item=where)
        sections = card_sections(body)
        card = m.ModelCard(url=f"{HUB}/{config.repo_id}" if config.repo_id else None, co2e_emissions_grams=grams,
                           intended_use=sections.get("intended_use"), out_of_scope_use=sections.get("out_of_scope_use"),
                           limitations=sections.get("limitations"),
                           ethical_considerations=sections.get("ethical_considerations"))

        # config.json
        algorithm = None
        params = []
        if hf_config:
            arch = hf_config.get("architectures")
            algorithm = arch[0] if isinstance(arch, list) and arch and isinstance(arch[0], str) else (
                hf_config.get("model_type") if isinstance(hf_config.get("model_type"), str) else None)
            if config.config_hyperparameters:
                for k, v in sorted(hf_config.items()):
                    if k.startswith("_") or k in _CONFIG_SKIP or isinstance(v, (list, dict)) or v is None:
                        continue
                    if isinstance(v, float) and v != v:  # NaN
                        continue
                    params.append(m.HyperParameter(name=k, value=v))

        yield from datasets.values()
        report.count("datasets", len(datasets))
        model = m.MLModel(
            name=name, fqn=model_fqn, service=self.service_ref(),
            service_type=m.PlatformType.HUGGING_FACE,
            license=license_value, task=get("pipeline_tag") if isinstance(get("pipeline_tag"), str) else None,
            tags=[m.TagLabel(tag_fqn=t, source="Classification", label_type="Automated", state="Confirmed")
                  for t in sorted(set(tags))], training_datasets=train_refs, metrics=metrics, base_model=base_ref,
            base_model_relation=relation if isinstance(relation, str) else None, model_card=card,
            algorithm=algorithm, ml_hyper_parameters=params,
            source_url=f"{HUB}/{config.repo_id}" if config.repo_id else None)
        yield model
        report.count("models")
        report.count("evaluations", len(metrics))
