"""Benchmark: importing a SageMaker registry of 1,000 model packages from moto (in process).

The estate is written with boto3's own API against moto: ``--groups`` model package groups (default 10) holding
``--packages`` versioned model packages in all (default 1,000), each with an inference container (image and
artifact). Then the importer reads it the way it reads AWS: paged ``list_model_package_groups`` /
``list_model_packages`` (100 per page) and one ``describe_model_package`` per version, plus the listings of
models, endpoints, transform jobs and model cards.

Prints the setup time, the import time and packages (model versions) per second, the same with ``tags`` (one
``list_tags`` per group) and ``training_jobs`` turned off, the graph build time, and their ratios. moto answers in
process, so this measures the importer and botocore, not AWS's latency (a real account adds one round trip
per describe call).

Usage: python benchmarks/bench_import_sagemaker.py [--packages 1000] [--groups 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def build(sm: object, n_packages: int, n_groups: int) -> None:
    for g in range(n_groups):
        sm.create_model_package_group(ModelPackageGroupName=f"model-{g:03d}",  # type: ignore[attr-defined]
                                      ModelPackageGroupDescription=f"bench group {g}",
                                      Tags=[{"Key": "team", "Value": f"team-{g % 4}"}])
    for i in range(n_packages):
        g = i % n_groups
        sm.create_model_package(  # type: ignore[attr-defined]
            ModelPackageGroupName=f"model-{g:03d}", ModelPackageDescription=f"package {i}",
            InferenceSpecification={"Containers": [{"Image": IMAGE, "Framework": "XGBOOST",
                                                    "ModelDataUrl": f"s3://bench/{g}/{i}/model.tar.gz"}],
                                    "SupportedContentTypes": ["text/csv"],
                                    "SupportedResponseMIMETypes": ["text/csv"]},
            ModelApprovalStatus="Approved" if i % 3 == 0 else "PendingManualApproval",
            CustomerMetadataProperties={"i": str(i)})
        if (i + 1) % 250 == 0:
            print(f"  setup: {i + 1}/{n_packages} packages", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", type=int, default=1000)
    ap.add_argument("--groups", type=int, default=10)
    args = ap.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                      AWS_EC2_METADATA_DISABLED="true")
    t0 = time.perf_counter()
    import boto3
    from moto import mock_aws

    from mlkg.importers.sagemaker import SageMakerConfig, SageMakerImporter
    from mlkg.rdf.build import to_graph

    t_sdk = time.perf_counter() - t0
    with mock_aws():
        t0 = time.perf_counter()
        build(boto3.client("sagemaker"), args.packages, args.groups)
        t_setup = time.perf_counter() - t0

        def timed(config: SageMakerConfig) -> tuple[float, list, object]:
            imp = SageMakerImporter(config)
            t = time.perf_counter()
            ents = imp.run()
            return time.perf_counter() - t, ents, imp.report

        t_full, ents, report = timed(SageMakerConfig())
        t_lean, _, _ = timed(SageMakerConfig(tags=False, training_jobs=False, metric_reports=False))
    versions = sum(len(e.versions) for e in ents if hasattr(e, "versions"))
    assert versions == args.packages, (versions, report.text())  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    g = to_graph(ents)
    t_graph = time.perf_counter() - t0
    print(f"SageMaker on moto (in process): {args.groups} model package groups, {args.packages} model packages")
    print(f"  import boto3 + moto + importer:       {t_sdk:7.2f} s")
    print(f"  setup via boto3 (create_*):           {t_setup:7.2f} s")
    print(f"  import (default options):             {t_full:7.2f} s  {args.packages / t_full:8.1f} models/s "
          f"(model packages = versions)")
    print(f"  import without tags and training jobs:{t_lean:7.2f} s  {args.packages / t_lean:8.1f} models/s")
    print(f"  ratio (default / lean):               {t_full / t_lean:7.2f}x")
    print(f"  to_graph: {len(g)} triples in {t_graph:.2f} s ({len(g) / t_graph:,.0f} triples/s); "
          f"graph / import: {t_graph / t_full:.2f}")


if __name__ == "__main__":
    main()
