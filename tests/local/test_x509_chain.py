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

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from acmpca_issue.local import LocalPrivateCA
from tests.local._support import FakeClock, issue_params, new_pca

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
        root_ski = self.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        builder = (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(self.certificate.subject)
            .public_key(csr.public_key())
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
