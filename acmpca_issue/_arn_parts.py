"""The parts of an acm-pca ARN and how each is checked, for :mod:`acmpca_issue._arn`.

Each check raises :class:`~acmpca_issue.exceptions.InvalidArnError` naming the part that is
wrong and what was expected, such as ``account must be 12 digits, got '12345'``.

Example::

    >>> check_region("aws-cn", "cn-north-1")  # fits the partition: returns None
    >>> check_account("12345")
    Traceback (most recent call last):
    ...
    acmpca_issue.exceptions.InvalidArnError: account must be 12 digits, got '12345'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NoReturn

from acmpca_issue._templates import TEMPLATE_NAMES
from acmpca_issue.exceptions import InvalidArnError

__all__ = [
    "CA_SHAPE",
    "CERT_SHAPE",
    "MAX_ARN_LENGTH",
    "MAX_SERIAL_DIGITS",
    "PARTITION_REGION_PATTERNS",
    "PARTS",
    "TEMPLATE_SHAPE",
    "ca_id_of",
    "ca_tail",
    "check_account",
    "check_ca_id",
    "check_length",
    "check_partition",
    "check_region",
    "check_serial_hex",
    "check_template_name",
    "check_types",
    "check_version",
    "fail",
    "part",
    "require_str",
    "serial_order",
    "show",
    "split",
    "version_order",
]

#: Partition -> the ``regionRegex`` botocore's ``partitions.json`` gives it (matched with ASCII
#: ``\w``, against the whole region). A test compares this table with the installed botocore.
PARTITION_REGION_PATTERNS: Mapping[str, str] = MappingProxyType(
    {
        "aws": r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        "aws-cn": r"^cn\-\w+\-\d+$",
        "aws-us-gov": r"^us\-gov\-\w+\-\d+$",
        "aws-iso": r"^us\-iso\-\w+\-\d+$",
        "aws-iso-b": r"^us\-isob\-\w+\-\d+$",
        "aws-iso-e": r"^eu\-isoe\-\w+\-\d+$",
        "aws-iso-f": r"^us\-isof\-\w+\-\d+$",
        "aws-eusc": r"^eusc\-(de)\-\w+\-\d+$",
    }
)

#: The longest ARN the service model's ``Arn`` shape allows.
MAX_ARN_LENGTH = 200

_REGIONS = {p: re.compile(pattern, re.ASCII) for p, pattern in PARTITION_REGION_PATTERNS.items()}
_ACCOUNT = re.compile(r"[0-9]{12}", re.ASCII)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
_HEX = re.compile(r"[0-9a-f]+", re.ASCII)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,127}", re.ASCII)
_VERSION = re.compile(r"V[1-9][0-9]*", re.ASCII)
MAX_SERIAL_DIGITS = 40  # RFC 5280 4.1.2.2: a serial is at most 20 octets
_BY_LOWER = {name.lower(): name for name in TEMPLATE_NAMES}
PARTS = ("'arn' prefix", "partition", "service", "region", "account", "resource")
CA_SHAPE = "arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<CA id>"
CERT_SHAPE = f"{CA_SHAPE}/certificate/<serial hex>"
TEMPLATE_SHAPE = "arn:<partition>:acm-pca:::template/<name>/<version>"


def show(text: str) -> str:
    return repr(text) if len(text) <= 80 else f"{text[:77]!r}..."


def fail(message: str) -> NoReturn:
    raise InvalidArnError(message)


def require_str(value: object, what: str, alternative: str = "") -> str:
    if isinstance(value, str):
        return value
    also = f" or {alternative}" if alternative else ""
    fail(f"{what} must be a str{also}, got {type(value).__name__}")


def split(text: str, what: str, shape: str) -> list[str]:
    """Split ``text`` into its six colon-separated parts, checking those before the region."""
    if not text:
        fail(f"{what} is empty; expected {shape}")
    if text != text.strip():
        fail(f"{what} has leading or trailing whitespace: {show(text)}")
    parts = text.split(":", 5)
    if parts[0] != "arn":
        fail(f"{what} must start with 'arn:', got {show(text)}")
    check_partition(part(parts, 1, text, shape))
    service = part(parts, 2, text, shape)
    if service != "acm-pca":
        fail(f"service must be 'acm-pca', got {show(service)}")
    return parts


def part(parts: list[str], index: int, text: str, shape: str) -> str:
    if index < len(parts):
        return parts[index]
    fail(f"{PARTS[index]} is missing: expected {shape}, got {show(text)}")


def check_length(text: str, what: str) -> None:
    if len(text) > MAX_ARN_LENGTH:
        fail(f"{what} must be at most {MAX_ARN_LENGTH} characters, got {len(text)}")


def check_partition(partition: str) -> None:
    if partition not in _REGIONS:
        known = ", ".join(PARTITION_REGION_PATTERNS)
        fail(f"partition must be one of {known}, got {show(partition)}")


def check_region(partition: str, region: str) -> None:
    if _REGIONS[partition].fullmatch(region):
        return
    if not region:
        fail("region is empty; a CA ARN names the CA's region, such as 'us-east-1'")
    pattern = PARTITION_REGION_PATTERNS[partition]
    hint = next((f" (a region of {p!r})" for p, rx in _REGIONS.items() if rx.fullmatch(region)), "")
    fail(f"region must match {pattern} in partition {partition!r}, got {show(region)}{hint}")


def check_account(account: str) -> None:
    if not _ACCOUNT.fullmatch(account):
        fail(f"account must be 12 digits, got {show(account)}")


def check_ca_id(ca_id: str) -> None:
    if _UUID.fullmatch(ca_id):
        return
    if _UUID.fullmatch(ca_id.lower()):
        fail(f"CA id must be a lowercase UUID, got {show(ca_id)}")
    fail(f"CA id must be a lowercase UUID (8-4-4-4-12 hex digits), got {show(ca_id)}")


def check_serial_hex(serial: str) -> None:
    if not _HEX.fullmatch(serial):
        if _HEX.fullmatch(serial.lower()):
            fail(f"serial must be lowercase hex, got {show(serial)}")
        fail(f"serial must be lowercase hex digits (no colons, no '0x'), got {show(serial)}")
    if len(serial) > MAX_SERIAL_DIGITS:
        fail(f"serial must be at most 40 hex digits (20 octets), got {len(serial)} digits")
    if int(serial, 16) == 0:
        fail(f"serial must be positive, got {show(serial)}")


def check_template_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        fail(
            "template name must be 1-128 ASCII letters, digits and '_', starting with a letter, "
            f"got {show(name)}"
        )
    known = _BY_LOWER.get(name.lower(), name)
    if known != name:
        fail(f"template name {name!r} must be spelled {known!r} (names are case-sensitive)")


def check_version(version: str) -> None:
    if not _VERSION.fullmatch(version):
        fail(f"version must be 'V' and a number, such as 'V1', got {show(version)}")


def check_types(obj: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, str):
            fail(f"{name.replace('_', ' ')} must be a str, got {type(value).__name__}")


def serial_order(serial_hex: str) -> tuple[int, int]:
    return int(serial_hex, 16), len(serial_hex)  # then fewer leading zeros first


def version_order(version: str) -> int:
    return int(version[1:])


def ca_tail(parts: list[str], text: str, shape: str) -> tuple[str, str, str]:
    """Check region and account; return them and the resource."""
    region = part(parts, 3, text, shape)
    check_region(parts[1], region)
    account = part(parts, 4, text, shape)
    check_account(account)
    return region, account, part(parts, 5, text, shape)


def ca_id_of(resource: str) -> tuple[str, str, str]:
    """Check ``certificate-authority/<id>`` and return ``(id, "/" or "", what follows)``."""
    kind, sep, rest = resource.partition("/")
    if kind != "certificate-authority":
        fail(f"resource type must be 'certificate-authority', got {show(kind)}")
    if not sep:
        fail("CA id is missing after 'certificate-authority/'")
    ca_id, sep, rest = rest.partition("/")
    check_ca_id(ca_id)
    return ca_id, sep, rest
