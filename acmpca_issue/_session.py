"""Making the botocore ``acm-pca`` client :meth:`Issuer.from_session` uses.

Imported only when a client is made, so ``import acmpca_issue`` stays free of botocore.
"""

from __future__ import annotations

import os
from typing import Any

import botocore.config
import botocore.exceptions
import botocore.loaders
import botocore.session

__all__ = ["CONNECT_TIMEOUT", "READ_TIMEOUT", "SERVICE", "make_client"]

SERVICE = "acm-pca"
#: Seconds to open a connection and to wait for an answer (botocore's defaults are 60 each).
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0


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


def make_client(
    *, region_name: str | None, profile_name: str | None, endpoint_url: str | None
) -> Any:
    """An ``acm-pca`` client whose own retries are off (the Issuer retries what is safe).

    It gives up on a connection after ``CONNECT_TIMEOUT`` seconds and on an answer after
    ``READ_TIMEOUT``; either becomes a :class:`~acmpca_issue.TransportError`, and the Issuer
    retries it with the same idempotency token.

    Raises:
        botocore.exceptions.BotoCoreError: the profile or region cannot be resolved.
    """
    session = botocore.session.Session(profile=profile_name)
    # The same search paths as botocore's own loader (AWS_DATA_PATH and the data_path setting).
    data_path = session.get_config_variable("data_path")
    extra = (
        [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)]
        if data_path
        else []
    )
    session.register_component("data_loader", AcmPcaLoader(extra_search_paths=extra))
    return session.create_client(
        SERVICE,
        region_name=region_name,
        endpoint_url=endpoint_url,
        config=botocore.config.Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            # Private CA answers in well under a second; botocore's 60 s defaults would let
            # one stuck connection outlast the Issuer's whole wait.
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            user_agent_extra="acmpca-issue",
        ),
    )
