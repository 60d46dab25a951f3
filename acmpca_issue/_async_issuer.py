"""The AsyncIssuer: the Issuer for asyncio, on aiobotocore (the ``acmpca-issue[async]`` extra).

Example::

    from acmpca_issue import AsyncIssuer, Validity, build_csr

    async with AsyncIssuer.from_session(region_name="us-east-1") as issuer:
        issued = await issuer.issue_certificate(
            certificate_authority_arn=ca_arn, csr=build_csr("svc.internal").csr,
            validity=Validity.days(90),
        )

It makes the same decisions as :class:`~acmpca_issue.Issuer`, from the same code
(:mod:`acmpca_issue._issuer_core`): preflight, idempotency tokens, retries, the waiter's
deadline, the error family, and the ARN or idempotency token on every error raised after
IssueCertificate was sent, ``asyncio.CancelledError`` included. Only the steps are performed
differently: an awaited aiobotocore call and ``asyncio.sleep``, so the event loop keeps running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from typing_extensions import Self, Unpack

from acmpca_issue import _issuer_core as core
from acmpca_issue._arn import CertificateArn, CertificateAuthorityArn
from acmpca_issue._issued import IssuedCertificate, Renewal
from acmpca_issue._preflight import CaInfo
from acmpca_issue.exceptions import TransportError

if TYPE_CHECKING:
    from cryptography import x509

    # Spelled so that a type checker without types-aiobotocore-acm-pca takes it as Any.
    from types_aiobotocore_acm_pca import (  # type: ignore[import-not-found, unused-ignore]
        ACMPCAClient,
    )

    from acmpca_issue._csr import CsrBundle
    from acmpca_issue._enums import RevocationReason
    from acmpca_issue._keys import PrivateKey
    from acmpca_issue._request import IssueCertificateRequest
    from acmpca_issue._validity import Validity

__all__ = ["AsyncIssuer"]

_T = TypeVar("_T")


def _require_aiobotocore() -> None:
    """The extra is installed, or an ImportError that says how to install it."""
    try:
        import aiobotocore  # noqa: F401
    except ImportError as error:
        raise ImportError(
            "AsyncIssuer needs aiobotocore: install the extra, pip install 'acmpca-issue[async]'"
        ) from error


class AsyncIssuer(core.IssuerCore):
    """Issues certificates from AWS Private CA through an aiobotocore client, awaited.

    Args:
        client: an aiobotocore ``acm-pca`` client (:meth:`from_session` makes one). As with
            :class:`~acmpca_issue.Issuer`, its own resending of quota and bad-input refusals
            is turned off during the AsyncIssuer's calls. ``async with`` (or :meth:`close`)
            closes it.
        sleep: how to pause (``asyncio.sleep``); tests pass a fake.
        preflight, wait_timeout, ca_cache_ttl, max_attempts, clock, now, backoff: as for
            :class:`~acmpca_issue.Issuer`.
    """

    def __init__(
        self,
        client: ACMPCAClient | None,
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        **options: Unpack[core.CoreOptions],
    ) -> None:
        _require_aiobotocore()
        super().__init__(**options)
        self._client = client
        self._sleep = sleep
        self._opening: Any = None  # from_session's client, opened on first use
        self._open_lock = asyncio.Lock()
        if client is not None:
            self._adopt(client)

    @classmethod
    def from_session(
        cls,
        region_name: str | None = None,
        profile_name: str | None = None,
        endpoint_url: str | None = None,
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        **options: Unpack[core.CoreOptions],
    ) -> AsyncIssuer:
        """An AsyncIssuer with a new aiobotocore client, whose own retries are off.

        The client is opened on first use (or by ``async with``) and closed by ``async with``
        or :meth:`close`. The arguments are :meth:`Issuer.from_session`'s.

        Raises:
            TransportError: the profile cannot be resolved (a region that cannot be is
                raised at first use).
        """
        _require_aiobotocore()
        import botocore.exceptions

        from acmpca_issue._session import make_async_client

        try:
            opening = make_async_client(
                region_name=region_name, profile_name=profile_name, endpoint_url=endpoint_url
            )
        except botocore.exceptions.BotoCoreError as error:
            raise TransportError(f"cannot make an acm-pca client: {error}") from error
        issuer = cls(None, sleep=sleep, **options)
        issuer._opening = opening
        return issuer

    @property
    def client(self) -> ACMPCAClient:
        """The aiobotocore client (from :meth:`from_session`: once opened)."""
        if self._client is None:
            raise RuntimeError("the AsyncIssuer's client is opened on first use or async with")
        return self._client

    def _adopt(self, client: ACMPCAClient) -> None:
        from acmpca_issue._errors_botocore import never_retry_refusals

        never_retry_refusals(client)
        self._client_region = core.client_region(client)

    async def _open(self) -> ACMPCAClient:
        """The client, opening from_session's on first use (once, whoever asks first)."""
        async with self._open_lock:
            if self._client is None:
                import botocore.exceptions

                try:
                    client: ACMPCAClient = await self._opening.__aenter__()
                except botocore.exceptions.BotoCoreError as error:
                    raise TransportError(f"cannot make an acm-pca client: {error}") from error
                self._adopt(client)
                self._client = client
            return self._client

    async def __aenter__(self) -> Self:
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the client (a from_session client that was never opened has nothing to)."""
        client, self._client = self._client, None
        if self._opening is not None:
            if client is not None:
                await self._opening.__aexit__(None, None, None)
        elif client is not None:
            await client.close()

    # Issuing --------------------------------------------------------------------------------

    @overload
    async def issue(
        self, request: IssueCertificateRequest, *, wait: Literal[True] = ..., verify: bool = ...
    ) -> IssuedCertificate: ...
    @overload
    async def issue(
        self, request: IssueCertificateRequest, *, wait: Literal[False], verify: bool = ...
    ) -> CertificateArn: ...
    @overload
    async def issue(
        self, request: IssueCertificateRequest, *, wait: bool, verify: bool = ...
    ) -> IssuedCertificate | CertificateArn: ...
    async def issue(
        self, request: IssueCertificateRequest, *, wait: bool = True, verify: bool = True
    ) -> IssuedCertificate | CertificateArn:
        """:meth:`Issuer.issue`, awaited.

        Cancelled after IssueCertificate was sent, the ``CancelledError`` carries the
        ``idempotency_token`` to send the same request with (or, once the ARN is known, the
        ``certificate_arn`` to resume with :meth:`get_certificate`), in a note and in the log.
        """
        return await self._run(self._issue_steps(request, wait=wait, verify=verify))

    @overload
    async def issue_certificate(
        self, *, wait: Literal[True] = ..., verify: bool = ..., **fields: Unpack[core.IssueFields]
    ) -> IssuedCertificate: ...
    @overload
    async def issue_certificate(
        self, *, wait: Literal[False], verify: bool = ..., **fields: Unpack[core.IssueFields]
    ) -> CertificateArn: ...
    @overload
    async def issue_certificate(
        self, *, wait: bool, verify: bool = ..., **fields: Unpack[core.IssueFields]
    ) -> IssuedCertificate | CertificateArn: ...
    async def issue_certificate(
        self, *, wait: bool = True, verify: bool = True, **fields: Unpack[core.IssueFields]
    ) -> IssuedCertificate | CertificateArn:
        """:meth:`Issuer.issue_certificate`, awaited: the request's fields as keywords."""
        return await self._run(self._issue_certificate_steps(fields, wait=wait, verify=verify))

    async def get_certificate(
        self, certificate_arn: CertificateArn | str, *, verify: bool = True
    ) -> IssuedCertificate:
        """:meth:`Issuer.get_certificate`, awaited."""
        return await self._run(self._get_certificate_steps(certificate_arn, verify=verify))

    async def revoke(
        self,
        certificate_or_arn: IssuedCertificate | CertificateArn | x509.Certificate | str,
        *,
        reason: RevocationReason | str,
        certificate_authority_arn: CertificateAuthorityArn | str | None = None,
    ) -> None:
        """:meth:`Issuer.revoke`, awaited."""
        steps = self._revoke_steps(
            certificate_or_arn, reason=reason, certificate_authority_arn=certificate_authority_arn
        )
        await self._run(steps)

    async def renew(
        self,
        issued: IssuedCertificate,
        *,
        private_key: PrivateKey | CsrBundle | None = None,
        validity: Validity | None = None,
    ) -> Renewal:
        """:meth:`Issuer.renew`, awaited (a new RSA key is made on the event loop's thread)."""
        return await self._run(
            self._renew_steps(issued, private_key=private_key, validity=validity)
        )

    async def describe(self, certificate_authority_arn: CertificateAuthorityArn | str) -> CaInfo:
        """:meth:`Issuer.describe`, awaited; tasks missing the cache together describe once."""
        cached = self._cached(certificate_authority_arn)
        if cached is not None:
            return cached
        async with self._describing_lock(str(certificate_authority_arn), asyncio.Lock):
            return await self._run(self._describe_steps(str(certificate_authority_arn)))

    # Performing the steps ---------------------------------------------------------------------

    async def _run(self, steps: core.Steps[_T]) -> _T:
        runner = core.Runner(steps)
        for step in runner:
            with runner.answering():
                runner.answer = await self._perform(step)
        return runner.result

    async def _perform(self, step: core.Step) -> Any:
        if isinstance(step, core.Sleep):
            return await self._sleep(step.seconds)
        if isinstance(step, core.Describe):
            return await self.describe(step.certificate_authority_arn)
        from acmpca_issue._errors_botocore import unretried_call

        client = await self._open()
        with unretried_call():
            return await getattr(client, step.method)(**step.params)
