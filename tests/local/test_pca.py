"""LocalPrivateCA through real botocore clients: in-process and over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from cryptography import x509

from acmpca_issue import CertificateArn, CertificateAuthorityArn, InvalidRequestError
from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._pca import default_signing_algorithm
from tests.local._support import CSR, new_pca


@pytest.fixture(scope="module")
def pca() -> LocalPrivateCA:
    return LocalPrivateCA()


@pytest.fixture
def client(pca: LocalPrivateCA) -> Iterator[Any]:
    client = pca.client()
    yield client
    client.close()


def _issue_and_get(client: Any, ca: object, **extra: Any) -> dict[str, Any]:
    arn = client.issue_certificate(
        CertificateAuthorityArn=str(ca),
        Csr=CSR,
        SigningAlgorithm="SHA256WITHECDSA",
        Validity={"Value": 7, "Type": "DAYS"},
        **extra,
    )["CertificateArn"]
    got: dict[str, Any] = client.get_certificate(
        CertificateAuthorityArn=str(ca), CertificateArn=arn
    )
    got["CertificateArn"] = arn
    return got


def test_root_ca_in_one_call(pca: LocalPrivateCA, client: Any) -> None:
    """create_root_ca gives an ACTIVE root with a self-signed certificate."""
    root = pca.create_root_ca(common_name="My Root")
    assert isinstance(root, CertificateAuthorityArn)
    described = client.describe_certificate_authority(CertificateAuthorityArn=str(root))
    ca = described["CertificateAuthority"]
    assert ca["Status"] == "ACTIVE"
    assert ca["Type"] == "ROOT"
    assert ca["CertificateAuthorityConfiguration"]["KeyAlgorithm"] == "EC_prime256v1"
    pem = client.get_certificate_authority_certificate(CertificateAuthorityArn=str(root))
    assert "CertificateChain" not in pem
    cert = x509.load_pem_x509_certificate(pem["Certificate"].encode())
    assert cert.subject.rfc4514_string() == "CN=My Root"
    cert.verify_directly_issued_by(cert)


def test_subordinate_chain_reaches_the_root(pca: LocalPrivateCA, client: Any) -> None:
    """A certificate from a second-level subordinate chains issuer first up to the root."""
    root = pca.create_root_ca(common_name="Root")
    middle = pca.create_subordinate_ca(root, common_name="Middle", path_length=1)
    leaf_ca = pca.create_subordinate_ca(middle, common_name="Issuing", key_algorithm="EC_secp384r1")
    got = _issue_and_get(client, leaf_ca)
    chain = x509.load_pem_x509_certificates(got["CertificateChain"].encode())
    assert [c.subject.rfc4514_string() for c in chain] == ["CN=Issuing", "CN=Middle", "CN=Root"]
    leaf = x509.load_pem_x509_certificate(got["Certificate"].encode())
    for child, parent in zip([leaf, *chain], chain, strict=False):
        child.verify_directly_issued_by(parent)
    middle_bc = chain[1].extensions.get_extension_for_class(x509.BasicConstraints).value
    assert middle_bc.path_length == 1
    assert chain[0].not_valid_after_utc <= chain[1].not_valid_after_utc


def test_subordinate_capped_at_parent(pca: LocalPrivateCA) -> None:
    """A subordinate of a parent near its end ends one second before the parent does."""
    short_pca, clock = new_pca()
    root = short_pca.create_root_ca()
    root_end = short_pca.engine.handle(
        "DescribeCertificateAuthority", {"CertificateAuthorityArn": str(root)}
    )["CertificateAuthority"]["NotAfter"]
    clock.advance(days=365 * 7)
    sub = short_pca.create_subordinate_ca(root)
    described = short_pca.engine.handle(
        "DescribeCertificateAuthority", {"CertificateAuthorityArn": str(sub)}
    )["CertificateAuthority"]
    assert described["NotAfter"] == root_end - timedelta(seconds=1)


def test_errors_are_service_errors(pca: LocalPrivateCA, client: Any) -> None:
    """Engine errors reach botocore as ClientError with the service's code."""
    root = pca.create_root_ca(key_algorithm="RSA_2048")
    with pytest.raises(ClientError) as caught:
        _issue_and_get(client, root)
    assert caught.value.response["Error"]["Code"] == "InvalidArgsException"
    assert "cannot be used with key type RSA_2048" in caught.value.response["Error"]["Message"]


