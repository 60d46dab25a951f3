"""Option values from files: ``file://`` for any option, and every form ``--csr`` takes.

Example::

    read_option("file://request.json", "--cli-input-json")   # the file's text
    read_csr("-", "--csr", stdin=sys.stdin.buffer)            # standard input's bytes

``--csr`` bytes are never base64-decoded (the AWS CLI v2 trap): they go to
:func:`~acmpca_issue.load_csr` as read, which takes PEM or DER, fixes ``NEW CERTIFICATE
REQUEST`` headers and explains a CSR that was base64-encoded once too often.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from acmpca_issue._cli._output import UsageError
from acmpca_issue._cli._redact import quote, remember

__all__ = ["read_csr", "read_option"]

_PREFIXES = ("file://", "fileb://")
_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _path_of(value: str, prefix: str) -> str:
    # As the AWS CLI: ~ and $VARS are expanded in the path.
    return os.path.expandvars(os.path.expanduser(value[len(prefix) :]))


def _read(path: str, option: str, shown: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise UsageError(f"{option}: cannot read {shown}: {error.strerror or error}") from None


def read_option(value: str, option: str, *, secret: bool = True) -> str:
    """An option's value, or the text of the file it names with ``file://`` or ``fileb://``.

    The file's text is remembered as a secret, never to be printed, unless ``secret`` is false
    (a structure, whose reader remembers the text if it does not parse).

    Raises:
        UsageError: the file cannot be read or is not UTF-8 text.
    """
    for prefix in _PREFIXES:
        if value.startswith(prefix):
            data = _read(_path_of(value, prefix), option, value)
            if secret:
                remember(data, value)
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                raise UsageError(f"{option}: {value} is not UTF-8 text") from None
    return value


def read_csr(value: str, option: str, *, stdin: BinaryIO) -> bytes:
    """The bytes ``--csr`` names: a file (``file://``, ``fileb://`` or a path), ``-`` or PEM.

    Raises:
        UsageError: the file cannot be read, or the value is none of these.
    """
    if value == "-":
        data = stdin.read()
        if not data.strip():
            raise UsageError(f"{option}: standard input (-) is empty; pipe the CSR into it")
        remember(data, "standard input")
        return data
    for prefix in _PREFIXES:
        if value.startswith(prefix):
            data = _read(_path_of(value, prefix), option, value)
            remember(data, value)
            return data
    if "-----BEGIN" in value:
        return value.encode("utf-8")
    if os.path.exists(value):
        data = _read(value, option, repr(value))
        remember(data, value)
        return data
    if len(value) > 100 and ("\n" in value or _BASE64.issuperset(value)):
        # Not a file, and text or base64: load_csr recognises base64 and explains it.
        return value.encode("utf-8")
    raise UsageError(
        f"{option}: no such file {quote(value)}; give file://PATH, fileb://PATH, a path, - for "
        "standard input, or the PEM text"
    )
