"""The local Private CA over HTTP: the real awsJson1_1 protocol for any AWS SDK or the AWS CLI.

A small threaded HTTP server, bound to loopback by default, passes every request to the shared
protocol layer (:func:`~acmpca_issue.local._protocol.handle_request`) and writes its answer::

    with serve(dispatch, port=0) as server:
        client = session.create_client("acm-pca", endpoint_url=server.endpoint_url)
        # or: aws --endpoint-url "$URL" acm-pca describe-certificate-authority ...

Every answer, including a malformed HTTP request or a failure in the server itself, is a JSON
error body; the server never sends an HTML page. Each connection carries one request.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import socket
import threading
import uuid
from types import TracebackType
from typing import Any

from acmpca_issue.local._protocol import (
    JSON_CONTENT_TYPE,
    Dispatch,
    WireResponse,
    error_type,
    handle_request,
)

__all__ = ["MAX_BODY_BYTES", "PLACEHOLDER_KEY", "LocalServer", "serve"]

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024
"""Requests with a larger body are refused (413); the largest model blob is 2 MiB of base64."""


def _json_error(status: int, code: str, message: str) -> WireResponse:
    body = json.dumps({"__type": error_type(code), "message": message}).encode("ascii")
    return WireResponse(
        status=status,
        headers={
            "x-amzn-RequestId": str(uuid.uuid4()),
            "x-amzn-ErrorType": code,
            "Content-Type": JSON_CONTENT_TYPE,
            "Content-Length": str(len(body)),
        },
        body=body,
    )


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    server_version = "acmpca-issue-local"
    timeout = 60  # seconds a client may stay silent on an open connection
    sys_version = ""

    def version_string(self) -> str:
        """The ``Server`` header."""
        return self.server_version

    def _answer(self) -> None:
        try:
            response = self._response()
        except Exception:
            logger.exception("internal failure in the local Private CA HTTP server")
            response = _json_error(500, "InternalFailure", "An internal error occurred.")
        self._write(response)

    def _response(self) -> WireResponse:
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            if self.headers.get("Transfer-Encoding"):
                return _json_error(411, "LengthRequiredException", "Content-Length is required.")
            length = 0
        else:
            try:
                length = int(length_text)
            except ValueError:
                length = -1
            if length < 0:
                return _json_error(
                    400, "SerializationException", f"Invalid Content-Length {length_text!r}."
                )
        if length > MAX_BODY_BYTES:
            return _json_error(
                413,
                "RequestEntityTooLargeException",
                f"The request body is larger than {MAX_BODY_BYTES} bytes.",
            )
        body = self.rfile.read(length) if length else b""
        return handle_request(
            self.server.dispatch,
            method=self.command,
            path=self.path.split("?", 1)[0],
            headers=dict(self.headers.items()),
            body=body,
            require_signature=self.server.require_signature,
        )

    def _write(self, response: WireResponse) -> None:
        self.close_connection = True
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_POST = _answer
    do_GET = _answer
    do_PUT = _answer
    do_DELETE = _answer
    do_PATCH = _answer
    do_HEAD = _answer
    do_OPTIONS = _answer

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a malformed HTTP request with a JSON error instead of an HTML page."""
        if self.request_version == "HTTP/0.9":  # unparsable request line: still send a status
            self.request_version = "HTTP/1.0"
        self._write(_json_error(code, "BadRequestException", message or explain or "Bad request."))

    def log_message(self, format: str, *args: Any) -> None:
        """Log at debug level instead of writing to stderr."""
        logger.debug("%s - " + format, self.address_string(), *args)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(
        self, address: tuple[str, int], dispatch: Dispatch, *, require_signature: bool = False
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.dispatch = dispatch
        self.require_signature = require_signature
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Track the connection so :meth:`stop_reading` can wake an idle handler."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection, then close it."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def stop_reading(self) -> None:
        """End reading on every open connection: an idle client cannot hold ``close()`` up,
        while a handler that has read its request still writes its answer."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RD)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a connection-level failure (e.g. the client hung up) at debug level."""
        logger.debug("connection error from %s", client_address, exc_info=True)


#: The access key and secret in :attr:`LocalServer.environment`: the local Private CA checks
#: no signature, so any value works; these only satisfy the SDKs' search for credentials.
PLACEHOLDER_KEY = "local"


class LocalServer:
    """A running local Private CA HTTP server; close it (or use ``with``) when done.

    Attributes:
        endpoint_url: ``http://host:port``, for ``endpoint_url=`` or ``--endpoint-url``.
        host: The address the server is bound to.
        port: The bound TCP port (the chosen one when started with ``port=0``).
        region: The region :attr:`environment` names (the server answers for every region).
    """

    def __init__(self, server: _Server, *, region: str = "us-east-1") -> None:
        self._server = server
        self.region = region
        address = server.server_address
        self.host: str = str(address[0])
        self.port: int = int(address[1])
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.endpoint_url: str = f"http://{shown}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"acmpca-issue-local-{self.port}",
            daemon=True,
        )
        self._lock = threading.Lock()
        self._closed = False
        self._thread.start()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "running"
        return f"<LocalServer {self.endpoint_url} {state}>"

    @property
    def environment(self) -> dict[str, str]:
        """The environment that points any AWS SDK or the AWS CLI at this server.

        ``AWS_ENDPOINT_URL_ACM_PCA`` (acm-pca calls only; other services are unchanged),
        ``AWS_DEFAULT_REGION`` and placeholder ``AWS_ACCESS_KEY_ID`` /
        ``AWS_SECRET_ACCESS_KEY`` (nothing checks them). Use it as
        ``subprocess.run([...], env={**os.environ, **server.environment})``.
        """
        return {
            "AWS_ENDPOINT_URL_ACM_PCA": self.endpoint_url,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": PLACEHOLDER_KEY,
            "AWS_SECRET_ACCESS_KEY": PLACEHOLDER_KEY,
        }

    def export_lines(self) -> str:
        """:attr:`environment` as shell ``export`` lines, to paste into a terminal."""
        return "".join(f"export {name}={value}\n" for name, value in self.environment.items())

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    def close(self) -> None:
        """Stop serving, wait for requests in flight, and close the socket. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._server.shutdown()
        self._thread.join()
        self._server.stop_reading()
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def serve(
    dispatch: Dispatch,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    region: str = "us-east-1",
    require_signature: bool = False,
) -> LocalServer:
    """Start an HTTP server answering the awsJson1_1 protocol with ``dispatch``.

    Args:
        dispatch: The engine entry point.
        host: The address to bind; loopback unless you mean to expose the CA.
        port: The TCP port; 0 picks a free one (read it from ``.port``).
        region: The region the server's :attr:`~LocalServer.environment` names.
        require_signature: Refuse requests without a SigV4 ``Authorization`` header, as the
            service does (400 ``MissingAuthenticationTokenException``).

    Returns:
        The running server; its thread is a daemon, but call ``close()`` when done.
    """
    server = _Server((host, port), dispatch, require_signature=require_signature)
    return LocalServer(server, region=region)
