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

The decisions are made in :mod:`acmpca_issue._issuer_core`, shared with the AsyncIssuer; this
class performs their steps with a blocking client. botocore is imported only when a client is
made or an error is translated.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from acmpca_issue._arn import CertificateArn, CertificateAuthorityArn
from acmpca_issue._issued import IssuedCertificate, Renewal
from acmpca_issue._issuer_core import (
    MAX_ATTEMPTS,
    NOT_FOUND_GRACE,
    CoreOptions,
    Describe,
    IssueFields,
    IssuerCore,
    Runner,
    Sleep,
    Step,
    Steps,
    client_region,
)
from acmpca_issue._preflight import CaInfo
from acmpca_issue._waiter import Backoff
from acmpca_issue.exceptions import TransportError

if TYPE_CHECKING:
    from typing import TypeAlias

    from botocore.client import BaseClient
    from cryptography import x509
    from mypy_boto3_acm_pca.client import ACMPCAClient
    from typing_extensions import Unpack

    from acmpca_issue._arn import TemplateArn
    from acmpca_issue._csr import CsrBundle
    from acmpca_issue._enums import RevocationReason, SigningAlgorithm
    from acmpca_issue._keys import PrivateKey
    from acmpca_issue._request import (
        CsrInput,
        IssueCertificateRequest,
        PassthroughInput,
        ValidityInput,
    )
    from acmpca_issue._validity import Validity

    # What Issuer(client) takes. Both names are only needed by a type checker: where
    # mypy-boto3-acm-pca (or botocore-stubs) is not installed, the missing import inside this
    # installed package is not reported and the type becomes Any, so users without the stubs
    # still type-check; with them, Issuer(12345) or an S3 client's wrong calls are caught.
    AcmPcaClient: TypeAlias = "ACMPCAClient | BaseClient"
else:
    AcmPcaClient = Any
    """A botocore or boto3 ``acm-pca`` client (``mypy_boto3_acm_pca.ACMPCAClient``)."""

__all__ = ["MAX_ATTEMPTS", "NOT_FOUND_GRACE", "AcmPcaClient", "Issuer", "IssuerOptions"]

_T = TypeVar("_T")


class IssuerOptions(CoreOptions, total=False):
    """The keyword options of :class:`Issuer`, for ``from_session`` and ``LocalPrivateCA.issuer``.

    A misspelt option (``wait_timeot=5``) is a type error, as it is for ``Issuer`` itself.
    """

    sleep: Callable[[float], object]


