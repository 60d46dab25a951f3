"""One scenario suite, run in-process, over HTTP and (where it overlaps) against moto.

The overlapping scenarios assert only what both implementations must do (moto ignores the
key algorithm, validity and signing algorithm and names certificates with a uuid); the local-only
ones assert the semantics moto lacks: serial in the ARN, validity and algorithm honoured, the
service's errors, RequestInProgress, regions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

import pytest
from botocore.exceptions import ClientError, WaiterError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from acmpca_issue import CertificateArn
from acmpca_issue.local import LocalPrivateCA

ROOT_TEMPLATE = "arn:aws:acm-pca:::template/RootCACertificate/V1"
LOCAL_WAYS = ("inprocess", "http")
Connect = Callable[..., contextlib.AbstractContextManager[Any]]


class Backend(Protocol):
    """What the ``backend`` fixture gives: a way's name, its client and the CA (None: moto)."""

    name: str
    client: Any
    pca: LocalPrivateCA | None


local_only = pytest.mark.parametrize("backend", LOCAL_WAYS, indirect=True)
local_ways = pytest.mark.parametrize("way", LOCAL_WAYS)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def create_root(
    client: Any,
    *,
    key_algorithm: str = "EC_prime256v1",
    signing_algorithm: str = "SHA256WITHECDSA",
    common_name: str = "Scenario Root",
) -> tuple[str, x509.Certificate]:
    """Create a root CA with the API calls a user makes, ending ACTIVE."""
    arn: str = client.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": key_algorithm,
            "SigningAlgorithm": signing_algorithm,
            "Subject": {"CommonName": common_name, "Organization": "Example"},
        },
        CertificateAuthorityType="ROOT",
    )["CertificateAuthorityArn"]
    csr_pem: str = client.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
    certificate = fetch(
        client,
        arn,
        client.issue_certificate(
            CertificateAuthorityArn=arn,
            Csr=csr_pem.encode(),
            SigningAlgorithm=signing_algorithm,
            TemplateArn=ROOT_TEMPLATE,
            Validity={"Value": 10, "Type": "YEARS"},
        )["CertificateArn"],
    )["Certificate"]
    client.import_certificate_authority_certificate(
        CertificateAuthorityArn=arn, Certificate=certificate.encode()
    )
    return arn, x509.load_pem_x509_certificate(certificate.encode())


def fetch(client: Any, ca_arn: str, certificate_arn: str) -> dict[str, Any]:
    """Wait for a certificate the way users do, then get it."""
    client.get_waiter("certificate_issued").wait(
        CertificateAuthorityArn=ca_arn,
        CertificateArn=certificate_arn,
        WaiterConfig={"Delay": 0, "MaxAttempts": 2},
    )
    result: dict[str, Any] = client.get_certificate(
        CertificateAuthorityArn=ca_arn, CertificateArn=certificate_arn
    )
    return result


def issue(client: Any, ca_arn: str, csr_pem: bytes, **overrides: Any) -> str:
    params: dict[str, Any] = {
        "CertificateAuthorityArn": ca_arn,
        "Csr": csr_pem,
        "SigningAlgorithm": "SHA256WITHECDSA",
        "Validity": {"Value": 30, "Type": "DAYS"},
    }
    params.update(overrides)
    arn: str = client.issue_certificate(**params)["CertificateArn"]
    return arn


def chain_of(pem: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem.encode())


def error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    code: str = error.value.response["Error"]["Code"]
    return code


# -- every way in, moto included ---------------------------------------------------------------


def test_root_ca_through_the_api(backend: Backend) -> None:
    """Create, CSR, self-issue with RootCACertificate/V1, import: the CA becomes ACTIVE."""
    client = backend.client
    arn, root = create_root(client, common_name=f"Root via {backend.name}")
    described = client.describe_certificate_authority(CertificateAuthorityArn=arn)
    ca = described["CertificateAuthority"]
    assert (ca["Arn"], ca["Type"], ca["Status"]) == (arn, "ROOT", "ACTIVE")
    common_names = root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert [name.value for name in common_names] == [f"Root via {backend.name}"]
    assert root.issuer == root.subject
    root.verify_directly_issued_by(root)
    constraints = root.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca is True


def test_end_entity_issue_wait_get_verify(
    backend: Backend, csr: x509.CertificateSigningRequest, csr_pem: bytes
) -> None:
    """An end-entity certificate is issued, waited for, fetched with its chain and verifies."""
    client = backend.client
    ca_arn, root = create_root(client)
    certificate_arn = issue(client, ca_arn, csr_pem)
    assert certificate_arn.startswith(ca_arn + "/certificate/")
    got = fetch(client, ca_arn, certificate_arn)
    leaf = x509.load_pem_x509_certificate(got["Certificate"].encode())
    leaf.verify_directly_issued_by(root)
    assert leaf.public_key() == csr.public_key()
    assert leaf.subject == csr.subject
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["svc.example.com"]
    assert chain_of(got["CertificateChain"]) == [root]


