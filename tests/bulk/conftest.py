"""Fixtures for the bulk tests."""

from __future__ import annotations

import pytest
from cryptography import x509

from acmpca_issue import CertificateAuthorityArn, IssueCertificateRequest, build_csr
from acmpca_issue.local import LocalPrivateCA
from tests.bulk.bulk_support import FakeTime, request_for


@pytest.fixture(scope="session")
def csrs() -> list[x509.CertificateSigningRequest]:
    """Twelve EC P-256 CSRs, made once."""
    return [build_csr(f"dev{n}.fleet.internal").csr for n in range(12)]


@pytest.fixture
def fake() -> FakeTime:
    """One fake time for the Issuer, the local CA, the buckets and the journal."""
    return FakeTime()


@pytest.fixture
def pca(fake: FakeTime) -> LocalPrivateCA:
    """A local Private CA on the fake time."""
    return LocalPrivateCA(clock=fake.now)


@pytest.fixture
def root(pca: LocalPrivateCA) -> CertificateAuthorityArn:
    """An ACTIVE EC root CA."""
    return pca.create_root_ca()


@pytest.fixture
def items(
    root: CertificateAuthorityArn, csrs: list[x509.CertificateSigningRequest]
) -> list[tuple[str, IssueCertificateRequest]]:
    """Six (id, request) pairs for ``root``."""
    return [(f"dev{n}", request_for(root, csr)) for n, csr in enumerate(csrs[:6])]
