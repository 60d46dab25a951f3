"""Building blocks for the bulk tests: one fake time for everything, a local CA and items."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from acmpca_issue import CertificateAuthorityArn, IssueCertificateRequest, Issuer, Validity
from acmpca_issue._keys import public_key_der
from acmpca_issue.bulk import RateLimits
from acmpca_issue.local import LocalPrivateCA


class FakeTime:
    """A monotonic clock, its sleep and a wall clock that move together, only when slept on."""

    def __init__(self) -> None:
        # Today's date, whole seconds: nothing depends on which day it is.
        self.start = datetime.now(timezone.utc).replace(microsecond=0)
        self.elapsed = 0.0
        self.sleeps = 0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return 1000.0 + self.elapsed

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        with self._lock:
            self.elapsed += seconds
            self.sleeps += 1

    def now(self) -> datetime:
        with self._lock:
            return self.start + timedelta(seconds=self.elapsed)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.elapsed += seconds

    def limits(self, issue: float = 25.0, get: float = 75.0) -> RateLimits:
        return RateLimits(issue, get, clock=self.monotonic, sleep=self.sleep)

    def issuer(self, client: Any, **options: Any) -> Issuer:
        return Issuer(client, clock=self.monotonic, sleep=self.sleep, now=self.now, **options)


def issued_count(pca: LocalPrivateCA) -> int:
    """How many certificates the local CA has issued (failed issuances included)."""
    return len(pca.engine._certificates)


def request_for(
    ca: CertificateAuthorityArn | str, csr: Any, days: int = 7
) -> IssueCertificateRequest:
    return IssueCertificateRequest(
        certificate_authority_arn=ca,
        csr=csr,
        signing_algorithm="SHA256WITHECDSA",
        validity=Validity.days(days),
    )


def key_matches_certificate(directory: Path) -> bool:
    """Whether ``directory``'s key.pem is the key of its cert.pem."""
    from cryptography import x509

    key: Any = serialization.load_pem_private_key((directory / "key.pem").read_bytes(), None)
    cert = x509.load_pem_x509_certificate((directory / "cert.pem").read_bytes())
    return public_key_der(key.public_key()) == public_key_der(cert.public_key())
