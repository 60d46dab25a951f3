"""The Issuer's decisions, written once and free of I/O; the sync and async Issuers drive them.

Every operation of an Issuer is a generator of *steps*: :class:`Call` (send this operation with
these parameters), :class:`Sleep` (pause this long) and :class:`Describe` (the CA's cached
DescribeCertificateAuthority answer). The shell that drives it performs each step its own way
(a botocore call and ``time.sleep``, or an awaited aiobotocore call and ``asyncio.sleep``) and
sends the answer back in, or throws in what was raised, ``KeyboardInterrupt`` and
``asyncio.CancelledError`` included. What to retry, how long to wait, which error to raise and
which ARN to attach are decided here, and only here.

Example::

    runner = Runner(core.issue_steps(request, wait=True, verify=True))
    for step in runner:
        with runner.answering():
            runner.answer = perform(step)   # or: await perform(step)
    return runner.result
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, cast

import attrs
from typing_extensions import Required

from acmpca_issue._arn import CertificateArn, CertificateAuthorityArn
from acmpca_issue._clock import system_now
from acmpca_issue._clock import using as using_clock
from acmpca_issue._enums import RevocationReason, coerce_enum
from acmpca_issue._issued import IssuedCertificate, Renewal
from acmpca_issue._preflight import CaInfo, check_request
from acmpca_issue._token import derive_idempotency_token
from acmpca_issue._waiter import Backoff, Deadline
from acmpca_issue.exceptions import (
    AccessDeniedError,
    AcmPcaIssueError,
    AlreadyRevokedError,
    InternalFailureError,
    InvalidRequestError,
    InvalidStateError,
    IssuanceTimeoutError,
    NotIssuedByCaError,
    RequestAlreadyProcessedError,
    RequestInProgressError,
    ResourceNotFoundError,
    RevocationNotConfiguredError,
    ServiceError,
    ServiceUnavailableError,
    ThrottlingError,
    TransportError,
    VerificationError,
)

if TYPE_CHECKING:
    from cryptography import x509

    from acmpca_issue._arn import TemplateArn
    from acmpca_issue._enums import SigningAlgorithm
    from acmpca_issue._request import (
        CsrInput,
        IssueCertificateRequest,
        PassthroughInput,
        ValidityInput,
    )
    from acmpca_issue._validity import Validity

__all__ = [
    "MAX_ATTEMPTS",
    "NOT_FOUND_GRACE",
    "Call",
    "CoreOptions",
    "Describe",
    "IssueFields",
    "IssuerCore",
    "Runner",
    "Sleep",
    "Step",
    "Steps",
    "client_region",
]

logger = logging.getLogger("acmpca_issue._issuer")

#: How long after IssueCertificate a ResourceNotFoundException from GetCertificate is taken
#: for the service not having caught up yet, rather than for a wrong ARN.
NOT_FOUND_GRACE = 5.0
#: The most attempts of one call that is throttled or whose connection drops.
MAX_ATTEMPTS = 8

_RETRYABLE_SERVICE = (ThrottlingError, InternalFailureError, ServiceUnavailableError)
_E = TypeVar("_E", bound=AcmPcaIssueError)
_T = TypeVar("_T")

_METHODS = {
    "IssueCertificate": "issue_certificate",
    "RevokeCertificate": "revoke_certificate",
    "DescribeCertificateAuthority": "describe_certificate_authority",
    "GetCertificate": "get_certificate",
}


# Steps ----------------------------------------------------------------------------------------


@attrs.frozen
class Call:
    """Send ``operation`` with ``params``; the answer is the client's response mapping."""

    operation: str
    params: Mapping[str, Any]

    @property
    def method(self) -> str:
        """The client method's name (``issue_certificate``)."""
        return _METHODS[self.operation]


@attrs.frozen
class Sleep:
    """Pause ``seconds``; the answer is ignored."""

    seconds: float


@attrs.frozen
class Describe:
    """The CA's :class:`CaInfo`, from the shell's cache or a DescribeCertificateAuthority."""

    certificate_authority_arn: str


Step = Call | Sleep | Describe
Steps = Generator[Step, Any, _T]


