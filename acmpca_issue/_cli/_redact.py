"""What ``acmpca-issue`` never prints: key material, and the text of the files it read.

Example::

    remember(b"-----BEGIN PRIVATE KEY-----\\nMIIE...", "file://key.pem")
    quote("-----BEGIN PRIVATE KEY-----\\nMIIE...")  # '<1704 characters from file://key.pem, ...>'
    scrub("got '-----BEGIN PRIVATE KEY-----\\nMIIE'...")  # "got '<not shown>'..."

Two rules, each kept in one place:

- :func:`quote` is how the command quotes a value it was given. A value read from a file, or
  one that looks like key material (a PEM block, or base64 or hex of DER), is described by its
  length and origin instead of shown.
- :func:`scrub` filters every line the command writes to standard error, including the
  library's messages (which quote a cut-short value), argparse's and ``--debug`` tracebacks. It
  removes any PEM block or fragment, and any run of :data:`MIN_RUN` characters of a remembered
  secret: the text of every file that was read whole as a value, and every argument or
  ``--cli-input-json`` member that looks like key material, in each form a message can take
  (as is, escaped by ``repr`` or JSON, with its whitespace collapsed or removed, and for bytes
  as hex, base64 or Latin-1).

The secrets are remembered for one run of the command (:func:`forget` starts afresh). Only the
standard library is imported here.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator

__all__ = [
    "MIN_RUN",
    "forget",
    "looks_like_key",
    "private_key_in",
    "quote",
    "remember",
    "remember_keys_in",
    "scrub",
]

#: Every run of this many characters of a secret's text is removed by :func:`scrub`.
MIN_RUN = 16
_WINDOW = 12
_STRIDE = MIN_RUN - _WINDOW

_SHOWN = "<not shown>"
_BODY = r"(?:[A-Za-z0-9+/=:, \t\r\n-]|\\[nrt])"
# A PEM block, or the start of one cut short (by a message's clipping) or its end alone.
_PEM = re.compile(
    rf"-----BEGIN [^\n'\"]*?-----{_BODY}*?(?:-----END [^\n'\"]*?-----|(?!{_BODY}))"
    r"|(?<![A-Za-z0-9+/=])(?:[A-Za-z0-9+/=\r\n]|\\[nr])*-----END [^\n'\"]*?-----"
)
_ARMOUR = re.compile(r"-----(?:BEGIN|END) [^\n]*?-----")
_PRIVATE = re.compile(r"-----(?:BEGIN|END) [A-Z0-9 ]*PRIVATE KEY-----")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")
_HEX = re.compile(r"[0-9A-Fa-f]{64,}")
_DER_SEQUENCE = 0x30


class _Secrets:
    """The remembered secrets, each as all its forms joined by NUL, and where each was read."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, data: str | bytes, source: str) -> None:
        self.texts.append(("\0".join(_forms(data)), source))

    def runs_in(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Each run of ``text`` that is part of a secret, as (start, end, source).

        Windows of :data:`_WINDOW` characters every :data:`_STRIDE` are looked up, and each one
        found is grown to the whole run, so every run of :data:`MIN_RUN` characters is found.
        """
        last = len(text) - _WINDOW
        starts = [*range(0, last + 1, _STRIDE), *([last] if last % _STRIDE else [])]
        covered = 0
        for start in starts:
            if start + _WINDOW <= covered:
                continue
            window = text[start : start + _WINDOW]
            for forms, source in self.texts:
                if window in forms:
                    begin, end = start, start + _WINDOW
                    while begin > 0 and text[begin - 1 : end] in forms:
                        begin -= 1
                    while end < len(text) and text[begin : end + 1] in forms:
                        end += 1
                    covered = end
                    yield begin, end, source
                    break


_SECRETS = _Secrets()


def _forms(data: str | bytes) -> Iterator[str]:
    """The forms a secret can take in a message; PEM armour lines are not secret (and are
    removed by :data:`_PEM` wherever they appear)."""
    if isinstance(data, bytes):
        yield data.hex()
        yield data.hex().upper()
        yield base64.b64encode(data).decode("ascii")
        unarmoured = _ARMOUR.sub("", data.decode("latin-1"))
        yield unarmoured
        yield repr(unarmoured.encode("latin-1"))[2:-1]
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            return
    data = _ARMOUR.sub("", data)
    yield data
    yield repr(data)[1:-1]
    yield json.dumps(data)[1:-1]
    yield " ".join(data.split())
    yield "".join(data.split())


def forget() -> None:
    """Forget every secret remembered (at the start of a run)."""
    _SECRETS.texts.clear()


def remember(data: str | bytes, source: str) -> None:
    """Never print ``data`` (a file's content, or a value that looks like key material), nor
    any run of it; ``source`` names it in :func:`quote`."""
    _SECRETS.add(data, source)


def remember_keys_in(value: object, source: str) -> None:
    """Remember each text in a JSON-like ``value`` (a structure's members) that looks like key
    material."""
    if isinstance(value, dict):
        for member in value.values():
            remember_keys_in(member, source)
    elif isinstance(value, list):
        for item in value:
            remember_keys_in(item, source)
    elif isinstance(value, (str, bytes)) and looks_like_key(value):
        remember(value, source)


def private_key_in(text: str) -> bool:
    """Whether ``text`` holds a PEM private key (or its first or last line)."""
    return _PRIVATE.search(text) is not None


def looks_like_key(value: str | bytes) -> bool:
    """Whether ``value`` looks like key material: a PEM block (of any kind), or base64 or hex
    of a DER structure, as a whole or as a long run of it."""
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    if "-----BEGIN " in text or "-----END " in text:
        return True
    for candidate in _BASE64.findall("".join(text.replace("\\n", "\n").split())):
        # A path or an ARN is never one word of 40 base64 characters of all three kinds.
        mixed = (
            any(c.isupper() for c in candidate)
            and any(c.islower() for c in candidate)
            and any(c.isdigit() for c in candidate)
        )
        if mixed and _decodes_to_der(candidate):
            return True
    return any(_decodes_to_der(run, hexadecimal=True) for run in _HEX.findall(text))


def _decodes_to_der(text: str, *, hexadecimal: bool = False) -> bool:
    """Whether base64 (or hex) text starts with a DER SEQUENCE, as every key, certificate
    and CSR does (its first 4 base64 or 2 hex characters are always whole)."""
    first = bytes.fromhex(text[:2]) if hexadecimal else base64.b64decode(text[:4])
    return first[:1] == bytes([_DER_SEQUENCE])


def quote(value: object) -> str:
    """How the command quotes a value it was given: ``repr``, unless it was read from a file or
    looks like key material, when only its length and origin are said."""
    if not isinstance(value, str):
        return repr(value)
    source = next((source for _, _, source in _SECRETS.runs_in(value)), None)
    if source is not None:
        return f"<{len(value)} characters from {source}, not shown>"
    if looks_like_key(value):
        return f"<{len(value)} characters that look like key material, not shown>"
    return repr(value)


def scrub(text: str) -> str:
    """``text`` without any PEM block or fragment and without any run of a remembered secret,
    each replaced by ``<not shown>``."""
    hidden = bytearray(len(text))
    for match in _PEM.finditer(text):
        hidden[match.start() : match.end()] = b"\1" * (match.end() - match.start())
    for start, end, _ in _SECRETS.runs_in(text):
        hidden[start:end] = b"\1" * (end - start)
    if not any(hidden):
        return text
    pieces: list[str] = []
    index = 0
    while index < len(text):
        if hidden[index]:
            while index < len(text) and hidden[index]:
                index += 1
            pieces.append(_SHOWN)
        else:
            end = hidden.find(b"\1", index)
            end = len(text) if end < 0 else end
            pieces.append(text[index:end])
            index = end
    return "".join(pieces)
