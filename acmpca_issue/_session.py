"""Making the botocore ``acm-pca`` client :meth:`Issuer.from_session` uses.

Imported only when a client is made, so ``import acmpca_issue`` stays free of botocore.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import botocore.config
import botocore.exceptions
import botocore.loaders
import botocore.session

if TYPE_CHECKING:
    # Spelled so that a type checker without the stubs (types-aiobotocore and
    # types-aiobotocore-acm-pca) takes these as Any instead of failing.
    from aiobotocore.session import (  # type: ignore[import-untyped, unused-ignore]
        ClientCreatorContext,
    )
    from types_aiobotocore_acm_pca import (  # type: ignore[import-not-found, unused-ignore]
        ACMPCAClient,
    )

__all__ = [
    "CONNECT_TIMEOUT",
    "PLACEHOLDER_KEY",
    "READ_TIMEOUT",
    "SERVICE",
    "RegionalClients",
    "is_loopback",
    "make_async_client",
    "make_client",
]

SERVICE = "acm-pca"
#: Seconds to open a connection and to wait for an answer (botocore's defaults are 60 each).
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
#: The access key and secret sent to a loopback endpoint when none are configured: the local
#: Private CA (like other local AWS stand-ins) checks no signature, so any value works.
PLACEHOLDER_KEY = "local"

_Session = TypeVar("_Session", bound=botocore.session.Session)


class AcmPcaLoader(botocore.loaders.Loader):
    """botocore's data loader, told that acm-pca is the one service it will be asked for.

    Before loading a model, botocore's loader checks the service against every service it
    ships, listing some 400 folders on each of two loads; that is about a third of the time a
    client takes to make. This loader answers that check for acm-pca alone, from acm-pca's own
    folder, and loads everything else exactly as botocore does.
    """

    def list_available_services(self, type_name: str) -> list[str]:
        """``["acm-pca"]`` if its ``type_name`` data (``service-2``, ...) is there, else ``[]``."""
        try:
            self.list_api_versions(SERVICE, type_name)
        except botocore.exceptions.DataNotFoundError:
            return []
        return [SERVICE]


def is_loopback(endpoint_url: str | None) -> bool:
    """Whether ``endpoint_url`` is on this machine (``localhost``, 127.0.0.0/8 or ``::1``)."""
    if not endpoint_url:
        return False
    host = urlsplit(endpoint_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RegionalClients:
    """``acm-pca`` clients made on first use, one per region, each call sent to its ARN's region.

    What :meth:`Issuer.from_session` uses when no region is configured: every acm-pca call
    names a CA or certificate ARN, and the ARN says the region. It offers the client methods
    the Issuer calls, by name, and ``close()``; each client it makes ends the Issuer's calls
    at a refusal that must not be resent, as :class:`~acmpca_issue.Issuer` does for the
    client it is given.
    """

    def __init__(self, make: Callable[[str], Any]) -> None:
        self._make = make
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<RegionalClients {sorted(self._clients)}>"

    def client_for(self, region: str) -> Any:
        """The client for ``region``, made the first time it is asked for."""
        with self._lock:
            client = self._clients.get(region)
            if client is None:
                from acmpca_issue._errors_botocore import never_retry_refusals

                client = self._clients[region] = self._make(region)
                never_retry_refusals(client)
            return client

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_") or name in ("meta", "exceptions"):
            raise AttributeError(name)

        def call(**params: Any) -> Any:
            from acmpca_issue._arn import CertificateAuthorityArn

            arn = CertificateAuthorityArn.parse(params["CertificateAuthorityArn"])
            return getattr(self.client_for(arn.region), name)(**params)

        return call

    def close(self) -> None:
        """Close every client made so far."""
        with self._lock:
            clients = list(self._clients.values())
        for client in clients:
            client.close()


def make_client(
    *, region_name: str | None, profile_name: str | None, endpoint_url: str | None
) -> Any:
    """An ``acm-pca`` client whose own retries are off (the Issuer retries what is safe).

    Where neither ``region_name`` nor the profile or environment give a region, the result is
    a :class:`RegionalClients` that takes each call's region from its ARN. A loopback
    ``endpoint_url`` (a local Private CA) gets placeholder credentials when no profile is
    named and ``AWS_ACCESS_KEY_ID`` is not set, so it needs no AWS set-up.

    It gives up on a connection after ``CONNECT_TIMEOUT`` seconds and on an answer after
    ``READ_TIMEOUT``; either becomes a :class:`~acmpca_issue.TransportError`, and the Issuer
    retries it with the same idempotency token.

    Raises:
        botocore.exceptions.BotoCoreError: the profile or region cannot be resolved.
    """
    session = _prepared(botocore.session.Session(profile=profile_name))
    keys = _placeholder_keys(endpoint_url, profile_name)
    if region_name is None and not session.get_config_variable("region"):
        return RegionalClients(lambda region: _create(session, region, endpoint_url, keys))
    return _create(session, region_name, endpoint_url, keys)


def _create(
    session: botocore.session.Session,
    region_name: str | None,
    endpoint_url: str | None,
    keys: str | None,
) -> Any:
    return session.create_client(
        SERVICE,
        region_name=region_name,
        endpoint_url=endpoint_url,
        aws_access_key_id=keys,
        aws_secret_access_key=keys,
        config=botocore.config.Config(**_CLIENT_CONFIG),
    )


def make_async_client(
    *, region_name: str | None, profile_name: str | None, endpoint_url: str | None
) -> ClientCreatorContext[ACMPCAClient]:
    """The same client from aiobotocore: an async context manager that opens and closes it.

    Unlike :func:`make_client`, it needs a region (from ``region_name``, the profile or the
    environment); a missing one is raised when the context is entered.

    Raises:
        botocore.exceptions.BotoCoreError: the profile cannot be resolved.
    """
    import aiobotocore.config
    import aiobotocore.session

    session = _prepared(aiobotocore.session.AioSession(profile=profile_name))
    keys = _placeholder_keys(endpoint_url, profile_name)
    return session.create_client(
        "acm-pca",
        region_name=region_name,
        endpoint_url=endpoint_url,
        aws_access_key_id=keys,
        aws_secret_access_key=keys,
        config=aiobotocore.config.AioConfig(**_CLIENT_CONFIG),
    )


_CLIENT_CONFIG: dict[str, Any] = {
    "retries": {"total_max_attempts": 1, "mode": "standard"},
    # Private CA answers in well under a second; botocore's 60 s defaults would let one stuck
    # connection outlast the Issuer's whole wait.
    "connect_timeout": CONNECT_TIMEOUT,
    "read_timeout": READ_TIMEOUT,
    "user_agent_extra": "acmpca-issue",
}


def _prepared(session: _Session) -> _Session:
    """``session`` with the loader that knows acm-pca is the one service it will be asked for."""
    # The same search paths as botocore's own loader (AWS_DATA_PATH and the data_path setting).
    data_path = session.get_config_variable("data_path")
    extra = (
        [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)]
        if data_path
        else []
    )
    session.register_component("data_loader", AcmPcaLoader(extra_search_paths=extra))
    return session


def _placeholder_keys(endpoint_url: str | None, profile_name: str | None) -> str | None:
    """:data:`PLACEHOLDER_KEY` for a loopback endpoint when no credentials are configured."""
    placeholder = (
        is_loopback(endpoint_url)
        and profile_name is None
        and not os.environ.get("AWS_ACCESS_KEY_ID")
    )
    return PLACEHOLDER_KEY if placeholder else None
