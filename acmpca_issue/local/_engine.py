"""The engine of the local Private CA: acm-pca operations on in-memory state, without HTTP.

``Engine.handle(operation, params)`` takes an operation's input members as botocore sends them
(already checked against the service model by the transport) and returns its output members,
or raises :class:`~acmpca_issue.local._protocol.LocalServiceError` with the service's code.
All state sits behind one lock, and every rule that depends on time reads the injectable
``clock``, so tests move time instead of sleeping.

Example::

    engine = Engine()
    arn = engine.handle("CreateCertificateAuthority", {...})["CertificateAuthorityArn"]
    engine.handle("GetCertificateAuthorityCsr", {"CertificateAuthorityArn": arn})
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from acmpca_issue._arn import CertificateArn, CertificateAuthorityArn
from acmpca_issue._clock import system_now
from acmpca_issue._enums import KeyAlgorithm, SigningAlgorithm
from acmpca_issue._passthrough import Subject
from acmpca_issue.exceptions import InvalidRequestError
from acmpca_issue.local._ca import (
    CaRecord,
    check_signing_algorithm,
    generate_key,
    key_matches,
    pem,
    sign,
)
from acmpca_issue.local._issuing import (
    BACKDATE,
    SHORT_LIVED_MAX,
    make_certificate,
    passthrough_of,
    service_csr,
    template_of,
    validity_window,
)
from acmpca_issue.local._pagination import Paginator
from acmpca_issue.local._protocol import LocalServiceError, current_region
from acmpca_issue.local._ratelimit import RateLimiter
from acmpca_issue.local._x509 import (
    path_len_constraint,
    path_length_violation,
    subject_name,
    template_profile,
)

__all__ = [
    "BACKDATE",
    "DEFAULT_ACCOUNT",
    "IDEMPOTENCY_WINDOW",
    "SHORT_LIVED_MAX",
    "CertificateRecord",
    "Engine",
    "Store",
]

#: The account that owns the local CAs unless told otherwise.
DEFAULT_ACCOUNT = "123456789012"
#: How long an IdempotencyToken is remembered.
IDEMPOTENCY_WINDOW = timedelta(minutes=5)
#: Expired idempotency tokens are dropped once this many are remembered.
TOKEN_PRUNE_SIZE = 10_000

_NOT_ISSUING = "The certificate authority is not in a valid state for issuing certificates."
_STATUSES_SETTABLE = ("ACTIVE", "DISABLED")


def _fail(code: str, message: str) -> LocalServiceError:
    return LocalServiceError(code, message)


@dataclass(eq=False)
class CertificateRecord:
    """One issued certificate (or a failed issuance) of the local Private CA."""

    arn: str
    ca_arn: str
    serial: int
    issued_at: datetime
    certificate_pem: str
    chain_pem: str
    failed: bool = False
    revoked_at: datetime | None = None
    revocation_reason: str | None = None


class Store(Protocol):
    """Where the engine records its changes (see :mod:`acmpca_issue.local._state`)."""

    def ca_changed(self, ca: CaRecord, *, new: bool) -> None:
        """Called after a CA is created or changes."""

    def certificate_added(self, record: CertificateRecord, token: str | None) -> None:
        """Called after a certificate is issued (or its issuance failed)."""

    def certificate_revoked(self, record: CertificateRecord) -> None:
        """Called after a certificate is revoked."""


class Engine:
    """The acm-pca operations of the local Private CA.

    Args:
        clock: returns the current time as an aware UTC datetime (default: the system clock).
        issue_delay: seconds GetCertificate answers RequestInProgressException after an issue.
        rate_limits: requests per second by operation name; unlisted operations are unlimited.
        account_id: the 12-digit account that owns the CAs.
        store: where to record changes, for persistence (``None``: memory only).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        issue_delay: float = 0.0,
        rate_limits: Mapping[str, float] | None = None,
        account_id: str = DEFAULT_ACCOUNT,
        store: Store | None = None,
    ) -> None:
        if isinstance(issue_delay, bool) or not isinstance(issue_delay, (int, float)):
            raise TypeError(f"issue_delay must be a number of seconds, got {issue_delay!r}")
        if not issue_delay >= 0:
            raise ValueError(f"issue_delay must be >= 0 seconds, got {issue_delay!r}")
        self._clock = clock or system_now
        self._issue_delay = timedelta(seconds=issue_delay)
        self._limiter = RateLimiter(rate_limits)
        self.account_id = account_id
        self._store = store
        self._lock = threading.RLock()
        self._cas: dict[str, CaRecord] = {}
        self._certificates: dict[tuple[str, int], CertificateRecord] = {}
        self._tokens: dict[tuple[str, str], tuple[str, datetime]] = {}
        self._fail_next = 0
        self._paginator = Paginator()
        self._operations: dict[str, Callable[[dict[str, Any], str, bool], dict[str, Any]]] = {
            "CreateCertificateAuthority": self._create_certificate_authority,
            "DescribeCertificateAuthority": self._describe_certificate_authority,
            "GetCertificateAuthorityCsr": self._get_certificate_authority_csr,
            "ImportCertificateAuthorityCertificate": self._import_certificate_authority_certificate,
            "GetCertificateAuthorityCertificate": self._get_certificate_authority_certificate,
            "UpdateCertificateAuthority": self._update_certificate_authority,
            "ListCertificateAuthorities": self._list_certificate_authorities,
            "IssueCertificate": self._issue_certificate,
            "GetCertificate": self._get_certificate,
            "RevokeCertificate": self._revoke_certificate,
        }

    def __repr__(self) -> str:
        return f"<Engine account={self.account_id} cas={len(self._cas)}>"

    # Entry points ---------------------------------------------------------------------------

    @property
    def operations(self) -> tuple[str, ...]:
        """The operation names the engine implements."""
        return tuple(self._operations)

    def now(self) -> datetime:
        """The engine's clock, as an aware UTC datetime."""
        return self._clock().astimezone(timezone.utc)

    def inventory(self) -> list[tuple[CaRecord, str, int]]:
        """Every CA in creation order, with its status and how many certificates it issued."""
        with self._lock:
            counts = dict.fromkeys(self._cas, 0)
            for record in self._certificates.values():
                if not record.failed and record.ca_arn in counts:
                    counts[record.ca_arn] += 1
            return [(ca, self._status(ca), counts[arn]) for arn, ca in self._cas.items()]

    def handle(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run one operation as a client asked for it (rate limits, delays and failures apply).

        The region is the one the request was signed for (``us-east-1`` when called directly).

        Raises:
            LocalServiceError: the service's error for this request.
        """
        return self.call(operation, params, region=current_region())

    def call(
        self, operation: str, params: dict[str, Any], *, region: str, internal: bool = False
    ) -> dict[str, Any]:
        """Run one operation in ``region``.

        Args:
            operation: the operation name (``"IssueCertificate"``).
            params: its input members.
            region: the region of the endpoint being called.
            internal: for the CA conveniences: no rate limit, no issue delay, no injected failure.

        Raises:
            LocalServiceError: the service's error for this request; ``InvalidRequestException``
                for an operation the local Private CA does not implement.
        """
        handler = self._operations.get(operation)
        if handler is None:
            raise _fail(
                "InvalidRequestException",
                f"{operation} is not implemented by the local Private CA; it implements "
                f"{', '.join(sorted(self._operations))}.",
            )
        with self._lock:
            if not internal and not self._limiter.allow(operation, self.now()):
                raise _fail("ThrottlingException", "Rate exceeded")
            return handler(params, region, internal)

    def fail_next_issuance(self) -> None:
        """Make the next IssueCertificate fail: GetCertificate answers RequestFailedException."""
        with self._lock:
            self._fail_next += 1

    # Loading persisted state -----------------------------------------------------------------

    def restore(
        self,
        cas: list[CaRecord],
        certificates: list[CertificateRecord],
        tokens: Mapping[tuple[str, str], tuple[str, datetime]],
    ) -> None:
        """Put back state read from a store (before any request is served)."""
        with self._lock:
            for ca in cas:
                self._cas[ca.arn] = ca
            for record in certificates:
                self._certificates[(record.ca_arn, record.serial)] = record
            self._tokens.update(tokens)

    # Helpers --------------------------------------------------------------------------------

    def _ca(self, text: object, region: str) -> CaRecord:
        try:
            arn = CertificateAuthorityArn.parse(text)
        except InvalidRequestError as error:
            raise _fail(
                "InvalidArnException", f"Invalid certificate authority ARN: {error}"
            ) from None
        ca = self._cas.get(str(arn))
        if ca is None or arn.region != region:
            raise _fail("ResourceNotFoundException", f"Could not find certificate authority {arn}.")
        return ca

    def _status(self, ca: CaRecord) -> str:
        """The CA's status as the service reports it: EXPIRED once its certificate has ended."""
        if (
            ca.status in _STATUSES_SETTABLE
            and ca.certificate is not None
            and self.now() >= ca.certificate.not_valid_after_utc
        ):
            return "EXPIRED"
        return ca.status

    def _set_status(self, ca: CaRecord, status: str) -> None:
        ca.status = status
        ca.last_state_change_at = self.now()

    def _changed(self, ca: CaRecord, *, new: bool = False) -> None:
        if self._store is not None:
            self._store.ca_changed(ca, new=new)

    def _remember_token(self, key: tuple[str, str], arn: str, now: datetime) -> str | None:
        """The ARN of a call with the same token within the window, else record ``arn``."""
        found = self._tokens.get(key)
        if found is not None and now - found[1] < IDEMPOTENCY_WINDOW:
            return found[0]
        if len(self._tokens) >= TOKEN_PRUNE_SIZE:
            self._tokens = {
                k: v for k, v in self._tokens.items() if now - v[1] < IDEMPOTENCY_WINDOW
            }
        self._tokens[key] = (arn, now)
        return None

    # CreateCertificateAuthority --------------------------------------------------------------

    def _create_certificate_authority(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        config = params["CertificateAuthorityConfiguration"]
        key_algorithm = KeyAlgorithm(config["KeyAlgorithm"])
        signing_algorithm = SigningAlgorithm(config["SigningAlgorithm"])
        check_signing_algorithm(key_algorithm, signing_algorithm)
        try:
            subject = Subject.from_api(config["Subject"])
        except InvalidRequestError as error:
            raise _fail("InvalidArgsException", f"Invalid Subject: {error}") from None
        name = subject_name(subject)
        if not len(name):
            raise _fail("InvalidArgsException", "The CA subject must have at least one attribute.")
        now = self.now()
        token = params.get("IdempotencyToken")
        arn = CertificateAuthorityArn(
            _partition(region), region, self.account_id, str(uuid.uuid4())
        )
        if token is not None:
            earlier = self._remember_token(("", token), str(arn), now)
            if earlier is not None:
                return {"CertificateAuthorityArn": earlier}
        ca = CaRecord(
            arn=str(arn),
            ca_type=params["CertificateAuthorityType"],
            key_algorithm=key_algorithm,
            signing_algorithm=signing_algorithm,
            subject=dict(config["Subject"]),
            subject_name=name,
            usage_mode=params.get("UsageMode", "GENERAL_PURPOSE"),
            key_storage=params.get("KeyStorageSecurityStandard", "FIPS_140_2_LEVEL_3_OR_HIGHER"),
            created_at=now,
            key=generate_key(key_algorithm),
            last_state_change_at=now,
            revocation_configuration=params.get("RevocationConfiguration"),
        )
        self._cas[ca.arn] = ca
        self._changed(ca, new=True)
        return {"CertificateAuthorityArn": ca.arn}

    # Reading CAs ------------------------------------------------------------------------------

    def _describe_certificate_authority(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        ca = self._ca(params["CertificateAuthorityArn"], region)
        arn = CertificateAuthorityArn.parse(ca.arn)
        described: dict[str, Any] = {
            "Arn": ca.arn,
            "OwnerAccount": arn.account,
            "CreatedAt": ca.created_at,
            "LastStateChangeAt": ca.last_state_change_at or ca.created_at,
            "Type": ca.ca_type,
            "Status": self._status(ca),
            "CertificateAuthorityConfiguration": {
                "KeyAlgorithm": ca.key_algorithm.value,
                "SigningAlgorithm": ca.signing_algorithm.value,
                "Subject": ca.subject,
            },
            "KeyStorageSecurityStandard": ca.key_storage,
            "UsageMode": ca.usage_mode,
        }
        if ca.certificate is not None:
            serial = ca.certificate.serial_number
            described["Serial"] = ":".join(
                f"{octet:02x}" for octet in serial.to_bytes((serial.bit_length() + 7) // 8, "big")
            )
            described["NotBefore"] = ca.certificate.not_valid_before_utc
            described["NotAfter"] = ca.certificate.not_valid_after_utc
        if ca.revocation_configuration is not None:
            described["RevocationConfiguration"] = ca.revocation_configuration
        return {"CertificateAuthority": described}

    def _list_certificate_authorities(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        owner = params.get("ResourceOwner", "SELF")
        # SELF: the CAs this account owns. OTHER_ACCOUNTS: CAs other accounts share with it,
        # which only exist here when a state_dir written under another account_id is loaded.
        selected = [
            ca
            for ca in self._cas.values()
            if (arn := CertificateAuthorityArn.parse(ca.arn)).region == region
            and (arn.account == self.account_id) == (owner == "SELF")
        ]
        page, token = self._paginator.page(
            "ListCertificateAuthorities",
            selected,
            key=lambda ca: (_sortable(ca.created_at), ca.arn),
            params=params,
            scope=f"{region} {owner}",
        )
        found = [
            self._describe_certificate_authority(
                {"CertificateAuthorityArn": ca.arn}, region, internal
            )["CertificateAuthority"]
            for ca in page
        ]
        answer: dict[str, Any] = {"CertificateAuthorities": found}
        if token is not None:
            answer["NextToken"] = token
        return answer

    def _get_certificate_authority_csr(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        ca = self._ca(params["CertificateAuthorityArn"], region)
        if ca.csr_pem is None:
            csr = x509.CertificateSigningRequestBuilder().subject_name(ca.subject_name)
            signed = sign(csr, ca.key, ca.signing_algorithm)
            ca.csr_pem = signed.public_bytes(serialization.Encoding.PEM)
        return {"Csr": ca.csr_pem.decode("ascii")}

    def _get_certificate_authority_certificate(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        ca = self._ca(params["CertificateAuthorityArn"], region)
        if ca.certificate is None:
            raise _fail(
                "InvalidStateException",
                f"The certificate authority {ca.arn} has no certificate yet (status {ca.status}).",
            )
        answer = {"Certificate": ca.certificate_pem}
        if ca.chain_pem:
            answer["CertificateChain"] = ca.chain_pem
        return answer

    # Changing CAs -----------------------------------------------------------------------------

    def _import_certificate_authority_certificate(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        ca = self._ca(params["CertificateAuthorityArn"], region)
        certificate = _load_certificates(params["Certificate"], "Certificate")
        if len(certificate) != 1:
            raise _fail(
                "MalformedCertificateException",
                "Certificate must hold exactly one PEM certificate.",
            )
        cert = certificate[0]
        _check_extensions(cert, "Certificate")
        if not key_matches(cert, ca.key):
            raise _fail(
                "CertificateMismatchException",
                "The certificate's public key does not match the certificate authority's key.",
            )
        chain: tuple[x509.Certificate, ...] = ()
        if ca.ca_type == "SUBORDINATE":
            raw_chain = params.get("CertificateChain")
            if not raw_chain:
                raise _fail(
                    "InvalidRequestException",
                    "A CertificateChain is required to import a subordinate CA certificate.",
                )
            chain = tuple(_load_certificates(raw_chain, "CertificateChain"))
            for link in chain:
                _check_extensions(link, "CertificateChain")
            for child, parent in zip((cert, *chain), chain, strict=False):
                try:
                    child.verify_directly_issued_by(parent)
                except (ValueError, TypeError, InvalidSignature) as error:
                    raise _fail(
                        "CertificateMismatchException",
                        f"The certificate chain does not verify: {child.subject.rfc4514_string()} "
                        f"is not signed by {parent.subject.rfc4514_string()} ({error}).",
                    ) from None
            # The imported certificate and every CA certificate of the chain must keep
            # within the path length constraints above them.
            links = (cert, *chain)
            for position, link in enumerate(links[:-1]):
                problem = path_length_violation(path_len_constraint(link), links[position + 1 :])
                if problem is not None:
                    raise _fail("ValidationException", problem)
        elif cert.issuer != cert.subject:
            raise _fail(
                "MalformedCertificateException",
                "The certificate of a root CA must be self-signed.",
            )
        ca.install(cert, chain)
        if ca.status == "PENDING_CERTIFICATE":
            self._set_status(ca, "ACTIVE")
        self._changed(ca)
        return {}

    def _update_certificate_authority(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        ca = self._ca(params["CertificateAuthorityArn"], region)
        status = params.get("Status")
        if status is not None:
            if status not in _STATUSES_SETTABLE:
                raise _fail(
                    "InvalidArgsException",
                    f"Status can only be set to ACTIVE or DISABLED, got {status}.",
                )
            current = self._status(ca)
            if ca.certificate is None or current not in _STATUSES_SETTABLE:
                raise _fail(
                    "InvalidStateException",
                    f"The certificate authority is in status {current}; only an ACTIVE or "
                    "DISABLED CA with a certificate can be set to ACTIVE or DISABLED.",
                )
            if status != ca.status:
                self._set_status(ca, status)
        if "RevocationConfiguration" in params:
            ca.revocation_configuration = params["RevocationConfiguration"]
        self._changed(ca)
        return {}

    # IssueCertificate -------------------------------------------------------------------------

    def _issue_certificate(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        ca = self._ca(params["CertificateAuthorityArn"], region)
        template = template_of(params.get("TemplateArn"))
        template_profile(template)  # an unknown template fails before anything else
        root_self_issue = ca.ca_type == "ROOT" and template.is_root
        status = self._status(ca)
        if not (status == "ACTIVE" or (root_self_issue and status == "PENDING_CERTIFICATE")):
            raise _fail("InvalidStateException", _NOT_ISSUING)
        algorithm = SigningAlgorithm(params["SigningAlgorithm"])
        check_signing_algorithm(ca.key_algorithm, algorithm)
        csr = service_csr(params["Csr"])
        passthrough = passthrough_of(params, template)
        # The certificate's times are whole seconds; the issue delay and the idempotency
        # window count from the exact moment of issuance.
        moment = self.now()
        now = moment.replace(microsecond=0)
        not_before, not_after = validity_window(
            params, ca, now, exempt=root_self_issue, ca_certificate=template.is_ca
        )
        if template.is_ca:
            # A root signing its own certificate has nothing above it.
            above = (
                (ca.certificate, *ca.chain)
                if ca.certificate is not None and not root_self_issue
                else ()
            )
            problem = path_length_violation(template.path_len, above)
            if problem is not None:
                raise _fail("ValidationException", problem)
        token = params.get("IdempotencyToken")
        serial = self._new_serial(ca.arn)
        arn = str(CertificateArn.from_parts(ca.arn, serial))
        if token is not None:
            earlier = self._remember_token((ca.arn, token), arn, moment)
            if earlier is not None:
                return {"CertificateArn": earlier}
        failed = not internal and self._fail_next > 0
        if failed:
            self._fail_next -= 1
            record = CertificateRecord(arn, ca.arn, serial, moment, "", "", failed=True)
        else:
            certificate = make_certificate(
                ca,
                csr,
                template,
                passthrough,
                serial=serial,
                not_before=not_before,
                not_after=not_after,
                algorithm=algorithm,
            )
            chain = ca.issuing_chain_pem() if ca.certificate is not None else ""
            record = CertificateRecord(arn, ca.arn, serial, moment, pem(certificate), chain)
        self._certificates[(ca.arn, serial)] = record
        if self._store is not None:
            self._store.certificate_added(record, token)
        return {"CertificateArn": arn}

    def _new_serial(self, ca_arn: str) -> int:
        while True:
            # 128 bits with the top nibble non-zero: always 32 lowercase hex digits in the ARN.
            serial = (1 << 124) + secrets.randbelow((1 << 128) - (1 << 124))
            if (ca_arn, serial) not in self._certificates:
                return serial

    # GetCertificate and RevokeCertificate ------------------------------------------------------

    def _get_certificate(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        ca = self._ca(params["CertificateAuthorityArn"], region)
        record = self._certificate(ca, params["CertificateArn"])
        if not internal and self.now() < record.issued_at + self._issue_delay:
            raise _fail("RequestInProgressException", "Your request is already in progress.")
        if record.failed:
            raise _fail(
                "RequestFailedException", "The request has failed for an unspecified reason."
            )
        answer = {"Certificate": record.certificate_pem}
        if record.chain_pem:
            answer["CertificateChain"] = record.chain_pem
        return answer

    def _certificate(self, ca: CaRecord, text: object) -> CertificateRecord:
        try:
            arn = CertificateArn.parse(text)
        except InvalidRequestError as error:
            raise _fail("InvalidArnException", f"Invalid certificate ARN: {error}") from None
        record = self._certificates.get((ca.arn, arn.serial))
        if record is None or str(arn.certificate_authority_arn) != ca.arn:
            raise _fail("ResourceNotFoundException", f"Could not find certificate {arn}.")
        return record

    def _revoke_certificate(
        self, params: dict[str, Any], region: str, internal: bool
    ) -> dict[str, Any]:
        ca = self._ca(params["CertificateAuthorityArn"], region)
        if ca.status not in _STATUSES_SETTABLE:
            raise _fail(
                "InvalidStateException",
                f"The certificate authority is in status {ca.status}; it cannot revoke.",
            )
        text = params["CertificateSerial"]
        digits = text.replace(":", "").lower()
        if not digits or any(c not in "0123456789abcdef" for c in digits):
            raise _fail(
                "InvalidArgsException",
                f"CertificateSerial must be hexadecimal (plain or colon-separated), got {text!r}.",
            )
        serial = int(digits, 16)
        record = self._certificates.get((ca.arn, serial))
        if record is None or record.failed:
            raise _fail(
                "ResourceNotFoundException",
                f"Could not find a certificate with serial {text} issued by {ca.arn}.",
            )
        if (
            ca.certificate is not None
            and ca.certificate.serial_number == serial
            and (ca.ca_type == "ROOT")
        ):
            raise _fail(
                "InvalidRequestException", "You cannot revoke a root CA self-signed certificate."
            )
        if self.now() < record.issued_at + self._issue_delay:
            raise _fail("RequestInProgressException", "Your request is already in progress.")
        if record.revoked_at is not None:
            raise _fail(
                "RequestAlreadyProcessedException",
                f"The certificate with serial {text} is already revoked.",
            )
        record.revoked_at = self.now()
        record.revocation_reason = params["RevocationReason"]
        if self._store is not None:
            self._store.certificate_revoked(record)
        return {}


def _load_certificates(data: bytes | str, member: str) -> list[x509.Certificate]:
    raw = data.encode() if isinstance(data, str) else data
    try:
        return x509.load_pem_x509_certificates(raw)
    except ValueError as error:
        raise _fail("MalformedCertificateException", f"{member} is not PEM: {error}") from None


def _check_extensions(certificate: x509.Certificate, member: str) -> None:
    """Refuse a certificate whose extensions cannot be parsed (they are read when it signs)."""
    try:
        certificate.extensions  # noqa: B018 - parsing is the check
    except (ValueError, x509.DuplicateExtension) as error:
        raise _fail(
            "MalformedCertificateException",
            f"{member} has extensions that cannot be parsed: {error}",
        ) from None


def _partition(region: str) -> str:
    for prefix, partition in (
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
        ("eusc-", "aws-eusc"),
    ):
        if region.startswith(prefix):
            return partition
    return "aws"


def _sortable(moment: datetime) -> str:
    """``moment`` as UTC text that sorts in time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
