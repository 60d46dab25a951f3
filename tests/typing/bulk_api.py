"""Type-checked use of the bulk API (``acmpca_issue.bulk``); NOT meant to be executed.

``mypy --strict`` checks this file; pytest never collects it (no ``test_`` prefix).
"""

from __future__ import annotations

import concurrent.futures
import math
from datetime import datetime, timezone

from acmpca_issue import (
    CsrBundle,
    CsrSpec,
    IssuanceUnknownError,
    IssueCertificateRequest,
    IssuedCertificate,
    Issuer,
    JournalError,
    build_csrs,
    issue_many,
)
from acmpca_issue.bulk import BulkEntry, BulkResult, BulkSummary, Journal, RateLimits


def fleet(issuer: Issuer, requests: list[IssueCertificateRequest]) -> list[str]:
    specs = [CsrSpec(identities=("a.example",), key_algorithm="RSA_3072", directory="out/a")]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        bundles: list[CsrBundle] = build_csrs(specs, executor=pool)
    print(bundles)
    try:
        result: BulkResult = issue_many(
            issuer,
            [(f"item{n}", request) for n, request in enumerate(requests)],
            journal=Journal("fleet.sqlite3", now=lambda: datetime.now(timezone.utc)),
            rate=RateLimits(issue=10.0, get=math.inf),
            max_in_flight=8,
            progress=False,
            resend_expired=False,
        )
    except JournalError as error:
        return [error.path]
    plain: BulkResult = issue_many(issuer, requests, journal="j.sqlite3", rate=25.0)
    summary: BulkSummary = result.summary
    rate: float = summary.rate
    entry: BulkEntry = result["item0"]
    first: BulkEntry = plain[0]
    certificate: IssuedCertificate | None = entry.certificate
    unknown = [e.error for e in result if isinstance(e.error, IssuanceUnknownError)]
    tokens = [error.idempotency_token for error in unknown]
    print(rate, certificate, first.status, summary.failed.get("ThrottlingException", 0))
    return [entry.id, entry.status, entry.error_code, *tokens, str(result)]
