"""The CA operations of the local Private CA engine: create, CSR, import, describe, update."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding

from acmpca_issue import _keys
from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._engine import Engine
from acmpca_issue.local._protocol import LocalServiceError
from tests.keytypes import key_params
from tests.local._support import START, FakeClock, issue, issue_params, make_csr, new_pca, template

ROOT_SUBJECT = {"CommonName": "Root", "Organization": "Example", "Country": "DE"}


def _create(engine: Engine, **overrides: Any) -> str:
    config = {
        "KeyAlgorithm": "EC_prime256v1",
        "SigningAlgorithm": "SHA256WITHECDSA",
        "Subject": ROOT_SUBJECT,
    }
    config.update(overrides.pop("config", {}))
    params: dict[str, Any] = {
        "CertificateAuthorityConfiguration": config,
        "CertificateAuthorityType": "ROOT",
    }
    params.update(overrides)
    return str(engine.handle("CreateCertificateAuthority", params)["CertificateAuthorityArn"])


def _error(engine: Engine, operation: str, params: dict[str, Any]) -> LocalServiceError:
    with pytest.raises(LocalServiceError) as caught:
        engine.handle(operation, params)
    return caught.value


def _describe(engine: Engine, arn: str) -> dict[str, Any]:
    answer = engine.handle("DescribeCertificateAuthority", {"CertificateAuthorityArn": arn})
    described: dict[str, Any] = answer["CertificateAuthority"]
    return described


def _csr(engine: Engine, arn: str) -> bytes:
    csr: str = engine.handle("GetCertificateAuthorityCsr", {"CertificateAuthorityArn": arn})["Csr"]
    return csr.encode()


def _self_sign(engine: Engine, arn: str, **overrides: Any) -> bytes:
    """Issue a root's own certificate with RootCACertificate/V1; return its PEM."""
    params = issue_params(
        arn,
        Csr=_csr(engine, arn),
        TemplateArn=template("RootCACertificate"),
        Validity={"Value": 10, "Type": "YEARS"},
    )
    params.update(overrides)
    cert_arn = engine.handle("IssueCertificate", params)["CertificateArn"]
    got = engine.handle(
        "GetCertificate", {"CertificateAuthorityArn": arn, "CertificateArn": cert_arn}
    )
    pem: str = got["Certificate"]
    return pem.encode()


@pytest.fixture
def engine_clock() -> tuple[Engine, FakeClock]:
    pca, clock = new_pca()
    return pca.engine, clock