def test_fail_next_issuance_through_client(pca: LocalPrivateCA, client: Any) -> None:
    """fail_next_issuance makes GetCertificate answer RequestFailedException."""
    root = pca.create_root_ca()
    pca.fail_next_issuance()
    with pytest.raises(ClientError) as caught:
        _issue_and_get(client, root)
    assert caught.value.response["Error"]["Code"] == "RequestFailedException"
    assert "Certificate" in _issue_and_get(client, root)


def test_waiter_sees_in_progress() -> None:
    """With issue_delay, GetCertificate is RequestInProgressException until the clock moves."""
    delayed, clock = new_pca(issue_delay=30)
    root = str(delayed.create_root_ca())
    client = delayed.client()
    try:
        arn = client.issue_certificate(
            CertificateAuthorityArn=root,
            Csr=CSR,
            SigningAlgorithm="SHA256WITHECDSA",
            Validity={"Value": 7, "Type": "DAYS"},
        )["CertificateArn"]
        with pytest.raises(ClientError) as caught:
            client.get_certificate(CertificateAuthorityArn=root, CertificateArn=arn)
        assert caught.value.response["Error"]["Code"] == "RequestInProgressException"
        clock.advance(seconds=30)
        assert "Certificate" in client.get_certificate(
            CertificateAuthorityArn=root, CertificateArn=arn
        )
    finally:
        client.close()


def test_regions(pca: LocalPrivateCA) -> None:
    """A CA lives in one region; a client of another region does not find it."""
    root = pca.create_root_ca(region_name="eu-west-1")
    assert root.region == "eu-west-1"
    west, east = pca.client(region_name="eu-west-1"), pca.client()
    try:
        assert "Certificate" in _issue_and_get(west, root)
        with pytest.raises(ClientError) as caught:
            east.describe_certificate_authority(CertificateAuthorityArn=str(root))
        assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    finally:
        west.close()
        east.close()


def test_over_http(pca: LocalPrivateCA) -> None:
    """serve() answers the same CA over HTTP on 127.0.0.1."""
    root = pca.create_root_ca()
    with pca.serve() as server:
        assert server.endpoint_url.startswith("http://127.0.0.1:")
        client = botocore.session.get_session().create_client(
            "acm-pca", region_name="us-east-1", endpoint_url=server.endpoint_url
        )
        try:
            got = _issue_and_get(client, root)
        finally:
            client.close()
    arn = CertificateArn.parse(got["CertificateArn"])
    cert = x509.load_pem_x509_certificate(got["Certificate"].encode())
    assert cert.serial_number == arn.serial


def test_dispatch_is_the_engine(pca: LocalPrivateCA) -> None:
    """dispatch() answers like engine.handle()."""
    root = str(pca.create_root_ca())
    described = pca.dispatch("DescribeCertificateAuthority", {"CertificateAuthorityArn": root})
    assert described["CertificateAuthority"]["Arn"] == root


@pytest.mark.parametrize(
    ("key", "algorithm"),
    [
        ("RSA_3072", "SHA256WITHRSA"),
        ("EC_prime256v1", "SHA256WITHECDSA"),
        ("EC_secp384r1", "SHA384WITHECDSA"),
        ("EC_secp521r1", "SHA512WITHECDSA"),
        ("ML_DSA_87", "ML_DSA_87"),
    ],
)
def test_default_signing_algorithm(key: str, algorithm: str) -> None:
    """Each key type gets the signing algorithm that fits it."""
    from acmpca_issue import KeyAlgorithm

    assert default_signing_algorithm(KeyAlgorithm(key)) == algorithm


