"""Chains the local Private CA builds hold up in OpenSSL: key identifiers and path lengths.

An outside root (made here with cryptography, as an on-premises PKI would) signs a local
subordinate's CSR, and ``openssl verify`` (at the fake clock's time) judges the chains.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from acmpca_issue import InvalidRequestError
from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._x509 import path_length_limit, path_length_violation
from tests.local._support import START, FakeClock, issue_params, new_pca, template

OPENSSL = shutil.which("openssl") or "openssl"


def _pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def openssl_verify(
    tmp_path: Path,
    clock: FakeClock,
    leaf: x509.Certificate,
    root: x509.Certificate,
    intermediates: Sequence[x509.Certificate] = (),
) -> str:
    """``openssl verify`` of ``leaf`` up to the trusted ``root``, at the fake clock's time."""
    (tmp_path / "root.pem").write_bytes(_pem(root))
    (tmp_path / "leaf.pem").write_bytes(_pem(leaf))
    args = [OPENSSL, "verify", "-attime", str(int(clock.now.timestamp()))]
    args += ["-CAfile", str(tmp_path / "root.pem")]
    if intermediates:
        (tmp_path / "untrusted.pem").write_bytes(_pem(*intermediates))
        args += ["-untrusted", str(tmp_path / "untrusted.pem")]
    done = subprocess.run(
        [*args, str(tmp_path / "leaf.pem")], capture_output=True, text=True, check=False
    )
    return (done.stdout + done.stderr).strip()


@dataclass
class OutsideRoot:
    """A root CA outside AWS: its key, its certificate, and how it names key identifiers."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def sign_ca(
        self,
        csr_pem: str,
        clock: FakeClock,
        *,
        ski: bytes | None,
        path_length: int | None = None,
    ) -> x509.Certificate:
        """Sign a CA's CSR with the given SKI (``None``: no SKI at all) and pathlen."""
        csr = x509.load_pem_x509_csr(csr_pem.encode())
        return self.sign_key(csr.subject, csr.public_key(), clock, ski=ski, path_length=path_length)

    def sign_key(
        self,
        subject: x509.Name,
        public_key: Any,
        clock: FakeClock,
        *,
        ski: bytes | None,
        path_length: int | None = None,
        extra: Sequence[x509.ExtensionType] = (),
    ) -> x509.Certificate:
        """A CA certificate for ``public_key`` signed by this root."""
        root_ski = self.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(clock.now - timedelta(days=1))
            .not_valid_after(clock.now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), True)
            .add_extension(_CA_USAGE, True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski.value),
                False,
            )
        )
        if ski is not None:
            builder = builder.add_extension(x509.SubjectKeyIdentifier(ski), False)
        for value in extra:
            builder = builder.add_extension(value, False)
        return builder.sign(self.key, hashes.SHA256())


_CA_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


