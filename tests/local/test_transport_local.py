"""The two transports with a toy dispatch: in-process botocore client and the HTTP server."""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config
from botocore.exceptions import ClientError

from acmpca_issue.local import _http, _inprocess
from acmpca_issue.local._http import LocalServer, serve
from acmpca_issue.local._inprocess import make_client
from acmpca_issue.local._protocol import JSON_CONTENT_TYPE, LocalServiceError, current_region

CA_ARN = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)
CERT_ARN = CA_ARN + "/certificate/0a1b2c"


class Toy:
    """A toy dispatch: IssueCertificate answers an ARN; other operations as configured."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        self.errors: dict[str, list[Exception]] = {}

    def __call__(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((operation, params, current_region()))
        pending = self.errors.get(operation)
        if pending:
            raise pending.pop(0)
        if operation == "IssueCertificate":
            return {"CertificateArn": CERT_ARN}
        if operation == "GetCertificate":
            return {"Certificate": "PEM", "CertificateChain": "CHAIN"}
        return {}


def issue(client: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.issue_certificate(
        CertificateAuthorityArn=CA_ARN,
        Csr=b"csr bytes",
        SigningAlgorithm="SHA256WITHECDSA",
        Validity={"Value": 30, "Type": "DAYS"},
    )
    return result


@pytest.fixture
def toy() -> Toy:
    return Toy()


@pytest.fixture
def server(toy: Toy) -> Iterator[LocalServer]:
    with serve(toy) as running:
        yield running


@pytest.fixture(params=["inprocess", "http"])
def client(request: pytest.FixtureRequest, toy: Toy) -> Iterator[Any]:
    """A botocore client reaching the toy either in-process or over HTTP."""
    if request.param == "inprocess":
        made = make_client(toy, region_name="eu-west-1")
        yield made
        made.close()
        return
    with serve(toy) as running:
        session = botocore.session.Session()
        session.set_credentials("local", "local")
        made = session.create_client(
            "acm-pca",
            region_name="eu-west-1",
            endpoint_url=running.endpoint_url,
            config=Config(retries={"total_max_attempts": 1}),
        )
        yield made
        made.close()


class TestBothTransports:
    def test_success_round_trip(self, client: Any, toy: Toy) -> None:
        """botocore serializes, the toy answers, botocore parses the answer."""
        result = issue(client)
        assert result["CertificateArn"] == CERT_ARN
        assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert len(result["ResponseMetadata"]["RequestId"]) == 36
        operation, params, region = toy.calls[0]
        assert (operation, params["Csr"], region) == ("IssueCertificate", b"csr bytes", "eu-west-1")

    def test_service_error_is_the_modeled_exception(self, client: Any, toy: Toy) -> None:
        """A LocalServiceError comes out as botocore's modeled exception class."""
        toy.errors["GetCertificate"] = [LocalServiceError("RequestInProgressException", "wait")]
        with pytest.raises(client.exceptions.RequestInProgressException) as caught:
            client.get_certificate(CertificateAuthorityArn=CA_ARN, CertificateArn=CERT_ARN)
        assert caught.value.response["Error"] == {
            "Code": "RequestInProgressException",
            "Message": "wait",
        }

    def test_validation_error_code(self, client: Any) -> None:
        """Server-side constraints botocore skips come back as ValidationException."""
        with pytest.raises(ClientError) as caught:
            client.issue_certificate(
                CertificateAuthorityArn=CA_ARN,
                Csr=b"x",
                SigningAlgorithm="SHA1WITHRSA",
                Validity={"Value": 30, "Type": "DAYS"},
            )
        error = caught.value.response["Error"]
        assert error["Code"] == "ValidationException"
        assert "Value 'SHA1WITHRSA' at 'signingAlgorithm'" in error["Message"]

    def test_throttling_is_not_retried(self, client: Any, toy: Toy) -> None:
        """ThrottlingException reaches the caller after one attempt, without sleeping."""
        toy.errors["IssueCertificate"] = [LocalServiceError("ThrottlingException", "Rate exceeded")]
        with pytest.raises(ClientError) as caught:
            issue(client)
        assert caught.value.response["Error"]["Code"] == "ThrottlingException"
        assert len(toy.calls) == 1

    def test_internal_failure(self, client: Any, toy: Toy) -> None:
        """A bug in dispatch is a 500 InternalFailure."""
        toy.errors["IssueCertificate"] = [RuntimeError("boom")]
        with pytest.raises(ClientError) as caught:
            issue(client)
        assert caught.value.response["Error"]["Code"] == "InternalFailure"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500

    def test_waiter(self, client: Any, toy: Toy) -> None:
        """The certificate_issued waiter retries RequestInProgress and stops on success."""
        toy.errors["GetCertificate"] = [LocalServiceError("RequestInProgressException", "wait")]
        waiter = client.get_waiter("certificate_issued")
        waiter.wait(
            CertificateAuthorityArn=CA_ARN,
            CertificateArn=CERT_ARN,
            WaiterConfig={"Delay": 0, "MaxAttempts": 3},
        )
        assert [operation for operation, _, _ in toy.calls] == ["GetCertificate"] * 2


