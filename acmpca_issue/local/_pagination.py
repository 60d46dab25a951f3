"""Pages and NextTokens for the local Private CA's list operations, as the service answers them.

A list operation sorts its items by a key, and :meth:`Paginator.page` cuts one page out of
them: at most ``MaxResults`` items (the service returns at most :data:`PAGE_LIMIT` whatever it
asks), starting after the key a ``NextToken`` names, with a new ``NextToken`` when more remain::

    paginator = Paginator()
    page, token = paginator.page(
        "ListCertificateAuthorities", cas, key=lambda ca: (ca.arn,), params=params, scope="SELF"
    )

A token is opaque and tamper-evident: base64url of the operation, the request's ``scope``
(its filters and region) and the last key returned, followed by an HMAC-SHA256 tag under a
secret drawn when the paginator is made. A token that was altered, made up, issued by another
run of the CA, or handed to another operation or another filter answers
``InvalidNextTokenException``, as the service does. Keys, not offsets, mark the position, so
a CA created between two pages is neither skipped nor listed twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from acmpca_issue.local._protocol import LocalServiceError

__all__ = ["PAGE_LIMIT", "Paginator"]

PAGE_LIMIT = 100
"""The most items one page holds: "Although the maximum value is 1000, the action only returns
a maximum of 100 items" (the ``MaxResults`` documentation of ListCertificateAuthorities)."""

_TAG_BYTES = 16
_T = TypeVar("_T")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Paginator:
    """Cuts pages out of sorted items and signs the NextTokens that continue them.

    Args:
        secret: the HMAC key for tokens; a fresh random one by default, so tokens die with the
            CA that issued them.
    """

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret if secret is not None else secrets.token_bytes(32)

    def __repr__(self) -> str:
        return "<Paginator>"

    def page(
        self,
        operation: str,
        items: Iterable[_T],
        *,
        key: Callable[[_T], tuple[str, ...]],
        params: Mapping[str, Any],
        scope: str,
    ) -> tuple[list[_T], str | None]:
        """One page of ``items`` for a request with ``params`` (MaxResults, NextToken).

        Args:
            operation: the list operation's name; its tokens work for it alone.
            items: every item the request selects, in any order.
            key: a unique sort key for an item.
            params: the request's input members.
            scope: what else selects the items (filters, region); a token works only within
                the scope it was issued for.

        Returns:
            The page's items, in key order, and the NextToken of the next page (``None`` on the
            last one).

        Raises:
            LocalServiceError: ``InvalidNextTokenException`` for a token this paginator did not
                issue for this operation and scope.
        """
        ordered = sorted(items, key=key)
        token = params.get("NextToken")
        if token is not None:
            after = self._position(operation, scope, token)
            ordered = [item for item in ordered if key(item) > after]
        size = min(int(params.get("MaxResults", PAGE_LIMIT)), PAGE_LIMIT)
        page = ordered[:size]
        if len(ordered) <= size:
            return page, None
        return page, self._token(operation, scope, key(page[-1]))

    def _tag(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:_TAG_BYTES]

    def _token(self, operation: str, scope: str, after: tuple[str, ...]) -> str:
        payload = json.dumps(
            {"op": operation, "scope": scope, "after": list(after)}, separators=(",", ":")
        ).encode("utf-8")
        return f"{_b64encode(payload)}.{_b64encode(self._tag(payload))}"

    def _position(self, operation: str, scope: str, token: str) -> tuple[str, ...]:
        """The last key the page before returned, read from a token this paginator signed."""
        invalid = LocalServiceError(
            "InvalidNextTokenException",
            "The token specified in the NextToken argument is not valid. Use the token "
            f"returned from your previous call to {operation}.",
        )
        try:
            payload = _b64decode(token.partition(".")[0])
        except ValueError:  # binascii.Error is one
            raise invalid from None
        # The one token this paginator signs for that payload, character for character: a
        # changed tag, a missing dot or a non-canonical base64 spelling all differ from it.
        expected = f"{_b64encode(payload)}.{_b64encode(self._tag(payload))}"
        if not hmac.compare_digest(token.encode("utf-8"), expected.encode("ascii")):
            raise invalid
        # The tag is ours, so the payload is one this paginator wrote: well-formed JSON.
        document = json.loads(payload)
        if document["op"] != operation or document["scope"] != scope:
            raise invalid
        return tuple(document["after"])
