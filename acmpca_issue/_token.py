"""The idempotency token an Issuer sends when the request has none.

Example::

    >>> token = derive_idempotency_token({"Csr": b"...", "Validity": {"Value": 1, "Type": "DAYS"}})
    >>> len(token)
    36
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["TOKEN_LENGTH", "derive_idempotency_token"]

#: The longest idempotency token the service accepts.
TOKEN_LENGTH = 36


def _encode(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"cannot serialise {type(value).__name__} into an idempotency token")


def derive_idempotency_token(params: Mapping[str, Any]) -> str:
    """A token that is the same for the same request and differs for any other.

    The IssueCertificate parameters (without ``IdempotencyToken``) are serialised as JSON with
    sorted keys and no spaces, the CSR bytes as base64, then hashed with SHA-256; the token is
    the first 36 hex digits (144 bits), inside the service's length and character limits.

    Args:
        params: the IssueCertificate keyword arguments (``request.to_api()``).
    """
    canonical = {key: value for key, value in params.items() if key != "IdempotencyToken"}
    text = json.dumps(
        canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=_encode
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:TOKEN_LENGTH]
