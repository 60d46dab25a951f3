"""The AsyncIssuer against the local Private CA, in-process and over HTTP, with the same faults
as the Issuer's tests, cancellation, and many issuances on one event loop.

Each test runs its coroutine with ``asyncio.run``. As for the Issuer, no fault loses a
certificate (its ARN, or the idempotency token to resend, reaches the caller) or issues one twice.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest

from acmpca_issue import (
    AsyncIssuer,
    CertificateArn,
    IssueCertificateRequest,
    Validity,
    build_csr,
)
from acmpca_issue._errors_botocore import is_retryable_transport
from acmpca_issue._token import derive_idempotency_token
from acmpca_issue.exceptions import (
    InvalidRequestError,
    InvalidStateError,
    IssuanceTimeoutError,
    RequestFailedError,
    TransportError,
)
from acmpca_issue.local import LocalPrivateCA
from tests.issuer.issuer_support import FakeClock
from tests.issuer.test_issuer_local import (
    EPOCH,
    _any_ca,
    _DroppingProxy,
    _ResettingServer,
    issued_count,
)


@pytest.fixture(scope="module")
def bundle() -> Any:
    return build_csr("svc.internal", common_name="svc.internal")


class AsyncFakeClock(FakeClock):
    """The fake monotonic clock, with an awaitable sleep that lets other tasks run."""

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)


def wall(clock: FakeClock) -> Callable[[], datetime]:
    """``clock`` as a wall clock, seconds after EPOCH: the local CA's and the Issuer's time."""
    return lambda: EPOCH + timedelta(seconds=clock.now)


def faked(clock: FakeClock, **options: Any) -> LocalPrivateCA:
    """A local CA whose time is ``clock``'s, seconds after EPOCH."""
    return LocalPrivateCA(clock=wall(clock), **options)


@asynccontextmanager
async def in_process(pca: LocalPrivateCA, **options: Any) -> AsyncIterator[AsyncIssuer]:
    async with pca.async_client() as client, AsyncIssuer(client, **options) as issuer:
        yield issuer


def count_calls(issuer: AsyncIssuer, operation: str) -> list[str]:
    """Record each time ``operation`` is sent through ``issuer``'s client."""
    sent: list[str] = []
    event = "before-call.acm-pca" + ("" if operation == "*" else f".{operation}")
    issuer.client.meta.events.register(event, lambda **_: sent.append(operation))
    return sent


def test_in_process_end_to_end(bundle: Any) -> None:
    """Issue (waiting and not), fetch, and describe once per CA, all awaited."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()

    async def main() -> None:
        async with in_process(pca) as issuer:
            described = count_calls(issuer, "DescribeCertificateAuthority")
            issued = await issuer.issue_certificate(
                certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(90)
            )
            assert issued.arn.certificate_authority_arn == root
            assert issued.not_after - issued.not_before == timedelta(days=90, minutes=60)
            request = IssueCertificateRequest(
                certificate_authority_arn=root,
                csr=bundle.csr,
                signing_algorithm="SHA256WITHECDSA",
                validity=Validity.days(3),
            )
            arn = await issuer.issue(request, wait=False)
            assert isinstance(arn, CertificateArn)
            fetched = await issuer.get_certificate(arn)
            assert fetched.arn == arn
            assert (await issuer.describe(root)).status == "ACTIVE"
            assert described == ["DescribeCertificateAuthority"]  # cached after the first
        await issuer.close()  # closed by async with already: closing again is harmless

    before = issued_count(pca, root)
    asyncio.run(main())
    assert issued_count(pca, root) == before + 2


def test_region_mismatch_is_refused_before_sending(bundle: Any) -> None:
    """A client in eu-west-1 and a CA in us-east-1: InvalidRequestError, nothing sent."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()

    async def main() -> None:
        async with pca.async_client(region_name="eu-west-1") as client:
            issuer = AsyncIssuer(client)
            sent = count_calls(issuer, "*")
            with pytest.raises(InvalidRequestError, match="eu-west-1"):
                await issuer.issue_certificate(
                    certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
                )
            assert sent == []

    asyncio.run(main())