def test_revoke(backend: Backend, csr_pem: bytes) -> None:
    """A certificate can be revoked by its hex serial."""
    client = backend.client
    ca_arn, _ = create_root(client)
    certificate_arn = issue(client, ca_arn, csr_pem)
    leaf = x509.load_pem_x509_certificate(
        fetch(client, ca_arn, certificate_arn)["Certificate"].encode()
    )
    result = client.revoke_certificate(
        CertificateAuthorityArn=ca_arn,
        CertificateSerial=format(leaf.serial_number, "x"),
        RevocationReason="KEY_COMPROMISE",
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_unknown_ca_is_resource_not_found(backend: Backend) -> None:
    """Describing a CA that does not exist answers ResourceNotFoundException."""
    missing = (
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
        "00000000-0000-0000-0000-000000000000"
    )
    with pytest.raises(ClientError) as caught:
        backend.client.describe_certificate_authority(CertificateAuthorityArn=missing)
    assert error_code(caught) == "ResourceNotFoundException"


# -- local semantics moto lacks ----------------------------------------------------------------


@local_only
def test_certificate_arn_carries_the_hex_serial(backend: Backend, csr_pem: bytes) -> None:
    """The certificate ARN ends with the certificate's serial in lowercase hex."""
    ca_arn, _ = create_root(backend.client)
    certificate_arn = issue(backend.client, ca_arn, csr_pem)
    leaf = x509.load_pem_x509_certificate(
        fetch(backend.client, ca_arn, certificate_arn)["Certificate"].encode()
    )
    assert CertificateArn.parse(certificate_arn).serial == leaf.serial_number
    assert certificate_arn.rpartition("/")[2] == format(leaf.serial_number, "x")


@local_only
def test_key_validity_and_signing_algorithm_are_honoured(backend: Backend, csr_pem: bytes) -> None:
    """An EC P-384 CA signs with the requested hash for the requested lifetime."""
    client = backend.client
    ca_arn, root = create_root(
        client, key_algorithm="EC_secp384r1", signing_algorithm="SHA384WITHECDSA"
    )
    root_key = root.public_key()
    assert isinstance(root_key, ec.EllipticCurvePublicKey)
    assert root_key.curve.name == "secp384r1"
    before = now()
    certificate_arn = issue(
        client,
        ca_arn,
        csr_pem,
        SigningAlgorithm="SHA384WITHECDSA",
        Validity={"Value": 7, "Type": "DAYS"},
    )
    leaf = x509.load_pem_x509_certificate(
        fetch(client, ca_arn, certificate_arn)["Certificate"].encode()
    )
    assert isinstance(leaf.signature_hash_algorithm, hashes.SHA384)
    leaf.verify_directly_issued_by(root)
    lifetime_end = leaf.not_valid_after_utc - before
    assert (
        dt.timedelta(days=7) - dt.timedelta(minutes=1)
        <= lifetime_end
        <= dt.timedelta(days=7, minutes=1)
    )


@local_only
def test_revoked_certificate_stays_retrievable(backend: Backend, csr_pem: bytes) -> None:
    """GetCertificate still answers for a REVOKED certificate."""
    client = backend.client
    ca_arn, _ = create_root(client)
    certificate_arn = issue(client, ca_arn, csr_pem)
    serial = CertificateArn.parse(certificate_arn).serial
    client.revoke_certificate(
        CertificateAuthorityArn=ca_arn,
        CertificateSerial=format(serial, "x"),
        RevocationReason="SUPERSEDED",
    )
    got = client.get_certificate(CertificateAuthorityArn=ca_arn, CertificateArn=certificate_arn)
    assert x509.load_pem_x509_certificate(got["Certificate"].encode()).serial_number == serial


@local_only
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("algorithm-mismatch", "InvalidArgsException"),
        ("malformed-csr", "MalformedCSRException"),
        ("unknown-certificate", "ResourceNotFoundException"),
        ("pending-ca", "InvalidStateException"),
        ("bad-enum", "ValidationException"),
    ],
)
def test_service_errors(backend: Backend, csr_pem: bytes, case: str, expected: str) -> None:
    """The local CA answers the service's error codes where moto does not."""
    client = backend.client
    ca_arn, _ = create_root(client)

    def attempt() -> None:
        if case == "algorithm-mismatch":
            issue(client, ca_arn, csr_pem, SigningAlgorithm="SHA256WITHRSA")
        elif case == "malformed-csr":
            issue(client, ca_arn, b"-----BEGIN CERTIFICATE REQUEST-----\nnope\n")
        elif case == "unknown-certificate":
            client.get_certificate(
                CertificateAuthorityArn=ca_arn, CertificateArn=ca_arn + "/certificate/0abc"
            )
        elif case == "pending-ca":
            pending = client.create_certificate_authority(
                CertificateAuthorityConfiguration={
                    "KeyAlgorithm": "EC_prime256v1",
                    "SigningAlgorithm": "SHA256WITHECDSA",
                    "Subject": {"CommonName": "Pending"},
                },
                CertificateAuthorityType="ROOT",
            )["CertificateAuthorityArn"]
            issue(client, pending, csr_pem)
        else:
            issue(client, ca_arn, csr_pem, Validity={"Value": 30, "Type": "FORTNIGHTS"})

    with pytest.raises(ClientError) as caught:
        attempt()
    assert error_code(caught) == expected
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@local_only
def test_idempotency_token_returns_the_same_certificate(backend: Backend, csr_pem: bytes) -> None:
    """The same request with the same token answers the same certificate ARN."""
    ca_arn, _ = create_root(backend.client)
    first = issue(backend.client, ca_arn, csr_pem, IdempotencyToken="token-1")
    again = issue(backend.client, ca_arn, csr_pem, IdempotencyToken="token-1")
    other = issue(backend.client, ca_arn, csr_pem, IdempotencyToken="token-2")
    assert first == again != other


