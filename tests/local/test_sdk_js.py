"""SDK parity: the AWS SDK for JavaScript v3 drives the local Private CA over HTTP.

``tests/sdk-js/scenarios.mjs`` uses ``@aws-sdk/client-acm-pca`` (pinned in
``tests/sdk-js/package-lock.json``; ``.ci/run`` runs ``npm ci`` there), a protocol
implementation independent of botocore, against ``pca.serve()``: every operation the local CA
answers, each validity type, templates, ApiPassthrough, idempotency, pagination, revoke, each
modeled error as its SDK exception class and throttling. The script runs once; each scenario's
verdict is one test here, so a scenario the script stops reporting fails too.

Skipped only where ``node`` is not installed. With node but without ``node_modules`` the test
fails and says to run ``npm ci``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue.local import LocalPrivateCA
from tests.local._support import make_csr

SDK_DIR = Path(__file__).resolve().parents[1] / "sdk-js"
SCRIPT = SDK_DIR / "scenarios.mjs"
PACKAGE = SDK_DIR / "node_modules" / "@aws-sdk" / "client-acm-pca" / "package.json"

SCENARIOS = [
    "create_root_ca_lifecycle",
    "create_ca_idempotency",
    "issue_and_get_with_chain",
    "waiter_certificate_issued",
    "validity_days",
    "validity_months",
    "validity_years",
    "validity_end_date",
    "validity_absolute_and_not_before",
    "template_end_entity_server_auth",
    "template_end_entity_default",
    "template_subordinate_ca",
    "api_passthrough",
    "issue_idempotency",
    "list_pages_with_next_token",
    "revoke",
    "error_resource_not_found",
    "error_invalid_arn",
    "error_invalid_args",
    "error_malformed_csr",
    "error_invalid_state",
    "error_invalid_request",
    "error_malformed_certificate",
    "error_certificate_mismatch",
    "error_invalid_next_token",
    "error_invalid_state_disabled_ca",
    "error_validation_model",
    "error_validation_range_check",
    "error_request_in_progress",
    "error_request_failed",
    "throttling",
]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript SDK parity test needs Node.js 18+")
    if not PACKAGE.is_file():
        pytest.fail(
            f"{SDK_DIR / 'node_modules'} is missing: run `npm ci` in {SDK_DIR} "
            "(or `npm ci --prefix tests/sdk-js` from the repository root)",
            pytrace=False,
        )
    return node


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict[str, Any]]:
    """Run the scenario script once against three served local CAs; verdicts by name."""
    node = _node()
    main = LocalPrivateCA()
    slow = LocalPrivateCA(issue_delay=3600, rate_limits={"DescribeCertificateAuthority": 1})
    failing = LocalPrivateCA()
    slow_root = slow.create_root_ca(common_name="Slow Root")
    failing_root = failing.create_root_ca(common_name="Failing Root")
    failing.fail_next_issuance()
    with main.serve() as server, slow.serve() as slow_server, failing.serve() as failing_server:
        config = {
            "endpoint": server.endpoint_url,
            "nowMs": main.engine.now().timestamp() * 1000,
            "csr": make_csr("sdk.example.com", ("sdk.example.com",)).decode("ascii"),
            "slow": {"endpoint": slow_server.endpoint_url, "caArn": str(slow_root)},
            "failing": {"endpoint": failing_server.endpoint_url, "caArn": str(failing_root)},
        }
        finished = subprocess.run(
            [node, str(SCRIPT), json.dumps(config)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=SDK_DIR,
            check=False,
        )
    assert finished.returncode == 0, finished.stderr
    document = json.loads(finished.stdout)
    return {result["name"]: result for result in document["scenarios"]}


def test_the_script_reports_exactly_the_scenarios(verdicts: dict[str, dict[str, Any]]) -> None:
    """No scenario goes missing and none is added without a test here."""
    assert sorted(verdicts) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario(verdicts: dict[str, dict[str, Any]], name: str) -> None:
    """The JavaScript SDK sees what the service would answer."""
    verdict = verdicts.get(name)
    assert verdict is not None, f"scenario {name} did not run"
    assert verdict["ok"], verdict["detail"]