class Issuer(IssuerCore):
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
        super().__init__(
            preflight=preflight,
            wait_timeout=wait_timeout,
            ca_cache_ttl=ca_cache_ttl,
            max_attempts=max_attempts,
            clock=clock,
            backoff=backoff,
            now=now,
        )
        self.client = client
        self._client_region = client_region(client)
        self._sleep = sleep
        if hasattr(client, "meta"):  # a botocore client: botocore is loaded already
            from acmpca_issue._errors_botocore import never_retry_refusals

            never_retry_refusals(client)

    @classmethod
    def from_session(
        cls,
        region_name: str | None = None,
        profile_name: str | None = None,
        endpoint_url: str | None = None,
        **issuer_options: Unpack[IssuerOptions],
    ) -> Issuer:
        """An Issuer with a new botocore client, whose own retries are off.

        Args:
            region_name: the AWS Region (default: the profile's or ``AWS_DEFAULT_REGION``;
                where neither is set, each call goes to the region of its ARN).
            profile_name: the AWS profile (default: the default credential chain).
            endpoint_url: another endpoint, such as a local Private CA's ``endpoint_url``.
                A loopback endpoint needs no credentials: without a profile or
                ``AWS_ACCESS_KEY_ID``, placeholder keys are sent.
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
            InvalidRequestError: the preflight found the request would be refused, or the CA
                is in another region than the client's; nothing was sent to IssueCertificate.
            ServiceError: the service refused; a subclass per error code. Errors raised after
                the certificate was issued carry ``certificate_arn``.
            TransportError: no answer (after retries where that is safe).
            IssuanceTimeoutError: issued, but not ready within ``wait_timeout``.
            VerificationError: the certificate does not match the request or its chain.
        """
        return self._run(self._issue_steps(request, wait=wait, verify=verify))

    @overload
    def issue_certificate(
        self,
        *,
        certificate_authority_arn: CertificateAuthorityArn | str,
        csr: CsrInput,
        validity: ValidityInput,
        signing_algorithm: SigningAlgorithm | str | None = ...,
        validity_not_before: ValidityInput | None = ...,
        template_arn: TemplateArn | str | None = ...,
        api_passthrough: PassthroughInput | None = ...,
        idempotency_token: str | None = ...,
        wait: Literal[True] = ...,
        verify: bool = ...,
    ) -> IssuedCertificate: ...
    @overload
    def issue_certificate(
        self,
        *,
        certificate_authority_arn: CertificateAuthorityArn | str,
        csr: CsrInput,
        validity: ValidityInput,
        signing_algorithm: SigningAlgorithm | str | None = ...,
        validity_not_before: ValidityInput | None = ...,
        template_arn: TemplateArn | str | None = ...,
        api_passthrough: PassthroughInput | None = ...,
        idempotency_token: str | None = ...,
        wait: Literal[False],
        verify: bool = ...,
    ) -> CertificateArn: ...
    @overload
    def issue_certificate(
        self,
        *,
        certificate_authority_arn: CertificateAuthorityArn | str,
        csr: CsrInput,
        validity: ValidityInput,
        signing_algorithm: SigningAlgorithm | str | None = ...,
        validity_not_before: ValidityInput | None = ...,
        template_arn: TemplateArn | str | None = ...,
        api_passthrough: PassthroughInput | None = ...,
        idempotency_token: str | None = ...,
        wait: bool,
        verify: bool = ...,
    ) -> IssuedCertificate | CertificateArn: ...
    def issue_certificate(
        self,
        *,
        certificate_authority_arn: CertificateAuthorityArn | str,
        csr: CsrInput,
        validity: ValidityInput,
        signing_algorithm: SigningAlgorithm | str | None = None,
        validity_not_before: ValidityInput | None = None,
        template_arn: TemplateArn | str | None = None,
        api_passthrough: PassthroughInput | None = None,
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
        fields = IssueFields(
            certificate_authority_arn=certificate_authority_arn,
            csr=csr,
            signing_algorithm=signing_algorithm,
            validity=validity,
            validity_not_before=validity_not_before,
            template_arn=template_arn,
            api_passthrough=api_passthrough,
            idempotency_token=idempotency_token,
        )
        return self._run(self._issue_certificate_steps(fields, wait=wait, verify=verify))

    def get_certificate(
        self, certificate_arn: CertificateArn | str, *, verify: bool = True
    ) -> IssuedCertificate:
        """Fetch an issued certificate, waiting up to ``wait_timeout`` while it is in progress.

        Use it to resume after :class:`IssuanceTimeoutError` or ``issue(..., wait=False)``.

        Args:
            certificate_arn: the certificate's ARN (the CA's ARN is taken from it).
            verify: check the chain and that the ARN's serial is the certificate's.

        Raises:
            InvalidRequestError: the ARN is in another region than the client's (nothing sent).
            ServiceError: e.g. ``RequestFailedError`` when issuance failed; carries
                ``certificate_arn``.
            IssuanceTimeoutError: still in progress at the deadline.
            VerificationError: the chain or serial does not check out.
        """
        return self._run(self._get_certificate_steps(certificate_arn, verify=verify))

    # The rest of a certificate's life -------------------------------------------------------

    def revoke(
        self,
        certificate_or_arn: IssuedCertificate | CertificateArn | x509.Certificate | str,
        *,
        reason: RevocationReason | str,
        certificate_authority_arn: CertificateAuthorityArn | str | None = None,
    ) -> None:
        """Revoke a certificate (RevokeCertificate), with the serial in its colon-hex form.

        Args:
            certificate_or_arn: an :class:`IssuedCertificate` or a certificate ARN (each names
                its CA), or an ``x509.Certificate`` with ``certificate_authority_arn``.
            reason: a :class:`~acmpca_issue.RevocationReason` or its string.
            certificate_authority_arn: the CA that issued it; needed only for an
                ``x509.Certificate``, and otherwise checked against the certificate's.

        Raises:
            InvalidRequestError: the arguments do not name one certificate of one CA.
            RevocationNotConfiguredError: (with ``preflight``) the CA has neither a CRL nor
                OCSP; nothing was sent.
            AlreadyRevokedError: it was revoked before.
            NotIssuedByCaError: (with ``preflight``) the CA issued no such serial.
            ServiceError: e.g. ``InvalidRequestServiceError`` for a root CA's own certificate.
        """
        self._run(
            self._revoke_steps(
                certificate_or_arn,
                reason=reason,
                certificate_authority_arn=certificate_authority_arn,
            )
        )

    def renew(
        self,
        issued: IssuedCertificate,
        *,
        private_key: PrivateKey | CsrBundle | None = None,
        validity: Validity | None = None,
    ) -> Renewal:
        """Issue a certificate for the same subject, names, template and validity length.

        The key is new, of the same type as the old one, unless ``private_key`` is given (a
        key or a ``CsrBundle``). What is reused when ``issued`` was not issued by an Issuer is
        in docs/issuing.md ("Renewing").

        Args:
            issued: the certificate to renew.
            private_key: the key to certify instead of a new one (such as the old one).
            validity: instead of the old certificate's length.

        Returns:
            A :class:`Renewal`: ``.certificate`` (issued and verified) and ``.private_key``.

        Raises:
            InvalidRequestError: the key is not one Private CA signs, or as for :meth:`issue`.
            ServiceError, TransportError, IssuanceTimeoutError, VerificationError: as for
                :meth:`issue`.
        """
        return self._run(self._renew_steps(issued, private_key=private_key, validity=validity))

    # The CA ---------------------------------------------------------------------------------

    def describe(self, certificate_authority_arn: CertificateAuthorityArn | str) -> CaInfo:
        """The CA's DescribeCertificateAuthority answer, reused for ``ca_cache_ttl`` seconds.

        Raises:
            ServiceError: e.g. ``ResourceNotFoundError``; an ``AccessDeniedError`` hints at
                ``preflight=False`` when the caller may not describe the CA.
        """
        cached = self._cached(certificate_authority_arn)
        if cached is not None:
            return cached
        with self._describing_lock(str(certificate_authority_arn), threading.Lock):
            return self._run(self._describe_steps(str(certificate_authority_arn)))

    # Performing the steps ---------------------------------------------------------------------

    def _run(self, steps: Steps[_T]) -> _T:
        runner = Runner(steps)
        for step in runner:
            with runner.answering():
                runner.answer = self._perform(step)
        return runner.result

    def _perform(self, step: Step) -> Any:
        if isinstance(step, Sleep):
            return self._sleep(step.seconds)
        if isinstance(step, Describe):
            return self.describe(step.certificate_authority_arn)
        from acmpca_issue._errors_botocore import unretried_call

        with unretried_call():
            return getattr(self.client, step.method)(**step.params)