@local_only
def test_subordinate_chain(backend: Backend, csr_pem: bytes) -> None:
    """A certificate from a subordinate CA comes with the chain up to the root."""
    assert backend.pca is not None
    root_arn = backend.pca.create_root_ca(common_name="Chain Root")
    sub_arn = str(backend.pca.create_subordinate_ca(root_arn, common_name="Chain Sub"))
    certificate_arn = issue(backend.client, sub_arn, csr_pem)
    got = fetch(backend.client, sub_arn, certificate_arn)
    leaf = x509.load_pem_x509_certificate(got["Certificate"].encode())
    sub, root = chain_of(got["CertificateChain"])
    leaf.verify_directly_issued_by(sub)
    sub.verify_directly_issued_by(root)
    root.verify_directly_issued_by(root)


@local_ways
def test_region_reaches_the_engine(local_pca: LocalPrivateCA, way: str, connect: Connect) -> None:
    """A client's region names the CA's region, and other regions do not see it."""
    with connect(local_pca, way, "eu-west-1") as west, connect(local_pca, way) as east:
        arn, _ = create_root(west)
        assert arn.startswith("arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/")
        with pytest.raises(ClientError) as caught:
            east.describe_certificate_authority(CertificateAuthorityArn=arn)
        assert error_code(caught) == "ResourceNotFoundException"


class _Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


@local_ways
def test_request_in_progress_then_issued(way: str, csr_pem: bytes, connect: Connect) -> None:
    """With an issue delay, GetCertificate answers RequestInProgress until the delay passes."""
    clock = _Clock()
    pca = LocalPrivateCA(issue_delay=5.0, clock=clock)
    ca_arn = str(pca.create_root_ca())
    with connect(pca, way) as client:
        certificate_arn = issue(client, ca_arn, csr_pem)
        with pytest.raises(client.exceptions.RequestInProgressException):
            client.get_certificate(CertificateAuthorityArn=ca_arn, CertificateArn=certificate_arn)
        clock.now += dt.timedelta(seconds=6)
        assert fetch(client, ca_arn, certificate_arn)["Certificate"].startswith("-----BEGIN")


@local_ways
def test_failed_issuance_stops_the_waiter(way: str, csr_pem: bytes, connect: Connect) -> None:
    """fail_next_issuance(): the ARN is returned, then GetCertificate fails for good."""
    pca = LocalPrivateCA()
    ca_arn = str(pca.create_root_ca())
    pca.fail_next_issuance()
    with connect(pca, way) as client:
        certificate_arn = issue(client, ca_arn, csr_pem)
        with pytest.raises(WaiterError, match="RequestFailedException"):
            fetch(client, ca_arn, certificate_arn)


@local_ways
def test_ec_csr_from_ca_is_parseable(way: str, connect: Connect) -> None:
    """GetCertificateAuthorityCsr answers a PEM CSR signed by the CA's own key."""
    pca = LocalPrivateCA()
    with connect(pca, way) as client:
        arn = client.create_certificate_authority(
            CertificateAuthorityConfiguration={
                "KeyAlgorithm": "EC_prime256v1",
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Subject": {"CommonName": "CSR check"},
            },
            CertificateAuthorityType="ROOT",
        )["CertificateAuthorityArn"]
        pem = client.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
    request = x509.load_pem_x509_csr(pem.encode())
    assert request.is_signature_valid
    assert request.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
