"""The local Private CA needs no AWS set-up, and a region mismatch is refused before sending.

Every test here runs on a machine without AWS configuration (the ``no_aws_setup`` fixture).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.session import Session
from botocore.stub import Stubber

from acmpca_issue import (
    CertificateArn,
    InvalidRequestError,
    IssueCertificateRequest,
    Issuer,
    TransportError,
    Validity,
    build_csr,
)
from acmpca_issue._session import RegionalClients, is_loopback, make_client
from acmpca_issue.local import LocalPrivateCA

pytestmark = pytest.mark.usefixtures("no_aws_setup")


@pytest.fixture(scope="module")
def pca() -> LocalPrivateCA:
    return LocalPrivateCA()


class TestNoSetUp:
    """The documented ways to reach a local Private CA work with nothing configured."""

    def test_from_session_with_only_the_endpoint(self, pca: LocalPrivateCA) -> None:
        """No region and no credentials: the region is the ARN's, the keys are placeholders."""
        ca_arn = pca.create_root_ca(region_name="eu-west-1")
        with pca.serve() as server:
            issuer = Issuer.from_session(endpoint_url=server.endpoint_url)
            issued = issuer.issue_certificate(
                certificate_authority_arn=ca_arn,
                csr=build_csr("svc.internal").csr,
                validity=Validity.days(1),
            )
        assert issued.arn.certificate_authority_arn == ca_arn
        assert isinstance(issuer.client, RegionalClients)
        assert repr(issuer.client) == "<RegionalClients ['eu-west-1']>"
        issuer.client.close()

    def test_pca_issuer(self, pca: LocalPrivateCA) -> None:
        """pca.issuer() issues from CAs in any region, with no server and no set-up."""
        bundle = build_csr("svc.internal")
        issuer = pca.issuer(wait_timeout=5)
        assert issuer.wait_timeout == 5
        for region in ("us-east-1", "ap-south-1"):
            ca_arn = pca.create_root_ca(region_name=region)
            issued = issuer.issue_certificate(
                certificate_authority_arn=ca_arn, csr=bundle.csr, validity=Validity.days(1)
            )
            assert issued.arn.region == region
            assert issuer.get_certificate(issued.arn).serial == issued.serial

    def test_pca_issuer_shares_the_ca_clock(self) -> None:
        """The Issuer's wall clock is the CA's, so a faked time checks out on both sides."""
        later = datetime(2041, 3, 1, 12, 0, tzinfo=timezone.utc)
        pca = LocalPrivateCA(clock=lambda: later)
        ca_arn = pca.create_root_ca()
        issued = pca.issuer().issue_certificate(
            certificate_authority_arn=ca_arn,
            csr=build_csr("svc.internal").csr,
            validity=Validity.days(1),
        )
        assert issued.not_before <= later < issued.not_after

    def test_server_environment_for_the_aws_cli(self, pca: LocalPrivateCA, tmp_path: Path) -> None:
        """With only server.environment, the AWS CLI reaches the local CA (no other options)."""
        ca_arn = pca.create_root_ca(region_name="eu-central-1")
        with pca.serve(region_name="eu-central-1") as server:
            assert server.environment == {
                "AWS_ENDPOINT_URL_ACM_PCA": server.endpoint_url,
                "AWS_DEFAULT_REGION": "eu-central-1",
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
            }
            assert server.export_lines().splitlines()[0] == (
                f"export AWS_ENDPOINT_URL_ACM_PCA={server.endpoint_url}"
            )
            completed = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "awscli",
                    "acm-pca",
                    "describe-certificate-authority",
                    "--certificate-authority-arn",
                    str(ca_arn),
                    "--query",
                    "CertificateAuthority.Status",
                    "--output",
                    "text",
                ],
                env={**os.environ, "AWS_PAGER": "", **server.environment},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout.strip() == "ACTIVE"

    def test_cli_local_ca_serve_prints_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`local-ca serve` prints export lines that, pasted, make from_session work."""
        from acmpca_issue._cli import _commands, main

        seen: dict[str, Any] = {}

        def paste_then_interrupt() -> None:
            err = capsys.readouterr().err
            exports = [line for line in err.splitlines() if line.startswith("export ")]
            for line in exports:
                name, _, value = line.removeprefix("export ").partition("=")
                monkeypatch.setenv(name, value)
            seen["names"] = sorted(line.split("=")[0] for line in exports)
            seen["client"] = Issuer.from_session().client
            raise KeyboardInterrupt

        monkeypatch.setattr(_commands, "_block", paste_then_interrupt)
        assert main(["local-ca", "serve", "--region", "eu-west-3"]) == 130
        assert seen["names"] == [
            "export AWS_ACCESS_KEY_ID",
            "export AWS_DEFAULT_REGION",
            "export AWS_ENDPOINT_URL_ACM_PCA",
            "export AWS_SECRET_ACCESS_KEY",
        ]
        client = seen["client"]
        assert client.meta.region_name == "eu-west-3"
        assert client.meta.endpoint_url.startswith("http://127.0.0.1:")
        client.close()

    def test_cli_endpoint_url_needs_no_credentials(
        self, pca: LocalPrivateCA, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """acmpca-issue --endpoint-url to a local CA issues with nothing configured."""
        from acmpca_issue._cli import main

        ca_arn = pca.create_root_ca()
        csr = tmp_path / "csr.pem"
        csr.write_bytes(build_csr("svc.internal").csr_pem)
        with pca.serve() as server:
            status = main(
                [
                    "issue-certificate",
                    "--certificate-authority-arn",
                    str(ca_arn),
                    "--csr",
                    str(csr),
                    "--signing-algorithm",
                    "SHA256WITHECDSA",
                    "--validity",
                    "Value=1,Type=DAYS",
                    "--endpoint-url",
                    server.endpoint_url,
                ]
            )
        out, err = capsys.readouterr()
        assert status == 0, err
        assert str(ca_arn) in out

    def test_missing_credentials_name_the_fix(self, pca: LocalPrivateCA) -> None:
        """Off loopback, missing credentials are a TransportError that says what to do."""
        issuer = Issuer.from_session(
            region_name="us-east-1", endpoint_url="https://acm-pca.example.invalid"
        )
        with pytest.raises(TransportError) as raised:
            issuer.describe(pca.create_root_ca())
        message = str(raised.value)
        assert "Unable to locate credentials" in message
        assert "aws configure" in message
        assert "LocalPrivateCA().issuer()" in message
        assert "local-ca serve" in message

    def test_a_named_profile_keeps_its_own_credentials(self, tmp_path: Path) -> None:
        """Placeholder keys only stand in when no profile is named."""
        credentials = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
        credentials.write_text("[dev]\naws_access_key_id = AKIDEV\naws_secret_access_key = s\n")
        try:
            client = make_client(
                region_name="us-east-1", profile_name="dev", endpoint_url="http://127.0.0.1:9"
            )
            assert client._request_signer._credentials.access_key == "AKIDEV"
            client.close()
        finally:
            credentials.write_text("")

    def test_configured_region_gives_one_client(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """AWS_DEFAULT_REGION (or the profile's region) still makes one plain client."""
        monkeypatch.setenv("AWS_DEFAULT_REGION", "sa-east-1")
        client = make_client(region_name=None, profile_name=None, endpoint_url="http://127.0.0.1:9")
        assert client.meta.region_name == "sa-east-1"
        client.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080", True),
        ("http://127.3.4.5", True),
        ("http://localhost:1", True),
        ("http://[::1]:8443", True),
        ("https://acm-pca.us-east-1.amazonaws.com", False),
        ("http://10.0.0.1:8080", False),
        (None, False),
        ("", False),
    ],
)
def test_is_loopback(url: str | None, expected: bool) -> None:
    """Only this machine's addresses count as a local endpoint."""
    assert is_loopback(url) is expected


