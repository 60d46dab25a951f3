"""Fixtures for the Issuer tests (their building blocks are in issuer_support)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.session import Session
from botocore.stub import Stubber

from tests.issuer.issuer_support import FakeClock, MiniCa, make_ca


@pytest.fixture(scope="session")
def mini_ca() -> MiniCa:
    """A self-signed EC root."""
    return make_ca()


@pytest.fixture
def clock() -> FakeClock:
    """A fake monotonic clock; pass ``clock`` and ``clock.sleep`` to the Issuer."""
    return FakeClock()


@pytest.fixture(scope="session")
def botocore_session() -> Session:
    """One botocore session, so the service model is loaded once."""
    return Session()


@pytest.fixture
def client(botocore_session: Session) -> Iterator[BaseClient]:
    """A botocore acm-pca client with botocore's own retries off (for Stubber)."""
    client = botocore_session.create_client(
        "acm-pca",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )
    yield client
    client.close()


@pytest.fixture
def stubber(client: BaseClient) -> Iterator[Stubber]:
    """A Stubber on ``client``, activated; asserts at the end that every answer was used."""
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()
