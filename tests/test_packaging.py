"""The package surface: exports, version, typing marker and import cost."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

import acmpca_issue


def test_all_is_sorted_and_unique() -> None:
    """``__all__`` is the sorted list of public names (httpx's rule)."""
    assert acmpca_issue.__all__ == sorted(set(acmpca_issue.__all__))


@pytest.mark.parametrize("name", acmpca_issue.__all__)
def test_every_public_name_resolves(name: str) -> None:
    """Each name in ``__all__`` imports from the top level and is defined in the package."""
    value = getattr(acmpca_issue, name)
    assert value.__module__.startswith("acmpca_issue")
    assert name in dir(acmpca_issue)


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A missing name fails the usual way."""
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = acmpca_issue.Nope


def test_version_matches_metadata() -> None:
    """``__version__`` is the installed distribution's version."""
    assert acmpca_issue.__version__ == importlib.metadata.version("acmpca-issue")


def test_py_typed_is_shipped() -> None:
    """The package declares its inline types (PEP 561)."""
    assert (Path(acmpca_issue.__file__).parent / "py.typed").is_file()


def test_exceptions_are_reexported() -> None:
    """The error family is reachable from the top level and from ``acmpca_issue.exceptions``."""
    from acmpca_issue import exceptions

    assert acmpca_issue.InvalidRequestError is exceptions.InvalidRequestError
    assert acmpca_issue.ServiceError is exceptions.ServiceError


@pytest.mark.parametrize(
    "statement",
    [
        "import acmpca_issue",
        "from acmpca_issue import IssueCertificateRequest, Validity, build_csr, load_csr",
        "from acmpca_issue import CertificateArn, TemplateArn, SigningAlgorithm",
    ],
)
def test_import_does_not_import_botocore(statement: str) -> None:
    """The core stays cheap: botocore is imported only where a client is made."""
    code = f"{statement}\nimport sys\nprint('botocore' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_dir_is_exactly_the_public_names() -> None:
    """dir() lists the exports and __version__, never this module's own imports."""
    assert dir(acmpca_issue) == sorted([*acmpca_issue.__all__, "__version__"])
    for helper in ("Any", "TYPE_CHECKING", "importlib", "annotations"):
        assert helper not in dir(acmpca_issue)


def test_all_is_complete() -> None:
    """__all__ is every public class and function of the modules it re-exports from.

    The exceptions module's error classes (every ServiceError subclass included) and
    ``Problem`` are all importable from the top level; its table and lookup function
    (``SERVICE_ERRORS``, ``service_error_class``) stay in ``acmpca_issue.exceptions``.
    """
    from acmpca_issue import exceptions

    exported = {
        name for name in exceptions.__all__ if name not in {"SERVICE_ERRORS", "service_error_class"}
    }
    assert exported <= set(acmpca_issue.__all__)
    assert {cls.__name__ for cls in exceptions.SERVICE_ERRORS.values()} <= set(acmpca_issue.__all__)
    from acmpca_issue import ThrottlingError

    assert ThrottlingError is exceptions.ThrottlingError