class Runner(Generic[_T]):
    """Drives a generator of steps: iterate for the steps, answer each, then read ``result``.

    Whatever the block under :meth:`answering` raises is thrown into the generator at the
    step that asked, so the decisions about it are the generator's; what the generator raises
    leaves the ``for`` loop.
    """

    def __init__(self, steps: Steps[_T]) -> None:
        self._steps = steps
        self.answer: Any = None
        self._error: BaseException | None = None
        self._result: _T | None = None

    def __iter__(self) -> Iterator[Step]:
        while True:
            error, self._error = self._error, None
            answer, self.answer = self.answer, None
            try:
                step = self._steps.throw(error) if error is not None else self._steps.send(answer)
            except StopIteration as done:
                self._result = done.value
                return
            yield step

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Catch what performing a step raises, to throw it into the generator."""
        try:
            yield
        except BaseException as error:  # thrown back in; the generator decides
            self._error = error

    @property
    def result(self) -> _T:
        """What the generator returned."""
        return self._result  # type: ignore[return-value]


class IssueFields(TypedDict, total=False):
    """The request's fields as ``issue_certificate`` keywords (see IssueCertificateRequest)."""

    certificate_authority_arn: Required[CertificateAuthorityArn | str]
    csr: Required[CsrInput]
    validity: Required[ValidityInput]
    signing_algorithm: SigningAlgorithm | str | None
    validity_not_before: ValidityInput | None
    template_arn: TemplateArn | str | None
    api_passthrough: PassthroughInput | None
    idempotency_token: str | None


# Errors after issuing ---------------------------------------------------------------------------


def add_note(error: BaseException, text: str) -> None:
    """Add ``text`` to the exception's ``__notes__`` (PEP 678), on Python 3.10 as well.

    Python 3.11+ has ``BaseException.add_note`` and prints the notes under the traceback; on
    3.10 the list is set by hand, where tools that read notes (pytest, IDEs) still find it.
    """
    add = getattr(error, "add_note", None)
    if add is not None:
        add(text)
        return
    notes = getattr(error, "__notes__", None)
    if not isinstance(notes, list):
        notes = []
        error.__notes__ = notes  # type: ignore[attr-defined]  # only declared from 3.11 on
    notes.append(text)


def _with_arn(error: _E, arn: CertificateArn) -> _E:
    """Attach the certificate ARN to an error raised after the certificate was issued."""
    error.certificate_arn = arn
    add_note(error, f"certificate ARN: {arn} (resume with Issuer.get_certificate)")
    return error


def _keep_arn(error: BaseException, arn: CertificateArn) -> None:
    """Make sure an exception leaving :meth:`Issuer.issue` after IssueCertificate names the ARN.

    The library's own errors get ``certificate_arn``; anything else (``KeyboardInterrupt``
    while waiting, an error from a client wrapper) is re-raised unchanged, with the ARN as an
    attribute and a note, and logged, so the issued certificate is never lost.
    """
    if isinstance(error, AcmPcaIssueError):
        if error.certificate_arn is None:
            _with_arn(error, arn)
        return
    logger.warning(
        "certificate %s was issued; %s interrupted the wait (resume with Issuer.get_certificate)",
        arn,
        type(error).__name__,
    )
    # Every exception has a __dict__ (BaseException provides one), so this cannot fail.
    error.certificate_arn = arn  # type: ignore[attr-defined]
    add_note(error, f"certificate ARN: {arn} (resume with Issuer.get_certificate)")


def _note_token(error: BaseException, token: str, why: str) -> None:
    """Tell whoever sees ``error`` that IssueCertificate may have issued, and how to recover."""
    text = (
        f"{why}: the certificate may have been issued; send the same request again within "
        f"5 minutes (idempotency token {token}) to get it instead of a second one"
    )
    logger.warning("IssueCertificate: %s", text)
    if not isinstance(error, AcmPcaIssueError):
        # Every exception has a __dict__, so a CancelledError or KeyboardInterrupt carries it.
        error.idempotency_token = token  # type: ignore[attr-defined]
    add_note(error, text)


def client_region(client: object) -> str | None:
    """The region a botocore or boto3 client sends to, or None when it follows each ARN."""
    region = getattr(getattr(client, "meta", None), "region_name", None)
    return region if isinstance(region, str) else None