def test_regional_clients_only_offer_calls() -> None:
    """Private names and the botocore client's meta are not calls."""
    clients = RegionalClients(lambda region: pytest.fail("no client should be made"))
    assert not hasattr(clients, "meta")
    assert not hasattr(clients, "_private")
    clients.close()


class TestRegionMismatch:
    """A client in one region and an ARN in another is refused before anything is sent."""

    @pytest.fixture
    def issuer(self) -> Any:
        client = Session().create_client(
            "acm-pca",
            region_name="us-east1",  # the typo a newcomer makes
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        with Stubber(client):  # no answers queued: any call sent would fail the test
            yield Issuer(client)
        client.close()

    def _assert_names_both(self, error: InvalidRequestError, path: str) -> None:
        (problem,) = error.problems
        assert problem.path == path
        assert "'us-east-1'" in problem.message
        assert "'us-east1'" in problem.message

    def test_issue(self, issuer: Issuer, csr_pem: bytes, ca_arn: str) -> None:
        request = IssueCertificateRequest(
            certificate_authority_arn=ca_arn,
            csr=csr_pem,
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.days(1),
        )
        with pytest.raises(InvalidRequestError) as raised:
            issuer.issue(request)
        self._assert_names_both(raised.value, "certificate_authority_arn")

    def test_issue_without_preflight(self, csr_pem: bytes, ca_arn: str) -> None:
        client = LocalPrivateCA().client(region_name="eu-west-1")
        request = IssueCertificateRequest(
            certificate_authority_arn=ca_arn,
            csr=csr_pem,
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.days(1),
        )
        with pytest.raises(InvalidRequestError, match="'eu-west-1'"):
            Issuer(client, preflight=False).issue(request, wait=False)

    def test_issue_certificate_describes_nothing(
        self, issuer: Issuer, csr_pem: bytes, ca_arn: str
    ) -> None:
        with pytest.raises(InvalidRequestError) as raised:
            issuer.issue_certificate(
                certificate_authority_arn=ca_arn, csr=csr_pem, validity=Validity.days(1)
            )
        self._assert_names_both(raised.value, "certificate_authority_arn")

    def test_get_certificate(self, issuer: Issuer, ca_arn: str) -> None:
        arn = CertificateArn.from_parts(ca_arn, 0x6707)
        with pytest.raises(InvalidRequestError) as raised:
            issuer.get_certificate(arn)
        self._assert_names_both(raised.value, "certificate_arn")
        assert "certificate ARN" in str(raised.value)