class TestInProcess:
    def test_no_credentials_needed(self, monkeypatch: pytest.MonkeyPatch, toy: Toy) -> None:
        """The client carries its own static credentials; none are looked up."""
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
            monkeypatch.delenv(name, raising=False)
        client = make_client(toy)
        assert issue(client)["CertificateArn"] == CERT_ARN
        assert toy.calls[0][2] == "us-east-1"
        assert client.meta.endpoint_url == _inprocess.ENDPOINT_URL
        model = client.meta.service_model
        assert getattr(model, "resolved_protocol", model.protocol) == "json"
        client.close()

    def test_each_client_has_its_own_session(self, toy: Toy) -> None:
        """Two clients never share handlers: each answers from its own dispatch."""
        other = Toy()
        first, second = make_client(toy), make_client(other)
        issue(first)
        assert (len(toy.calls), len(other.calls)) == (1, 0)
        first.close()
        second.close()

    def test_retries_when_asked(self, monkeypatch: pytest.MonkeyPatch, toy: Toy) -> None:
        """A config asking for retries gets botocore's retry handling."""
        monkeypatch.setattr("time.sleep", lambda _: None)
        toy.errors["IssueCertificate"] = [LocalServiceError("ThrottlingException", "slow down")]
        client = make_client(toy, config=Config(retries={"total_max_attempts": 3}))
        assert issue(client)["CertificateArn"] == CERT_ARN
        assert len(toy.calls) == 2
        client.close()

    @pytest.mark.parametrize("body", [None, "{}", b"{}", bytearray(b"{}"), io.BytesIO(b"{}")])
    def test_any_body_type(self, toy: Toy, body: Any) -> None:
        """The handler reads str, bytes and stream bodies (and none)."""
        headers: Any = {"X-Amz-Target": b"ACMPrivateCA.ListCertificateAuthorities"}
        request = AWSPreparedRequest(
            method="POST",
            url=_inprocess.ENDPOINT_URL + "/",
            headers=headers,
            body=body,
            stream_output=False,
        )
        response = _inprocess._answer(toy, request)
        assert response.status_code == 200
        assert json.loads(response.content) == {}
        assert response.headers["content-type"] == JSON_CONTENT_TYPE


def raw(
    server: LocalServer, method: str, path: str = "/", body: bytes = b"", **headers: str
) -> Any:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data
    finally:
        connection.close()


