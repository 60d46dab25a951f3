"""The demo: a certificate issued end to end from a local Private CA, no AWS account needed.

Example::

    $ python -m acmpca_issue demo --out-dir ./demo-certs

or, from Python::

    from acmpca_issue._demo import run_demo

    run_demo("./demo-certs")
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

__all__ = ["run_demo"]

_COMMON_NAME = "demo.internal"
_IDENTITIES = ("demo.internal", "www.demo.internal", "127.0.0.1")


def run_demo(out_dir: str | os.PathLike[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Issue a 90-day certificate from a local Private CA through the Issuer, and show it.

    Starts a :class:`~acmpca_issue.local.LocalPrivateCA` in-process, creates a root CA,
    builds an EC P-256 key and CSR, issues the certificate for 90 days through an
    :class:`~acmpca_issue.Issuer` (preflight, idempotency token, waiter, verification), then
    prints the certificate ARN's parts and the certificate's summary and writes
    ``cert.pem``, ``chain.pem``, ``fullchain.pem`` and ``key.pem`` (mode 0600).

    Args:
        out_dir: where to write the files; ``None`` makes a new temporary directory and names
            it in the output. Existing files are never overwritten.
        stdout: where to print (default: ``sys.stdout``).

    Returns:
        0 on success (failures raise an :class:`~acmpca_issue.exceptions.AcmPcaIssueError`
        or ``OSError``).
    """
    from acmpca_issue._csr import build_csr
    from acmpca_issue._issuer import Issuer
    from acmpca_issue._validity import Validity
    from acmpca_issue.local import LocalPrivateCA

    out = sys.stdout if stdout is None else stdout
    pca = LocalPrivateCA()
    root = pca.create_root_ca(common_name="acmpca-issue Demo Root CA")
    out.write(f"Local Private CA: created root CA\n  {root}\n")
    bundle = build_csr(*_IDENTITIES, common_name=_COMMON_NAME)
    out.write(f"Built an EC P-256 key and a CSR for {', '.join(_IDENTITIES)}\n")

    client = pca.client()
    try:
        issuer = Issuer(client)
        issued = issuer.issue_certificate(
            certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(90)
        )
    finally:
        client.close()

    arn = issued.arn
    out.write("Issued and verified (key, signature, chain, serial, algorithm, validity)\n\n")
    out.write("Certificate ARN\n")
    out.write(f"  {arn}\n")
    for label, value in (
        ("partition", arn.partition),
        ("region", arn.region),
        ("account", arn.account),
        ("CA id", arn.ca_id),
        ("serial", arn.serial_colon),
    ):
        out.write(f"  {label + ':':<12}{value}\n")
    out.write("\nCertificate\n")
    for label, value in issued.summary().items():
        if label != "ARN":
            out.write(f"  {label + ':':<12}{value}\n")

    # The temporary directory is made only now, so a failure above leaves none behind.
    directory = Path(tempfile.mkdtemp(prefix="acmpca-issue-demo-") if out_dir is None else out_dir)
    written = issued.write(directory, private_key=bundle)
    out.write(f"\nFiles in {directory}\n")
    for name, path in written.items():
        mode = path.stat().st_mode & 0o777
        out.write(f"  {name:<14} {mode:04o}\n")
    return 0
