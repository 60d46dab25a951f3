"""IssueCertificate and GetCertificate on the local Private CA engine (no transport)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import SignatureAlgorithmOID

from acmpca_issue import CertificateArn
from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._protocol import LocalServiceError
from tests.local._support import CSR, START, FakeClock, issue, issue_params, make_csr, new_pca


@pytest.fixture
def world() -> tuple[LocalPrivateCA, FakeClock, str]:
    pca, clock = new_pca()
    return pca, clock, str(pca.create_root_ca())


@pytest.fixture(scope="session")
def rsa_pca() -> tuple[LocalPrivateCA, str]:
    pca = LocalPrivateCA()
    return pca, str(pca.create_root_ca(key_algorithm="RSA_2048"))


@pytest.fixture(scope="session")
def rsa4096_pca() -> tuple[LocalPrivateCA, str]:
    pca = LocalPrivateCA()
    return pca, str(pca.create_root_ca(key_algorithm="RSA_4096"))


def _error(call: Any, *args: Any) -> LocalServiceError:
    with pytest.raises(LocalServiceError) as caught:
        call(*args)
    return caught.value


class TestValidity:
    """NotAfter and NotBefore follow the request like the service documents."""

    @pytest.mark.parametrize(
        ("validity", "expected"),
        [
            ({"Value": 30, "Type": "DAYS"}, START + timedelta(days=30)),
            ({"Value": 1, "Type": "MONTHS"}, datetime(2026, 12, 27, 12, tzinfo=timezone.utc)),
            ({"Value": 1, "Type": "YEARS"}, datetime(2027, 11, 27, 12, tzinfo=timezone.utc)),
            (
                {"Value": 20270101000000, "Type": "END_DATE"},
                datetime(2027, 1, 1, tzinfo=timezone.utc),
            ),
            ({"Value": 1798761600, "Type": "ABSOLUTE"}, datetime(2027, 1, 1, tzinfo=timezone.utc)),
        ],
    )
    def test_each_type(
        self, world: tuple[LocalPrivateCA, FakeClock, str], validity: Any, expected: datetime
    ) -> None:
        """Each of the five types sets NotAfter; NotBefore is issuance minus 60 minutes."""
        pca, _, ca = world
        cert = issue(pca.engine, ca, Validity=validity)
        assert cert.not_valid_after_utc == expected
        assert cert.not_valid_before_utc == START - timedelta(minutes=60)

    def test_months_follow_the_calendar(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """Jan 31 + 1 month is the last day of February."""
        pca, clock, ca = world
        clock.now = datetime(2027, 1, 31, 8, tzinfo=timezone.utc)
        cert = issue(pca.engine, ca, Validity={"Value": 1, "Type": "MONTHS"})
        assert cert.not_valid_after_utc == datetime(2027, 2, 28, 8, tzinfo=timezone.utc)

    def test_validity_not_before(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """ValidityNotBefore (ABSOLUTE) sets NotBefore and leaves NotAfter relative to issuance."""
        pca, _, ca = world
        before = int((START - timedelta(days=2)).timestamp())
        cert = issue(
            pca.engine,
            ca,
            ValidityNotBefore={"Value": before, "Type": "ABSOLUTE"},
            Validity={"Value": 20, "Type": "DAYS"},
        )
        assert cert.not_valid_before_utc == START - timedelta(days=2)
        assert cert.not_valid_after_utc == START + timedelta(days=20)

    def test_validity_not_before_must_be_absolute(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """A relative ValidityNotBefore is InvalidArgsException."""
        pca, _, ca = world
        params = issue_params(ca, ValidityNotBefore={"Value": 1, "Type": "DAYS"})
        error = _error(pca.engine.handle, "IssueCertificate", params)
        assert error.code == "InvalidArgsException"
        assert "ABSOLUTE" in error.message

    @pytest.mark.parametrize(
        ("member", "value"),
        [
            ("Validity", {"Value": 2027013100, "Type": "END_DATE"}),
            ("ValidityNotBefore", {"Value": 2027013100, "Type": "END_DATE"}),
        ],
    )
    def test_malformed_values(
        self, world: tuple[LocalPrivateCA, FakeClock, str], member: str, value: Any
    ) -> None:
        """An END_DATE that is no date is InvalidArgsException naming the member."""
        pca, _, ca = world
        error = _error(pca.engine.handle, "IssueCertificate", issue_params(ca, **{member: value}))
        assert error.code == "InvalidArgsException"
        assert member in error.message

    def test_not_after_in_the_past(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """A NotAfter that has passed is ValidationException."""
        pca, _, ca = world
        past = {"Value": int(START.timestamp()) - 1, "Type": "ABSOLUTE"}
        error = _error(pca.engine.handle, "IssueCertificate", issue_params(ca, Validity=past))
        assert error.code == "ValidationException"

    def test_not_before_after_not_after(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """NotBefore at or after NotAfter is ValidationException."""
        pca, _, ca = world
        later = int((START + timedelta(days=40)).timestamp())
        params = issue_params(ca, ValidityNotBefore={"Value": later, "Type": "ABSOLUTE"})
        error = _error(pca.engine.handle, "IssueCertificate", params)
        assert error.code == "ValidationException"
        assert "earlier" in error.message

    def test_ca_ceiling(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """A NotAfter after the CA's own is refused; exactly the CA's is allowed."""
        pca, _, ca = world
        ca_end = pca.engine.handle("DescribeCertificateAuthority", {"CertificateAuthorityArn": ca})[
            "CertificateAuthority"
        ]["NotAfter"]
        at_end = {"Value": int(ca_end.timestamp()), "Type": "ABSOLUTE"}
        assert issue(pca.engine, ca, Validity=at_end).not_valid_after_utc == ca_end
        beyond = {"Value": int(ca_end.timestamp()) + 1, "Type": "ABSOLUTE"}
        error = _error(pca.engine.handle, "IssueCertificate", issue_params(ca, Validity=beyond))
        assert error.code == "ValidationException"
        assert "exceeds the certificate authority validity" in error.message

    def test_ca_certificate_ends_before_its_issuer(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """A CA certificate may not end when its issuer does; one second earlier is allowed."""
        pca, _, ca = world
        ca_end = pca.engine.handle("DescribeCertificateAuthority", {"CertificateAuthorityArn": ca})[
            "CertificateAuthority"
        ]["NotAfter"]
        sub_template = "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1"
        at_end = {"Value": int(ca_end.timestamp()), "Type": "ABSOLUTE"}
        params = issue_params(ca, Validity=at_end, TemplateArn=sub_template)
        error = _error(pca.engine.handle, "IssueCertificate", params)
        assert error.code == "ValidationException"
        assert "CA certificate must end before" in error.message
        before_end = {"Value": int(ca_end.timestamp()) - 1, "Type": "ABSOLUTE"}
        cert = issue(pca.engine, ca, Validity=before_end, TemplateArn=sub_template)
        assert cert.not_valid_after_utc == ca_end - timedelta(seconds=1)
        assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True

    def test_short_lived_ca(self) -> None:
        """A SHORT_LIVED_CERTIFICATE CA issues up to 7 days and refuses more."""
        pca, _ = new_pca()
        ca = str(pca.create_root_ca(usage_mode="SHORT_LIVED_CERTIFICATE"))
        cert = issue(pca.engine, ca, Validity={"Value": 7, "Type": "DAYS"})
        assert cert.not_valid_after_utc == START + timedelta(days=7)
        error = _error(
            pca.engine.handle,
            "IssueCertificate",
            issue_params(ca, Validity={"Value": 8, "Type": "DAYS"}),
        )
        assert error.code == "ValidationException"
        assert "7 days" in error.message


class TestSigning:
    """The certificate is really signed with the requested algorithm."""

    @pytest.mark.parametrize(
        ("algorithm", "hash_type"),
        [
            ("SHA256WITHECDSA", hashes.SHA256),
            ("SHA384WITHECDSA", hashes.SHA384),
            ("SHA512WITHECDSA", hashes.SHA512),
        ],
    )
    def test_ecdsa(
        self, world: tuple[LocalPrivateCA, FakeClock, str], algorithm: str, hash_type: type
    ) -> None:
        """ECDSA with each hash, verified against the CA key."""
        pca, _, ca = world
        cert = issue(pca.engine, ca, SigningAlgorithm=algorithm)
        assert isinstance(cert.signature_hash_algorithm, hash_type)
        ca_cert = _ca_certificate(pca, ca)
        cert.verify_directly_issued_by(ca_cert)

    @pytest.mark.parametrize(
        ("algorithm", "hash_type", "pss"),
        [
            ("SHA256WITHRSA", hashes.SHA256, False),
            ("SHA384WITHRSA", hashes.SHA384, False),
            ("SHA512WITHRSA", hashes.SHA512, False),
            ("SHA256WITHRSA_PSS", hashes.SHA256, True),
            ("SHA384WITHRSA_PSS", hashes.SHA384, True),
            ("SHA512WITHRSA_PSS", hashes.SHA512, True),
        ],
    )
    def test_rsa(
        self, rsa_pca: tuple[LocalPrivateCA, str], algorithm: str, hash_type: type, pss: bool
    ) -> None:
        """RSA PKCS#1 v1.5 and PSS (MGF1 of the same hash, salt = hash length)."""
        pca, ca = rsa_pca
        cert = issue(pca.engine, ca, SigningAlgorithm=algorithm)
        assert isinstance(cert.signature_hash_algorithm, hash_type)
        params = cert.signature_algorithm_parameters
        if pss:
            assert cert.signature_algorithm_oid == SignatureAlgorithmOID.RSASSA_PSS
            assert isinstance(params, padding.PSS)
            assert isinstance(params.mgf, padding.MGF1)
            assert params._salt_length == hash_type.digest_size  # type: ignore[attr-defined]
        else:
            assert isinstance(params, padding.PKCS1v15)
        cert.verify_directly_issued_by(_ca_certificate(pca, ca))

    def test_rsa_4096_ca(self, rsa4096_pca: tuple[LocalPrivateCA, str]) -> None:
        """An RSA-4096 CA signs with its own key."""
        pca, ca = rsa4096_pca
        cert = issue(pca.engine, ca, SigningAlgorithm="SHA512WITHRSA")
        ca_cert = _ca_certificate(pca, ca)
        key = ca_cert.public_key()
        assert isinstance(key, rsa.RSAPublicKey)
        assert key.key_size == 4096
        cert.verify_directly_issued_by(ca_cert)

    @pytest.mark.mldsa
    @pytest.mark.parametrize("level", ["44", "65", "87"])
    def test_ml_dsa(self, level: str) -> None:
        """An ML-DSA CA signs with its parameter set (the OID names it)."""
        pca = LocalPrivateCA()
        ca = str(pca.create_root_ca(key_algorithm=f"ML_DSA_{level}"))
        cert = issue(pca.engine, ca, SigningAlgorithm=f"ML_DSA_{level}")
        assert (
            cert.signature_algorithm_oid.dotted_string
            == {
                "44": "2.16.840.1.101.3.4.3.17",
                "65": "2.16.840.1.101.3.4.3.18",
                "87": "2.16.840.1.101.3.4.3.19",
            }[level]
        )
        assert cert.signature_hash_algorithm is None
        cert.verify_directly_issued_by(_ca_certificate(pca, ca))

    @pytest.mark.parametrize("curve", ["EC_secp384r1", "EC_secp521r1"])
    def test_other_curves(self, curve: str) -> None:
        """P-384 and P-521 CAs have keys on their curve."""
        pca = LocalPrivateCA()
        ca = str(pca.create_root_ca(key_algorithm=curve))
        key = _ca_certificate(pca, ca).public_key()
        assert isinstance(key, ec.EllipticCurvePublicKey)
        assert key.curve.name == {"EC_secp384r1": "secp384r1", "EC_secp521r1": "secp521r1"}[curve]

    def test_family_mismatch_message(self, rsa_pca: tuple[LocalPrivateCA, str]) -> None:
        """An ECDSA algorithm on an RSA CA reads like the service's InvalidArgsException."""
        pca, ca = rsa_pca
        params = issue_params(ca, SigningAlgorithm="SHA384WITHECDSA")
        error = _error(pca.engine.handle, "IssueCertificate", params)
        assert error.code == "InvalidArgsException"
        assert error.message == (
            "Signing algorithm SHA384WITHECDSA cannot be used with key type RSA_2048. "
            "Valid signing algorithms are: SHA256WITHRSA, SHA384WITHRSA, SHA512WITHRSA, "
            "SHA256WITHRSA_PSS, SHA384WITHRSA_PSS, SHA512WITHRSA_PSS."
        )

    def test_rsa_on_ec_ca(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """An RSA algorithm on an EC CA lists the ECDSA ones."""
        pca, _, ca = world
        params = issue_params(ca, SigningAlgorithm="SHA256WITHRSA")
        error = _error(pca.engine.handle, "IssueCertificate", params)
        assert error.message.endswith(
            "Valid signing algorithms are: SHA256WITHECDSA, SHA384WITHECDSA, SHA512WITHECDSA."
        )


def _ca_certificate(pca: LocalPrivateCA, ca: str) -> x509.Certificate:
    got = pca.engine.handle("GetCertificateAuthorityCertificate", {"CertificateAuthorityArn": ca})
    return x509.load_pem_x509_certificate(got["Certificate"].encode())


class TestArnsAndRequests:
    """Certificate ARNs, the CSR, state and the idempotency token."""

    def test_arn_ends_in_serial(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """The ARN is the CA ARN, /certificate/, and the serial in 32 lowercase hex digits."""
        pca, _, ca = world
        arn = pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        parsed = CertificateArn.parse(arn)
        assert str(parsed.certificate_authority_arn) == ca
        assert len(parsed.serial_hex) == 32
        assert parsed.serial_hex == parsed.serial_hex.lower()
        got = pca.engine.handle(
            "GetCertificate", {"CertificateAuthorityArn": ca, "CertificateArn": arn}
        )
        cert = x509.load_pem_x509_certificate(got["Certificate"].encode())
        assert cert.serial_number == parsed.serial

    def test_subject_and_san_from_csr(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """The default template copies the CSR's subject and SAN; the issuer is the CA."""
        pca, _, ca = world
        cert = issue(pca.engine, ca, Csr=make_csr("a.example", ("a.example", "b.example")))
        assert cert.subject.rfc4514_string() == "CN=a.example"
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert san.get_values_for_type(x509.DNSName) == ["a.example", "b.example"]
        assert cert.issuer == _ca_certificate(pca, ca).subject

    @pytest.mark.parametrize("csr", [b"not a csr", CSR.replace(b"MI", b"XX", 1)])
    def test_malformed_csr(self, world: tuple[LocalPrivateCA, FakeClock, str], csr: bytes) -> None:
        """A CSR that cannot be read is MalformedCSRException."""
        pca, _, ca = world
        error = _error(pca.engine.handle, "IssueCertificate", issue_params(ca, Csr=csr))
        assert error.code == "MalformedCSRException"

    @pytest.mark.parametrize(
        "csr",
        [
            pytest.param(
                x509.load_pem_x509_csr(CSR).public_bytes(serialization.Encoding.DER), id="der"
            ),
            pytest.param(
                CSR.replace(b"CERTIFICATE REQUEST", b"NEW CERTIFICATE REQUEST"), id="new-label"
            ),
            pytest.param(b"subject=CN=svc\n" + CSR, id="text-before"),
            pytest.param(CSR + CSR, id="two-blocks"),
        ],
    )
    def test_csr_must_be_one_plain_pem_block(
        self, world: tuple[LocalPrivateCA, FakeClock, str], csr: bytes
    ) -> None:
        """DER, a NEW CERTIFICATE REQUEST label or extra text: MalformedCSRException, as AWS."""
        pca, _, ca = world
        error = _error(pca.engine.handle, "IssueCertificate", issue_params(ca, Csr=csr))
        assert error.code == "MalformedCSRException"
        assert "exactly one PEM block" in error.message

    def test_csr_pem_with_crlf_and_blank_lines(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """Windows line ends and surrounding whitespace are still one PEM block."""
        pca, _, ca = world
        cert = issue(pca.engine, ca, Csr=b"\r\n" + CSR.replace(b"\n", b"\r\n") + b"\n\n")
        assert cert.public_key() == x509.load_pem_x509_csr(CSR).public_key()
        # Called directly, the engine also takes the PEM as text.
        assert issue(pca.engine, ca, Csr=CSR.decode()).public_key() == cert.public_key()

    @pytest.mark.parametrize(
        ("arn", "code"),
        [
            (
                "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/nope",
                "InvalidArnException",
            ),
            (
                "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
                "12345678-1234-1234-1234-123456789012",
                "ResourceNotFoundException",
            ),
        ],
    )
    def test_bad_ca_arn(
        self, world: tuple[LocalPrivateCA, FakeClock, str], arn: str, code: str
    ) -> None:
        """A malformed CA ARN is InvalidArnException; an unknown one ResourceNotFoundException."""
        pca, _, _ = world
        assert _error(pca.engine.handle, "IssueCertificate", issue_params(arn)).code == code

    @pytest.mark.parametrize(
        ("template_arn", "code"),
        [
            ("arn:aws:acm-pca:::template/NoSuchTemplate/V1", "InvalidArnException"),
            ("arn:aws:acm-pca:::template/EndEntityCertificate/V2", "InvalidArnException"),
            ("arn:aws:acm-pca:us-east-1::template/EndEntityCertificate/V1", "InvalidArnException"),
        ],
    )
    def test_bad_template(
        self, world: tuple[LocalPrivateCA, FakeClock, str], template_arn: str, code: str
    ) -> None:
        """A malformed or unknown template ARN is InvalidArnException."""
        pca, _, ca = world
        params = issue_params(ca, TemplateArn=template_arn)
        assert _error(pca.engine.handle, "IssueCertificate", params).code == code

    def test_ca_must_be_active(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """A DISABLED CA answers InvalidStateException worded like the service."""
        pca, _, ca = world
        pca.engine.handle(
            "UpdateCertificateAuthority", {"CertificateAuthorityArn": ca, "Status": "DISABLED"}
        )
        error = _error(pca.engine.handle, "IssueCertificate", issue_params(ca))
        assert error.code == "InvalidStateException"
        assert error.message == (
            "The certificate authority is not in a valid state for issuing certificates."
        )
        pca.engine.handle(
            "UpdateCertificateAuthority", {"CertificateAuthorityArn": ca, "Status": "ACTIVE"}
        )
        issue(pca.engine, ca)

    def test_expired_ca(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """Once its certificate has ended a CA is EXPIRED: it neither issues nor reactivates."""
        pca, clock, ca = world
        ask = {"CertificateAuthorityArn": ca}
        ca_end = pca.engine.handle("DescribeCertificateAuthority", ask)["CertificateAuthority"][
            "NotAfter"
        ]
        clock.now = ca_end - timedelta(seconds=1)
        described = pca.engine.handle("DescribeCertificateAuthority", ask)["CertificateAuthority"]
        assert described["Status"] == "ACTIVE"
        clock.now = ca_end
        described = pca.engine.handle("DescribeCertificateAuthority", ask)["CertificateAuthority"]
        assert described["Status"] == "EXPIRED"
        validity = {"Value": int(ca_end.timestamp()) + 60, "Type": "ABSOLUTE"}
        error = _error(pca.engine.handle, "IssueCertificate", issue_params(ca, Validity=validity))
        assert error.code == "InvalidStateException"
        update = {**ask, "Status": "ACTIVE"}
        error = _error(pca.engine.handle, "UpdateCertificateAuthority", update)
        assert error.code == "InvalidStateException"
        assert "status EXPIRED" in error.message

    def test_idempotency_window(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """The same token within 5 minutes returns the same ARN and issues nothing new."""
        pca, clock, ca = world
        first = pca.engine.handle("IssueCertificate", issue_params(ca, IdempotencyToken="t-1"))
        count = len(pca.engine._certificates)
        clock.advance(minutes=4, seconds=59)
        again = pca.engine.handle(
            "IssueCertificate",
            issue_params(ca, IdempotencyToken="t-1", Validity={"Value": 2, "Type": "DAYS"}),
        )
        assert again == first
        assert len(pca.engine._certificates) == count
        other = pca.engine.handle("IssueCertificate", issue_params(ca, IdempotencyToken="t-2"))
        assert other != first
        clock.advance(seconds=1)
        later = pca.engine.handle("IssueCertificate", issue_params(ca, IdempotencyToken="t-1"))
        assert later != first
        assert len(pca.engine._certificates) == count + 2

    def test_expired_tokens_are_pruned(
        self, world: tuple[LocalPrivateCA, FakeClock, str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Once many tokens are remembered, the expired ones are forgotten."""
        from acmpca_issue.local import _engine

        monkeypatch.setattr(_engine, "TOKEN_PRUNE_SIZE", 3)
        pca, clock, ca = world
        for token in ("a", "b", "c"):
            pca.engine.handle("IssueCertificate", issue_params(ca, IdempotencyToken=token))
        clock.advance(minutes=5)
        pca.engine.handle("IssueCertificate", issue_params(ca, IdempotencyToken="b2"))
        pca.engine.handle("IssueCertificate", issue_params(ca, IdempotencyToken="d"))
        assert sorted(token for _, token in pca.engine._tokens) == ["b2", "d"]

    def test_token_is_per_ca(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """The same token on another CA issues a new certificate there."""
        pca, _, ca = world
        other = str(pca.create_root_ca(common_name="Other"))
        one = pca.engine.handle("IssueCertificate", issue_params(ca, IdempotencyToken="x"))
        two = pca.engine.handle("IssueCertificate", issue_params(other, IdempotencyToken="x"))
        assert one["CertificateArn"].startswith(ca)
        assert two["CertificateArn"].startswith(other)


class TestGetCertificate:
    """GetCertificate answers like the asynchronous service."""

    def test_chain_of_a_root_issued_certificate(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """The chain is the root's certificate."""
        pca, _, ca = world
        arn = pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        got = pca.engine.handle(
            "GetCertificate", {"CertificateAuthorityArn": ca, "CertificateArn": arn}
        )
        chain = x509.load_pem_x509_certificates(got["CertificateChain"].encode())
        assert chain == [_ca_certificate(pca, ca)]

    def test_in_progress_then_ready(self) -> None:
        """RequestInProgressException until issue_delay has passed on the engine clock."""
        pca, clock = new_pca(issue_delay=2.0)
        ca = str(pca.create_root_ca())
        arn = pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        ask = {"CertificateAuthorityArn": ca, "CertificateArn": arn}
        assert _error(pca.engine.handle, "GetCertificate", ask).code == "RequestInProgressException"
        clock.advance(seconds=1.999)
        assert _error(pca.engine.handle, "GetCertificate", ask).code == "RequestInProgressException"
        clock.advance(seconds=0.001)
        assert "Certificate" in pca.engine.handle("GetCertificate", ask)

    def test_delay_counts_from_the_exact_moment(self) -> None:
        """A sub-second delay holds even when issuance falls late in a second."""
        clock = FakeClock(START + timedelta(seconds=0.7))
        pca = LocalPrivateCA(clock=clock, issue_delay=0.5)
        ca = str(pca.create_root_ca())
        arn = pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        ask = {"CertificateAuthorityArn": ca, "CertificateArn": arn}
        assert _error(pca.engine.handle, "GetCertificate", ask).code == "RequestInProgressException"
        clock.advance(seconds=0.499)
        assert _error(pca.engine.handle, "GetCertificate", ask).code == "RequestInProgressException"
        clock.advance(seconds=0.001)
        certificate = x509.load_pem_x509_certificate(
            pca.engine.handle("GetCertificate", ask)["Certificate"].encode()
        )
        # The certificate itself still carries whole seconds, backdated 60 minutes.
        assert certificate.not_valid_before_utc == START - timedelta(minutes=60)

    def test_fail_next_issuance(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """The next issuance fails with RequestFailedException; the one after succeeds."""
        pca, _, ca = world
        pca.fail_next_issuance()
        arn = pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        ask = {"CertificateAuthorityArn": ca, "CertificateArn": arn}
        error = _error(pca.engine.handle, "GetCertificate", ask)
        assert error.code == "RequestFailedException"
        issue(pca.engine, ca)

    def test_unknown_certificate(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """An unknown serial is ResourceNotFoundException; a malformed ARN InvalidArnException."""
        pca, _, ca = world
        ask = {"CertificateAuthorityArn": ca, "CertificateArn": f"{ca}/certificate/abc123"}
        assert _error(pca.engine.handle, "GetCertificate", ask).code == "ResourceNotFoundException"
        ask["CertificateArn"] = f"{ca}/certificate/XYZ"
        assert _error(pca.engine.handle, "GetCertificate", ask).code == "InvalidArnException"

    def test_certificate_of_another_ca(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """A certificate ARN under another CA is ResourceNotFoundException."""
        pca, _, ca = world
        other = str(pca.create_root_ca(common_name="Other"))
        arn = pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        ask = {"CertificateAuthorityArn": other, "CertificateArn": arn}
        assert _error(pca.engine.handle, "GetCertificate", ask).code == "ResourceNotFoundException"


class TestRevoke:
    """RevokeCertificate takes the serial in hex."""

    @pytest.mark.parametrize("form", ["plain", "colon", "upper"])
    def test_revoke_once(self, world: tuple[LocalPrivateCA, FakeClock, str], form: str) -> None:
        """Plain, colon-separated or uppercase hex; a second revoke is already processed."""
        pca, _, ca = world
        arn = CertificateArn.parse(
            pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        )
        serial = {
            "plain": arn.serial_hex,
            "colon": arn.serial_colon,
            "upper": arn.serial_hex.upper(),
        }[form]
        params = {
            "CertificateAuthorityArn": ca,
            "CertificateSerial": serial,
            "RevocationReason": "KEY_COMPROMISE",
        }
        assert pca.engine.handle("RevokeCertificate", params) == {}
        error = _error(pca.engine.handle, "RevokeCertificate", params)
        assert error.code == "RequestAlreadyProcessedException"
        ask = {"CertificateAuthorityArn": ca, "CertificateArn": str(arn)}
        assert "Certificate" in pca.engine.handle("GetCertificate", ask)

    @pytest.mark.parametrize(
        ("serial", "code"),
        [
            ("zz", "InvalidArgsException"),
            ("", "InvalidArgsException"),
            ("01", "ResourceNotFoundException"),
        ],
    )
    def test_bad_serial(
        self, world: tuple[LocalPrivateCA, FakeClock, str], serial: str, code: str
    ) -> None:
        """A serial that is not hex, or that the CA never issued, is refused."""
        pca, _, ca = world
        params = {
            "CertificateAuthorityArn": ca,
            "CertificateSerial": serial,
            "RevocationReason": "UNSPECIFIED",
        }
        assert _error(pca.engine.handle, "RevokeCertificate", params).code == code

    def test_root_self_signed_certificate(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """A root CA's own certificate cannot be revoked."""
        pca, _, ca = world
        serial = format(_ca_certificate(pca, ca).serial_number, "x")
        params = {
            "CertificateAuthorityArn": ca,
            "CertificateSerial": serial,
            "RevocationReason": "UNSPECIFIED",
        }
        error = _error(pca.engine.handle, "RevokeCertificate", params)
        assert error.code == "InvalidRequestException"

    def test_in_progress_and_failed(self) -> None:
        """A certificate still in progress cannot be revoked yet; a failed one does not exist."""
        pca, clock = new_pca(issue_delay=5)
        ca = str(pca.create_root_ca())
        pca.fail_next_issuance()
        failed = CertificateArn.parse(
            pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        )
        pending = CertificateArn.parse(
            pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        )

        def revoke(arn: CertificateArn) -> dict[str, Any]:
            return pca.engine.handle(
                "RevokeCertificate",
                {
                    "CertificateAuthorityArn": ca,
                    "CertificateSerial": arn.serial_hex,
                    "RevocationReason": "SUPERSEDED",
                },
            )

        assert _error(revoke, failed).code == "ResourceNotFoundException"
        assert _error(revoke, pending).code == "RequestInProgressException"
        clock.advance(seconds=5)
        assert revoke(pending) == {}

    def test_disabled_ca_still_revokes(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """A DISABLED CA can still revoke what it issued."""
        pca, _, ca = world
        arn = CertificateArn.parse(
            pca.engine.handle("IssueCertificate", issue_params(ca))["CertificateArn"]
        )
        pca.engine.handle(
            "UpdateCertificateAuthority", {"CertificateAuthorityArn": ca, "Status": "DISABLED"}
        )
        params = {
            "CertificateAuthorityArn": ca,
            "CertificateSerial": arn.serial_hex,
            "RevocationReason": "SUPERSEDED",
        }
        assert pca.engine.handle("RevokeCertificate", params) == {}