_S = TypeVar("_S", bound=ServiceError)


def _narrowed(error_class: type[_S], error: ServiceError) -> _S:
    """``error`` as its narrower subclass, with that subclass's hint."""
    return error_class(
        error.message, code=error.code, request_id=error.request_id, operation=error.operation
    )


def _revocation_target(
    certificate_or_arn: object, certificate_authority_arn: CertificateAuthorityArn | str | None
) -> CertificateArn:
    """The certificate to revoke, from a certificate, an IssuedCertificate or an ARN."""
    from cryptography import x509

    if isinstance(certificate_or_arn, IssuedCertificate):
        authority = certificate_or_arn.arn.certificate_authority_arn
        target = authority.certificate(certificate_or_arn.serial)
    elif isinstance(certificate_or_arn, x509.Certificate):
        if certificate_authority_arn is None:
            raise InvalidRequestError(
                "a certificate does not say which CA ARN issued it: pass "
                "certificate_authority_arn, or the IssuedCertificate or the certificate ARN",
                path="certificate_authority_arn",
            )
        authority = CertificateAuthorityArn.parse(certificate_authority_arn)
        return authority.certificate(certificate_or_arn.serial_number)
    elif isinstance(certificate_or_arn, (CertificateArn, str)):
        target = CertificateArn.parse(certificate_or_arn)
    else:
        raise InvalidRequestError(
            "must be an IssuedCertificate, a certificate ARN or an x509.Certificate, got "
            f"{type(certificate_or_arn).__name__}",
            path="certificate_or_arn",
        )
    if certificate_authority_arn is not None:
        given = CertificateAuthorityArn.parse(certificate_authority_arn)
        if given != target.certificate_authority_arn:
            raise InvalidRequestError(
                f"is {given} but the certificate was issued by {target.certificate_authority_arn}",
                path="certificate_authority_arn",
            )
    return target


@attrs.frozen
class _Cached:
    at: float
    ca: CaInfo


# The decisions ----------------------------------------------------------------------------------


class CoreOptions(TypedDict, total=False):
    """The settings both Issuers take (see :class:`~acmpca_issue.Issuer`), all but ``sleep``."""

    preflight: bool
    wait_timeout: float
    ca_cache_ttl: float
    max_attempts: int
    clock: Callable[[], float]
    backoff: Backoff | None
    now: Callable[[], datetime] | None


