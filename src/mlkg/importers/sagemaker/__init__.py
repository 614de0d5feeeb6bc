"""AWS SageMaker importer (boto3): the model registry, training jobs, endpoints, batch transforms, model cards.

``mlkg import sagemaker [--region R] [--profile P] [--endpoint-url URL]``. Credentials come from the standard AWS
chain; ``--endpoint-url`` (or ``AWS_ENDPOINT_URL_SAGEMAKER`` / ``AWS_ENDPOINT_URL``) points the client at any
SageMaker-compatible endpoint, such as a VPC endpoint or ``moto_server`` on 127.0.0.1.

The package is split in three: :mod:`.config` (what to read), :mod:`.client` (boto3, paging, retries, errors) and
:mod:`.mapping` (API responses → entities, where the table of what becomes what is). This module reads the
estate in a fixed order, so that what a version needs (the endpoints serving it, its training job, its model
card) is known before it is built, and then yields the entities.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...model import entities as m
from ...model.base import Ref
from ..base import Capability, Importer, ImportReport, redact_uri
from ..mappers import RegistryMapper
from . import mapping as mp
from .client import SageMakerClient, endpoint_url
from .config import SageMakerConfig

__all__ = ["SageMakerConfig", "SageMakerImporter"]


def _arn_name(arn: str, kind: str) -> str | None:
    """``arn:aws:sagemaker:r:acct:training-job/NAME`` → NAME when the resource type is ``kind``."""
    res = arn.split(":", 5)[-1] if arn.startswith("arn:") else ""
    head, sep, rest = res.partition("/")
    return rest if sep and head == kind else None


def _package_key(arn_or_name: str) -> tuple[str, str] | None:
    """(group, version) of a versioned model package ARN ``...:model-package/GROUP/VERSION``."""
    rest = _arn_name(arn_or_name, "model-package")
    if rest and "/" in rest:
        group, _, ver = rest.rpartition("/")
        return group, ver
    return None


class SageMakerImporter(Importer[SageMakerConfig]):
    """AWS SageMaker: model package groups and versions, training jobs, endpoints, batch transforms, model cards."""

    name = "sagemaker"
    platform = m.PlatformType.SAGEMAKER
    Config = SageMakerConfig
    capabilities = {
        Capability.REGISTRY: "Model package groups and their versions: approval status, lifecycle stage, "
                             "artifact and image, creator, previous version, model-quality metrics from S3.",
        Capability.RUNS: "Training jobs: typed hyperparameters, final metrics by split, experiment and trial, "
                         "commit and repository the package records.",
        Capability.DATASETS: "Training job channels on S3 as datasets (train, validation, test) and the S3 "
                             "output of batch transforms as predictions.",
        Capability.DEPLOYMENTS: "Endpoints with their production variants (status, instance type, the version "
                                "served) and batch transform jobs.",
        Capability.GOVERNANCE: "Tags, owner and team tags as owners, and model cards (intended use, risk "
                               "rating, limitations, ethical considerations).",
    }
    extra = "sagemaker"
    sdk = ("boto3",)
    examples = (
        "mlkg import sagemaker --region eu-west-1 -o sagemaker.ttl",
        "mlkg import sagemaker --profile prod --model-package-groups fraud-detector --store oxigraph:kg",
        "mlkg import sagemaker --endpoint-url http://127.0.0.1:5000 --region us-east-1 -o moto.ttl",
    )
    from .fields import FILLS as fills  # the mapping table: field → SageMaker source

    def __init__(self, config: SageMakerConfig | None = None, report: ImportReport | None = None, *,
                 client: Any = None, s3: Any = None, **options: Any) -> None:
        """``client``/``s3`` replace the boto3 clients (a botocore ``Stubber``-wrapped client in tests)."""
        super().__init__(config, report, **options)
        self.names = mp.Names(self.config.service_name)
        self.registry = RegistryMapper(self)
        self._client_args = (client, s3)
        self.sm: SageMakerClient | None = None
        self.account = ""

    def source(self) -> str:
        parts = ["sagemaker"]
        if self.config.region:
            parts.append(self.config.region)
        url = endpoint_url(self.config)
        if url:
            parts.append(redact_uri(url))
        if self.config.profile:
            parts.append(f"profile {self.config.profile}")
        return " ".join(parts)

    def graph_key(self) -> str:
        where = self.config.region or self.config.profile or ""
        return f"{self.service_name}/{where}" if where else self.service_name

    def test_connection(self) -> None:
        sm = SageMakerClient(self.config, client=self._client_args[0])
        sm.call("list_model_package_groups", MaxResults=1)

    # -- error isolation ----------------------------------------------------------------------------------------

    def describe(self, what: str, op: str, **kwargs: Any) -> dict[str, Any] | None:
        """One ``describe_*`` call in :meth:`ImportReport.guard`: a failure that is not fatal to the source is
        recorded as a failure of ``what`` and None returned."""
        assert self.sm is not None
        with self.report.guard(what):
            return self.sm.call(op, **kwargs)
        return None

    def tags(self, arn: str | None, what: str, *, enabled: bool = True) -> dict[str, str]:
        if not (self.config.tags and enabled and arn):
            return {}
        assert self.sm is not None
        with self.report.guard(f"tags of {what}"):
            return self.sm.tags(arn)
        return {}

    # -- reading ------------------------------------------------------------------------------------------------

    def read(self) -> None:
        c, sm = self.config, self.sm
        assert sm is not None
        # the registry
        if c.model_package_groups:
            groups = []
            for wanted_group in c.model_package_groups:
                d = self.describe(f"model package group {wanted_group}", "describe_model_package_group",
                                  ModelPackageGroupName=wanted_group)
                if d is None:
                    self.report.skip(f"model package group {wanted_group}", "not found")
                else:
                    groups.append(d)
        else:
            groups = []
            for s in sm.pages("list_model_package_groups", "ModelPackageGroupSummaryList"):
                groups.append(s)  # the summary has name, ARN, description, creation time and status
        self.groups = sorted(groups, key=lambda g: g["ModelPackageGroupName"])
        self.packages: dict[str, list[dict[str, Any]]] = {}
        for g in self.groups:
            name = g["ModelPackageGroupName"]
            summaries = list(sm.pages("list_model_packages", "ModelPackageSummaryList",
                                      ModelPackageGroupName=name, ModelPackageType="Versioned"))
            full = []
            for s in sorted(summaries, key=lambda s: s.get("ModelPackageVersion") or 0):
                arn = s["ModelPackageArn"]
                d = self.describe(f"model package {name}/{s.get('ModelPackageVersion')}",
                                  "describe_model_package", ModelPackageName=arn)
                if d is not None:
                    full.append(d)
                    self.account = self.account or arn.split(":")[4]
            self.packages[name] = full
        self.report.say(f"sagemaker: {len(self.groups)} model package groups, "
                        f"{sum(map(len, self.packages.values()))} packages")
        # models (the link from endpoints and transform jobs to packages)
        self.models: dict[str, dict[str, Any]] = {}
        if c.endpoints or c.transform_jobs:
            for s in sm.pages("list_models", "Models"):
                d = self.describe(f"model {s['ModelName']}", "describe_model", ModelName=s["ModelName"])
                if d is not None:
                    self.models[d["ModelName"]] = d
        # endpoints
        self.endpoints: list[tuple[dict[str, Any], dict[str, Any]]] = []
        configs: dict[str, dict[str, Any]] = {}
        if c.endpoints:
            for s in sm.pages("list_endpoints", "Endpoints"):
                d = self.describe(f"endpoint {s['EndpointName']}", "describe_endpoint",
                                  EndpointName=s["EndpointName"])
                if d is None:
                    continue
                cfg_name = d.get("EndpointConfigName")
                if cfg_name and cfg_name not in configs:
                    got = self.describe(f"endpoint config {cfg_name} of {d['EndpointName']}",
                                        "describe_endpoint_config", EndpointConfigName=cfg_name)
                    configs[cfg_name] = got or {}
                self.endpoints.append((d, configs.get(cfg_name or "", {})))
        # batch transform jobs
        self.transforms: list[dict[str, Any]] = []
        if c.transform_jobs:
            for s in sm.pages("list_transform_jobs", "TransformJobSummaries"):
                d = self.describe(f"transform job {s['TransformJobName']}", "describe_transform_job",
                                  TransformJobName=s["TransformJobName"])
                if d is not None:
                    self.transforms.append(d)
        # model cards
        self.cards_by_package: dict[str, tuple[str, Any]] = {}
        self.cards_by_model: dict[str, tuple[str, Any]] = {}
        if c.model_cards:
            for s in sm.pages("list_model_cards", "ModelCardSummaries"):
                d = self.describe(f"model card {s['ModelCardName']}", "describe_model_card",
                                  ModelCardName=s["ModelCardName"])
                if d is None:
                    continue
                if not d.get("Content"):
                    self.report.skip(f"model card {s['ModelCardName']}", "the response has no Content")
                    continue
                pkg, model_id = mp.card_targets(d["Content"])
                if pkg:
                    self.cards_by_package[pkg] = (d["ModelCardName"], d["Content"])
                elif model_id:
                    self.cards_by_model[model_id] = (d["ModelCardName"], d["Content"])
                else:
                    self.report.skip(f"model card {d['ModelCardName']}", "names no model package or model")
        # training jobs
        self.jobs: dict[str, dict[str, Any]] = {}
        if c.training_jobs:
            wanted: list[str] = []
            if c.all_training_jobs:
                wanted = [s["TrainingJobName"] for s in sm.pages("list_training_jobs", "TrainingJobSummaries")]
            else:
                for pkgs in self.packages.values():
                    for p in pkgs:
                        job = _arn_name(str((p.get("MetadataProperties") or {}).get("GeneratedBy") or ""),
                                        "training-job")
                        if job and job not in wanted:
                            wanted.append(job)
            for job in wanted:
                d = self.describe(f"training job {job}", "describe_training_job", TrainingJobName=job)
                if d is not None:
                    self.jobs[job] = d

    # -- building -----------------------------------------------------------------------------------------------

    def serves(self, model_name: str | None, where: str) -> tuple[Ref | None, Ref | None, str | None]:
        """(model ref, version ref, package ARN) of the SageMaker model a variant or transform job runs."""
        if not model_name:
            return None, None, None
        desc = self.models.get(model_name)
        if desc is None:
            self.report.warn(f"model {model_name} not found; the deployment names no model", item=where)
            return None, None, None
        containers = [x for x in [desc.get("PrimaryContainer") or {}, *(desc.get("Containers") or [])] if x]
        for cont in containers:
            pkg = cont.get("ModelPackageName")
            key = _package_key(str(pkg)) if pkg else None
            if key:
                group, ver = key
                return (Ref(type="mlmodel", fqn=self.names.model(group)),
                        Ref(type="modelVersion", fqn=self.names.version(group, ver)), str(pkg))
        return Ref(type="mlmodel", fqn=self.names.model(model_name)), None, None

    def entities(self) -> Iterator[m.Entity]:
        """Yield the service, experiments, datasets, training runs, models with their versions, and deployments.

        :raises SourceUnavailable: boto3 is missing, the credentials are missing or refused, the endpoint cannot
            be reached, or the calls stay throttled after the retries.
        """
        self.require_sdk()
        c = self.config
        self.sm = SageMakerClient(c, client=self._client_args[0], s3=self._client_args[1])
        self.read()
        region = self.sm.region
        url = self.sm.url
        yield m.MLModelService(
            name=c.service_name, service_type=m.PlatformType.SAGEMAKER,
            service_url=url or (f"https://api.sagemaker.{region}.amazonaws.com" if region else None),
            description="AWS SageMaker" + (f" in {region}" if region else "")
            + (f", account {self.account}" if self.account else ""))
        self.report.count("services")

        # deployments first: which packages an InService endpoint serves decides their stage
        deployments: list[m.Entity] = []
        in_service: set[str] = set()
        for desc, cfg in self.endpoints:
            variants = cfg.get("ProductionVariants") or []
            if not variants:
                self.report.warn("no production variants (endpoint config unreadable?)",
                                 item=f"endpoint {desc['EndpointName']}")
            tags = self.tags(desc.get("EndpointArn"), f"endpoint {desc['EndpointName']}")
            shares = mp.traffic(desc, cfg)
            for var in variants:
                model_ref, version_ref, pkg = self.serves(var.get("ModelName"), f"endpoint {desc['EndpointName']}")
                if pkg and desc.get("EndpointStatus") == "InService":
                    in_service.add(pkg)
                deployments.append(mp.endpoint(self.names, desc, var, several=len(variants) > 1,
                                               serves=(model_ref, version_ref), tags=tags,
                                               region="" if url else region,
                                               share=shares.get(str(var.get("VariantName")))))
                self.report.count("endpoints")
        prediction_sets: list[m.Dataset] = []
        for job in self.transforms:
            model_ref, version_ref, _ = self.serves(job.get("ModelName"), f"transform job {job['TransformJobName']}")
            ep, ds = mp.batch_deployment(self.names, job, serves=(model_ref, version_ref),
                                         tags=self.tags(job.get("TransformJobArn"),
                                                        f"transform job {job['TransformJobName']}"))
            deployments.append(ep)
            prediction_sets.extend(ds)
            self.report.count("batch deployments")

        # training runs (with the commit the package that names them records)
        code: dict[str, dict[str, Any]] = {}
        for pkgs in self.packages.values():
            for p in pkgs:
                props = p.get("MetadataProperties") or {}
                job_name = _arn_name(str(props.get("GeneratedBy") or ""), "training-job")
                if job_name:
                    code.setdefault(job_name, props)
        runs: dict[str, m.TrainingRun] = {}
        datasets: dict[str, m.Dataset] = {}
        experiments: set[str] = set()
        for name, desc in sorted(self.jobs.items()):
            tags = self.tags(desc.get("TrainingJobArn"), f"training job {name}")
            with self.report.guard(f"training job {name}") as guard:
                run, ds = mp.training_run(self.names, desc, tags=tags, code=code.get(name))
            if not guard.ok:
                continue
            runs[name] = run
            for d in ds:
                datasets.setdefault(d.fqn or d.name, d)
            exp = (desc.get("ExperimentConfig") or {}).get("ExperimentName")
            if exp:
                experiments.add(exp)
        for exp in sorted(experiments):
            yield m.Experiment(name=exp, fqn=self.names.experiment(exp),
                               service=Ref(type="mlmodelService", fqn=self.names.service))
            self.report.count("experiments")
        for d in prediction_sets:
            datasets.setdefault(d.fqn or d.name, d)
        for d in datasets.values():
            yield d
            self.report.count("datasets")
        for name in sorted(runs):
            yield runs[name]
            self.report.count("runs")

        # the registry
        for group in self.groups:
            gname = group["ModelPackageGroupName"]
            with self.report.guard(f"model package group {gname}") as ok:
                ent = self.group(group, runs, in_service)
            if ok.ok:
                yield ent
                self.report.count("models")
                self.report.count("versions", len(ent.versions))
        # models that are not a package's
        group_names = {g["ModelPackageGroupName"] for g in self.groups}
        for name, desc in sorted(self.models.items()):
            if any(cont.get("ModelPackageName") for cont in
                   [desc.get("PrimaryContainer") or {}, *(desc.get("Containers") or [])]):
                continue
            if name in group_names:
                self.report.skip(f"model {name}", "a model package group has the same name")
                continue
            card = self.cards_by_model.get(desc.get("ModelArn", "")) or self.cards_by_model.get(name)
            tags = self.tags(desc.get("ModelArn"), f"model {name}")
            with self.report.guard(f"model {name}") as ok:
                ent = mp.plain_model(self.names, desc, tags=tags, card=mp.model_card(card[1]) if card else None)
            if ok.ok:
                yield ent
                self.report.count("models")
        yield from deployments

    def group(self, g: dict[str, Any], runs: dict[str, m.TrainingRun], in_service: set[str]) -> m.MLModel:
        gname = g["ModelPackageGroupName"]
        versions: list[m.ModelVersion] = []
        prev: str | None = None
        for p in self.packages.get(gname, []):
            label = str(p.get("ModelPackageVersion"))
            where = f"{gname}/{label}"
            job = _arn_name(str((p.get("MetadataProperties") or {}).get("GeneratedBy") or ""), "training-job")
            if job and self.config.training_jobs and job not in runs:
                self.report.warn(f"training job {job} not found; the version keeps a reference to it", item=where)
            metrics = self.report_metrics(p, where) if self.config.metric_reports else []
            card = self.cards_by_package.get(p["ModelPackageArn"])
            inline = (p.get("ModelCard") or {}).get("ModelCardContent")
            card_ent = None
            if card or inline:
                with self.report.guard(f"model card of {where}"):
                    card_ent = mp.model_card(card[1] if card else inline)
            approver = mp.user_of(p.get("LastModifiedBy"))  # who last changed the package: the approval
            approval = self.registry.approval(p.get("ModelApprovalStatus"), at=p.get("LastModifiedTime"),
                                              by=approver.fqn if approver else None)
            v = mp.version(self.names, gname, p, previous=prev, approval=approval,
                           stage=mp.stage_of(p, served_in_service=p["ModelPackageArn"] in in_service),
                           run=runs.get(job or ""), run_name=job, metrics=metrics, card=card_ent,
                           tags=self.tags(p["ModelPackageArn"], f"model package {where}",
                                          enabled=self.config.version_tags))
            versions.append(v)
            prev = label
        return mp.model(self.names, g, versions, tags=self.tags(g.get("ModelPackageGroupArn"),
                                                                f"model package group {gname}"))

    def report_metrics(self, p: dict[str, Any], where: str) -> list[m.Evaluation]:
        src = ((p.get("ModelMetrics") or {}).get("ModelQuality") or {}).get("Statistics") or {}
        uri = src.get("S3Uri")
        if not uri:
            return []
        assert self.sm is not None
        with self.report.guard(f"model-quality report {uri} of {where}") as g:
            doc = self.sm.s3_json(uri)
        if not g.ok:
            return []
        found = mp.quality_metrics(doc)
        if not found:
            self.report.warn(f"model-quality report {uri} holds no scalar metrics", item=where)
        return [m.Evaluation(name=name, value=value) for name, value, _sd in found]

