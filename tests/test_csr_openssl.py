"""Interop with the OpenSSL command line: our CSRs verify there, and its CSRs load here."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from acmpca_issue._csr import CsrBundle, build_csr, csr_key_algorithm, load_csr
from acmpca_issue._enums import KeyAlgorithm

OPENSSL = shutil.which("openssl") or "openssl"

# The key types OpenSSL 3.0 can read; ML-DSA needs OpenSSL 3.5 (see test_mldsa_csr_verifies).
OPENSSL_KEY_TYPES = [
    KeyAlgorithm.RSA_2048,
    KeyAlgorithm.RSA_3072,
    KeyAlgorithm.RSA_4096,
    KeyAlgorithm.EC_prime256v1,
    KeyAlgorithm.EC_secp384r1,
    KeyAlgorithm.EC_secp521r1,
]
MLDSA_KEY_TYPES = [KeyAlgorithm.ML_DSA_44, KeyAlgorithm.ML_DSA_65, KeyAlgorithm.ML_DSA_87]


def _openssl(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [OPENSSL, *args], input=stdin, capture_output=True, check=False, timeout=60
    )


@pytest.fixture(scope="session")
def bundles() -> dict[KeyAlgorithm, CsrBundle]:
    """One bundle per OpenSSL-readable key type, with every SAN kind and both usages."""
    return {
        algorithm: build_csr(
            "svc.example.com",
            "*.bücher.example",
            "10.0.0.7",
            "2001:db8::1",
            "ops@example.com",
            "spiffe://prod.example/ns/web",
            subject={"C": "US", "O": "Example", "OU": ["web", "ops"]},
            common_name="svc",
            key_algorithm=algorithm,
            key_usage=["digital_signature", "key_encipherment"],
            extended_key_usage=["SERVER_AUTH", "CLIENT_AUTH"],
        )
        for algorithm in OPENSSL_KEY_TYPES
    }


@pytest.mark.parametrize("algorithm", OPENSSL_KEY_TYPES)
def test_openssl_verifies_our_csr(
    bundles: dict[KeyAlgorithm, CsrBundle], algorithm: KeyAlgorithm
) -> None:
    """`openssl req -verify -noout` accepts the CSR and reads back its names."""
    bundle = bundles[algorithm]
    verified = _openssl("req", "-verify", "-noout", stdin=bundle.csr_pem)
    assert verified.returncode == 0, verified.stderr.decode()
    # OpenSSL 3.0 exits 0 even when verification fails; the verdict is in the output.
    assert b"self-signature verify OK" in verified.stderr + verified.stdout
    shown = _openssl("req", "-noout", "-text", stdin=bundle.csr_pem)
    assert shown.returncode == 0, shown.stderr.decode()
    text = shown.stdout.decode()
    assert "DNS:svc.example.com" in text
    assert "DNS:*.xn--bcher-kva.example" in text
    assert "IP Address:10.0.0.7" in text
    assert "email:ops@example.com" in text
    assert "URI:spiffe://prod.example/ns/web" in text
    assert "TLS Web Server Authentication, TLS Web Client Authentication" in text


def test_openssl_verifies_empty_subject_csr() -> None:
    """A CSR with an empty subject (critical SAN) verifies and shows the SAN as critical."""
    bundle = build_csr("svc.example.com")
    shown = _openssl("req", "-verify", "-noout", "-text", stdin=bundle.csr_pem)
    assert shown.returncode == 0, shown.stderr.decode()
    assert b"self-signature verify OK" in shown.stderr + shown.stdout
    assert "X509v3 Subject Alternative Name: critical" in shown.stdout.decode()


@pytest.mark.mldsa
@pytest.mark.parametrize("algorithm", MLDSA_KEY_TYPES)
def test_mldsa_csr_verifies(algorithm: KeyAlgorithm) -> None:
    """ML-DSA CSRs verify with cryptography's ``is_signature_valid``.

    The installed OpenSSL CLI (3.0) cannot read ML-DSA keys (that needs OpenSSL 3.5), so this
    verification goes through cryptography instead: the PEM is re-parsed from bytes, its
    signature checked, and a copy with one altered byte must fail the same check.
    """
    bundle = build_csr("svc.example.com", key_algorithm=algorithm)
    reparsed = x509.load_pem_x509_csr(bundle.csr_pem)
    assert reparsed.is_signature_valid
    assert csr_key_algorithm(reparsed) is algorithm
    der = bytearray(reparsed.public_bytes(serialization.Encoding.DER))
    der[der.index(b"svc.example.com")] ^= 0x01
    assert not x509.load_der_x509_csr(bytes(der)).is_signature_valid


@pytest.mark.parametrize(
    ("newkey", "expected"),
    [
        ("rsa:2048", KeyAlgorithm.RSA_2048),
        ("ec", KeyAlgorithm.EC_prime256v1),
    ],
)
def test_openssl_csr_loads(tmp_path: Path, newkey: str, expected: KeyAlgorithm) -> None:
    """CSRs made by `openssl req` (RSA, EC, SANs through -addext) load with load_csr."""
    key_args = ["-newkey", newkey]
    if newkey == "ec":
        key_args = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    out = tmp_path / "req.pem"
    made = _openssl(
        "req",
        "-new",
        *key_args,
        "-nodes",
        "-keyout",
        str(tmp_path / "key.pem"),
        "-out",
        str(out),
        "-subj",
        "/C=US/O=Example/CN=svc.example.com",
        "-addext",
        "subjectAltName=DNS:svc.example.com,IP:10.0.0.7,URI:spiffe://prod.example/web",
    )
    assert made.returncode == 0, made.stderr.decode()
    for data in (out, out.read_bytes(), out.read_text()):
        csr = load_csr(data)
        assert csr_key_algorithm(csr) is expected
        assert csr.subject.rfc4514_string() == "CN=svc.example.com,O=Example,C=US"
        sans = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert sans.get_values_for_type(x509.DNSName) == ["svc.example.com"]


def test_openssl_der_csr_loads(tmp_path: Path) -> None:
    """An `openssl req -outform DER` CSR loads from a path and from bytes."""
    out = tmp_path / "req.der"
    made = _openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:secp384r1",
        "-nodes",
        "-keyout",
        str(tmp_path / "key.pem"),
        "-outform",
        "DER",
        "-out",
        str(out),
        "-subj",
        "/CN=svc.example.com",
    )
    assert made.returncode == 0, made.stderr.decode()
    assert csr_key_algorithm(load_csr(out)) is KeyAlgorithm.EC_secp384r1
    assert load_csr(out.read_bytes()) == load_csr(out)


def test_openssl_refuses_tampered_csr_like_load_csr(
    bundles: dict[KeyAlgorithm, CsrBundle],
) -> None:
    """A tampered CSR fails both `openssl req -verify` and load_csr (the checks agree)."""
    from acmpca_issue.exceptions import InvalidCsrError

    der = bytearray(
        bundles[KeyAlgorithm.EC_prime256v1].csr.public_bytes(serialization.Encoding.DER)
    )
    der[der.index(b"svc.example.com")] ^= 0x01
    tampered = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM)
    verified = _openssl("req", "-verify", "-noout", stdin=tampered)
    assert b"self-signature verify failure" in verified.stderr + verified.stdout
    with pytest.raises(InvalidCsrError, match="signature does not verify"):
        load_csr(tampered)
