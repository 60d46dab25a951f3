"""The catalogue of AWS Private CA certificate templates, and how a template name is read.

Every template AWS documents is a *family* (the base name, such as ``EndEntityCertificate``)
plus an optional passthrough suffix (``_CSRPassthrough``, ``_APIPassthrough``,
``_APICSRPassthrough``). All 61 are version ``V1``. Names outside the catalogue are still read
by the same rules, because AWS adds templates over time.

Example::

    >>> passthrough_kind("EndEntityCertificate_APICSRPassthrough")
    'APICSR'
    >>> family_of("SubordinateCACertificate_PathLen1_APIPassthrough")
    'SubordinateCACertificate_PathLen1'
    >>> path_len_of("SubordinateCACertificate_PathLen1")
    1
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = [
    "DEFAULT_TEMPLATE_NAME",
    "PASSTHROUGH_SUFFIXES",
    "TEMPLATE_NAMES",
    "PassthroughKind",
    "family_of",
    "passthrough_kind",
    "path_len_of",
]

PassthroughKind = Literal["none", "CSR", "API", "APICSR"]
"""Which passthrough a template applies: none, the CSR's extensions, ApiPassthrough, or both."""

#: Suffix -> passthrough kind. ``_APICSRPassthrough`` is tested before ``_CSRPassthrough``.
PASSTHROUGH_SUFFIXES: dict[str, PassthroughKind] = {
    "_APICSRPassthrough": "APICSR",
    "_APIPassthrough": "API",
    "_CSRPassthrough": "CSR",
}

#: The template AWS applies when ``TemplateArn`` is left out of IssueCertificate.
DEFAULT_TEMPLATE_NAME = "EndEntityCertificate"

_PATH_LENS = range(4)
_ALL: tuple[PassthroughKind, ...] = ("none", "CSR", "API", "APICSR")
_NOT_BASE: tuple[PassthroughKind, ...] = ("CSR", "API", "APICSR")

# Family -> the passthrough variants AWS publishes (reference section 7).
_FAMILIES: dict[str, tuple[PassthroughKind, ...]] = {
    "EndEntityCertificate": _ALL,
    "EndEntityClientAuthCertificate": _ALL,
    "EndEntityServerAuthCertificate": _ALL,
    "CodeSigningCertificate": _ALL,
    "OCSPSigningCertificate": _ALL,
    **{f"SubordinateCACertificate_PathLen{n}": _ALL for n in _PATH_LENS},
    "BlankEndEntityCertificate": _NOT_BASE,
    "BlankEndEntityCertificate_CriticalBasicConstraints": _NOT_BASE,
    **{f"BlankSubordinateCACertificate_PathLen{n}": _NOT_BASE for n in _PATH_LENS},
    "RootCACertificate": ("none", "API"),
    "BlankRootCACertificate": ("API",),
    **{f"BlankRootCACertificate_PathLen{n}": ("API",) for n in _PATH_LENS},
}

_SUFFIX_OF: dict[PassthroughKind, str] = {kind: s for s, kind in PASSTHROUGH_SUFFIXES.items()}


def _with_suffix(family: str, kind: PassthroughKind) -> str:
    return family if kind == "none" else family + _SUFFIX_OF[kind]


#: Every template name AWS documents (61, all at version ``V1``).
TEMPLATE_NAMES: frozenset[str] = frozenset(
    _with_suffix(family, kind) for family, kinds in _FAMILIES.items() for kind in kinds
)

_PATH_LEN = re.compile(r"_PathLen([0-9]+)(?=_|\Z)", re.ASCII)


def passthrough_kind(name: str) -> PassthroughKind:
    """The passthrough a template applies, read from the name's suffix.

    Args:
        name: a template name such as ``"EndEntityCertificate_APIPassthrough"``.

    Returns:
        ``"APICSR"``, ``"API"``, ``"CSR"`` or ``"none"``.
    """
    for suffix, kind in PASSTHROUGH_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    return "none"


def family_of(name: str) -> str:
    """The template name without its passthrough suffix (``"EndEntityCertificate"``)."""
    for suffix in PASSTHROUGH_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def path_len_of(name: str) -> int | None:
    """The ``pathLenConstraint`` a ``_PathLenN`` template sets, else ``None``."""
    match = _PATH_LEN.search(family_of(name))
    return None if match is None else int(match.group(1))