def test_explicit_signing_algorithm(pca: LocalPrivateCA) -> None:
    """create_root_ca takes a signing algorithm of the key's family."""
    root = pca.create_root_ca(key_algorithm="RSA_2048", signing_algorithm="SHA512WITHRSA_PSS")
    described = pca.dispatch("DescribeCertificateAuthority", {"CertificateAuthorityArn": str(root)})
    config = described["CertificateAuthority"]["CertificateAuthorityConfiguration"]
    assert config["SigningAlgorithm"] == "SHA512WITHRSA_PSS"


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda p, r: p.create_root_ca(key_algorithm="DSA"), "key_algorithm"),
        (lambda p, r: p.create_root_ca(signing_algorithm="MD5"), "signing_algorithm"),
        (lambda p, r: p.create_root_ca(usage_mode="FOREVER"), "usage_mode"),
        (lambda p, r: p.create_subordinate_ca(r, path_length=4), "path_length"),
        (lambda p, r: p.create_subordinate_ca(r, path_length=True), "path_length"),
        (lambda p, r: p.create_subordinate_ca(r, usage_mode="x"), "usage_mode"),
    ],
)
def test_convenience_arguments_checked(pca: LocalPrivateCA, call: Any, path: str) -> None:
    """Bad convenience arguments raise InvalidRequestError naming the argument."""
    root = pca.create_root_ca()
    with pytest.raises(InvalidRequestError) as caught:
        call(pca, root)
    assert caught.value.problems[0].path == path


def test_subordinate_of_unknown_parent(pca: LocalPrivateCA) -> None:
    """A malformed parent ARN is InvalidArnError."""
    from acmpca_issue import InvalidArnError

    with pytest.raises(InvalidArnError):
        pca.create_subordinate_ca("arn:aws:nope")


def test_convenience_refusals_are_service_errors(pca: LocalPrivateCA) -> None:
    """What the CA refuses reaches the caller as the library's ServiceError of that code."""
    from acmpca_issue.exceptions import (
        AcmPcaIssueError,
        InvalidArgsError,
        InvalidStateError,
        ResourceNotFoundError,
    )

    with pytest.raises(InvalidArgsError) as mismatch:
        pca.create_root_ca(key_algorithm="RSA_2048", signing_algorithm="SHA256WITHECDSA")
    assert mismatch.value.code == "InvalidArgsException"
    assert mismatch.value.operation == "CreateCertificateAuthority"
    assert isinstance(mismatch.value, AcmPcaIssueError)
    missing = (
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
        + "0" * 8
        + ("-0000-0000-0000-000000000000")
    )
    with pytest.raises(ResourceNotFoundError):
        pca.create_subordinate_ca(missing)
    root = pca.create_root_ca()
    pca.engine.handle(
        "UpdateCertificateAuthority", {"CertificateAuthorityArn": str(root), "Status": "DISABLED"}
    )
    listed = pca.engine.handle("ListCertificateAuthorities", {})["CertificateAuthorities"]
    with pytest.raises(InvalidStateError) as disabled:
        pca.create_subordinate_ca(root)
    assert disabled.value.operation == "IssueCertificate"
    assert "DISABLED" in disabled.value.message
    # Nothing half-made is left behind.
    assert pca.engine.handle("ListCertificateAuthorities", {})["CertificateAuthorities"] == listed


def test_subordinate_of_short_lived_parent() -> None:
    """Under a SHORT_LIVED_CERTIFICATE parent the subordinate's certificate lasts 7 days."""
    short_pca, clock = new_pca()
    root = short_pca.create_root_ca(usage_mode="SHORT_LIVED_CERTIFICATE")
    sub = short_pca.create_subordinate_ca(root)
    described = short_pca.engine.handle(
        "DescribeCertificateAuthority", {"CertificateAuthorityArn": str(sub)}
    )["CertificateAuthority"]
    assert described["Status"] == "ACTIVE"
    assert described["NotAfter"] == clock.now + timedelta(days=7)
