"""Run the local Private CA as a standalone HTTP server until interrupted.

Example::

    python -m acmpca_issue.local --port 8443 --create-root
    # http://127.0.0.1:8443
    # arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/...
    aws --endpoint-url http://127.0.0.1:8443 acm-pca describe-certificate-authority \\
        --certificate-authority-arn arn:aws:acm-pca:...

The first line printed is the endpoint URL (with the chosen port when ``--port 0``); with
``--create-root`` the second is the ARN of a fresh ACTIVE root CA. Ctrl-C or SIGTERM stops it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any

from acmpca_issue._enums import KeyAlgorithm
from acmpca_issue.exceptions import AcmPcaIssueError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m acmpca_issue.local",
        description="Serve a local AWS Private CA over HTTP (awsJson1_1, for --endpoint-url).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    parser.add_argument(
        "--state-dir", default=None, help="keep CAs and certificates in this directory"
    )
    parser.add_argument(
        "--create-root",
        action="store_true",
        help="create an ACTIVE root CA at start and print its ARN",
    )
    parser.add_argument(
        "--key-algorithm",
        default=KeyAlgorithm.EC_prime256v1.value,
        choices=[member.value for member in KeyAlgorithm],
        help="key algorithm of the --create-root CA (default: %(default)s)",
    )
    parser.add_argument(
        "--region", default="us-east-1", help="region of the --create-root CA's ARN"
    )
    parser.add_argument(
        "--require-signature",
        action="store_true",
        help="refuse requests without a SigV4 Authorization header, as the service does",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl-C, SIGTERM or ``stop`` is set.

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).
        stop: An event that ends the server when set (for embedding and tests).

    Returns:
        The exit status: 0 after a clean stop, 1 when the CA could not start.
    """
    args = _parser().parse_args(argv)
    from acmpca_issue.local import LocalPrivateCA

    try:
        pca = LocalPrivateCA(state_dir=args.state_dir, require_signature=args.require_signature)
        server = pca.serve(host=args.host, port=args.port)
    except (AcmPcaIssueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    stop = stop or threading.Event()
    with server:
        print(server.endpoint_url, flush=True)
        if args.create_root:
            try:
                root = pca.create_root_ca(key_algorithm=args.key_algorithm, region_name=args.region)
            except AcmPcaIssueError as error:
                print(f"error: cannot create the root CA: {error}", file=sys.stderr)
                return 1
            print(root, flush=True)
        previous = _on_sigterm(stop)
        try:
            while not stop.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    return 0


def _on_sigterm(stop: threading.Event) -> Any:
    """Make SIGTERM set ``stop`` (only possible from the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    return signal.signal(signal.SIGTERM, handler)


if __name__ == "__main__":  # pragma: no cover - run by the subprocess test
    sys.exit(main())
