"""The README's Python examples run as written (against a local Private CA, not AWS)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue import Issuer
from acmpca_issue.local import LocalPrivateCA

README = Path(__file__).resolve().parent.parent / "README.md"
PLACEHOLDER = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/..."


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)


def test_readme_has_the_two_examples() -> None:
    """The README shows one example in code and one in tests."""
    blocks = _python_blocks()
    assert len(blocks) == 2
    assert PLACEHOLDER in blocks[0]
    assert "LocalPrivateCA" in blocks[1]


def test_in_code_example(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The 'In code' example issues, reads the serial and writes the four files."""
    pca = LocalPrivateCA()
    ca_arn = pca.create_root_ca()

    def from_session(**_: Any) -> Issuer:
        return Issuer(pca.client())

    monkeypatch.setattr(Issuer, "from_session", staticmethod(from_session))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(_python_blocks()[0].replace(PLACEHOLDER, str(ca_arn)), namespace)  # noqa: S102
    issued = namespace["issued"]
    assert issued.arn.certificate_authority_arn == ca_arn
    assert sorted(p.name for p in (tmp_path / "tls").iterdir()) == [
        "cert.pem",
        "chain.pem",
        "fullchain.pem",
        "key.pem",
    ]
    assert (tmp_path / "tls" / "key.pem").stat().st_mode & 0o777 == 0o600


def test_in_tests_example(capsys: pytest.CaptureFixture[str]) -> None:
    """The 'In tests' example makes a root CA, a client and a server on 127.0.0.1."""
    namespace: dict[str, Any] = {}
    exec(_python_blocks()[1], namespace)  # noqa: S102
    assert (
        namespace["client"].describe_certificate_authority(
            CertificateAuthorityArn=str(namespace["ca_arn"])
        )["CertificateAuthority"]["Status"]
        == "ACTIVE"
    )
    assert capsys.readouterr().out.startswith("http://127.0.0.1:")
