"""boto3 clients for the tools: credentials and ``AWS_ENDPOINT_URL`` as boto3 reads them, the
stack's own region, and a retry configuration of their own."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# Standard mode retries throttling and transient errors with backoff; 8 attempts ride out
# EventBridge's and Lambda's per-second API quotas during a redrive of thousands of messages.
RETRIES = Config(
    retries={"max_attempts": 8, "mode": "standard"},
    connect_timeout=5,
    read_timeout=30,
)


def client(service: str, region: str) -> Any:
    return boto3.session.Session().client(service, region_name=region, config=RETRIES)
