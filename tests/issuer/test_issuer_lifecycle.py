"""The rest of a certificate's life: revoke, renew, and when renewal is due.

Against the local Private CA (which records revocations and answers the service's errors),
with botocore's Stubber for the exact RevokeCertificate parameters. Every clock is fake.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.session import Session
from botocore.stub import Stubber
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from acmpca_issue import (
    AsyncIssuer,
    CertificateAuthorityArn,
    IssueCertificateRequest,
    IssuedCertificate,
    Issuer,
    KeyAlgorithm,
    Renewal,
    RevocationReason,
    TemplateArn,
    Validity,
    ValidityType,
    build_csr,
)
from acmpca_issue._clock import using
from acmpca_issue.exceptions import (
    AlreadyRevokedError,
    InvalidRequestError,
    NotIssuedByCaError,
    RequestAlreadyProcessedError,
    ResourceNotFoundError,
    RevocationNotConfiguredError,
)
from acmpca_issue.local import LocalPrivateCA

EPOCH = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
OCSP: Any = {"OcspConfiguration": {"Enabled": True}}


class Wall:
    """One fake wall clock for the Issuer and the local CA."""

    def __init__(self) -> None:
        self.now = EPOCH

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def pca(wall: Wall) -> LocalPrivateCA:
    return LocalPrivateCA(clock=wall)


@pytest.fixture
def bundle() -> Any:
    return build_csr("svc.internal", "10.0.0.7", common_name="svc.internal")


def revocable(pca: LocalPrivateCA, **options: Any) -> CertificateAuthorityArn:
    """A root CA with OCSP enabled."""
    root = pca.create_root_ca(**options)
    pca.client().update_certificate_authority(
        CertificateAuthorityArn=str(root), RevocationConfiguration=OCSP
    )
    return root


def revoked_reason(pca: LocalPrivateCA, ca: CertificateAuthorityArn, serial: int) -> str | None:
    """The reason the local CA recorded for ``serial``, or None if it is not revoked."""
    return pca.engine._certificates[(str(ca), serial)].revocation_reason


def sent_calls(client: Any) -> list[str]:
    sent: list[str] = []
    client.meta.events.register("before-call.acm-pca", lambda model, **_: sent.append(model.name))
    return sent


# Revoking -------------------------------------------------------------------------------------


def test_revocation_reasons_are_the_service_models() -> None:
    """RevocationReason has exactly the values of botocore's acm-pca model."""
    shape: Any = Session().get_service_model("acm-pca").shape_for("RevocationReason")
    assert sorted(member.value for member in RevocationReason) == sorted(shape.enum)


def test_revoke_sends_the_ca_the_colon_hex_serial_and_the_reason(
    client: BaseClient, stubber: Stubber
) -> None:
    """preflight=False: one RevokeCertificate, with exactly these parameters."""
    ca = (
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
        "12345678-1234-1234-1234-123456789012"
    )
    stubber.add_response(
        "revoke_certificate",
        {},
        {
            "CertificateAuthorityArn": ca,
            "CertificateSerial": "0a:bc:de",
            "RevocationReason": "KEY_COMPROMISE",
        },
    )
    Issuer(client, preflight=False).revoke(
        f"{ca}/certificate/abcde", reason=RevocationReason.KEY_COMPROMISE
    )


class _LostRevocation:
    """RevokeCertificate whose first answer is lost after the service processed it."""

    def __init__(self, first: BaseException) -> None:
        self.script: list[BaseException | None] = [first, _already_revoked()]
        self.calls = 0

    def revoke_certificate(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        error = self.script.pop(0)
        if error is not None:
            raise error
        return {}  # pragma: no cover - the script always raises


def _already_revoked() -> BaseException:
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": "RequestAlreadyProcessedException", "Message": "already revoked"}},
        "RevokeCertificate",
    )