def make_outside_root(clock: FakeClock, *, path_length: int | None = None) -> OutsideRoot:
    """A self-signed root whose SKI is random bytes, not the SHA-1 of its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Outside Root")])
    ski = x509.SubjectKeyIdentifier(os.urandom(20))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(clock.now - timedelta(days=2))
        .not_valid_after(clock.now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), True)
        .add_extension(_CA_USAGE, True)
        .add_extension(ski, False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False)
        .sign(key, hashes.SHA256())
    )
    return OutsideRoot(key, certificate)


def truncated_sha256_ski(key: ec.EllipticCurvePublicKey) -> bytes:
    """RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey."""
    point = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return hashlib.sha256(point).digest()[:20]


def create_subordinate(pca: LocalPrivateCA) -> tuple[Any, str, str]:
    """A PENDING_CERTIFICATE subordinate CA: its client, ARN and CSR."""
    client = pca.client()
    arn = client.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "EC_prime256v1",
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Subject": {"CommonName": "Local Subordinate"},
        },
        CertificateAuthorityType="SUBORDINATE",
    )["CertificateAuthorityArn"]
    csr = client.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
    return client, arn, csr


def issue_leaf(client: Any, arn: str) -> x509.Certificate:
    issued = client.issue_certificate(**issue_params(arn))["CertificateArn"]
    got = client.get_certificate(CertificateAuthorityArn=arn, CertificateArn=issued)
    return x509.load_pem_x509_certificate(got["Certificate"].encode())


def _aki(certificate: x509.Certificate) -> bytes | None:
    return certificate.extensions.get_extension_for_class(
        x509.AuthorityKeyIdentifier
    ).value.key_identifier


class TestAuthorityKeyIdentifier:
    """The AKI of an issued certificate is the CA certificate's SKI, copied."""

    def test_outside_ski_is_copied_and_the_chain_verifies(self, tmp_path: Path) -> None:
        """A subordinate signed outside with a truncated-SHA-256 SKI: leaves chain in OpenSSL."""
        pca, clock = new_pca()
        outside = make_outside_root(clock)
        client, arn, csr = create_subordinate(pca)
        sub_key = x509.load_pem_x509_csr(csr.encode()).public_key()
        assert isinstance(sub_key, ec.EllipticCurvePublicKey)
        ski = truncated_sha256_ski(sub_key)
        assert ski != x509.SubjectKeyIdentifier.from_public_key(sub_key).digest
        sub = outside.sign_ca(csr, clock, ski=ski)
        client.import_certificate_authority_certificate(
            CertificateAuthorityArn=arn,
            Certificate=_pem(sub),
            CertificateChain=_pem(outside.certificate),
        )
        leaf = issue_leaf(client, arn)
        assert _aki(leaf) == ski
        verdict = openssl_verify(tmp_path, clock, leaf, outside.certificate, [sub])
        assert verdict.endswith("leaf.pem: OK"), verdict

    def test_ca_certificate_without_ski_falls_back_to_the_key(self, tmp_path: Path) -> None:
        """Without an SKI in the CA certificate, the AKI is the SHA-1 of the CA's key."""
        pca, clock = new_pca()
        outside = make_outside_root(clock)
        client, arn, csr = create_subordinate(pca)
        sub = outside.sign_ca(csr, clock, ski=None)
        client.import_certificate_authority_certificate(
            CertificateAuthorityArn=arn,
            Certificate=_pem(sub),
            CertificateChain=_pem(outside.certificate),
        )
        leaf = issue_leaf(client, arn)
        expected = x509.SubjectKeyIdentifier.from_public_key(
            x509.load_pem_x509_csr(csr.encode()).public_key()
        )
        assert _aki(leaf) == expected.digest
        verdict = openssl_verify(tmp_path, clock, leaf, outside.certificate, [sub])
        assert verdict.endswith("leaf.pem: OK"), verdict

    def test_local_hierarchy_verifies(self, tmp_path: Path) -> None:
        """Root, subordinate and leaf made by the local Private CA verify in OpenSSL."""
        pca, clock = new_pca()
        root = pca.create_root_ca()
        sub = pca.create_subordinate_ca(root)
        client = pca.client()
        leaf = issue_leaf(client, str(sub))
        got = client.get_certificate_authority_certificate(CertificateAuthorityArn=str(sub))
        chain = x509.load_pem_x509_certificates(
            (got["Certificate"] + got["CertificateChain"]).encode()
        )
        verdict = openssl_verify(tmp_path, clock, leaf, chain[-1], chain[:-1])
        assert verdict.endswith("leaf.pem: OK"), verdict


