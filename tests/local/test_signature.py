"""require_signature: the local Private CA refuses unsigned requests as the service does.

By default any request is answered, signed or not (tests need no AWS set-up). With
``require_signature=True`` a request without a well-formed SigV4 ``Authorization`` header gets
the service framework's 400 error, on both transports, the standalone server and the CLI.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local.__main__ import main
from acmpca_issue.local._inprocess import make_client
from acmpca_issue.local._protocol import JSON_CONTENT_TYPE, handle_request, signature_problem

DATE = {"x-amz-date": "20261127T120000Z"}
SCOPE = "AKID/20261127/us-east-1/acm-pca/aws4_request"
GOOD = f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host;x-amz-date, Signature=abcd"
MISSING = ("MissingAuthenticationTokenException", "Request is missing Authentication Token")


def _answer(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"CertificateAuthorities": []}


class TestSignatureProblem:
    @pytest.mark.parametrize(
        ("headers", "expected"),
        [
            ({}, MISSING),
            ({"authorization": ""}, MISSING),
            ({"authorization": "Bearer token", **DATE}, MISSING),
            (
                {"authorization": f"AWS4-HMAC-SHA256 Credential={SCOPE}, Signature", **DATE},
                (
                    "IncompleteSignatureException",
                    "'Signature' not a valid key=value pair (missing equal-sign) in "
                    f"Authorization header: 'AWS4-HMAC-SHA256 Credential={SCOPE}, Signature'.",
                ),
            ),
            (
                {"authorization": "AWS4-HMAC-SHA256 Credential=" + SCOPE},
                (
                    "IncompleteSignatureException",
                    "Authorization header requires 'Signature' parameter. "
                    "Authorization header requires 'SignedHeaders' parameter. "
                    "Authorization header requires existence of either a 'X-Amz-Date' or a "
                    f"'Date' header. Authorization=AWS4-HMAC-SHA256 Credential={SCOPE}",
                ),
            ),
            (
                {"authorization": "AWS4-HMAC-SHA256 "},
                (
                    "IncompleteSignatureException",
                    "Authorization header requires 'Credential' parameter. "
                    "Authorization header requires 'Signature' parameter. "
                    "Authorization header requires 'SignedHeaders' parameter. "
                    "Authorization header requires existence of either a 'X-Amz-Date' or a "
                    "'Date' header. Authorization=AWS4-HMAC-SHA256",
                ),
            ),
            (
                {"authorization": GOOD.replace("SHA256", "SHA512"), **DATE},
                (
                    "IncompleteSignatureException",
                    "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' "
                    "(only AWS4-HMAC-SHA256 for now). ",
                ),
            ),
            (
                {"authorization": GOOD.replace(SCOPE, "AKID/20261127/acm-pca"), **DATE},
                (
                    "IncompleteSignatureException",
                    "Credential must have exactly 5 slash-delimited elements, e.g. "
                    "keyid/date/region/service/term, got 'AKID/20261127/acm-pca'",
                ),
            ),
            (
                {
                    "authorization": GOOD.replace("acm-pca/aws4_request", "acm/aws4_req"),
                    "date": "Fri, 27 Nov 2026 12:00:00 GMT",
                },
                (
                    "InvalidSignatureException",
                    "Credential should be scoped to correct service: 'acm-pca'. "
                    "Credential should be scoped with a valid terminator: 'aws4_request', "
                    "not 'aws4_req'.",
                ),
            ),
        ],
    )
    def test_refusals(self, headers: dict[str, str], expected: tuple[str, str]) -> None:
        """Each malformed Authorization gets the service framework's code and wording."""
        assert signature_problem(headers) == expected

    def test_well_formed_signature_passes(self) -> None:
        """Any credentials with a well-formed SigV4 header pass (trailing slash, empty part)."""
        assert signature_problem({"authorization": GOOD, **DATE}) is None
        loose = GOOD.replace("aws4_request", "aws4_request/") + ", "
        assert signature_problem({"authorization": loose, **DATE}) is None


def _call(headers: dict[str, str], *, require_signature: bool, target: str = "") -> Any:
    all_headers = {
        "X-Amz-Target": target or "ACMPrivateCA.ListCertificateAuthorities",
        "Content-Type": JSON_CONTENT_TYPE,
        **headers,
    }
    return handle_request(
        _answer,
        method="POST",
        path="/",
        headers=all_headers,
        body=b"{}",
        require_signature=require_signature,
    )


class TestProtocol:
    def test_unsigned_requests_are_answered_by_default(self) -> None:
        """Without the option nothing about the signature is checked."""
        assert _call({}, require_signature=False).status == 200
        assert _call({"Authorization": "junk"}, require_signature=False).status == 200

    def test_unsigned_request_is_refused(self) -> None:
        """With it, no Authorization is 400 MissingAuthenticationTokenException."""
        response = _call({}, require_signature=True)
        assert response.status == 400
        assert json.loads(response.body) == {
            "__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
            "message": "Request is missing Authentication Token",
        }
        assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"

    def test_signed_request_is_answered(self) -> None:
        """A well-formed signature with any key reaches the engine."""
        response = _call({"Authorization": GOOD, **DATE}, require_signature=True)
        assert (response.status, json.loads(response.body)) == (
            200,
            {"CertificateAuthorities": []},
        )

    def test_unknown_operation_comes_first(self) -> None:
        """As in AWS's framework, the operation is resolved before the signature is read."""
        response = _call({}, require_signature=True, target="ACMPrivateCA.Nope")
        assert json.loads(response.body)["__type"].endswith("#UnknownOperationException")