def test_a_lost_answer_then_already_revoked_is_success() -> None:
    """The retry of a revocation whose answer was lost hears "already revoked": that is done."""
    from botocore.exceptions import ClientError, ConnectionClosedError

    arn = (
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
        "12345678-1234-1234-1234-123456789012/certificate/abcd"
    )
    lost: Any = _LostRevocation(ConnectionClosedError(endpoint_url="http://127.0.0.1:9"))
    Issuer(lost, preflight=False, sleep=lambda _: None).revoke(arn, reason="SUPERSEDED")
    assert lost.calls == 2
    # Throttled first, so no attempt was lost: "already revoked" was someone else's doing.
    throttled: Any = _LostRevocation(
        ClientError({"Error": {"Code": "ThrottlingException"}}, "RevokeCertificate")
    )
    with pytest.raises(AlreadyRevokedError):
        Issuer(throttled, preflight=False, sleep=lambda _: None).revoke(arn, reason="SUPERSEDED")
    assert throttled.calls == 2


def test_revoke_an_issued_certificate_an_arn_or_a_certificate(
    pca: LocalPrivateCA, bundle: Any, wall: Wall
) -> None:
    """Each form names the certificate; the local CA records each revocation and reason."""
    root = revocable(pca)
    issuer = Issuer(pca.client(), now=wall)
    first, second, third = (
        issuer.issue_certificate(
            certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(n)
        )
        for n in (10, 20, 30)
    )
    issuer.revoke(first, reason=RevocationReason.SUPERSEDED)
    issuer.revoke(str(second.arn), reason="KEY_COMPROMISE", certificate_authority_arn=str(root))
    issuer.revoke(
        third.certificate, reason="CESSATION_OF_OPERATION", certificate_authority_arn=root
    )
    assert revoked_reason(pca, root, first.serial) == "SUPERSEDED"
    assert revoked_reason(pca, root, second.serial) == "KEY_COMPROMISE"
    assert revoked_reason(pca, root, third.serial) == "CESSATION_OF_OPERATION"


def test_revoking_twice_is_already_revoked(pca: LocalPrivateCA, bundle: Any) -> None:
    """The second revocation: AlreadyRevokedError (a RequestAlreadyProcessedError), hinted."""
    root = revocable(pca)
    issuer = Issuer(pca.client(), now=pca.engine.now)
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
    )
    issuer.revoke(issued, reason="SUPERSEDED")
    with pytest.raises(AlreadyRevokedError, match="cannot be changed") as caught:
        issuer.revoke(issued, reason="KEY_COMPROMISE")
    assert isinstance(caught.value, RequestAlreadyProcessedError)
    assert caught.value.operation == "RevokeCertificate"
    assert revoked_reason(pca, root, issued.serial) == "SUPERSEDED"


def test_a_ca_without_crl_or_ocsp_is_refused_before_sending(
    pca: LocalPrivateCA, bundle: Any
) -> None:
    """No revocation configured: RevocationNotConfiguredError, no RevokeCertificate sent."""
    root = pca.create_root_ca()
    client = pca.client()
    issuer = Issuer(client, now=pca.engine.now)
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
    )
    sent = sent_calls(client)
    with pytest.raises(RevocationNotConfiguredError, match="neither a CRL nor OCSP") as caught:
        issuer.revoke(issued, reason="SUPERSEDED")
    assert caught.value.problems[0].path == "certificate_authority_arn"
    assert "RevokeCertificate" not in sent
    assert revoked_reason(pca, root, issued.serial) is None
    # preflight=False records it anyway, as the service does.
    Issuer(client, preflight=False, now=pca.engine.now).revoke(issued, reason="SUPERSEDED")
    assert revoked_reason(pca, root, issued.serial) == "SUPERSEDED"


