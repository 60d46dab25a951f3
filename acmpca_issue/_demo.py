"""The demo: a certificate issued end to end from a local Private CA, no AWS account needed.

Example::

    $ python -m acmpca_issue demo --out-dir ./demo-certs

or, from Python::

    from acmpca_issue._demo import run_demo

    run_demo("./demo-certs")
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

__all__ = ["DEMO_FILES", "check_out_dir", "run_demo"]

_COMMON_NAME = "demo.internal"
_IDENTITIES = ("demo.internal", "www.demo.internal", "127.0.0.1")


#: The files the demo writes.
DEMO_FILES = ("cert.pem", "chain.pem", "fullchain.pem", "key.pem")


def check_out_dir(out_dir: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Refuse, before anything is made, a directory the demo could not write its files into.

    Raises:
        FileExistsError: one of :data:`DEMO_FILES` exists (its ``filename``) and ``overwrite``
            is false.
        NotADirectoryError: ``out_dir``, or the nearest part of it that exists, is a file.
        PermissionError: that nearest existing directory cannot be written.
    """
    target = Path(out_dir)
    if not overwrite:
        for name in DEMO_FILES:
            if os.path.lexists(target / name):
                raise FileExistsError(errno.EEXIST, "exists", str(target / name))
    existing = next(p for p in (target, *target.absolute().parents) if os.path.exists(p))
    if not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, "cannot be written", str(existing))


def run_demo(
    out_dir: str | os.PathLike[str] | None = None,
    *,
    stdout: TextIO | None = None,
    overwrite: bool = False,
) -> int:
    """Issue a 90-day certificate from a local Private CA through the Issuer, and show it.

    Starts a :class:`~acmpca_issue.local.LocalPrivateCA` in-process, creates a root CA,
    builds an EC P-256 key and CSR, issues the certificate for 90 days through an
    :class:`~acmpca_issue.Issuer` (preflight, idempotency token, waiter, verification), then
    prints the certificate ARN's parts and the certificate's summary and writes
    ``cert.pem``, ``chain.pem``, ``fullchain.pem`` and ``key.pem`` (mode 0600).

    Args:
        out_dir: where to write the files; ``None`` makes a new temporary directory and names
            it in the output. It is checked first (:func:`check_out_dir`), so nothing is
            printed or made when existing files would be in the way.
        stdout: where to print (default: ``sys.stdout``).
        overwrite: replace existing files in ``out_dir``.

    Returns:
        0 on success (failures raise an :class:`~acmpca_issue.exceptions.AcmPcaIssueError`
        or ``OSError``).
    """
    from acmpca_issue._csr import build_csr
    from acmpca_issue._issuer import Issuer
    from acmpca_issue._validity import Validity
    from acmpca_issue.local import LocalPrivateCA

    if out_dir is not None:
        check_out_dir(out_dir, overwrite=overwrite)
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
    written = issued.write(directory, private_key=bundle, overwrite=overwrite)
    out.write(f"\nFiles in {directory}\n")
    for name, path in written.items():
        mode = path.stat().st_mode & 0o777
        out.write(f"  {name:<14} {mode:04o}\n")
    return 0
