"""Bulk work: a fleet's certificates at the service's quota, each issued once, resumable.

Example::

    from acmpca_issue import Issuer, IssueCertificateRequest, Validity
    from acmpca_issue.bulk import CsrSpec, build_csrs, issue_many

    specs = [CsrSpec(identities=(f"dev{n}.fleet.internal",), directory=f"tls/dev{n}")
             for n in range(1000)]
    bundles = build_csrs(specs)               # keys (0600) and CSRs, on every CPU
    items = [
        (f"dev{n}", IssueCertificateRequest(certificate_authority_arn=ca_arn, csr=b.csr,
                                            signing_algorithm="SHA256WITHECDSA",
                                            validity=Validity.days(30)))
        for n, b in enumerate(bundles)
    ]
    result = issue_many(Issuer.from_session(), items, journal="tls/journal.sqlite3")
    print(result)                             # issued, failed by code, rate

Run the same lines again after a crash: keys and CSRs are found in their directories, and the
journal gives back what was issued, fetches what was issued but not fetched, and resends what
went unanswered with the same idempotency token. See ``docs/bulk.md``.
"""

from __future__ import annotations

from acmpca_issue._bulk_journal import Journal, JournalRow
from acmpca_issue._bulk_keys import CsrSpec, build_csrs
from acmpca_issue._bulk_rate import DEFAULT_RATES, RateLimits, TokenBucket
from acmpca_issue._bulk_result import BulkEntry, BulkResult, BulkSummary, Status
from acmpca_issue._bulk_run import IDEMPOTENCY_WINDOW, RESEND_MARGIN, issue_many

__all__ = [
    "DEFAULT_RATES",
    "IDEMPOTENCY_WINDOW",
    "RESEND_MARGIN",
    "BulkEntry",
    "BulkResult",
    "BulkSummary",
    "CsrSpec",
    "Journal",
    "JournalRow",
    "RateLimits",
    "Status",
    "TokenBucket",
    "build_csrs",
    "issue_many",
]