def _code(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture(scope="module")
def hierarchy() -> tuple[LocalPrivateCA, str, str]:
    """A root without a constraint and a pathlen:0 subordinate under it."""
    pca, _ = new_pca()
    root = pca.create_root_ca()
    return pca, str(root), str(pca.create_subordinate_ca(root, path_length=0))


class TestPathLength:
    """Issuance and import refuse what would break a pathLenConstraint (ValidationException)."""

    @pytest.mark.parametrize(
        ("name", "api"),
        [
            ("SubordinateCACertificate_PathLen0", None),
            ("SubordinateCACertificate_PathLen1", None),
            (
                "BlankSubordinateCACertificate_PathLen0_APIPassthrough",
                {"Extensions": {"KeyUsage": {"KeyCertSign": True, "CRLSign": True}}},
            ),
        ],
    )
    def test_pathlen_zero_signs_no_ca(
        self, hierarchy: tuple[LocalPrivateCA, str, str], name: str, api: Any
    ) -> None:
        """A pathlen:0 CA issues no CA certificate, plain or Blank."""
        pca, _, sub = hierarchy
        params = issue_params(sub, TemplateArn=template(name), ApiPassthrough=api)
        with pytest.raises(ClientError) as caught:
            pca.client().issue_certificate(**params)
        code, message = _code(caught)
        assert code == "ValidationException"
        assert message.startswith("Path length validation failed for CA: the certificate ")
        assert "CN=Local Subordinate CA has pathLenConstraint 0, which allows no CA" in message

    def test_pathlen_zero_still_issues_end_entities(
        self, hierarchy: tuple[LocalPrivateCA, str, str]
    ) -> None:
        """End-entity certificates are not limited by path length."""
        pca, _, sub = hierarchy
        leaf = issue_leaf(pca.client(), sub)
        constraints = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
        assert constraints.ca is False

    def test_child_constraint_below_the_issuers(self) -> None:
        """Under pathlen:1, a pathlen:0 CA is issued and a pathlen:1 one refused."""
        pca, _ = new_pca()
        sub = str(pca.create_subordinate_ca(pca.create_root_ca(), path_length=1))
        client = pca.client()
        zero = template("SubordinateCACertificate_PathLen0")
        client.issue_certificate(**issue_params(sub, TemplateArn=zero))
        with pytest.raises(ClientError) as caught:
            client.issue_certificate(
                **issue_params(sub, TemplateArn=template("SubordinateCACertificate_PathLen1"))
            )
        code, message = _code(caught)
        assert code == "ValidationException"
        assert "allows only a pathLenConstraint of at most 0 at this depth" in message
        assert message.endswith("the CA certificate asks for 1.")

    def test_grandparent_constraint_counts(self) -> None:
        """A constraint two levels up counts every CA certificate below it."""
        pca, _ = new_pca()
        one = str(pca.create_subordinate_ca(pca.create_root_ca(), path_length=1))
        zero = str(pca.create_subordinate_ca(one, path_length=0))
        with pytest.raises(ClientError) as caught:
            pca.client().issue_certificate(
                **issue_params(zero, TemplateArn=template("SubordinateCACertificate_PathLen0"))
            )
        assert _code(caught)[0] == "ValidationException"

    def test_root_with_pathlen_zero(self) -> None:
        """A root made with BlankRootCACertificate_PathLen0 signs no subordinate CA."""
        pca, _ = new_pca()
        client = pca.client()
        root = client.create_certificate_authority(
            CertificateAuthorityConfiguration={
                "KeyAlgorithm": "EC_prime256v1",
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Subject": {"CommonName": "Flat Root"},
            },
            CertificateAuthorityType="ROOT",
        )["CertificateAuthorityArn"]
        csr = client.get_certificate_authority_csr(CertificateAuthorityArn=root)["Csr"]
        issued = client.issue_certificate(
            **issue_params(
                root,
                Csr=csr.encode(),
                TemplateArn=template("BlankRootCACertificate_PathLen0_APIPassthrough"),
                Validity={"Value": 5, "Type": "YEARS"},
                ApiPassthrough={"Extensions": {"KeyUsage": {"KeyCertSign": True}}},
            )
        )["CertificateArn"]
        got = client.get_certificate(CertificateAuthorityArn=root, CertificateArn=issued)
        client.import_certificate_authority_certificate(
            CertificateAuthorityArn=root, Certificate=got["Certificate"].encode()
        )
        with pytest.raises(InvalidRequestError) as caught:
            pca.create_subordinate_ca(root)
        assert caught.value.problems[0].path == "parent_arn"
        assert "cannot sign a subordinate CA" in str(caught.value)
        assert "CN=Flat Root has pathLenConstraint 0" in str(caught.value)


class TestCreateSubordinatePathLength:
    """create_subordinate_ca refuses a path length the parent's chain does not allow."""

    def test_under_pathlen_zero(self) -> None:
        """Under a pathlen:0 parent no subordinate is possible; nothing is created."""
        pca, _ = new_pca()
        sub = pca.create_subordinate_ca(pca.create_root_ca(), path_length=0)
        client = pca.client()
        before = len(client.list_certificate_authorities()["CertificateAuthorities"])
        with pytest.raises(InvalidRequestError) as caught:
            pca.create_subordinate_ca(sub)
        assert caught.value.problems[0].path == "parent_arn"
        assert str(caught.value).startswith(
            f"parent_arn: the certificate authority {sub} cannot sign a subordinate CA. "
            "Path length validation failed for CA"
        )
        assert len(client.list_certificate_authorities()["CertificateAuthorities"]) == before

    def test_path_length_too_long_for_the_parent(self) -> None:
        """Under a pathlen:2 parent, path_length 2 is refused at path_length, 1 is made."""
        pca, _ = new_pca()
        two = pca.create_subordinate_ca(pca.create_root_ca(), path_length=2)
        with pytest.raises(InvalidRequestError) as caught:
            pca.create_subordinate_ca(two, path_length=2)
        assert caught.value.problems[0].path == "path_length"
        assert "must be at most 1 under the certificate authority" in str(caught.value)
        one = pca.create_subordinate_ca(two, path_length=1)
        got = pca.client().get_certificate_authority_certificate(CertificateAuthorityArn=str(one))
        made = x509.load_pem_x509_certificate(got["Certificate"].encode())
        assert made.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 1


class TestImportPathLength:
    """ImportCertificateAuthorityCertificate refuses a chain that breaks a constraint."""

    def test_outside_root_with_pathlen_zero(self) -> None:
        """A pathlen:0 outside root cannot back a subordinate CA; the CA stays pending."""
        pca, clock = new_pca()
        outside = make_outside_root(clock, path_length=0)
        client, arn, csr = create_subordinate(pca)
        sub = outside.sign_ca(csr, clock, ski=None, path_length=0)
        with pytest.raises(ClientError) as caught:
            client.import_certificate_authority_certificate(
                CertificateAuthorityArn=arn,
                Certificate=_pem(sub),
                CertificateChain=_pem(outside.certificate),
            )
        code, message = _code(caught)
        assert code == "ValidationException"
        assert "CN=Outside Root has pathLenConstraint 0, which allows no CA" in message
        described = client.describe_certificate_authority(CertificateAuthorityArn=arn)
        assert described["CertificateAuthority"]["Status"] == "PENDING_CERTIFICATE"

    def test_imported_certificate_without_pathlen_under_a_limit(self) -> None:
        """A CA certificate with no constraint of its own under pathlen:1 reaches too far."""
        pca, clock = new_pca()
        outside = make_outside_root(clock, path_length=1)
        client, arn, csr = create_subordinate(pca)
        sub = outside.sign_ca(csr, clock, ski=None, path_length=None)
        with pytest.raises(ClientError) as caught:
            client.import_certificate_authority_certificate(
                CertificateAuthorityArn=arn,
                Certificate=_pem(sub),
                CertificateChain=_pem(outside.certificate),
            )
        assert _code(caught)[1].endswith("the CA certificate asks for none (unlimited).")

    def test_chain_member_reaching_past_its_issuer(self, tmp_path: Path) -> None:
        """An intermediate with pathlen 5 under a pathlen:3 root breaks the chain."""
        pca, clock = new_pca()
        outside = make_outside_root(clock, path_length=3)
        inter_key = ec.generate_private_key(ec.SECP256R1())
        inter_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Outside Issuing")])
        inter_ski = os.urandom(20)
        inter = outside.sign_key(
            inter_name, inter_key.public_key(), clock, ski=inter_ski, path_length=5
        )
        issuing = OutsideRoot(inter_key, inter)
        client, arn, csr = create_subordinate(pca)
        sub = issuing.sign_ca(csr, clock, ski=None, path_length=0)
        with pytest.raises(ClientError) as caught:
            client.import_certificate_authority_certificate(
                CertificateAuthorityArn=arn,
                Certificate=_pem(sub),
                CertificateChain=_pem(inter, outside.certificate),
            )
        code, message = _code(caught)
        assert code == "ValidationException"
        assert "CN=Outside Root has pathLenConstraint 3" in message
        assert message.endswith("the CA certificate asks for 5.")
        # Within the constraints the same hierarchy imports, and its leaves verify.
        good_inter = outside.sign_key(
            inter_name, inter_key.public_key(), clock, ski=inter_ski, path_length=1
        )
        client.import_certificate_authority_certificate(
            CertificateAuthorityArn=arn,
            Certificate=_pem(sub),
            CertificateChain=_pem(good_inter, outside.certificate),
        )
        leaf = issue_leaf(client, arn)
        verdict = openssl_verify(tmp_path, clock, leaf, outside.certificate, [sub, good_inter])
        assert verdict.endswith("leaf.pem: OK"), verdict

    @pytest.mark.parametrize("member", ["Certificate", "CertificateChain"])
    def test_unparseable_extensions_are_malformed(self, member: str) -> None:
        """A certificate whose extensions cannot be parsed is MalformedCertificateException."""
        pca, clock = new_pca()
        outside = make_outside_root(clock)
        client, arn, csr = create_subordinate(pca)
        broken = x509.UnrecognizedExtension(x509.oid.ExtensionOID.NAME_CONSTRAINTS, b"\x01\x02")
        chain = outside.certificate
        if member == "Certificate":
            csr_obj = x509.load_pem_x509_csr(csr.encode())
            sub = outside.sign_key(
                csr_obj.subject, csr_obj.public_key(), clock, ski=None, extra=[broken]
            )
        else:
            sub = outside.sign_ca(csr, clock, ski=None)
            chain = outside.sign_key(
                outside.certificate.subject,
                outside.key.public_key(),
                clock,
                ski=None,
                extra=[broken],
            )
        with pytest.raises(ClientError) as caught:
            client.import_certificate_authority_certificate(
                CertificateAuthorityArn=arn, Certificate=_pem(sub), CertificateChain=_pem(chain)
            )
        code, message = _code(caught)
        assert code == "MalformedCertificateException"
        assert message.startswith(f"{member} has extensions that cannot be parsed")


def test_certificate_without_basic_constraints_sets_no_limit() -> None:
    """A certificate without basic constraints limits nothing below it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bare")])
    bare = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(START)
        .not_valid_after(START + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    assert path_length_limit([bare]) == (None, None)
    assert path_length_violation(None, [bare]) is None