def test_a_crl_counts_as_revocation_configured(pca: LocalPrivateCA, bundle: Any) -> None:
    root = pca.create_root_ca()
    pca.client().update_certificate_authority(
        CertificateAuthorityArn=str(root),
        RevocationConfiguration={
            "CrlConfiguration": {"Enabled": True, "ExpirationInDays": 7, "S3BucketName": "crl"}
        },
    )
    issuer = Issuer(pca.client(), now=pca.engine.now)
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
    )
    assert issuer.describe(root).revocation == ("CRL",)
    issuer.revoke(issued, reason="UNSPECIFIED")
    assert revoked_reason(pca, root, issued.serial) == "UNSPECIFIED"


def test_the_wrong_ca(pca: LocalPrivateCA, bundle: Any) -> None:
    """Another CA's serial: NotIssuedByCaError after the preflight, else ResourceNotFound."""
    root = revocable(pca)
    other = revocable(pca, common_name="Other Root")
    issuer = Issuer(pca.client(), now=pca.engine.now)
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
    )
    with pytest.raises(NotIssuedByCaError, match="the CA that issued it"):
        issuer.revoke(issued.certificate, reason="SUPERSEDED", certificate_authority_arn=other)
    with pytest.raises(ResourceNotFoundError) as caught:
        Issuer(pca.client(), preflight=False, now=pca.engine.now).revoke(
            issued.certificate, reason="SUPERSEDED", certificate_authority_arn=other
        )
    assert type(caught.value) is ResourceNotFoundError
    with pytest.raises(InvalidRequestError, match="was issued by") as mismatch:
        issuer.revoke(issued, reason="SUPERSEDED", certificate_authority_arn=other)
    assert mismatch.value.problems[0].path == "certificate_authority_arn"
    assert revoked_reason(pca, root, issued.serial) is None


@pytest.mark.parametrize(
    ("target", "options", "path"),
    [
        ("certificate", {}, "certificate_authority_arn"),
        (42, {}, "certificate_or_arn"),
        ("arn", {"reason": "BECAUSE"}, "reason"),
    ],
)
def test_bad_revoke_arguments_are_named(
    pca: LocalPrivateCA, bundle: Any, target: Any, options: dict[str, Any], path: str
) -> None:
    """An x509 certificate without its CA, a wrong type, an unknown reason: typed, named."""
    root = revocable(pca)
    issuer = Issuer(pca.client(), now=pca.engine.now)
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
    )
    chosen: Any = {"certificate": issued.certificate, "arn": issued.arn}.get(target, target)
    with pytest.raises(InvalidRequestError) as caught:
        issuer.revoke(chosen, **{"reason": "SUPERSEDED", **options})
    assert caught.value.problems[0].path == path


# Renewing -------------------------------------------------------------------------------------


def test_renew_what_the_issuer_issued(pca: LocalPrivateCA, bundle: Any, wall: Wall) -> None:
    """Same subject, SANs, CSR extensions, template and validity; a new key of the same type."""
    root = pca.create_root_ca()
    issuer = Issuer(pca.client(), now=wall)
    csr = build_csr(
        "svc.internal",
        common_name="svc.internal",
        key_algorithm=KeyAlgorithm.EC_secp384r1,
        extended_key_usage=["SERVER_AUTH"],
    )
    template = TemplateArn.parse("arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1")
    issued = issuer.issue(
        IssueCertificateRequest(
            certificate_authority_arn=root,
            csr=csr.csr,
            signing_algorithm="SHA384WITHECDSA",
            validity=Validity.months(3),
            template_arn=template,
        )
    )
    wall.now += timedelta(days=70)
    renewal = issuer.renew(issued)
    assert isinstance(renewal, Renewal)
    renewed = renewal.certificate
    assert renewed.serial != issued.serial
    assert renewed.subject == issued.subject
    assert renewed.subject_alternative_names == issued.subject_alternative_names
    assert renewed.request is not None
    assert renewed.request.template_arn == template
    assert renewed.request.validity == Validity.months(3)
    assert str(renewed.request.signing_algorithm) == "SHA384WITHECDSA"
    assert list(renewed.request.csr.extensions) == list(csr.csr.extensions)
    assert renewed.not_before == issued.not_before + timedelta(days=70)
    key = renewal.private_key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp384r1"
    assert renewed.certificate.public_key() == key.public_key()
    assert key.public_key() != csr.private_key.public_key()
    assert "PRIVATE" not in repr(renewal)


