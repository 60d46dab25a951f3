"""state_dir: CAs, keys, certificates and idempotency tokens survive a restart."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509

from acmpca_issue import CertificateArn, InvalidRequestError
from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._protocol import LocalServiceError
from tests.local._support import FakeClock, issue, issue_params


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_restart_keeps_everything(tmp_path: Path) -> None:
    """A new LocalPrivateCA on the same state_dir sees the CAs, certificates and tokens."""
    state = tmp_path / "state"
    clock = FakeClock()
    first = LocalPrivateCA(state_dir=state, clock=clock)
    root = str(first.create_root_ca(common_name="Persisted Root"))
    sub = str(first.create_subordinate_ca(root))
    kept = first.engine.handle("IssueCertificate", issue_params(sub, IdempotencyToken="tok"))
    revoked = CertificateArn.parse(
        first.engine.handle("IssueCertificate", issue_params(sub))["CertificateArn"]
    )
    first.engine.handle(
        "RevokeCertificate",
        {
            "CertificateAuthorityArn": sub,
            "CertificateSerial": revoked.serial_hex,
            "RevocationReason": "SUPERSEDED",
        },
    )
    first.fail_next_issuance()
    failed = first.engine.handle("IssueCertificate", issue_params(sub))["CertificateArn"]
    first.engine.handle(
        "UpdateCertificateAuthority", {"CertificateAuthorityArn": root, "Status": "DISABLED"}
    )
    before = first.engine.handle("GetCertificate", {"CertificateAuthorityArn": sub, **kept})

    clock.advance(minutes=1)
    second = LocalPrivateCA(state_dir=state, clock=clock)
    assert repr(second) == f"<LocalPrivateCA state_dir={str(state)!r}>"
    described = second.engine.handle(
        "DescribeCertificateAuthority", {"CertificateAuthorityArn": root}
    )["CertificateAuthority"]
    assert described["Status"] == "DISABLED"
    assert described["CertificateAuthorityConfiguration"]["Subject"] == {
        "CommonName": "Persisted Root"
    }
    after = second.engine.handle("GetCertificate", {"CertificateAuthorityArn": sub, **kept})
    assert after == before
    again = second.engine.handle("IssueCertificate", issue_params(sub, IdempotencyToken="tok"))
    assert again == kept
    with pytest.raises(LocalServiceError) as caught:
        second.engine.handle(
            "RevokeCertificate",
            {
                "CertificateAuthorityArn": sub,
                "CertificateSerial": revoked.serial_hex,
                "RevocationReason": "SUPERSEDED",
            },
        )
    assert caught.value.code == "RequestAlreadyProcessedException"
    with pytest.raises(LocalServiceError) as caught:
        second.engine.handle(
            "GetCertificate", {"CertificateAuthorityArn": sub, "CertificateArn": failed}
        )
    assert caught.value.code == "RequestFailedException"
    # The restored subordinate still signs with its kept key.
    cert = issue(second.engine, sub)
    chain = second.engine.handle(
        "GetCertificateAuthorityCertificate", {"CertificateAuthorityArn": sub}
    )
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate(chain["Certificate"].encode()))

    # Tokens older than the window are forgotten at load.
    clock.advance(minutes=5)
    third = LocalPrivateCA(state_dir=state, clock=clock)
    fresh = third.engine.handle("IssueCertificate", issue_params(sub, IdempotencyToken="tok"))
    assert fresh != kept


def test_file_modes(tmp_path: Path) -> None:
    """The directory and key folder are 0700; keys are 0600 PKCS#8 PEM; no key in the index."""
    state = tmp_path / "state"
    pca = LocalPrivateCA(state_dir=state)
    root = pca.create_root_ca()
    issue(pca.engine, root)
    assert _mode(state) == 0o700
    assert _mode(state / "keys") == 0o700
    keys = list((state / "keys").iterdir())
    assert [key.name for key in keys] == [f"{root.ca_id}.pem"]
    assert _mode(keys[0]) == 0o600
    assert keys[0].read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    for name in ("cas.json", "certificates.jsonl"):
        assert _mode(state / name) == 0o600
        assert b"PRIVATE KEY" not in (state / name).read_bytes()


@pytest.mark.mldsa
def test_pending_ca_survives(tmp_path: Path) -> None:
    """A CA still waiting for its certificate is kept, and can finish after a restart."""
    state = tmp_path / "state"
    pca = LocalPrivateCA(state_dir=state)
    arn = pca.engine.handle(
        "CreateCertificateAuthority",
        {
            "CertificateAuthorityConfiguration": {
                "KeyAlgorithm": "ML_DSA_44",
                "SigningAlgorithm": "ML_DSA_44",
                "Subject": {"CommonName": "Later"},
            },
            "CertificateAuthorityType": "ROOT",
        },
    )["CertificateAuthorityArn"]
    again = LocalPrivateCA(state_dir=state)
    assert repr(again.engine._store) == f"StateStore({str(state)!r})"
    described = again.engine.handle(
        "DescribeCertificateAuthority", {"CertificateAuthorityArn": arn}
    )["CertificateAuthority"]
    assert described["Status"] == "PENDING_CERTIFICATE"
    assert "NotAfter" not in described
    csr = again.engine.handle("GetCertificateAuthorityCsr", {"CertificateAuthorityArn": arn})
    assert csr["Csr"].startswith("-----BEGIN CERTIFICATE REQUEST-----")


def test_not_a_directory(tmp_path: Path) -> None:
    """A state_dir that is a file is InvalidRequestError at path state_dir."""
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(InvalidRequestError) as caught:
        LocalPrivateCA(state_dir=path)
    assert caught.value.problems[0].path == "state_dir"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cas.json", "{not json"),
        ("cas.json", json.dumps({"version": 99, "cas": []})),
        ("certificates.jsonl", '{"event": "revoked", "ca_arn": "x", "serial": "01"}\n'),
    ],
)
def test_damaged_state(tmp_path: Path, name: str, content: str) -> None:
    """Damaged files are InvalidRequestError naming the directory, not a raw error."""
    state = tmp_path / "state"
    LocalPrivateCA(state_dir=state)
    (state / name).write_text(content)
    with pytest.raises(InvalidRequestError, match="cannot read the local Private CA state"):
        LocalPrivateCA(state_dir=state)


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    """A blank line in the certificate log is ignored."""
    state = tmp_path / "state"
    pca = LocalPrivateCA(state_dir=state)
    root = pca.create_root_ca()
    arn = pca.engine.handle("IssueCertificate", issue_params(root))["CertificateArn"]
    with open(state / "certificates.jsonl", "a", encoding="utf-8") as log:
        log.write("\n")
    again = LocalPrivateCA(state_dir=state)
    got = again.engine.handle(
        "GetCertificate", {"CertificateAuthorityArn": str(root), "CertificateArn": arn}
    )
    assert got["Certificate"].startswith("-----BEGIN CERTIFICATE-----")