class TestCreate:
    """CreateCertificateAuthority and the state it leaves."""

    def test_pending_then_active(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """A new root waits for its certificate, signs it itself, and is ACTIVE after import."""
        engine, clock = engine_clock
        arn = _create(engine, UsageMode="SHORT_LIVED_CERTIFICATE")
        assert arn.startswith("arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/")
        described = _describe(engine, arn)
        assert described == {
            "Arn": arn,
            "OwnerAccount": "123456789012",
            "CreatedAt": START,
            "LastStateChangeAt": START,
            "Type": "ROOT",
            "Status": "PENDING_CERTIFICATE",
            "CertificateAuthorityConfiguration": {
                "KeyAlgorithm": "EC_prime256v1",
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Subject": ROOT_SUBJECT,
            },
            "KeyStorageSecurityStandard": "FIPS_140_2_LEVEL_3_OR_HIGHER",
            "UsageMode": "SHORT_LIVED_CERTIFICATE",
        }
        error = _error(engine, "IssueCertificate", issue_params(arn))
        assert error.code == "InvalidStateException"
        error = _error(
            engine, "GetCertificateAuthorityCertificate", {"CertificateAuthorityArn": arn}
        )
        assert error.code == "InvalidStateException"
        clock.advance(minutes=1)
        pem = _self_sign(engine, arn)
        # A root still waiting for its certificate has no chain to give with its own.
        own = engine._certificates
        assert all(record.chain_pem == "" for record in own.values())
        root = x509.load_pem_x509_certificate(pem)
        assert root.subject == root.issuer
        assert root.subject.rfc4514_string() == "CN=Root,O=Example,C=DE"
        root.verify_directly_issued_by(root)
        engine.handle(
            "ImportCertificateAuthorityCertificate",
            {"CertificateAuthorityArn": arn, "Certificate": pem},
        )
        described = _describe(engine, arn)
        assert described["Status"] == "ACTIVE"
        assert described["LastStateChangeAt"] == START + timedelta(minutes=1)
        assert described["NotAfter"] == root.not_valid_after_utc
        assert described["NotBefore"] == root.not_valid_before_utc
        assert described["Serial"].replace(":", "") == format(root.serial_number, "x").zfill(32)
        got = engine.handle("GetCertificateAuthorityCertificate", {"CertificateAuthorityArn": arn})
        assert got == {"Certificate": pem.decode()}

    def test_csr(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """The CA's CSR names its subject, holds its key and stays the same."""
        engine, _ = engine_clock
        arn = _create(engine)
        csr = x509.load_pem_x509_csr(_csr(engine, arn))
        assert csr.is_signature_valid
        assert csr.subject.rfc4514_string() == "CN=Root,O=Example,C=DE"
        assert _csr(engine, arn) == _csr(engine, arn)

    @pytest.mark.parametrize(
        ("key", "algorithm", "csr_padding"),
        key_params(
            [("RSA_2048", "SHA384WITHRSA_PSS", padding.PSS), ("ML_DSA_44", "ML_DSA_44", type(None))]
        ),
    )
    def test_csr_signed_with_ca_algorithm(
        self, engine_clock: tuple[Engine, FakeClock], key: str, algorithm: str, csr_padding: type
    ) -> None:
        """The CSR is signed with the CA's configured algorithm."""
        engine, _ = engine_clock
        arn = _create(engine, config={"KeyAlgorithm": key, "SigningAlgorithm": algorithm})
        csr = x509.load_pem_x509_csr(_csr(engine, arn))
        assert csr.is_signature_valid
        assert isinstance(csr.signature_algorithm_parameters, csr_padding)

    def test_sm2_is_refused(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """SM2 keys cannot be made locally: InvalidArgsException says so."""
        engine, _ = engine_clock
        params = {
            "CertificateAuthorityConfiguration": {
                "KeyAlgorithm": "SM2",
                "SigningAlgorithm": "SM3WITHSM2",
                "Subject": ROOT_SUBJECT,
            },
            "CertificateAuthorityType": "ROOT",
        }
        error = _error(engine, "CreateCertificateAuthority", params)
        assert error.code == "InvalidArgsException"
        assert "SM2" in error.message

    def test_mldsa_without_support_is_refused(
        self, engine_clock: tuple[Engine, FakeClock], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Where cryptography cannot make ML-DSA keys, InvalidArgsException names the need."""
        engine, _ = engine_clock
        monkeypatch.setattr(_keys, "mldsa_unsupported_reason", lambda: "need cryptography >= 50.0")
        params = {
            "CertificateAuthorityConfiguration": {
                "KeyAlgorithm": "ML_DSA_65",
                "SigningAlgorithm": "ML_DSA_65",
                "Subject": ROOT_SUBJECT,
            },
            "CertificateAuthorityType": "ROOT",
        }
        error = _error(engine, "CreateCertificateAuthority", params)
        assert error.code == "InvalidArgsException"
        assert error.message == "need cryptography >= 50.0"

    @pytest.mark.parametrize(
        ("config", "words"),
        [
            ({"SigningAlgorithm": "SHA256WITHRSA"}, "cannot be used with key type EC_prime256v1"),
            ({"Subject": {}}, "at least one attribute"),
            ({"Subject": {"Country": "Germany"}}, "country"),
        ],
    )
    def test_bad_configuration(
        self, engine_clock: tuple[Engine, FakeClock], config: dict[str, Any], words: str
    ) -> None:
        """A mismatched algorithm or a bad subject is InvalidArgsException."""
        engine, _ = engine_clock
        params = {
            "CertificateAuthorityConfiguration": {
                "KeyAlgorithm": "EC_prime256v1",
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Subject": ROOT_SUBJECT,
                **config,
            },
            "CertificateAuthorityType": "ROOT",
        }
        error = _error(engine, "CreateCertificateAuthority", params)
        assert error.code == "InvalidArgsException"
        assert words in error.message

    def test_idempotency_token(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """The same token within 5 minutes gives the same CA."""
        engine, clock = engine_clock
        first = _create(engine, IdempotencyToken="ca-1")
        assert _create(engine, IdempotencyToken="ca-1") == first
        clock.advance(minutes=5)
        assert _create(engine, IdempotencyToken="ca-1") != first

    def test_regions_and_partitions(self) -> None:
        """The CA ARN takes the region called; other regions do not see it."""
        engine = Engine()
        params = {
            "CertificateAuthorityConfiguration": {
                "KeyAlgorithm": "EC_prime256v1",
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Subject": ROOT_SUBJECT,
            },
            "CertificateAuthorityType": "ROOT",
        }
        for region, partition in [
            ("cn-north-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("us-isof-south-1", "aws-iso-f"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("eusc-de-east-1", "aws-eusc"),
            ("eu-west-1", "aws"),
        ]:
            arn = engine.call("CreateCertificateAuthority", params, region=region)[
                "CertificateAuthorityArn"
            ]
            assert arn.startswith(f"arn:{partition}:acm-pca:{region}:")
        error = _error(engine, "DescribeCertificateAuthority", {"CertificateAuthorityArn": arn})
        assert error.code == "ResourceNotFoundException"
        listed = engine.call("ListCertificateAuthorities", {}, region="eu-west-1")
        assert [ca["Arn"] for ca in listed["CertificateAuthorities"]] == [arn]
        assert engine.handle("ListCertificateAuthorities", {}) == {"CertificateAuthorities": []}


class TestImport:
    """ImportCertificateAuthorityCertificate checks what it installs."""

    def test_malformed(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """Not PEM, or two certificates, is MalformedCertificateException."""
        engine, _ = engine_clock
        arn = _create(engine)
        pem = _self_sign(engine, arn)
        for certificate in (b"junk", pem + pem, "junk"):
            error = _error(
                engine,
                "ImportCertificateAuthorityCertificate",
                {"CertificateAuthorityArn": arn, "Certificate": certificate},
            )
            assert error.code == "MalformedCertificateException"

    def test_reimport_keeps_status(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """Importing a new certificate into an ACTIVE root keeps it ACTIVE with the new one."""
        engine, clock = engine_clock
        arn = _create(engine)
        engine.handle(
            "ImportCertificateAuthorityCertificate",
            {"CertificateAuthorityArn": arn, "Certificate": _self_sign(engine, arn)},
        )
        clock.advance(hours=2)
        renewed = _self_sign(engine, arn)
        engine.handle(
            "ImportCertificateAuthorityCertificate",
            {"CertificateAuthorityArn": arn, "Certificate": renewed},
        )
        described = _describe(engine, arn)
        assert described["Status"] == "ACTIVE"
        assert described["LastStateChangeAt"] == START
        assert described["NotBefore"] == START + timedelta(hours=1)

    def test_mismatch(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """A certificate for another key is CertificateMismatchException."""
        engine, _ = engine_clock
        one, two = _create(engine), _create(engine)
        error = _error(
            engine,
            "ImportCertificateAuthorityCertificate",
            {"CertificateAuthorityArn": two, "Certificate": _self_sign(engine, one)},
        )
        assert error.code == "CertificateMismatchException"

    def test_root_must_be_self_signed(self) -> None:
        """A root CA refuses a certificate another CA signed."""
        pca, _ = new_pca()
        engine = pca.engine
        parent = str(pca.create_root_ca())
        arn = _create(engine)
        cert_arn = engine.handle(
            "IssueCertificate",
            issue_params(
                parent,
                Csr=_csr(engine, arn),
                TemplateArn=template("SubordinateCACertificate_PathLen0"),
            ),
        )["CertificateArn"]
        got = engine.handle(
            "GetCertificate", {"CertificateAuthorityArn": parent, "CertificateArn": cert_arn}
        )
        error = _error(
            engine,
            "ImportCertificateAuthorityCertificate",
            {"CertificateAuthorityArn": arn, "Certificate": got["Certificate"].encode()},
        )
        assert error.code == "MalformedCertificateException"

    def test_subordinate_chain(self) -> None:
        """A subordinate needs a chain that signs its certificate."""
        pca, _ = new_pca()
        engine = pca.engine
        parent = str(pca.create_root_ca())
        stranger = str(pca.create_root_ca(common_name="Stranger"))
        arn = _create(engine, CertificateAuthorityType="SUBORDINATE")
        cert_arn = engine.handle(
            "IssueCertificate",
            issue_params(
                parent,
                Csr=_csr(engine, arn),
                TemplateArn=template("SubordinateCACertificate_PathLen0"),
            ),
        )["CertificateArn"]
        got = engine.handle(
            "GetCertificate", {"CertificateAuthorityArn": parent, "CertificateArn": cert_arn}
        )
        base = {"CertificateAuthorityArn": arn, "Certificate": got["Certificate"].encode()}
        error = _error(engine, "ImportCertificateAuthorityCertificate", base)
        assert error.code == "InvalidRequestException"
        wrong = engine.handle(
            "GetCertificateAuthorityCertificate", {"CertificateAuthorityArn": stranger}
        )["Certificate"]
        error = _error(
            engine,
            "ImportCertificateAuthorityCertificate",
            {**base, "CertificateChain": wrong.encode()},
        )
        assert error.code == "CertificateMismatchException"
        engine.handle(
            "ImportCertificateAuthorityCertificate",
            {**base, "CertificateChain": got["CertificateChain"].encode()},
        )
        assert _describe(engine, arn)["Status"] == "ACTIVE"
        answer = engine.handle(
            "GetCertificateAuthorityCertificate", {"CertificateAuthorityArn": arn}
        )
        assert answer["CertificateChain"] == got["CertificateChain"]


class TestUpdate:
    """UpdateCertificateAuthority sets ACTIVE or DISABLED and the revocation configuration."""

    def test_status(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """Only ACTIVE and DISABLED, and only once the CA has a certificate."""
        engine, clock = engine_clock
        arn = _create(engine)
        update = {"CertificateAuthorityArn": arn, "Status": "ACTIVE"}
        assert _error(engine, "UpdateCertificateAuthority", update).code == "InvalidStateException"
        engine.handle(
            "ImportCertificateAuthorityCertificate",
            {"CertificateAuthorityArn": arn, "Certificate": _self_sign(engine, arn)},
        )
        error = _error(engine, "UpdateCertificateAuthority", {**update, "Status": "EXPIRED"})
        assert error.code == "InvalidArgsException"
        clock.advance(hours=1)
        engine.handle("UpdateCertificateAuthority", update)
        assert _describe(engine, arn)["LastStateChangeAt"] == START
        engine.handle("UpdateCertificateAuthority", {**update, "Status": "DISABLED"})
        described = _describe(engine, arn)
        assert described["Status"] == "DISABLED"
        assert described["LastStateChangeAt"] == START + timedelta(hours=1)

    def test_revocation_configuration(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """The revocation configuration is kept and described."""
        engine, _ = engine_clock
        config = {"CrlConfiguration": {"Enabled": False}}
        arn = _create(engine, RevocationConfiguration=config)
        assert _describe(engine, arn)["RevocationConfiguration"] == config
        new = {"OcspConfiguration": {"Enabled": False}}
        engine.handle(
            "UpdateCertificateAuthority",
            {"CertificateAuthorityArn": arn, "RevocationConfiguration": new},
        )
        assert _describe(engine, arn)["RevocationConfiguration"] == new


class TestMisc:
    """Operations the engine does not have, revocation states, option checks, reprs."""

    def test_unknown_operation(self) -> None:
        """An operation the engine lacks is InvalidRequestException naming it."""
        error = _error(Engine(), "DeletePermission", {})
        assert error.code == "InvalidRequestException"
        assert "DeletePermission is not implemented by the local Private CA" in error.message
        assert "IssueCertificate" in Engine().operations

    def test_revoke_on_pending_ca(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """A CA without a certificate cannot revoke."""
        engine, _ = engine_clock
        arn = _create(engine)
        params = {
            "CertificateAuthorityArn": arn,
            "CertificateSerial": "01",
            "RevocationReason": "UNSPECIFIED",
        }
        assert _error(engine, "RevokeCertificate", params).code == "InvalidStateException"

    def test_root_exempt_from_ceiling(self, engine_clock: tuple[Engine, FakeClock]) -> None:
        """An ACTIVE root re-issuing its own certificate is not held to its NotAfter."""
        engine, _ = engine_clock
        arn = _create(engine)
        engine.handle(
            "ImportCertificateAuthorityCertificate",
            {"CertificateAuthorityArn": arn, "Certificate": _self_sign(engine, arn)},
        )
        longer = _self_sign(engine, arn, Validity={"Value": 20, "Type": "YEARS"})
        cert = x509.load_pem_x509_certificate(longer)
        assert cert.not_valid_after_utc.year == START.year + 20
        issue(engine, arn, Csr=make_csr())

    @pytest.mark.parametrize(
        ("delay", "error"), [(True, TypeError), ("1", TypeError), (-1, ValueError)]
    )
    def test_issue_delay_checked(self, delay: object, error: type[Exception]) -> None:
        """issue_delay must be a non-negative number."""
        with pytest.raises(error, match="issue_delay"):
            Engine(issue_delay=delay)  # type: ignore[arg-type]

    def test_serial_collision_draws_again(
        self, engine_clock: tuple[Engine, FakeClock], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A serial the CA already used is never reused."""
        import secrets

        engine, _ = engine_clock
        pca_arn = _create(engine)
        engine.handle(
            "ImportCertificateAuthorityCertificate",
            {"CertificateAuthorityArn": pca_arn, "Certificate": _self_sign(engine, pca_arn)},
        )
        draws = iter([5, 5, 6])
        monkeypatch.setattr(secrets, "randbelow", lambda _: next(draws))
        one = issue(engine, pca_arn)
        two = issue(engine, pca_arn)
        assert one.serial_number == (1 << 124) + 5
        assert two.serial_number == (1 << 124) + 6

    def test_reprs_hold_no_key(self) -> None:
        """Neither the engine nor a CA record shows key material."""
        pca = LocalPrivateCA()
        pca.create_root_ca()
        ca = next(iter(pca.engine._cas.values()))
        assert "PRIVATE" not in repr(ca)
        assert "key=" not in repr(ca)
        assert repr(pca.engine) == "<Engine account=123456789012 cas=1>"
        assert repr(pca) == "<LocalPrivateCA in memory>"