def test_renew_with_the_old_key_and_another_validity(
    pca: LocalPrivateCA, bundle: Any, wall: Wall
) -> None:
    root = pca.create_root_ca()
    issuer = Issuer(pca.client(), now=wall)
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(30)
    )
    renewal = issuer.renew(issued, private_key=bundle, validity=Validity.days(7))
    assert renewal.private_key is bundle.private_key
    assert renewal.certificate.certificate.public_key() == bundle.private_key.public_key()
    assert renewal.certificate.lifetime == timedelta(days=7, minutes=60)


@pytest.mark.parametrize(
    ("validity", "renewed_type"),
    [
        (Validity.days(45), ValidityType.DAYS),
        (Validity.end_date(EPOCH + timedelta(days=30)), ValidityType.DAYS),
        (Validity.absolute(int((EPOCH + timedelta(hours=36)).timestamp())), ValidityType.ABSOLUTE),
    ],
    ids=["days", "end_date-whole-days", "absolute-36h"],
)
def test_renew_a_fetched_certificate_keeps_its_length(
    pca: LocalPrivateCA, bundle: Any, wall: Wall, validity: Validity, renewed_type: ValidityType
) -> None:
    """Unknown request: the certificate's length (less the backdate), as days when whole."""
    root = pca.create_root_ca()
    issuer = Issuer(pca.client(), now=wall)
    arn = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=validity, wait=False
    )
    fetched = issuer.get_certificate(arn)
    assert fetched.request is None
    wall.now += timedelta(hours=20)
    renewal = issuer.renew(fetched)
    renewed = renewal.certificate
    assert renewed.request is not None
    assert renewed.request.validity.type is renewed_type
    assert renewed.request.template_arn is None
    assert renewed.lifetime == fetched.lifetime
    assert renewed.subject_alternative_names == ("DNS:svc.internal", "IP:10.0.0.7")
    assert renewed.subject == "CN=svc.internal"


def test_renew_without_sans_and_write_it(pca: LocalPrivateCA, wall: Wall, tmp_path: Any) -> None:
    """A subject-only certificate renews to a subject-only one; write() adds key.pem 0600."""
    root = pca.create_root_ca()
    issuer = Issuer(pca.client(), now=wall)
    old = build_csr(common_name="device-17")
    arn = issuer.issue_certificate(
        certificate_authority_arn=root, csr=old.csr, validity=Validity.days(3), wait=False
    )
    renewal = issuer.renew(issuer.get_certificate(arn))
    assert renewal.certificate.subject == "CN=device-17"
    assert renewal.certificate.subject_alternative_names == ()
    written = renewal.write(tmp_path / "tls")
    assert sorted(written) == ["cert.pem", "chain.pem", "fullchain.pem", "key.pem"]
    assert written["key.pem"].stat().st_mode & 0o777 == 0o600


def test_renew_an_rsa_certificate_makes_an_rsa_key_of_its_size(
    pca: LocalPrivateCA, wall: Wall
) -> None:
    root = pca.create_root_ca()
    issuer = Issuer(pca.client(), now=wall)
    old = build_csr("rsa.internal", key_algorithm="RSA_2048")
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=old.csr, validity=Validity.days(3)
    )
    key = issuer.renew(issued).private_key
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048


