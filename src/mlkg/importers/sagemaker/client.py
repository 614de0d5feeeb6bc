"""The boto3 side of the SageMaker importer: one session, paged listings, and AWS errors in one clear line.

boto3 is imported here, when the importer runs, never when :mod:`mlkg.importers` is imported. Every list call
goes through a boto3 paginator (``NextToken``); a call that is throttled or fails on the network is retried by
botocore's *standard* retry mode (exponential back-off with jitter, ``max_attempts`` attempts in all).

Errors are sorted in two: :func:`fatal` says which ones mean the source cannot be read at all (no or bad
credentials, no region, an endpoint that does not answer, throttling that outlasted the retries) — those stop the
import with :class:`SourceUnavailable` and nothing is written; anything else (one package that vanished between
list and describe, a model card the caller may not read) is a warning about that item.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from ..base import SourceUnavailable, first_line, missing_sdk, redact_uri
from .config import SageMakerConfig

#: Error codes AWS gives for credentials it does not accept.
AUTH_CODES = {
    "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
    "InvalidSignatureException", "SignatureDoesNotMatch", "AccessDeniedException", "AccessDenied",
    "AuthFailure", "MissingAuthenticationToken", "IncompleteSignature", "RequestExpired",
}
#: Error codes of throttling (botocore retries these; seeing one here means the retries ran out).
THROTTLE_CODES = {
    "ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
    "SlowDown", "RequestThrottled",
}


def endpoint_url(config: SageMakerConfig) -> str:
    """The endpoint to call: the option, else ``AWS_ENDPOINT_URL_SAGEMAKER``, else ``AWS_ENDPOINT_URL``, else ''."""
    return (config.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_SAGEMAKER")
            or os.environ.get("AWS_ENDPOINT_URL") or "")


def fatal(exc: BaseException, *, where: str, attempts: int) -> SourceUnavailable | None:
    """The one-line failure for an error that makes the whole source unreadable, or None for an item error."""
    try:
        from botocore import exceptions as bx
    except ImportError:  # pragma: no cover - boto3 is installed when this runs
        return None
    if isinstance(exc, SourceUnavailable):
        return exc
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return SourceUnavailable(f"{where}: no usable AWS credentials ({first_line(exc)}); set AWS_PROFILE or "
                                 "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile")
    if isinstance(exc, bx.ProfileNotFound):
        return SourceUnavailable(f"{where}: {first_line(exc)}")
    if isinstance(exc, bx.NoRegionError):
        return SourceUnavailable(f"{where}: no AWS region; pass --region or set AWS_REGION")
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ReadTimeoutError,
                        bx.ConnectionClosedError, bx.SSLError, bx.ProxyConnectionError)):
        return SourceUnavailable(f"{where}: cannot reach the SageMaker endpoint after {attempts} attempts "
                                 f"({first_line(exc)})")
    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {}) if isinstance(exc.response, dict) else {}
        code = str(err.get("Code", ""))
        msg = str(err.get("Message", "")).splitlines()[0][:200] if err.get("Message") else ""
        if code in AUTH_CODES:
            return SourceUnavailable(f"{where}: AWS refused the credentials ({code}: {msg})")
        if code in THROTTLE_CODES:
            return SourceUnavailable(f"{where}: still throttled after {attempts} attempts with back-off "
                                     f"({code}); retry later or raise --set max_attempts=N")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") if isinstance(
            exc.response, dict) else None
        if isinstance(status, int) and status >= 500:
            return SourceUnavailable(f"{where}: the SageMaker endpoint failed (HTTP {status}, {code or 'no code'})")
    return None


class SageMakerClient:
    """boto3 clients for SageMaker (and S3, for metric reports) built from a :class:`SageMakerConfig`."""

    def __init__(self, config: SageMakerConfig, *, client: Any = None, s3: Any = None) -> None:
        self.config = config
        self.url = endpoint_url(config)
        self._s3 = s3
        if client is not None:  # an injected client (botocore Stubber tests)
            self.sm = client
            self.session = None
            return
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise missing_sdk("boto3", "sagemaker") from None
        if self.url:
            parts = urlsplit(self.url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise SourceUnavailable(f"--endpoint-url {redact_uri(self.url)!r} is not an http(s) URL")
        self.botocore_config = Config(
            retries={"mode": "standard", "total_max_attempts": config.max_attempts},
            connect_timeout=config.timeout, read_timeout=config.timeout,
            user_agent_extra="mlkg-importer")
        try:
            self.session = boto3.Session(profile_name=config.profile or None,
                                         region_name=config.region or None)
            self.sm = self.session.client("sagemaker", endpoint_url=self.url or None,
                                          config=self.botocore_config)
        except Exception as e:
            raise fatal(e, where=self.describe(), attempts=1) or SourceUnavailable(
                f"{self.describe()}: cannot create the SageMaker client: {first_line(e)}") from None

    @property
    def region(self) -> str:
        return str(getattr(self.sm.meta, "region_name", "") or "")

    def describe(self) -> str:
        """``sagemaker REGION [URL] [profile P]`` for reports and errors (never a secret)."""
        parts = ["sagemaker"]
        region = self.config.region or (self.region if hasattr(self, "sm") else "")
        if region:
            parts.append(region)
        if self.url:
            parts.append(redact_uri(self.url))
        if self.config.profile:
            parts.append(f"profile {self.config.profile}")
        return " ".join(parts)

    # -- calls ----------------------------------------------------------------------------------------------------

    def call(self, op: str, **kwargs: Any) -> dict[str, Any]:
        """One API call; the response without ``ResponseMetadata``."""
        try:
            out = getattr(self.sm, op)(**kwargs)
        except Exception as e:
            f = fatal(e, where=f"{self.describe()} {op}", attempts=self.config.max_attempts)
            if f is not None:
                raise f from None
            raise
        out = dict(out)
        out.pop("ResponseMetadata", None)
        return out

    def pages(self, op: str, key: str, *, listing: bool = True, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item under ``key`` of a listing, page by page (``NextToken``; ``MaxResults`` = page size).

        A listing that fails is the source failing (``listing=True``); otherwise only fatal errors are turned
        into :class:`SourceUnavailable` and the others are raised as they are (an item the caller skips)."""
        try:
            paginator = self.sm.get_paginator(op)
            for page in paginator.paginate(**kwargs, PaginationConfig={"PageSize": self.config.page_size}):
                yield from page.get(key) or []
        except Exception as e:
            f = fatal(e, where=f"{self.describe()} {op}", attempts=self.config.max_attempts)
            if f is not None:
                raise f from None
            if not listing:
                raise
            raise SourceUnavailable(f"{self.describe()}: cannot list ({op}): {first_line(e)}") from None

    def tags(self, arn: str) -> dict[str, str]:
        """The tags of a resource as a dict."""
        out: dict[str, str] = {}
        for t in self.pages("list_tags", "Tags", listing=False, ResourceArn=arn):
            out[str(t.get("Key", ""))] = str(t.get("Value", ""))
        return out

    def s3_json(self, uri: str) -> Any:
        """The JSON document at ``s3://bucket/key`` (a model-quality report)."""
        parts = urlsplit(uri)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"not an s3:// URI: {uri}")
        if self._s3 is None:
            if self.session is None:
                raise ValueError("no S3 client to read the report with")
            s3_url = os.environ.get("AWS_ENDPOINT_URL_S3") or self.url or None
            self._s3 = self.session.client("s3", endpoint_url=s3_url, config=self.botocore_config)
        try:
            body = self._s3.get_object(Bucket=parts.netloc, Key=parts.path.lstrip("/"))["Body"].read()
        except Exception as e:
            f = fatal(e, where=f"{self.describe()} s3 {uri}", attempts=self.config.max_attempts)
            if f is not None and not _is_auth(e):  # a report we may not read is an item problem
                raise f from None
            raise
        return json.loads(body)


def _is_auth(exc: BaseException) -> bool:
    err = getattr(exc, "response", None)
    code = err.get("Error", {}).get("Code") if isinstance(err, dict) else None
    return code in AUTH_CODES