class TestInProcess:
    def test_botocore_signs_so_the_client_works(self) -> None:
        """pca.client() signs (with placeholder keys), so require_signature lets it through."""
        pca = LocalPrivateCA(require_signature=True)
        root = pca.create_root_ca()
        client = pca.client()
        try:
            listed = client.list_certificate_authorities()["CertificateAuthorities"]
        finally:
            client.close()
        assert [ca["Arn"] for ca in listed] == [str(root)]

    def test_unsigned_botocore_client_is_refused(self) -> None:
        """A client with signature_version=UNSIGNED gets the service's error class and status."""
        pca = LocalPrivateCA(require_signature=True)
        unsigned = Config(signature_version=botocore.UNSIGNED)
        client = make_client(pca.engine.handle, config=unsigned, require_signature=True)
        try:
            with pytest.raises(ClientError) as caught:
                client.list_certificate_authorities()
        finally:
            client.close()
        error = caught.value.response
        assert error["Error"] == {
            "Code": "MissingAuthenticationTokenException",
            "Message": "Request is missing Authentication Token",
        }
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400

    def test_unsigned_botocore_client_is_answered_by_default(self) -> None:
        """Without the option an unsigned client works, as before."""
        pca = LocalPrivateCA()
        unsigned = Config(signature_version=botocore.UNSIGNED)
        client = make_client(pca.engine.handle, config=unsigned)
        try:
            assert client.list_certificate_authorities()["CertificateAuthorities"] == []
        finally:
            client.close()


def test_async_client_signs_so_it_works() -> None:
    """pca.async_client() signs too, so require_signature lets it through."""
    pca = LocalPrivateCA(require_signature=True)
    root = pca.create_root_ca()

    async def main() -> list[str]:
        async with pca.async_client() as client:
            listed = await client.list_certificate_authorities()
        return [ca["Arn"] for ca in listed["CertificateAuthorities"]]

    assert asyncio.run(main()) == [str(root)]


def test_async_client_without_signature_is_refused() -> None:
    """The async client gets the option: with its signature removed it is refused."""
    pca = LocalPrivateCA(require_signature=True)

    def unsign(request: Any, **_: Any) -> None:
        del request.headers["Authorization"]

    async def main() -> str:
        async with pca.async_client() as client:
            client.meta.events.register_first("before-send.acm-pca", unsign)
            with pytest.raises(ClientError) as caught:
                await client.list_certificate_authorities()
        code: str = caught.value.response["Error"]["Code"]
        return code

    assert asyncio.run(main()) == "MissingAuthenticationTokenException"


def _raw_post(endpoint_url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST ListCertificateAuthorities with only the headers given (no signature)."""
    parts = urlsplit(endpoint_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request(
            "POST",
            "/",
            body=b"{}",
            headers={
                "X-Amz-Target": "ACMPrivateCA.ListCertificateAuthorities",
                "Content-Type": JSON_CONTENT_TYPE,
                **(headers or {}),
            },
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


class TestHttp:
    def test_raw_unsigned_request_is_refused(self, endpoint_client: Callable[..., Any]) -> None:
        """Over HTTP, an unsigned request is 400; a botocore client (signed) is answered."""
        pca = LocalPrivateCA(require_signature=True)
        with pca.serve() as server:
            status, body = _raw_post(server.endpoint_url)
            assert (status, body["__type"]) == (
                400,
                "com.amazon.coral.service#MissingAuthenticationTokenException",
            )
            status, body = _raw_post(server.endpoint_url, {"Authorization": GOOD, **DATE})
            assert (status, body) == (200, {"CertificateAuthorities": []})
            client = endpoint_client(server.endpoint_url)
            try:
                assert client.list_certificate_authorities()["CertificateAuthorities"] == []
            finally:
                client.close()

    def test_raw_unsigned_request_is_answered_by_default(self) -> None:
        """The default server answers unsigned requests."""
        with LocalPrivateCA().serve() as server:
            assert _raw_post(server.endpoint_url) == (200, {"CertificateAuthorities": []})


@pytest.fixture
def served(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[list[str]], str]]:
    """Run ``python -m acmpca_issue.local`` in a thread; yields a starter returning its URL."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start(argv: list[str]) -> str:
        thread = threading.Thread(target=main, args=(argv,), kwargs={"stop": stop})
        thread.start()
        threads.append(thread)
        for _ in range(500):
            out = capsys.readouterr().out
            if out:
                return out.splitlines()[0]
            threading.Event().wait(0.01)
        raise AssertionError("the server printed no URL")  # pragma: no cover

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=10)


def test_standalone_server_option(served: Callable[[list[str]], str]) -> None:
    """python -m acmpca_issue.local --require-signature refuses unsigned requests."""
    url = served(["--port", "0", "--require-signature"])
    assert _raw_post(url)[0] == 400


def test_cli_local_ca_serve_option(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """acmpca-issue local-ca serve --require-signature refuses unsigned requests."""
    from acmpca_issue._cli import _commands
    from acmpca_issue._cli import main as cli_main

    seen: dict[str, Any] = {}

    def probe_then_stop() -> None:
        url = json.loads(capsys.readouterr().out)["EndpointUrl"]
        seen["unsigned"] = _raw_post(url)
        seen["signed"] = _raw_post(url, {"Authorization": GOOD, **DATE})

    monkeypatch.setattr(_commands, "_block", probe_then_stop)
    assert cli_main(["local-ca", "serve", "--require-signature"]) == 0
    assert seen["unsigned"][0] == 400
    assert seen["unsigned"][1]["message"] == "Request is missing Authentication Token"
    assert seen["signed"] == (200, {"CertificateAuthorities": []})
