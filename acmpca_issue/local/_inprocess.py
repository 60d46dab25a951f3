"""A botocore ``acm-pca`` client answered in-process by the local Private CA, without sockets.

botocore builds, signs and serializes every request as usual; a handler on the client's
``before-send.acm-pca`` event takes the real awsJson1_1 request, answers it through the shared
protocol layer and returns an ``AWSResponse``, so botocore's own response parsing and error
handling run unchanged::

    client = make_client(dispatch, region_name="eu-west-1")
    client.describe_certificate_authority(CertificateAuthorityArn=arn)

The client does not retry (``total_max_attempts=1``) unless a ``config`` asks for it, so a
ThrottlingException reaches the caller at once instead of after botocore's backoff sleeps.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from acmpca_issue.local._protocol import Dispatch, handle_request

if TYPE_CHECKING:
    from botocore.awsrequest import AWSPreparedRequest, AWSResponse
    from botocore.config import Config

__all__ = ["ENDPOINT_URL", "make_async_client", "make_client"]

ENDPOINT_URL = "https://acm-pca.local.invalid"
"""The endpoint the in-process client pretends to call; nothing ever connects to it."""


class _RawBody:
    """The ``raw`` of an ``AWSResponse``: what botocore reads the body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@functools.cache
def _loader() -> Any:
    """One botocore data loader for every client: models are read and parsed once."""
    from botocore.loaders import create_loader

    return create_loader()


def make_client(
    dispatch: Dispatch,
    *,
    region_name: str = "us-east-1",
    config: Config | None = None,
    require_signature: bool = False,
) -> Any:
    """Create a botocore ``acm-pca`` client whose requests ``dispatch`` answers in-process.

    Args:
        dispatch: The engine entry point.
        region_name: The client's region (it reaches the engine through the SigV4 scope).
        config: Extra botocore ``Config`` merged over the defaults (no retries, JSON protocol);
            ``Config(signature_version=botocore.UNSIGNED)`` sends unsigned requests.
        require_signature: Refuse unsigned requests as the service does.

    Returns:
        A fresh botocore client from its own session (sharing one model loader), with static
        fake credentials.
    """
    import botocore.session
    from botocore.config import Config

    session = botocore.session.Session()
    session.register_component("data_loader", _loader())
    session.set_credentials("local", "local")
    defaults = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    client = session.create_client(
        "acm-pca",
        region_name=region_name,
        endpoint_url=ENDPOINT_URL,
        config=defaults.merge(config) if config is not None else defaults,
    )

    def answer(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        return _answer(dispatch, request, require_signature=require_signature)

    client.meta.events.register("before-send.acm-pca", answer)  # type: ignore[arg-type]
    return client


class _AsyncRawBody:
    """The ``raw`` of aiobotocore's ``AioAWSResponse``: what it awaits the body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self) -> bytes:
        return self._body


@contextlib.asynccontextmanager
async def make_async_client(
    dispatch: Dispatch, *, region_name: str = "us-east-1", require_signature: bool = False
) -> AsyncIterator[Any]:
    """An aiobotocore ``acm-pca`` client answered in-process, open for the ``async with``.

    aiobotocore emits the same ``before-send`` event (awaiting its handlers) and reads the body
    of an ``AioAWSResponse`` by awaiting ``raw.read()``; everything else is botocore's.
    """
    import aiobotocore.session
    from aiobotocore.awsrequest import AioAWSResponse
    from aiobotocore.config import AioConfig

    session = aiobotocore.session.AioSession()
    session.register_component("data_loader", _loader())
    session.set_credentials("local", "local")
    async with session.create_client(
        "acm-pca",
        region_name=region_name,
        endpoint_url=ENDPOINT_URL,
        config=AioConfig(retries={"total_max_attempts": 1, "mode": "standard"}),
    ) as client:

        def answer(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
            return _answer(
                dispatch,
                request,
                AioAWSResponse,
                _AsyncRawBody,
                require_signature=require_signature,
            )

        client.meta.events.register("before-send.acm-pca", answer)  # type: ignore[arg-type]
        yield client


def _answer(
    dispatch: Dispatch,
    request: AWSPreparedRequest,
    response_class: type[AWSResponse] | None = None,
    raw_class: Callable[[bytes], object] = _RawBody,
    *,
    require_signature: bool = False,
) -> AWSResponse:
    from botocore.awsrequest import AWSResponse

    body: Any = request.body
    if body is None:
        data = b""
    elif isinstance(body, str):
        data = body.encode("utf-8")
    elif isinstance(body, (bytes, bytearray)):
        data = bytes(body)
    else:
        data = body.read()
    raw_headers: Any = request.headers
    headers = {
        str(key): value.decode("latin-1") if isinstance(value, bytes) else str(value)
        for key, value in raw_headers.items()
    }
    response = handle_request(
        dispatch,
        method=request.method,
        path=urlsplit(request.url).path or "/",
        headers=headers,
        body=data,
        require_signature=require_signature,
    )
    headers_out: Any = response.headers
    return (response_class or AWSResponse)(
        request.url, response.status, headers_out, raw_class(response.body)
    )
