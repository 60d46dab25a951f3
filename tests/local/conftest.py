"""Fixtures for the scenario suite: one local Private CA reached each way, and moto beside it.

``backend`` is parametrized over every way in: ``inprocess`` (``pca.client()``), ``http``
(``pca.serve()`` plus a botocore client with its endpoint) and ``moto`` (a moto server on
127.0.0.1, an independent implementation). Scenarios that only the local Private CA implements
narrow it with ``@pytest.mark.parametrize("backend", ("inprocess", "http"), indirect=True)``.

Test modules take everything through fixtures (``connect``, ``endpoint_client``) rather than
importing this module, whose name ``conftest`` is shared with other test directories.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from botocore.config import Config

from acmpca_issue.local import LocalPrivateCA

ALL_WAYS = ("inprocess", "http", "moto")
LOCAL_WAYS = ("inprocess", "http")


@dataclass
class Backend:
    """One way in: its name, a botocore acm-pca client, and the local CA behind it (not moto)."""

    name: str
    client: Any
    pca: LocalPrivateCA | None

    @property
    def is_local(self) -> bool:
        """Whether the local Private CA answers (not moto)."""
        return self.pca is not None


@functools.cache
def _loader() -> Any:
    return botocore.loaders.create_loader()


def endpoint_client(endpoint_url: str, region_name: str = "us-east-1") -> Any:
    """A botocore acm-pca client for ``endpoint_url`` with fake credentials and no retries."""
    session = botocore.session.Session()
    session.register_component("data_loader", _loader())
    session.set_credentials("testing", "testing")
    return session.create_client(
        "acm-pca",
        region_name=region_name,
        endpoint_url=endpoint_url,
        config=Config(retries={"total_max_attempts": 1}),
    )


@contextlib.contextmanager
def connect(pca: LocalPrivateCA, way: str, region_name: str = "us-east-1") -> Iterator[Any]:
    """A client reaching ``pca`` in-process or over HTTP; closed (with the server) on exit."""
    if way == "inprocess":
        client = pca.client(region_name=region_name)
        try:
            yield client
        finally:
            client.close()
        return
    with pca.serve() as server:
        client = endpoint_client(server.endpoint_url, region_name)
        try:
            yield client
        finally:
            client.close()


@pytest.fixture
def local_pca() -> LocalPrivateCA:
    """A fresh in-memory local Private CA."""
    return LocalPrivateCA()


@pytest.fixture(params=ALL_WAYS)
def backend(request: pytest.FixtureRequest, local_pca: LocalPrivateCA) -> Iterator[Backend]:
    """Each way in, in turn (narrow with indirect parametrization to LOCAL_WAYS)."""
    way: str = request.param
    if way == "moto":
        endpoint: str = request.getfixturevalue("moto_endpoint")
        client = endpoint_client(endpoint)
        try:
            yield Backend(way, client, None)
        finally:
            client.close()
        return
    with connect(local_pca, way) as client:
        yield Backend(way, client, local_pca)


@pytest.fixture
def acm_pca_client(backend: Backend) -> Any:
    """The botocore client of ``backend``."""
    return backend.client


@pytest.fixture(name="connect")
def connect_fixture() -> Callable[..., contextlib.AbstractContextManager[Any]]:
    """``connect(pca, way, region_name="us-east-1")``: a client reaching ``pca`` that way."""
    return connect


@pytest.fixture(name="endpoint_client")
def endpoint_client_fixture() -> Callable[..., Any]:
    """``endpoint_client(url, region_name="us-east-1")``: a botocore client for an endpoint."""
    return endpoint_client