def test_over_http_with_from_session(bundle: Any) -> None:
    """from_session at pca.serve(): opened by async with, closed after it."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()

    async def main(url: str) -> AsyncIssuer:
        async with AsyncIssuer.from_session(region_name="us-east-1", endpoint_url=url) as issuer:
            issued = await issuer.issue_certificate(
                certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(90)
            )
            again = await issuer.get_certificate(issued.arn)
            assert again == issued
        return issuer

    with pca.serve() as server:
        issuer = asyncio.run(main(server.endpoint_url))
    with pytest.raises(RuntimeError, match="opened on first use"):
        _ = issuer.client


def test_from_session_opens_on_first_use_once(bundle: Any) -> None:
    """Without async with, the first calls open one client between them; close() closes it."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()

    async def main(url: str) -> None:
        issuer = AsyncIssuer.from_session(region_name="us-east-1", endpoint_url=url)
        await issuer.close()  # never opened: nothing to close
        described = await asyncio.gather(*(issuer.describe(root) for _ in range(3)))
        assert {ca.status for ca in described} == {"ACTIVE"}
        client = issuer.client
        await issuer.describe(root)
        assert issuer.client is client
        await issuer.close()

    with pca.serve() as server:
        asyncio.run(main(server.endpoint_url))


def test_from_session_errors_are_transport_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown profile at once; a missing region at first use: TransportError, no botocore."""
    with pytest.raises(TransportError, match="cannot make an acm-pca client"):
        AsyncIssuer.from_session(profile_name="no-such-profile")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)

    async def main() -> None:
        async with AsyncIssuer.from_session(endpoint_url="http://127.0.0.1:9"):
            pass

    with pytest.raises(TransportError, match="cannot make an acm-pca client"):
        asyncio.run(main())


def test_without_the_extra_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The name imports without aiobotocore; using it says which extra to install."""
    monkeypatch.setitem(sys.modules, "aiobotocore", None)
    with pytest.raises(ImportError, match=r"acmpca-issue\[async\]"):
        AsyncIssuer(None)
    with pytest.raises(ImportError, match=r"acmpca-issue\[async\]"):
        AsyncIssuer.from_session(region_name="us-east-1")