class TestHttp:
    def test_raw_post(self, server: LocalServer, toy: Toy) -> None:
        """A hand-made awsJson1_1 request gets the JSON answer and protocol headers."""
        body = json.dumps({"CertificateAuthorityArn": CA_ARN, "CertificateArn": CERT_ARN})
        status, headers, data = raw(
            server,
            "POST",
            "/?ignored=1",
            body.encode(),
            **{"X-Amz-Target": "ACMPrivateCA.GetCertificate", "Content-Type": JSON_CONTENT_TYPE},
        )
        assert status == 200
        assert headers["Content-Type"] == JSON_CONTENT_TYPE
        assert len(headers["x-amzn-RequestId"]) == 36
        assert headers["Server"] == "acmpca-issue-local"
        assert json.loads(data) == {"Certificate": "PEM", "CertificateChain": "CHAIN"}
        assert toy.calls[0][2] == "us-east-1"

    @pytest.mark.parametrize(
        ("method", "path", "status", "code"),
        [
            ("GET", "/", 405, "MethodNotAllowedException"),
            ("PUT", "/", 405, "MethodNotAllowedException"),
            ("DELETE", "/", 405, "MethodNotAllowedException"),
            ("PATCH", "/", 405, "MethodNotAllowedException"),
            ("OPTIONS", "/", 405, "MethodNotAllowedException"),
            ("POST", "/other", 404, "NotFoundException"),
            ("POST", "/", 400, "UnknownOperationException"),
        ],
    )
    def test_json_errors(
        self, server: LocalServer, method: str, path: str, status: int, code: str
    ) -> None:
        """Wrong methods, paths and targets get JSON errors, never HTML."""
        got_status, headers, data = raw(server, method, path)
        assert got_status == status
        assert headers["Content-Type"] == JSON_CONTENT_TYPE
        assert json.loads(data)["__type"].rpartition("#")[2] == code

    def test_head_has_no_body(self, server: LocalServer) -> None:
        """HEAD gets the status and headers only."""
        status, headers, data = raw(server, "HEAD")
        assert (status, data) == (405, b"")
        assert int(headers["Content-Length"]) > 0

    @pytest.mark.parametrize(
        ("headers", "status", "code"),
        [
            ({"Content-Length": "abc"}, 400, "com.amazon.coral.service#SerializationException"),
            ({"Content-Length": "-5"}, 400, "com.amazon.coral.service#SerializationException"),
            (
                {"Content-Length": str(_http.MAX_BODY_BYTES + 1)},
                413,
                "RequestEntityTooLargeException",
            ),
            ({"Transfer-Encoding": "chunked"}, 411, "LengthRequiredException"),
        ],
    )
    def test_bad_lengths(
        self, server: LocalServer, headers: dict[str, str], status: int, code: str
    ) -> None:
        """The body length must be given and sane."""
        request = "POST / HTTP/1.1\r\nHost: x\r\n" + "".join(
            f"{key}: {value}\r\n" for key, value in headers.items()
        )
        got_status, data = _socket_request(server, request.encode() + b"\r\n")
        assert got_status == status
        assert json.loads(data)["__type"] == code

    def test_malformed_request_line_is_json(self, server: LocalServer) -> None:
        """Even a request the HTTP parser refuses gets a JSON error."""
        status, data = _socket_request(server, b"NONSENSE\r\n\r\n")
        assert status == 400
        assert json.loads(data)["__type"] == "BadRequestException"

    @pytest.mark.parametrize(
        ("payload", "status"),
        [
            (b"POST / HTTP/2.0\r\n\r\n", 505),
            (b"POST / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        ],
    )
    def test_refused_http_is_json(self, server: LocalServer, payload: bytes, status: int) -> None:
        """A request the HTTP layer refuses is answered with a status line and a JSON body."""
        got_status, data = _socket_request(server, payload)
        assert got_status == status
        assert json.loads(data)["__type"] == "BadRequestException"

    def test_server_failure_is_internal_failure(
        self, server: LocalServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An exception in the server itself is a logged 500 InternalFailure JSON body."""

        def broken(*_: Any, **__: Any) -> Any:
            raise RuntimeError("server bug")

        monkeypatch.setattr(_http, "handle_request", broken)
        status, _, data = raw(server, "POST")
        assert status == 500
        assert json.loads(data) == {
            "__type": "com.amazon.coral.service#InternalFailure",
            "message": "An internal error occurred.",
        }
        assert "server bug" in caplog.text

    def test_connection_errors_are_logged_quietly(
        self, server: LocalServer, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A client hanging up is a debug log line, not a traceback on stderr."""
        caplog.set_level("DEBUG", logger=_http.__name__)
        server._server.handle_error(None, ("127.0.0.1", 1))
        assert "connection error from" in caplog.text

    def test_close_is_idempotent_and_releases_the_port(self, toy: Toy) -> None:
        """close() stops the thread and frees the socket; a second close() is a no-op."""
        running = serve(toy)
        assert repr(running) == f"<LocalServer {running.endpoint_url} running>"
        assert running.endpoint_url == f"http://127.0.0.1:{running.port}"
        running.close()
        running.close()
        assert running.closed
        assert repr(running).endswith("closed>")
        assert not running._thread.is_alive()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", running.port))

    def test_idle_client_does_not_hold_close(self, toy: Toy) -> None:
        """A client that connects and says nothing does not keep close() waiting."""
        running = serve(toy)
        idle = socket.create_connection((running.host, running.port), timeout=5)
        try:
            status, _, _ = raw(running, "GET")  # the idle connection has been accepted
            assert status == 405
            closer = threading.Thread(target=running.close)
            closer.start()
            closer.join(timeout=10)
            assert not closer.is_alive()
            assert idle.recv(1) == b""
        finally:
            idle.close()

    def test_ipv6_loopback(self, toy: Toy) -> None:
        """An IPv6 host is bound with AF_INET6 and bracketed in the URL."""
        with serve(toy, host="::1") as running:
            assert running.endpoint_url == f"http://[::1]:{running.port}"
            status, _, _ = raw(running, "GET")
            assert status == 405


def _socket_request(server: LocalServer, payload: bytes) -> tuple[int, bytes]:
    with socket.create_connection((server.host, server.port), timeout=5) as connection:
        connection.sendall(payload)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split()[1]), body