class IssuerCore:
    """The settings, the CA cache and the step generators an Issuer shell drives.

    The arguments are :class:`~acmpca_issue.Issuer`'s (see there), without the client and the
    sleep, which belong to the shell.
    """

    def __init__(
        self,
        *,
        preflight: bool = True,
        wait_timeout: float = 60.0,
        ca_cache_ttl: float = 300.0,
        max_attempts: int = MAX_ATTEMPTS,
        clock: Callable[[], float] = time.monotonic,
        backoff: Backoff | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.preflight = preflight
        self.wait_timeout = float(wait_timeout)
        self.ca_cache_ttl = float(ca_cache_ttl)
        self.max_attempts = max(1, int(max_attempts))
        self._clock = clock
        self._now = now or system_now
        self._backoff = backoff or Backoff()
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        # One lock per CA (the shell's kind), so that callers missing the cache together
        # describe it once.
        self._describing: dict[str, Any] = {}

    #: The region the shell's client sends to (see :func:`client_region`); None when each
    #: call goes to its ARN's region. The shell sets it with its client.
    _client_region: str | None = None

    def _check_region(self, arn: CertificateAuthorityArn | CertificateArn) -> None:
        """Refuse, before anything is sent, an ARN in another region than the client's.

        The service would answer a vague ResourceNotFoundException after a round trip; a
        region typo (``us-east1``) would fail the same way.

        Raises:
            InvalidRequestError: the regions differ; the message names both.
        """
        region = self._client_region
        if region is None or region == arn.region:
            return
        kind = "certificate" if isinstance(arn, CertificateArn) else "CA"
        raise InvalidRequestError(
            f"the {kind} ARN is in region {arn.region!r} but the client sends to {region!r}; "
            f"use region {arn.region!r}, or leave the region out and it is taken from the ARN",
            path="certificate_arn" if kind == "certificate" else "certificate_authority_arn",
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(preflight={self.preflight}, "
            f"wait_timeout={self.wait_timeout}, ca_cache_ttl={self.ca_cache_ttl})"
        )

    # The CA cache -------------------------------------------------------------------------------

    def _cached(self, certificate_authority_arn: CertificateAuthorityArn | str) -> CaInfo | None:
        """The cached answer for the CA, if still fresh."""
        key = str(CertificateAuthorityArn.parse(certificate_authority_arn))
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and self._clock() - cached.at < self.ca_cache_ttl:
            return cached.ca
        return None

    def _describing_lock(self, certificate_authority_arn: str, make: Callable[[], _T]) -> _T:
        """The CA's own lock, made with ``make`` the first time."""
        key = str(CertificateAuthorityArn.parse(certificate_authority_arn))
        with self._lock:
            lock: _T = self._describing.setdefault(key, make())
            return lock

    def forget(
        self, certificate_authority_arn: CertificateAuthorityArn | str | None = None
    ) -> None:
        """Drop the cached CA answer for one CA, or for every CA when given None."""
        with self._lock:
            if certificate_authority_arn is None:
                self._cache.clear()
            else:
                self._cache.pop(str(CertificateAuthorityArn.parse(certificate_authority_arn)), None)

    def _wall_now(self) -> datetime:
        """The wall clock as an aware UTC datetime."""
        return self._now().astimezone(timezone.utc)

    # Operations, as steps -----------------------------------------------------------------------

    def _issue_steps(
        self, request: IssueCertificateRequest, *, wait: bool, verify: bool
    ) -> Steps[IssuedCertificate | CertificateArn]:
        self._check_region(request.certificate_authority_arn)
        ca_arn = str(request.certificate_authority_arn)
        if self.preflight:
            ca: CaInfo = yield Describe(ca_arn)
            with using_clock(self._now):
                check_request(request, ca, now=self._wall_now())
        params = dict(request.to_api())
        if not params.get("IdempotencyToken"):
            params["IdempotencyToken"] = derive_idempotency_token(params)
        token = str(params["IdempotencyToken"])
        try:
            response = yield from self._call_steps(
                "IssueCertificate", params, Deadline(self._clock, self.wait_timeout)
            )
        except InvalidStateError:
            self.forget(ca_arn)
            raise
        except TransportError as error:
            # The service may have issued it and the answer been lost: the same request (same
            # token) within 5 minutes gets that certificate back instead of a second one.
            raised = TransportError(
                f"{error} (IssueCertificate may have been processed; send the same request "
                f"again within 5 minutes to get the same certificate: idempotency token {token})"
            )
            raised.idempotency_token = token
            raise raised from error.__cause__
        except AcmPcaIssueError:
            raise
        except BaseException as error:
            # Interrupted (Ctrl-C) or a foreign error while the call was in flight.
            _note_token(error, token, f"{type(error).__name__} during IssueCertificate")
            raise
        issued_at = self._clock()
        arn = self._certificate_arn(response)
        if not wait:
            return arn
        try:
            certificate = yield from self._fetch_steps(
                arn, not_found_until=issued_at + NOT_FOUND_GRACE
            )
            if verify:
                try:
                    certificate.verify(request=request, now=self._wall_now())
                except VerificationError as error:
                    raise _with_arn(error, arn) from None
        except BaseException as error:
            _keep_arn(error, arn)
            raise
        return attrs.evolve(certificate, request=request)

    def _issue_certificate_steps(
        self, fields: IssueFields, *, wait: bool, verify: bool
    ) -> Steps[IssuedCertificate | CertificateArn]:
        from acmpca_issue._request import IssueCertificateRequest

        fields = IssueFields(**fields)
        if fields.get("signing_algorithm") is None:
            arn = CertificateAuthorityArn.parse(fields["certificate_authority_arn"])
            ca: CaInfo = yield Describe(str(arn))
            fields["signing_algorithm"] = ca.default_signing_algorithm()
        with using_clock(self._now):
            # signing_algorithm is set by now; the model checks every field at run time.
            request = IssueCertificateRequest(**cast("dict[str, Any]", fields))
        return (yield from self._issue_steps(request, wait=wait, verify=verify))

    def _get_certificate_steps(
        self, certificate_arn: CertificateArn | str, *, verify: bool
    ) -> Steps[IssuedCertificate]:
        arn = CertificateArn.parse(certificate_arn)
        self._check_region(arn)
        certificate = yield from self._fetch_steps(arn, not_found_until=None)
        if verify:
            try:
                certificate.verify()
            except VerificationError as error:
                raise _with_arn(error, arn) from None
        return certificate

    def _describe_steps(self, certificate_authority_arn: str) -> Steps[CaInfo]:
        """DescribeCertificateAuthority, stored in the cache."""
        arn = CertificateAuthorityArn.parse(certificate_authority_arn)
        self._check_region(arn)
        key = str(arn)
        cached = self._cached(key)
        if cached is not None:  # another caller described it while this one waited
            return cached
        now = self._clock()
        params = {"CertificateAuthorityArn": key}
        try:
            response = yield from self._call_steps(
                "DescribeCertificateAuthority", params, Deadline(self._clock, self.wait_timeout)
            )
        except AccessDeniedError as error:
            raise AccessDeniedError(
                error.message,
                code=error.code,
                request_id=error.request_id,
                operation=error.operation,
                hint=(
                    "the preflight needs acm-pca:DescribeCertificateAuthority; grant it, or "
                    "use Issuer(..., preflight=False) and pass signing_algorithm"
                ),
            ) from error.__cause__
        ca = CaInfo.from_api(response)
        with self._lock:
            self._cache[key] = _Cached(now, ca)
        return ca

    # The rest of a certificate's life ---------------------------------------------------------

    def _revoke_steps(
        self,
        certificate_or_arn: IssuedCertificate | CertificateArn | x509.Certificate | str,
        *,
        reason: RevocationReason | str,
        certificate_authority_arn: CertificateAuthorityArn | str | None,
    ) -> Steps[None]:
        target = _revocation_target(certificate_or_arn, certificate_authority_arn)
        ca_arn = target.certificate_authority_arn
        why = coerce_enum(RevocationReason, reason, "reason")
        self._check_region(ca_arn)
        if self.preflight:
            ca: CaInfo = yield Describe(str(ca_arn))
            if not ca.revocation:
                raise RevocationNotConfiguredError(
                    f"CA {ca_arn} has neither a CRL nor OCSP configured, so no relying party "
                    "would learn of the revocation; enable one (UpdateCertificateAuthority "
                    "RevocationConfiguration, then issuer.forget(ca_arn) to drop the cached "
                    "answer), or use preflight=False to record it anyway (it then shows only "
                    "in audit reports)",
                    path="certificate_authority_arn",
                )
        params = {
            "CertificateAuthorityArn": str(ca_arn),
            "CertificateSerial": target.serial_colon,
            "RevocationReason": why.value,
        }
        try:
            yield from self._call_steps(
                "RevokeCertificate",
                params,
                Deadline(self._clock, self.wait_timeout),
                done_before=RequestAlreadyProcessedError,
            )
        except RequestAlreadyProcessedError as error:
            raise _narrowed(AlreadyRevokedError, error) from error.__cause__
        except ResourceNotFoundError as error:
            if not self.preflight:  # the CA itself may be what is missing
                raise
            raise _narrowed(NotIssuedByCaError, error) from error.__cause__
        logger.info("revoked certificate %s (%s)", target, why.value)

    def _renew_steps(
        self,
        issued: IssuedCertificate,
        *,
        private_key: Any,
        validity: Validity | None,
    ) -> Steps[Renewal]:
        from acmpca_issue._renewal import renewal_request

        earlier = issued.request
        signing_algorithm = None if earlier is None else earlier.signing_algorithm
        if signing_algorithm is None:
            ca: CaInfo = yield Describe(str(issued.arn.certificate_authority_arn))
            signing_algorithm = ca.default_signing_algorithm()
        with using_clock(self._now):
            request, key = renewal_request(
                issued,
                private_key=private_key,
                validity=validity,
                signing_algorithm=signing_algorithm,
                now=self._wall_now(),
            )
        certificate = yield from self._issue_steps(request, wait=True, verify=True)
        assert isinstance(certificate, IssuedCertificate)  # noqa: S101 - wait=True returns one
        return Renewal(certificate, key)

    # Calls --------------------------------------------------------------------------------------

    def _call_steps(
        self,
        operation: str,
        params: Mapping[str, Any],
        deadline: Deadline,
        *,
        done_before: type[ServiceError] | None = None,
    ) -> Steps[Any]:
        """One API call, retried on throttling, 5xx and dropped connections only.

        ``done_before``: the refusal that, after an attempt went unanswered, means that attempt
        was processed (RevokeCertificate's "already revoked"); then the call has succeeded and
        the answer is ``None``.
        """
        from acmpca_issue._errors_botocore import (
            RefusalNotRetried,
            is_retryable_transport,
            translate,
        )

        token = params.get("IdempotencyToken")
        attempt = 0
        unanswered = False  # an earlier attempt may have reached the service unanswered
        while True:
            attempt += 1
            try:
                return (yield Call(operation, params))
            except Exception as raised:
                error = raised.error if isinstance(raised, RefusalNotRetried) else raised
                mapped = translate(error, operation=operation)
                if mapped is None:
                    raise
                lost = isinstance(mapped, TransportError) and is_retryable_transport(error)
                retryable = lost or isinstance(mapped, _RETRYABLE_SERVICE)
                if unanswered and done_before is not None and isinstance(mapped, done_before):
                    logger.info("%s: an earlier, unanswered attempt was processed", operation)
                    return None
                delay = self._backoff.delay(attempt)
                if not retryable or attempt >= self.max_attempts or deadline.remaining() < delay:
                    if unanswered and token and not isinstance(mapped, TransportError):
                        _note_token(mapped, str(token), "an earlier attempt went unanswered")
                    raise mapped from error
                unanswered = unanswered or lost
                logger.debug("%s attempt %d failed (%s); retrying", operation, attempt, mapped)
            yield Sleep(delay)

    def _certificate_arn(self, response: Mapping[str, Any]) -> CertificateArn:
        text = response.get("CertificateArn")
        try:
            return CertificateArn.parse(text)
        except AcmPcaIssueError as error:
            # The text is not an ARN this library can hold, so it travels in the message.
            raise VerificationError(
                f"IssueCertificate returned an unreadable ARN {text!r}: {error}"
            ) from None

    def _fetch_steps(
        self, arn: CertificateArn, *, not_found_until: float | None
    ) -> Steps[IssuedCertificate]:
        """Poll GetCertificate until the certificate is there, it failed, or the deadline."""
        from acmpca_issue._errors_botocore import is_retryable_transport, translate

        deadline = Deadline(self._clock, self.wait_timeout)
        params = {
            "CertificateAuthorityArn": str(arn.certificate_authority_arn),
            "CertificateArn": str(arn),
        }
        attempt = 0
        while True:
            attempt += 1
            try:
                response = yield Call("GetCertificate", params)
            except Exception as error:
                mapped = translate(error, operation="GetCertificate")
                if mapped is None:
                    raise
                keep_waiting = (
                    isinstance(mapped, (RequestInProgressError, *_RETRYABLE_SERVICE))
                    or (isinstance(mapped, TransportError) and is_retryable_transport(error))
                    or (
                        isinstance(mapped, ResourceNotFoundError)
                        and not_found_until is not None
                        and self._clock() < not_found_until
                    )
                )
                if not keep_waiting:
                    raise _with_arn(mapped, arn) from error
                if deadline.expired():
                    raise IssuanceTimeoutError(
                        f"certificate {arn} was issued but not ready after "
                        f"{self.wait_timeout:g} s (last answer: {mapped}); "
                        "resume with Issuer.get_certificate(error.certificate_arn)",
                        certificate_arn=arn,
                    ) from error
            else:
                try:
                    return IssuedCertificate.from_api(arn, response)
                except VerificationError as error:
                    raise _with_arn(error, arn) from None
            yield Sleep(deadline.clip(self._backoff.delay(attempt)))