def test_import_does_not_import_aiobotocore() -> None:
    """acmpca_issue.AsyncIssuer resolves without loading aiobotocore or botocore."""
    code = (
        "import sys, acmpca_issue\nacmpca_issue.AsyncIssuer\n"
        "print('aiobotocore' in sys.modules, 'botocore' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False False"


class TestFaults:
    """The Issuer's fault scenarios (tests/issuer/test_issuer_local.py), awaited."""

    def test_throttling_burst(self, bundle: Any) -> None:
        """At 2 issues per second, a burst of 6 is throttled, retried, and issued 6 times."""
        clock = AsyncFakeClock(now=0.0)
        pca = faked(clock, rate_limits={"IssueCertificate": 2.0})
        root = pca.create_root_ca()

        async def main() -> set[CertificateArn]:
            async with in_process(
                pca, sleep=clock.async_sleep, clock=clock, now=wall(clock), preflight=False
            ) as issuer:
                issued = [
                    await issuer.issue_certificate(
                        certificate_authority_arn=root,
                        csr=bundle.csr,
                        signing_algorithm="SHA256WITHECDSA",
                        validity=Validity.days(n + 1),
                    )
                    for n in range(6)
                ]
            return {certificate.arn for certificate in issued}

        before = issued_count(pca, root)
        assert len(asyncio.run(main())) == 6
        assert issued_count(pca, root) == before + 6
        assert clock.sleeps  # some calls were throttled and waited

    def test_in_progress_outlasting_the_deadline(self, bundle: Any) -> None:
        """issue_delay 100 s, wait_timeout 3 s: timeout with the ARN, then resume."""
        clock = AsyncFakeClock(now=0.0)
        pca = faked(clock, issue_delay=100.0)
        root = pca.create_root_ca()

        async def main() -> None:
            async with in_process(
                pca, sleep=clock.async_sleep, clock=clock, now=wall(clock), wait_timeout=3.0
            ) as issuer:
                with pytest.raises(IssuanceTimeoutError) as caught:
                    await issuer.issue_certificate(
                        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(9)
                    )
                clock.now += 100
                arn = caught.value.certificate_arn
                assert arn is not None
                assert (await issuer.get_certificate(arn)).arn == arn

        before = issued_count(pca, root)
        asyncio.run(main())
        assert issued_count(pca, root) == before + 1

    def test_request_failed(self, bundle: Any) -> None:
        """A failed issuance is final, sent once, and its ARN is reported."""
        pca = LocalPrivateCA()
        root = pca.create_root_ca()
        pca.fail_next_issuance()

        async def main() -> None:
            async with in_process(pca) as issuer:
                sent = count_calls(issuer, "IssueCertificate")
                with pytest.raises(RequestFailedError) as caught:
                    await issuer.issue_certificate(
                        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
                    )
                arn = caught.value.certificate_arn
                assert arn is not None
                assert arn.certificate_authority_arn == root
                assert sent == ["IssueCertificate"]

        asyncio.run(main())

    def test_ca_disabled_between_preflight_and_issue(self, bundle: Any) -> None:
        """The preflight saw ACTIVE (cached); the CA is then disabled: nothing is issued."""
        pca = LocalPrivateCA()
        root = pca.create_root_ca()

        async def main() -> None:
            async with in_process(pca) as issuer:
                assert (await issuer.describe(root)).status == "ACTIVE"
                await issuer.client.update_certificate_authority(
                    CertificateAuthorityArn=str(root), Status="DISABLED"
                )
                with pytest.raises(InvalidStateError):
                    await issuer.issue_certificate(
                        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
                    )

        before = issued_count(pca, root)
        asyncio.run(main())
        assert issued_count(pca, root) == before

    def test_server_that_resets_every_connection(self, bundle: Any) -> None:
        """A server that resets: TransportError with the token after the bounded retries."""
        clock = AsyncFakeClock()

        async def main(url: str) -> TransportError:
            async with AsyncIssuer.from_session(
                endpoint_url=url,
                preflight=False,
                max_attempts=3,
                sleep=clock.async_sleep,
                clock=clock,
            ) as issuer:
                with pytest.raises(TransportError, match="idempotency token") as caught:
                    await issuer.issue_certificate(
                        certificate_authority_arn=_any_ca(),
                        csr=bundle.csr,
                        signing_algorithm="SHA256WITHECDSA",
                        validity=Validity.days(1),
                    )
            return caught.value

        with _ResettingServer() as server:
            error = asyncio.run(main(server.url))
        assert server.connections == 3
        assert error.idempotency_token is not None
        assert len(error.idempotency_token) == 36
        # aiohttp reports the reset as a failed connection (botocore's EndpointConnectionError)
        # where urllib3 reports a closed one; both are retried.
        assert error.__cause__ is not None
        assert is_retryable_transport(error.__cause__)
        assert len(clock.sleeps) == 2

    def test_reset_after_the_issue_was_processed(self, bundle: Any) -> None:
        """The first IssueCertificate answer is lost: the retry gets the same certificate."""
        pca = LocalPrivateCA()
        root = pca.create_root_ca()
        clock = AsyncFakeClock()

        async def main(url: str) -> CertificateArn:
            async with AsyncIssuer.from_session(
                endpoint_url=url, preflight=False, sleep=clock.async_sleep, clock=clock
            ) as issuer:
                issued = await issuer.issue_certificate(
                    certificate_authority_arn=root,
                    csr=bundle.csr,
                    signing_algorithm="SHA256WITHECDSA",
                    validity=Validity.days(1),
                )
            return issued.arn

        before = issued_count(pca, root)
        with pca.serve() as server, _DroppingProxy(server.port) as proxy:
            arn = asyncio.run(main(proxy.url))
        assert proxy.dropped == 1
        assert issued_count(pca, root) == before + 1
        assert arn.certificate_authority_arn == root


class TestCancellation:
    """A cancelled task leaves what it takes to recover on the CancelledError and in the log."""

    def test_cancelled_while_issue_certificate_is_in_flight(
        self, bundle: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The token to resend is on the error; resending it issues one certificate."""
        pca = LocalPrivateCA()
        root = pca.create_root_ca()
        request = IssueCertificateRequest(
            certificate_authority_arn=root,
            csr=bundle.csr,
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.days(1),
        )
        token = derive_idempotency_token(request.to_api())

        async def main() -> None:
            async with in_process(pca, preflight=False) as issuer:
                sent = asyncio.Event()

                async def hang(**_: Any) -> None:
                    sent.set()
                    await asyncio.Event().wait()  # the answer never comes

                handler: Any = hang  # aiobotocore awaits a coroutine handler
                issuer.client.meta.events.register_first(
                    "before-send.acm-pca.IssueCertificate", handler
                )
                task = asyncio.create_task(issuer.issue(request))
                await sent.wait()
                task.cancel()
                with pytest.raises(asyncio.CancelledError) as caught:
                    await task
                error: Any = caught.value
                assert error.idempotency_token == token
                assert any(token in note for note in error.__notes__)
                issuer.client.meta.events.unregister(
                    "before-send.acm-pca.IssueCertificate", handler
                )
                resent = await issuer.issue(request)
                assert resent.arn.certificate_authority_arn == root

        before = issued_count(pca, root)
        with caplog.at_level(logging.WARNING):
            asyncio.run(main())
        assert f"idempotency token {token}" in caplog.text
        assert issued_count(pca, root) == before + 1

    def test_cancelled_while_waiting_keeps_the_arn(
        self, bundle: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Cancelled while GetCertificate says in progress: the ARN is on the error, resumable."""
        clock = AsyncFakeClock(now=0.0)
        pca = faked(clock, issue_delay=100.0)
        root = pca.create_root_ca()
        polled = asyncio.Event()

        async def sleep(seconds: float) -> None:
            polled.set()
            await asyncio.Event().wait()  # cancelled here, in the waiter's pause

        async def main() -> CertificateArn:
            async with pca.async_client() as client:
                waiting = AsyncIssuer(client, sleep=sleep, clock=clock, now=wall(clock))
                task = asyncio.create_task(
                    waiting.issue_certificate(
                        certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(1)
                    )
                )
                await polled.wait()
                task.cancel()
                with pytest.raises(asyncio.CancelledError) as caught:
                    await task
                arn: CertificateArn = caught.value.certificate_arn  # type: ignore[attr-defined]
                clock.now += 100
                resumed = await AsyncIssuer(client, clock=clock, now=wall(clock)).get_certificate(
                    arn
                )
                assert resumed.arn == arn
                return arn

        before = issued_count(pca, root)
        with caplog.at_level(logging.WARNING):
            arn = asyncio.run(main())
        assert str(arn) in caplog.text
        assert issued_count(pca, root) == before + 1


def test_fifty_issuances_on_one_loop_while_a_ticker_ticks(bundle: Any) -> None:
    """50 concurrent issuances over HTTP; a 5 ms ticker keeps ticking throughout.

    A blocking Issuer called from a coroutine would stop the ticker for the whole batch; here
    the ticker keeps running while the issuances are in flight.
    """
    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    ticks: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.005)

    async def main(url: str) -> tuple[set[CertificateArn], float, float]:
        async with AsyncIssuer.from_session(region_name="us-east-1", endpoint_url=url) as issuer:
            await issuer.describe(root)
            stop = asyncio.Event()
            ticking = asyncio.create_task(ticker(stop))
            await asyncio.sleep(0)
            started = time.monotonic()
            issued = await asyncio.gather(
                *(
                    issuer.issue_certificate(
                        certificate_authority_arn=root,
                        csr=bundle.csr,
                        validity=Validity.days(n + 1),
                    )
                    for n in range(50)
                )
            )
            finished = time.monotonic()
            stop.set()
            await ticking
        return {certificate.arn for certificate in issued}, started, finished

    before = issued_count(pca, root)
    with pca.serve() as server:
        arns, started, finished = asyncio.run(main(server.endpoint_url))
    assert len(arns) == 50
    assert issued_count(pca, root) == before + 50
    # A blocking Issuer would run all 50 tasks back to back in one turn of the loop, so the
    # ticker could not tick between the start of the batch and its end. Counting ticks (not
    # measuring gaps) keeps the test independent of how loaded the machine is.
    during = [tick for tick in ticks if started < tick < finished]
    assert len(during) >= 5
