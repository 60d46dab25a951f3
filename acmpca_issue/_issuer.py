"""The Issuer: IssueCertificate made safe to call, then waited for and checked.

Example::

    from acmpca_issue import Issuer, Validity, build_csr

    issuer = Issuer.from_session(region_name="us-east-1")
    bundle = build_csr("svc.internal")
    issued = issuer.issue_certificate(
        certificate_authority_arn=ca_arn, csr=bundle.csr, validity=Validity.days(90)
    )
    issued.write("out", private_key=bundle)

What the Issuer adds to ``client.issue_certificate``:

- an idempotency token on every call (the request's, else a digest of the whole request), so
  a retry (its own, or a caller's after a crash) inside the service's 5-minute window returns
  the same certificate instead of issuing a second one;
- its own retries, with jittered exponential backoff inside a deadline, of throttling, 5xx
  answers and dropped connections only, each resending the same token; LimitExceeded,
  InvalidArgs and MalformedCSR are never retried;
- a preflight against the CA (one DescribeCertificateAuthority per CA, cached) that rejects a
  request the service would refuse, before the billed call;
- a waiter on GetCertificate with a deadline that never loses the certificate: every error
  after the ARN is known carries it as ``certificate_arn``;
- verification of what comes back, and errors translated into :mod:`acmpca_issue.exceptions`.

botocore is imported only when a client is made or an error is translated.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import attrs

from acmpca_issue._arn import CertificateArn, CertificateAuthorityArn
from acmpca_issue._clock import system_now
from acmpca_issue._clock import using as using_clock
from acmpca_issue._issued import IssuedCertificate
from acmpca_issue._preflight import CaInfo, check_request
from acmpca_issue._token import derive_idempotency_token
from acmpca_issue._waiter import Backoff, Deadline
from acmpca_issue.exceptions import (
    AccessDeniedError,
    AcmPcaIssueError,
    InternalFailureError,
    InvalidStateError,
    IssuanceTimeoutError,
    RequestInProgressError,
    ResourceNotFoundError,
    ServiceUnavailableError,
    ThrottlingError,
    TransportError,
    VerificationError,
)

if TYPE_CHECKING:
    from acmpca_issue._request import IssueCertificateRequest

__all__ = ["AcmPcaClient", "Issuer"]

logger = logging.getLogger(__name__)

AcmPcaClient = Any
"""A botocore or boto3 ``acm-pca`` client (``mypy_boto3_acm_pca.ACMPCAClient``)."""

#: How long after IssueCertificate a ResourceNotFoundException from GetCertificate is taken
#: for the service not having caught up yet, rather than for a wrong ARN.
NOT_FOUND_GRACE = 5.0
#: The most attempts of one call that is throttled or whose connection drops.
MAX_ATTEMPTS = 8

_RETRYABLE_SERVICE = (ThrottlingError, InternalFailureError, ServiceUnavailableError)
_E = TypeVar("_E", bound=AcmPcaIssueError)


def _with_arn(error: _E, arn: CertificateArn) -> _E:
    """Attach the certificate ARN to an error raised after the certificate was issued."""
    error.certificate_arn = arn
    add_note = getattr(error, "add_note", None)
    if add_note is not None:  # pragma: no branch - Python 3.11+
        add_note(f"certificate ARN: {arn} (resume with Issuer.get_certificate)")
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
    add_note = getattr(error, "add_note", None)
    if add_note is not None:  # pragma: no branch - Python 3.11+
        add_note(f"certificate ARN: {arn} (resume with Issuer.get_certificate)")


def _note_token(error: BaseException, token: str, why: str) -> None:
    """Tell whoever sees ``error`` that IssueCertificate may have issued, and how to recover."""
    text = (
        f"{why}: the certificate may have been issued; send the same request again within "
        f"5 minutes (idempotency token {token}) to get it instead of a second one"
    )
    logger.warning("IssueCertificate: %s", text)
    add_note = getattr(error, "add_note", None)
    if add_note is not None:  # pragma: no branch - Python 3.11+
        add_note(text)


@attrs.frozen
class _Cached:
    at: float
    ca: CaInfo


class Issuer:
    """Issues certificates from AWS Private CA through a botocore or boto3 client.

    Args:
        client: an ``acm-pca`` client. It keeps its own configuration, except that during
            the Issuer's calls it does not resend ``LimitExceededException``,
            ``InvalidArgsException`` or ``MalformedCSRException`` (botocore's standard and
            adaptive modes would resend the first). Its other retries multiply with the
            Issuer's; :meth:`from_session` builds a client with botocore's retries off,
            leaving retries to the Issuer.
        preflight: check each request against its CA before sending it (one cached
            DescribeCertificateAuthority per CA).
        wait_timeout: seconds to wait for an issued certificate, and the time budget for
            retrying a throttled call.
        ca_cache_ttl: seconds a DescribeCertificateAuthority answer is reused.
        max_attempts: the most attempts of one throttled or disconnected call.
        sleep: how to pause (``time.sleep``); tests pass a fake.
        clock: a monotonic clock in seconds (``time.monotonic``); tests pass a fake.
        now: the wall clock, returning an aware datetime (default: the system's UTC time).
            The preflight's validity rules and verification read it; tests pass one fake
            time to both the Issuer and the local Private CA.
        backoff: the retry and polling pauses (default: 0.2 s doubling to 2 s, jittered).
    """

    def __init__(
        self,
        client: AcmPcaClient,
        *,
        preflight: bool = True,
        wait_timeout: float = 60.0,
        ca_cache_ttl: float = 300.0,
        max_attempts: int = MAX_ATTEMPTS,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        backoff: Backoff | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.preflight = preflight
        self.wait_timeout = float(wait_timeout)
        self.ca_cache_ttl = float(ca_cache_ttl)
        self.max_attempts = max(1, int(max_attempts))
        self._sleep = sleep
        self._clock = clock
        self._now = now or system_now
        self._backoff = backoff or Backoff()
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        # One lock per CA, so that threads missing the cache together describe it once.
        self._describing: dict[str, threading.Lock] = {}
        if hasattr(client, "meta"):  # a botocore client: botocore is loaded already
            from acmpca_issue._errors_botocore import never_retry_refusals

            never_retry_refusals(client)

    @classmethod
    def from_session(
        cls,
        region_name: str | None = None,
        profile_name: str | None = None,
        endpoint_url: str | None = None,
        **issuer_options: Any,
    ) -> Issuer:
        """An Issuer with a new botocore client, whose own retries are off.

        Args:
            region_name: the AWS Region (default: the profile's or ``AWS_DEFAULT_REGION``).
            profile_name: the AWS profile (default: the default credential chain).
            endpoint_url: another endpoint, such as a local Private CA's ``endpoint_url``.
            **issuer_options: passed to :class:`Issuer`.

        Raises:
            TransportError: the profile or region cannot be resolved.
        """
        import botocore.exceptions

        from acmpca_issue._session import make_client

        try:
            client = make_client(
                region_name=region_name, profile_name=profile_name, endpoint_url=endpoint_url
            )
        except botocore.exceptions.BotoCoreError as error:
            raise TransportError(f"cannot make an acm-pca client: {error}") from error
        return cls(client, **issuer_options)

    def __repr__(self) -> str:
        return (
            f"Issuer(preflight={self.preflight}, wait_timeout={self.wait_timeout}, "
            f"ca_cache_ttl={self.ca_cache_ttl})"
        )

    # Issuing --------------------------------------------------------------------------------

    @overload
    def issue(
        self, request: IssueCertificateRequest, *, wait: Literal[True] = ..., verify: bool = ...
    ) -> IssuedCertificate: ...
    @overload
    def issue(
        self, request: IssueCertificateRequest, *, wait: Literal[False], verify: bool = ...
    ) -> CertificateArn: ...
    @overload
    def issue(
        self, request: IssueCertificateRequest, *, wait: bool, verify: bool = ...
    ) -> IssuedCertificate | CertificateArn: ...
    def issue(
        self, request: IssueCertificateRequest, *, wait: bool = True, verify: bool = True
    ) -> IssuedCertificate | CertificateArn:
        """Issue a certificate; by default wait for it, check it and return it.

        Args:
            request: what to issue.
            wait: wait for the certificate; ``False`` returns its ARN as soon as it is issued.
            verify: check the certificate against the request and its chain
                (:meth:`IssuedCertificate.verify`).

        Returns:
            The :class:`IssuedCertificate`, or with ``wait=False`` its :class:`CertificateArn`.

        Raises:
            InvalidRequestError: the preflight found the request would be refused; nothing
                was sent to IssueCertificate.
            ServiceError: the service refused; a subclass per error code. Errors raised after
                the certificate was issued carry ``certificate_arn``.
            TransportError: no answer (after retries where that is safe).
            IssuanceTimeoutError: issued, but not ready within ``wait_timeout``.
            VerificationError: the certificate does not match the request or its chain.
        """
        ca_arn = str(request.certificate_authority_arn)
        if self.preflight:
            with using_clock(self._now):
                check_request(request, self.describe(ca_arn), now=self._wall_now())
        params = dict(request.to_api())
        if not params.get("IdempotencyToken"):
            params["IdempotencyToken"] = derive_idempotency_token(params)
        token = str(params["IdempotencyToken"])
        try:
            response = self._call(
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
            certificate = self._fetch(arn, not_found_until=issued_at + NOT_FOUND_GRACE)
            if verify:
                try:
                    certificate.verify(request=request, now=self._wall_now())
                except VerificationError as error:
                    raise _with_arn(error, arn) from None
        except BaseException as error:
            _keep_arn(error, arn)
            raise
        return certificate

    @overload
    def issue_certificate(
        self,
        *,
        certificate_authority_arn: CertificateAuthorityArn | str,
        csr: Any,
        validity: Any,
        signing_algorithm: Any = ...,
        validity_not_before: Any = ...,
        template_arn: Any = ...,
        api_passthrough: Any = ...,
        idempotency_token: str | None = ...,
        wait: Literal[True] = ...,
        verify: bool = ...,
    ) -> IssuedCertificate: ...
    @overload
    def issue_certificate(
        self,
        *,
        certificate_authority_arn: CertificateAuthorityArn | str,
        csr: Any,
        validity: Any,
        signing_algorithm: Any = ...,
        validity_not_before: Any = ...,
        template_arn: Any = ...,
        api_passthrough: Any = ...,
        idempotency_token: str | None = ...,
        wait: Literal[False],
        verify: bool = ...,
    ) -> CertificateArn: ...
    @overload
    def issue_certificate(
        self,
        *,
        certificate_authority_arn: CertificateAuthorityArn | str,
        csr: Any,
        validity: Any,
        signing_algorithm: Any = ...,
        validity_not_before: Any = ...,
        template_arn: Any = ...,
        api_passthrough: Any = ...,
        idempotency_token: str | None = ...,
        wait: bool,
        verify: bool = ...,
    ) -> IssuedCertificate | CertificateArn: ...
    def issue_certificate(
        self,
        *,
        certificate_authority_arn: CertificateAuthorityArn | str,
        csr: Any,
        validity: Any,
        signing_algorithm: Any = None,
        validity_not_before: Any = None,
        template_arn: Any = None,
        api_passthrough: Any = None,
        idempotency_token: str | None = None,
        wait: bool = True,
        verify: bool = True,
    ) -> IssuedCertificate | CertificateArn:
        """Issue from the request's fields given as keywords (see :meth:`issue`).

        A left-out ``signing_algorithm`` is the CA's configured one, read from
        DescribeCertificateAuthority (cached), even with ``preflight=False``.

        Raises:
            InvalidRequestError: a field is invalid; every problem is listed.
        """
        from acmpca_issue._request import IssueCertificateRequest

        if signing_algorithm is None:
            arn = CertificateAuthorityArn.parse(certificate_authority_arn)
            signing_algorithm = self.describe(str(arn)).default_signing_algorithm()
        with using_clock(self._now):
            request = IssueCertificateRequest(
                certificate_authority_arn=certificate_authority_arn,
                csr=csr,
                signing_algorithm=signing_algorithm,
                validity=validity,
                validity_not_before=validity_not_before,
                template_arn=template_arn,
                api_passthrough=api_passthrough,
                idempotency_token=idempotency_token,
            )
        return self.issue(request, wait=wait, verify=verify)

    def get_certificate(
        self, certificate_arn: CertificateArn | str, *, verify: bool = True
    ) -> IssuedCertificate:
        """Fetch an issued certificate, waiting up to ``wait_timeout`` while it is in progress.

        Use it to resume after :class:`IssuanceTimeoutError` or ``issue(..., wait=False)``.

        Args:
            certificate_arn: the certificate's ARN (the CA's ARN is taken from it).
            verify: check the chain and that the ARN's serial is the certificate's.

        Raises:
            ServiceError: e.g. ``RequestFailedError`` when issuance failed; carries
                ``certificate_arn``.
            IssuanceTimeoutError: still in progress at the deadline.
            VerificationError: the chain or serial does not check out.
        """
        arn = CertificateArn.parse(certificate_arn)
        certificate = self._fetch(arn, not_found_until=None)
        if verify:
            try:
                certificate.verify()
            except VerificationError as error:
                raise _with_arn(error, arn) from None
        return certificate

    # The CA ---------------------------------------------------------------------------------

    def describe(self, certificate_authority_arn: CertificateAuthorityArn | str) -> CaInfo:
        """The CA's DescribeCertificateAuthority answer, reused for ``ca_cache_ttl`` seconds.

        Raises:
            ServiceError: e.g. ``ResourceNotFoundError``; an ``AccessDeniedError`` hints at
                ``preflight=False`` when the caller may not describe the CA.
        """
        key = str(CertificateAuthorityArn.parse(certificate_authority_arn))
        cached = self._cached(key)
        if cached is not None:
            return cached
        with self._lock:
            describing = self._describing.setdefault(key, threading.Lock())
        with describing:
            # Another thread may have described it while this one waited for the lock.
            cached = self._cached(key)
            if cached is not None:
                return cached
            now = self._clock()
            ca = self._describe(key)
            with self._lock:
                self._cache[key] = _Cached(now, ca)
            return ca

    def _cached(self, key: str) -> CaInfo | None:
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and self._clock() - cached.at < self.ca_cache_ttl:
            return cached.ca
        return None

    def _describe(self, key: str) -> CaInfo:
        params = {"CertificateAuthorityArn": key}
        try:
            response = self._call(
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
        return CaInfo.from_api(response)

    def _wall_now(self) -> datetime:
        """The wall clock as an aware UTC datetime."""
        return self._now().astimezone(timezone.utc)

    def forget(
        self, certificate_authority_arn: CertificateAuthorityArn | str | None = None
    ) -> None:
        """Drop the cached CA answer for one CA, or for every CA when given None."""
        with self._lock:
            if certificate_authority_arn is None:
                self._cache.clear()
            else:
                self._cache.pop(str(CertificateAuthorityArn.parse(certificate_authority_arn)), None)

    # Calls ----------------------------------------------------------------------------------

    def _call(self, operation: str, params: Mapping[str, Any], deadline: Deadline) -> Any:
        """One API call, retried on throttling, 5xx and dropped connections only."""
        from acmpca_issue._errors_botocore import (
            RefusalNotRetried,
            is_retryable_transport,
            translate,
            unretried_call,
        )

        method = getattr(self.client, _METHODS[operation])
        token = params.get("IdempotencyToken")
        attempt = 0
        unanswered = False  # an earlier attempt may have reached the service unanswered
        while True:
            attempt += 1
            try:
                with unretried_call():
                    return method(**params)
            except Exception as raised:
                error = raised.error if isinstance(raised, RefusalNotRetried) else raised
                mapped = translate(error, operation=operation)
                if mapped is None:
                    raise
                lost = isinstance(mapped, TransportError) and is_retryable_transport(error)
                retryable = lost or isinstance(mapped, _RETRYABLE_SERVICE)
                delay = self._backoff.delay(attempt)
                if not retryable or attempt >= self.max_attempts or deadline.remaining() < delay:
                    if unanswered and token and not isinstance(mapped, TransportError):
                        _note_token(mapped, str(token), "an earlier attempt went unanswered")
                    raise mapped from error
                unanswered = unanswered or lost
                logger.debug("%s attempt %d failed (%s); retrying", operation, attempt, mapped)
            self._sleep(delay)

    def _certificate_arn(self, response: Mapping[str, Any]) -> CertificateArn:
        text = response.get("CertificateArn")
        try:
            return CertificateArn.parse(text)
        except AcmPcaIssueError as error:
            # The text is not an ARN this library can hold, so it travels in the message.
            raise VerificationError(
                f"IssueCertificate returned an unreadable ARN {text!r}: {error}"
            ) from None

    def _fetch(self, arn: CertificateArn, *, not_found_until: float | None) -> IssuedCertificate:
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
                response = self.client.get_certificate(**params)
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
            self._sleep(deadline.clip(self._backoff.delay(attempt)))


_METHODS = {
    "IssueCertificate": "issue_certificate",
    "DescribeCertificateAuthority": "describe_certificate_authority",
    "GetCertificate": "get_certificate",
}
