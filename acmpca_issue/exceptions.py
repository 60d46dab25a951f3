"""The one exception family of acmpca_issue.

Everything the library raises on purpose derives from :class:`AcmPcaIssueError`::

    AcmPcaIssueError
    ├── InvalidRequestError (also ValueError)   rejected locally, nothing was sent; .problems
    │   ├── InvalidArnError
    │   ├── InvalidCsrError
    │   └── RevocationNotConfiguredError   revoke: the CA has neither a CRL nor OCSP
    ├── ServiceError          the call was made and failed; .code, .message, .request_id
    │   ├── ThrottlingError, AccessDeniedError, ValidationError, ...   (unmodeled codes)
    │   └── InvalidArgsError, MalformedCsrError, RequestInProgressError, ... (one per model code)
    │       (revoke: AlreadyRevokedError and NotIssuedByCaError narrow two of them)
    ├── TransportError        no credentials, endpoint unreachable, connection or read timeout
    ├── IssuanceTimeoutError  issued but not retrieved in time; carries .certificate_arn
    ├── IssuanceUnknownError  sent, unanswered, and past the 5-minute idempotency window
    ├── JournalError          a bulk journal (issue_many) cannot be used; .path
    │   ├── JournalInUseError     another running process has it open
    │   ├── JournalMismatchError  it is another CA's, or an item in it was asked differently
    │   └── JournalCorruptError   not a journal, or damaged
    └── VerificationError     the returned certificate does not match the request or its chain

Example::

    try:
        issuer.issue(request)
    except InvalidRequestError as error:
        for path, message in error.problems:
            print(f"{path}: {message}")
    except ThrottlingError:
        ...  # slow down
    except ServiceError as error:
        print(error.code, error.message)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

if TYPE_CHECKING:
    from acmpca_issue._arn import CertificateArn
    from acmpca_issue._display import Panel

__all__ = [
    "SERVICE_ERRORS",
    "AccessDeniedError",
    "AcmPcaIssueError",
    "AlreadyRevokedError",
    "CertificateMismatchError",
    "ConcurrentModificationError",
    "InternalFailureError",
    "InvalidArgsError",
    "InvalidArnError",
    "InvalidArnServiceError",
    "InvalidCsrError",
    "InvalidNextTokenError",
    "InvalidPolicyError",
    "InvalidRequestError",
    "InvalidRequestServiceError",
    "InvalidStateError",
    "InvalidTagError",
    "IssuanceTimeoutError",
    "IssuanceUnknownError",
    "JournalCorruptError",
    "JournalError",
    "JournalInUseError",
    "JournalMismatchError",
    "LimitExceededError",
    "LockoutPreventedError",
    "MalformedCertificateError",
    "MalformedCsrError",
    "NotIssuedByCaError",
    "PermissionAlreadyExistsError",
    "Problem",
    "RequestAlreadyProcessedError",
    "RequestFailedError",
    "RequestInProgressError",
    "ResourceNotFoundError",
    "RevocationNotConfiguredError",
    "ServiceError",
    "ServiceUnavailableError",
    "ThrottlingError",
    "TooManyTagsError",
    "TransportError",
    "ValidationError",
    "VerificationError",
    "service_error_class",
]


class AcmPcaIssueError(Exception):
    """Base of every error this library raises on purpose. Never raised itself.

    Attributes:
        certificate_arn: the ARN of the certificate when the error came after it was issued
            (a failed issuance, a certificate that does not verify, a wait that ran out), so
            that nothing issued is lost; ``None`` otherwise.
    """

    certificate_arn: CertificateArn | None = None


class Problem(NamedTuple):
    """One thing wrong with an input: where (a dotted field path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidRequestError(AcmPcaIssueError, ValueError):
    """The input was rejected locally; nothing was sent to AWS.

    Attributes:
        problems: every problem found, each a :class:`Problem` ``(path, message)`` whose path is
            dotted from the request's own fields (``validity.value``,
            ``api_passthrough.subject.country``) and empty for the value as a whole.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: str | Iterable[tuple[str, str]], *, path: str = "") -> None:
        if isinstance(problems, str):
            found: tuple[Problem, ...] = (Problem(path, problems),)
        else:
            found = tuple(Problem(p, m) for p, m in problems)
            if not found:
                found = (Problem(path, "invalid input"),)
        self.problems = found
        super().__init__(self._describe())

    def _describe(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        return f"{len(self.problems)} problems:\n{lines}"

    def _panel(self) -> Panel:
        from acmpca_issue._display import Panel

        count = len(self.problems)
        return Panel(
            f"{type(self).__name__}: {count} problem{'s' if count != 1 else ''}",
            (),
            "acmpca-invalid-request",
            table_header=("Field", "Problem"),
            table=[(problem.path or "(the value)", problem.message) for problem in self.problems],
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        from acmpca_issue._display import pretty, text_panel

        pretty(printer, text_panel(self._panel()))

    def _repr_html_(self) -> str:
        from acmpca_issue._display import html_panel

        return html_panel(self._panel())

    def at(self, prefix: str) -> InvalidRequestError:
        """Return the same error class with every path placed under ``prefix``."""
        moved = [(_join(prefix, p.path), p.message) for p in self.problems]
        error = type(self).__new__(type(self))
        InvalidRequestError.__init__(error, moved)
        return error


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


class InvalidArnError(InvalidRequestError):
    """An ARN is malformed; the message names the part that is wrong and what was expected."""


class InvalidCsrError(InvalidRequestError):
    """A certificate signing request that AWS Private CA would reject."""


class RevocationNotConfiguredError(InvalidRequestError):
    """The CA has neither a CRL nor OCSP, so a revocation would reach no relying party.

    Raised by ``revoke`` before anything is sent (with ``preflight=True``).
    """


class TransportError(AcmPcaIssueError):
    """The call did not get an answer: no credentials, endpoint unreachable, or a timeout.

    Attributes:
        idempotency_token: when IssueCertificate got no answer, the token it was sent with;
            the same request sent again within 5 minutes returns that certificate, if the
            service did issue it.
    """

    idempotency_token: str | None = None


class IssuanceTimeoutError(AcmPcaIssueError, TimeoutError):
    """The certificate was issued but not retrieved before the deadline.

    Nothing is lost: ``certificate_arn`` names it, and ``Issuer.get_certificate`` resumes.
    """

    certificate_arn: CertificateArn

    def __init__(self, message: str, *, certificate_arn: CertificateArn) -> None:
        super().__init__(message)
        self.certificate_arn = certificate_arn


class VerificationError(AcmPcaIssueError):
    """The returned certificate does not match the request or does not chain up."""


class IssuanceUnknownError(AcmPcaIssueError):
    """IssueCertificate was sent, got no answer, and the 5-minute idempotency window has passed.

    The certificate may have been issued: sending the request again could issue a second one,
    so :func:`~acmpca_issue.bulk.issue_many` does that only when told to
    (``resend_expired=True``).

    Attributes:
        idempotency_token: the token the unanswered call carried.
    """

    idempotency_token: str

    def __init__(self, message: str, *, idempotency_token: str) -> None:
        super().__init__(message)
        self.idempotency_token = idempotency_token


class JournalError(AcmPcaIssueError):
    """A bulk-issuance journal cannot be used; nothing was sent.

    Attributes:
        path: the journal file.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class JournalInUseError(JournalError):
    """Another running process has the journal open; two runs must never share one."""


class JournalMismatchError(JournalError):
    """The journal records another CA, or an item under the same id with a different request."""


class JournalCorruptError(JournalError):
    """The file is not a journal this library wrote, or it is damaged."""


class ServiceError(AcmPcaIssueError):
    """AWS Private CA answered with an error.

    Attributes:
        code: the AWS error code (``ThrottlingException``).
        message: the service's message.
        request_id: the AWS request id, when the answer carried one.
        operation: the operation that failed (``IssueCertificate``), when known.
        hint: a one-line remediation, when there is one for this code.
    """

    code: str = ""
    retryable: ClassVar[bool] = False
    default_hint: ClassVar[str] = ""

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.request_id = request_id
        self.operation = operation
        self.hint = self.default_hint if hint is None else hint
        if code is not None and code != type(self).code:
            self.code = code
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"{self.code or 'ServiceError'}: {self.message}".rstrip(": ")
        if self.operation:
            text = f"{self.operation} failed with {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


# Codes in botocore's acm-pca model.
class CertificateMismatchError(ServiceError):
    """``CertificateMismatchException``: the certificate does not match the CA's key or CSR."""

    code = "CertificateMismatchException"


class ConcurrentModificationError(ServiceError):
    """``ConcurrentModificationException``: a previous update to the CA is still ongoing."""

    code = "ConcurrentModificationException"
    retryable = True


class InvalidArgsError(ServiceError):
    """``InvalidArgsException``: one or more arguments were not valid."""

    code = "InvalidArgsException"
    default_hint = (
        "check that the signing algorithm fits the CA's key type and the template allows it"
    )


class InvalidArnServiceError(ServiceError):
    """``InvalidArnException``: the ARN does not refer to an existing resource."""

    code = "InvalidArnException"
    default_hint = "check the ARN's partition, region and account"


class InvalidNextTokenError(ServiceError):
    """``InvalidNextTokenException``: the pagination token is invalid."""

    code = "InvalidNextTokenException"


class InvalidPolicyError(ServiceError):
    """``InvalidPolicyException``: the resource policy is invalid."""

    code = "InvalidPolicyException"


class InvalidRequestServiceError(ServiceError):
    """``InvalidRequestException``: the action cannot be performed or is prohibited."""

    code = "InvalidRequestException"


class InvalidStateError(ServiceError):
    """``InvalidStateException``: the CA's state does not allow this action."""

    code = "InvalidStateException"
    default_hint = "the CA must be ACTIVE to issue; a new CA needs its certificate imported first"


class InvalidTagError(ServiceError):
    """``InvalidTagException``: a tag is invalid."""

    code = "InvalidTagException"


class LimitExceededError(ServiceError):
    """``LimitExceededException``: a Private CA quota was exceeded (not a rate; never retried)."""

    code = "LimitExceededException"
    default_hint = (
        "a quota such as certificates per CA is used up; request an increase in Service Quotas"
    )


class LockoutPreventedError(ServiceError):
    """``LockoutPreventedException``: the change would lock the caller out."""

    code = "LockoutPreventedException"


class MalformedCertificateError(ServiceError):
    """``MalformedCertificateException``: a certificate is not valid."""

    code = "MalformedCertificateException"


class MalformedCsrError(ServiceError):
    """``MalformedCSRException``: the certificate signing request is invalid."""

    code = "MalformedCSRException"
    default_hint = (
        "send a PEM CSR with a valid signature, a subject or SAN, and a critical SAN if "
        "the subject is empty"
    )


class PermissionAlreadyExistsError(ServiceError):
    """``PermissionAlreadyExistsException``: the permission already exists."""

    code = "PermissionAlreadyExistsException"


class RequestAlreadyProcessedError(ServiceError):
    """``RequestAlreadyProcessedException``: the request has already been completed."""

    code = "RequestAlreadyProcessedException"


class AlreadyRevokedError(RequestAlreadyProcessedError):
    """RevokeCertificate: the certificate was revoked before (its first reason stands)."""

    default_hint = "nothing to do: it stays revoked, and its revocation reason cannot be changed"


class RequestFailedError(ServiceError):
    """``RequestFailedException``: the request failed; an issuance that fails is final."""

    code = "RequestFailedException"


class RequestInProgressError(ServiceError):
    """``RequestInProgressException``: the certificate is not ready yet."""

    code = "RequestInProgressException"
    retryable = True


class ResourceNotFoundError(ServiceError):
    """``ResourceNotFoundException``: the CA, certificate or other resource cannot be found."""

    code = "ResourceNotFoundException"
    default_hint = "check the ARN, and that the client's region is the ARN's region"


class NotIssuedByCaError(ResourceNotFoundError):
    """RevokeCertificate: the CA exists but issued no certificate with that serial."""

    default_hint = (
        "revoke it through the CA that issued it: the CA ARN is the first part of the "
        "certificate's ARN (IssuedCertificate.arn.certificate_authority_arn)"
    )


class TooManyTagsError(ServiceError):
    """``TooManyTagsException``: too many tags."""

    code = "TooManyTagsException"


# Common codes that every AWS service may answer, not listed in the model.
class AccessDeniedError(ServiceError):
    """``AccessDeniedException``: the caller is not allowed to perform this action."""

    code = "AccessDeniedException"
    default_hint = (
        "check the IAM policy, and for a shared CA that the template ARN is one the "
        "resource policy allows"
    )


class InternalFailureError(ServiceError):
    """``InternalFailure``: the service failed internally."""

    code = "InternalFailure"
    retryable = True


class ServiceUnavailableError(ServiceError):
    """``ServiceUnavailable``: the service is unavailable for now."""

    code = "ServiceUnavailable"
    retryable = True


class ThrottlingError(ServiceError):
    """``ThrottlingException``: the request rate is above the quota; retry more slowly."""

    code = "ThrottlingException"
    retryable = True
    default_hint = "IssueCertificate allows 25 requests per second by default"


class ValidationError(ServiceError):
    """``ValidationException``: the input does not satisfy the service's constraints."""

    code = "ValidationException"


_LEAVES: tuple[type[ServiceError], ...] = (
    CertificateMismatchError,
    ConcurrentModificationError,
    InvalidArgsError,
    InvalidArnServiceError,
    InvalidNextTokenError,
    InvalidPolicyError,
    InvalidRequestServiceError,
    InvalidStateError,
    InvalidTagError,
    LimitExceededError,
    LockoutPreventedError,
    MalformedCertificateError,
    MalformedCsrError,
    PermissionAlreadyExistsError,
    RequestAlreadyProcessedError,
    RequestFailedError,
    RequestInProgressError,
    ResourceNotFoundError,
    TooManyTagsError,
    AccessDeniedError,
    InternalFailureError,
    ServiceUnavailableError,
    ThrottlingError,
    ValidationError,
)

#: Every AWS error code Private CA answers, mapped to its :class:`ServiceError` subclass.
SERVICE_ERRORS: Mapping[str, type[ServiceError]] = MappingProxyType(
    {
        **{leaf.code: leaf for leaf in _LEAVES},
        # Aliases the service family uses for the same condition.
        "Throttling": ThrottlingError,
        "ThrottledException": ThrottlingError,
        "TooManyRequestsException": ThrottlingError,
        "RequestLimitExceeded": ThrottlingError,
        "AccessDenied": AccessDeniedError,
        "ValidationError": ValidationError,
        "InternalServerError": InternalFailureError,
        "InternalFailureException": InternalFailureError,
        "ServiceUnavailableException": ServiceUnavailableError,
    }
)


def service_error_class(code: str) -> type[ServiceError]:
    """The :class:`ServiceError` subclass for an AWS error code (``ServiceError`` if unknown)."""
    return SERVICE_ERRORS.get(code, ServiceError)