def test_renew_refuses_keys_it_cannot_use(pca: LocalPrivateCA, bundle: Any, wall: Wall) -> None:
    """A private_key Private CA does not sign, or an old key type it cannot make: named."""
    root = pca.create_root_ca()
    client = pca.client()
    issuer = Issuer(client, now=wall)
    issued = issuer.issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(3)
    )
    sent = sent_calls(client)
    with pytest.raises(InvalidRequestError, match="not a key Private CA signs") as caught:
        issuer.renew(issued, private_key=ed25519.Ed25519PrivateKey.generate())
    assert caught.value.problems[0].path == "private_key"
    ca_key = ec.generate_private_key(ec.SECP256R1())
    edwards = ed25519.Ed25519PrivateKey.generate()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(issued.certificate.subject)
        .issuer_name(issued.certificate.issuer)
        .public_key(edwards.public_key())
        .serial_number(issued.serial)
        .not_valid_before(EPOCH)
        .not_valid_after(EPOCH + timedelta(days=1))
        .sign(ca_key, hashes.SHA256())
    )
    odd = IssuedCertificate(issued.arn, certificate, issued.chain)
    with pytest.raises(InvalidRequestError, match="cannot generate") as caught:
        issuer.renew(odd)
    assert caught.value.problems[0].path == "private_key"
    assert "IssueCertificate" not in sent


# When renewal is due -------------------------------------------------------------------------


def test_remaining_and_renewal_due_read_the_time_given(
    pca: LocalPrivateCA, bundle: Any, wall: Wall
) -> None:
    """A 90-day certificate (plus the 60-minute backdate) is due at 2/3 of its lifetime."""
    root = pca.create_root_ca()
    issued = Issuer(pca.client(), now=wall).issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(90)
    )
    assert issued.remaining(now=EPOCH) == timedelta(days=90)
    due_at = issued.not_before + (timedelta(days=90, minutes=60) * 2 / 3)
    assert not issued.renewal_due(now=due_at - timedelta(seconds=1))
    assert issued.renewal_due(now=due_at)
    assert not issued.renewal_due(at=0.9, now=due_at)
    assert issued.renewal_due(at=1, now=issued.not_after)
    assert issued.remaining(now=issued.not_after + timedelta(days=1)) == timedelta(days=-1)
    # Without now=, the clock in force: an Issuer's inside its calls, here a fake one.
    with using(lambda: due_at):
        assert issued.renewal_due()
        assert issued.remaining() == issued.not_after - due_at


@pytest.mark.parametrize("at", [0, 1.5, -0.1, True, "2/3"])
def test_renewal_due_takes_a_fraction(bundle: Any, pca: LocalPrivateCA, at: Any) -> None:
    root = pca.create_root_ca()
    issued = Issuer(pca.client(), now=pca.engine.now).issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
    )
    with pytest.raises(InvalidRequestError) as caught:
        issued.renewal_due(at=at, now=EPOCH)
    assert caught.value.problems[0].path == "at"


def test_a_naive_now_is_refused(bundle: Any, pca: LocalPrivateCA) -> None:
    root = pca.create_root_ca()
    issued = Issuer(pca.client(), now=pca.engine.now).issue_certificate(
        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
    )
    with pytest.raises(InvalidRequestError, match="aware") as caught:
        issued.remaining(now=datetime(2026, 1, 1))
    assert caught.value.problems[0].path == "now"


# The AsyncIssuer ------------------------------------------------------------------------------


def test_async_revoke_and_renew(pca: LocalPrivateCA, bundle: Any, wall: Wall) -> None:
    """The same steps, awaited: renew, then revoke the old one as superseded."""
    root = revocable(pca)

    async def main() -> tuple[IssuedCertificate, Renewal]:
        async with pca.async_client() as client, AsyncIssuer(client, now=wall) as issuer:
            issued = await issuer.issue_certificate(
                certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(9)
            )
            renewal = await issuer.renew(issued)
            await issuer.revoke(issued, reason=RevocationReason.SUPERSEDED)
            with pytest.raises(AlreadyRevokedError):
                await issuer.revoke(issued.arn, reason=RevocationReason.SUPERSEDED)
        return issued, renewal

    issued, renewal = asyncio.run(main())
    assert revoked_reason(pca, root, issued.serial) == "SUPERSEDED"
    assert revoked_reason(pca, root, renewal.certificate.serial) is None
    assert renewal.certificate.subject_alternative_names == issued.subject_alternative_names
