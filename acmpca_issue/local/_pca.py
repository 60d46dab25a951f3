"""``LocalPrivateCA``: an in-process AWS Private CA for tests, notebooks and the demo.

Example::

    from acmpca_issue.local import LocalPrivateCA

    pca = LocalPrivateCA()
    root = pca.create_root_ca(common_name="Example Root")
    client = pca.client()                     # a botocore acm-pca client, answered in-process
    arn = client.issue_certificate(
        CertificateAuthorityArn=str(root), Csr=csr_pem,
        SigningAlgorithm="SHA256WITHECDSA", Validity={"Value": 30, "Type": "DAYS"},
    )["CertificateArn"]
    client.get_certificate(CertificateAuthorityArn=str(root), CertificateArn=arn)

    with pca.serve() as server:               # the same CA over HTTP on 127.0.0.1
        print(server.endpoint_url)            # for any SDK or `aws --endpoint-url`
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from cryptography import x509

from acmpca_issue._arn import CertificateAuthorityArn, TemplateArn
from acmpca_issue._display import Panel, html_panel, name_or_empty, pretty, text_panel
from acmpca_issue._enums import KeyAlgorithm, SigningAlgorithm, coerce_enum
from acmpca_issue._problems import Problems, describe, did_you_mean
from acmpca_issue.exceptions import (
    InvalidArnError,
    InvalidRequestError,
    InvalidStateError,
    service_error_class,
)
from acmpca_issue.local._engine import DEFAULT_ACCOUNT, Engine
from acmpca_issue.local._issuing import SHORT_LIVED_MAX
from acmpca_issue.local._protocol import LocalServiceError
from acmpca_issue.local._x509 import path_length_limit, path_length_violation

if TYPE_CHECKING:
    from mypy_boto3_acm_pca.client import ACMPCAClient
    from typing_extensions import Unpack

    from acmpca_issue._issuer import AcmPcaClient, Issuer, IssuerOptions
    from acmpca_issue.local._http import LocalServer

__all__ = ["LocalPrivateCA"]

_DEFAULT_REGION = "us-east-1"
_USAGE_MODES = ("GENERAL_PURPOSE", "SHORT_LIVED_CERTIFICATE")
#: The CA key algorithms the local Private CA makes (every one but SM2).
LOCAL_KEY_ALGORITHMS = tuple(k.value for k in KeyAlgorithm if k is not KeyAlgorithm.SM2)
_ROOT_YEARS = 10
_SUBORDINATE_YEARS = 5


def _check_usage_mode(usage_mode: object, problems: Problems) -> None:
    if usage_mode not in _USAGE_MODES:
        problems.add(
            "usage_mode",
            f"must be one of {', '.join(_USAGE_MODES)}; got {describe(usage_mode)}"
            f"{did_you_mean(usage_mode, _USAGE_MODES)}",
        )


def default_signing_algorithm(key_algorithm: KeyAlgorithm) -> SigningAlgorithm:
    """The signing algorithm a CA with ``key_algorithm`` is given unless told otherwise.

    RSA keys sign with SHA256WITHRSA, EC keys with the hash that matches the curve
    (P-256: SHA-256, P-384: SHA-384, P-521: SHA-512), ML-DSA keys with their own parameter set.
    """
    by_key = {
        KeyAlgorithm.EC_prime256v1: SigningAlgorithm.SHA256WITHECDSA,
        KeyAlgorithm.EC_secp384r1: SigningAlgorithm.SHA384WITHECDSA,
        KeyAlgorithm.EC_secp521r1: SigningAlgorithm.SHA512WITHECDSA,
    }
    if key_algorithm in by_key:
        return by_key[key_algorithm]
    return key_algorithm.signing_algorithms()[0]


class LocalPrivateCA:
    """An in-process AWS Private CA, reached through a botocore client or over HTTP.

    Args:
        state_dir: a directory that keeps CAs (keys in 0600 files), issued certificates and
            idempotency tokens across restarts; ``None`` keeps everything in memory.
        issue_delay: seconds GetCertificate answers RequestInProgressException after an issue.
        rate_limits: requests per second by operation name (``{"IssueCertificate": 25.0}``),
            above which the CA answers ThrottlingException; unlisted operations are unlimited.
            :data:`~acmpca_issue.local._ratelimit.DEFAULT_RATE_LIMITS` holds the real defaults.
        clock: returns the current time as an aware datetime; used for validity, idempotency
            windows, the issue delay and rate limits, so tests can move time without sleeping.
        account_id: the 12-digit account that owns the CAs (default ``123456789012``).
        require_signature: refuse requests without a SigV4 ``Authorization`` header on every
            transport, as the service does (400 ``MissingAuthenticationTokenException``), so
            a test can check its code signs; by default unsigned requests are answered too.
            Signatures are checked for form only: any credentials do.

    Raises:
        InvalidRequestError: ``state_dir`` is not a directory or holds damaged state.
        ValueError: a negative ``issue_delay`` or a non-positive rate.
    """

    def __init__(
        self,
        *,
        state_dir: str | os.PathLike[str] | None = None,
        issue_delay: float = 0.0,
        rate_limits: Mapping[str, float] | None = None,
        clock: Callable[[], datetime] | None = None,
        account_id: str = DEFAULT_ACCOUNT,
        require_signature: bool = False,
    ) -> None:
        self.require_signature = require_signature
        store = None
        if state_dir is not None:
            from acmpca_issue.local._state import StateStore

            store = StateStore(state_dir)
        self._engine = Engine(
            clock=clock,
            issue_delay=issue_delay,
            rate_limits=rate_limits,
            account_id=account_id,
            store=store,
        )
        if store is not None:
            self._engine.restore(*store.load(self._engine.now()))
        self.state_dir = None if store is None else store.directory

    def __repr__(self) -> str:
        where = "in memory" if self.state_dir is None else f"state_dir={str(self.state_dir)!r}"
        return f"<LocalPrivateCA {where}>"

    def _panel(self) -> Panel:
        where = "in memory" if self.state_dir is None else f"state in {self.state_dir}"
        table = [
            (
                ca.ca_type.title(),
                name_or_empty(ca.subject_name),
                ca.key_algorithm.value,
                status,
                str(issued),
                ca.arn,
            )
            for ca, status, issued in self._engine.inventory()
        ]
        return Panel(
            f"Local Private CA ({where}): {len(table)} CA{'s' if len(table) != 1 else ''}",
            (),
            "acmpca-local-pca",
            table_header=("Type", "Subject", "Key", "Status", "Issued", "ARN"),
            table=table,
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        pretty(printer, text_panel(self._panel()))

    def _repr_html_(self) -> str:
        return html_panel(self._panel())

    @property
    def engine(self) -> Engine:
        """The engine answering every request (``engine.handle(operation, params)``)."""
        return self._engine

    def dispatch(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Answer one operation as the service would (what both transports call)."""
        return self._engine.handle(operation, params)

    def client(self, region_name: str = _DEFAULT_REGION) -> ACMPCAClient:
        """A botocore ``acm-pca`` client whose requests this CA answers in-process.

        botocore serialises and parses as usual; only the HTTP exchange is replaced.
        """
        from acmpca_issue.local._inprocess import make_client

        client: ACMPCAClient = make_client(
            self._engine.handle,
            region_name=region_name,
            require_signature=self.require_signature,
        )
        return client

    def async_client(self, region_name: str = _DEFAULT_REGION) -> AbstractAsyncContextManager[Any]:
        """An aiobotocore ``acm-pca`` client answered in-process (needs ``acmpca-issue[async]``).

        ``async with pca.async_client() as client:`` opens it and closes it.
        """
        from acmpca_issue.local._inprocess import make_async_client

        return make_async_client(
            self._engine.handle,
            region_name=region_name,
            require_signature=self.require_signature,
        )

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, region_name: str = _DEFAULT_REGION
    ) -> LocalServer:
        """Serve this CA over HTTP in a background thread (port 0: any free port).

        Args:
            host: the address to bind (loopback by default).
            port: the TCP port; 0 picks a free one.
            region_name: the region the server's ``environment`` names (it answers for all).

        Returns:
            The running server, with ``endpoint_url``, ``port``, ``environment`` (what to
            export for other SDKs and the AWS CLI) and ``close()``; also a context manager
            that closes it.
        """
        from acmpca_issue.local._http import serve

        return serve(
            self._engine.handle,
            host=host,
            port=port,
            region=region_name,
            require_signature=self.require_signature,
        )

    def issuer(self, **options: Unpack[IssuerOptions]) -> Issuer:
        """A ready :class:`~acmpca_issue.Issuer` for this CA: no region, credentials or server.

        Its client answers in-process, in the region of each call's ARN, and its wall clock
        (``now``) is this CA's ``clock`` unless ``options`` give another.

        Args:
            **options: passed to :class:`~acmpca_issue.Issuer` (``wait_timeout``, ...).
        """
        from acmpca_issue._issuer import Issuer
        from acmpca_issue._session import RegionalClients

        options.setdefault("now", self._engine.now)
        clients = cast("AcmPcaClient", RegionalClients(self.client))  # duck-typed: the calls
        return Issuer(clients, **options)

    def fail_next_issuance(self) -> None:
        """Make the next issued certificate fail: GetCertificate answers RequestFailedException.

        Each call fails one more issuance. The certificate ARN is still returned by
        IssueCertificate, as the service does for an asynchronous failure.
        """
        self._engine.fail_next_issuance()

    # CA conveniences ---------------------------------------------------------------------------

    def create_root_ca(
        self,
        *,
        key_algorithm: KeyAlgorithm | str = KeyAlgorithm.EC_prime256v1,
        common_name: str = "Local Root CA",
        usage_mode: str = "GENERAL_PURPOSE",
        signing_algorithm: SigningAlgorithm | str | None = None,
        region_name: str = _DEFAULT_REGION,
    ) -> CertificateAuthorityArn:
        """Create a root CA, self-sign its certificate (10 years) and make it ACTIVE.

        Args:
            key_algorithm: the CA's key type.
            common_name: the CN of the CA's subject.
            usage_mode: ``GENERAL_PURPOSE`` or ``SHORT_LIVED_CERTIFICATE``.
            signing_algorithm: the CA's signing algorithm; by default the one that fits the key
                (see :func:`default_signing_algorithm`).
            region_name: the region of the CA's ARN.

        Returns:
            The ARN of the ACTIVE root CA.

        Raises:
            InvalidRequestError: every problem with the arguments: an unknown key algorithm
                (or SM2, which the local Private CA cannot make), usage mode or signing
                algorithm.
            ServiceError: the CA refused, as the :class:`~acmpca_issue.exceptions.ServiceError`
                subclass of its code (e.g. ``InvalidArgsError`` for a signing algorithm that
                does not fit the key).
        """
        problems = Problems()
        chosen = self._algorithms(key_algorithm, signing_algorithm, problems)
        _check_usage_mode(usage_mode, problems)
        problems.raise_if_any()
        key, algorithm = cast("tuple[KeyAlgorithm, SigningAlgorithm]", chosen)  # raised if None
        arn = self._create(
            key,
            algorithm=algorithm,
            common_name=common_name,
            ca_type="ROOT",
            usage_mode=usage_mode,
            region_name=region_name,
        )
        self._install(
            arn,
            issuer=arn,
            template="RootCACertificate",
            algorithm=algorithm,
            validity={"Value": _ROOT_YEARS, "Type": "YEARS"},
            region_name=region_name,
        )
        return CertificateAuthorityArn.parse(arn)

    def create_subordinate_ca(
        self,
        parent_arn: CertificateAuthorityArn | str,
        *,
        key_algorithm: KeyAlgorithm | str = KeyAlgorithm.EC_prime256v1,
        common_name: str = "Local Subordinate CA",
        path_length: int = 0,
        usage_mode: str = "GENERAL_PURPOSE",
        signing_algorithm: SigningAlgorithm | str | None = None,
        region_name: str = _DEFAULT_REGION,
    ) -> CertificateAuthorityArn:
        """Create a subordinate CA signed by ``parent_arn`` and make it ACTIVE.

        Its certificate (5 years, or 7 days under a SHORT_LIVED_CERTIFICATE parent, ending at
        the latest one second before the parent's NotAfter, since a CA certificate must end
        before its issuer) uses the
        ``SubordinateCACertificate_PathLen<path_length>`` template, and its chain holds the
        parent's certificate and the parent's own chain, up to the root.

        Args:
            parent_arn: an ACTIVE CA of this local Private CA, in ``region_name``.
            key_algorithm: the subordinate's key type.
            common_name: the CN of its subject.
            path_length: the certificate's ``pathLenConstraint``, 0 to 3.
            usage_mode: ``GENERAL_PURPOSE`` or ``SHORT_LIVED_CERTIFICATE``.
            signing_algorithm: the subordinate's own signing algorithm (default: fits its key).
            region_name: the region of both CAs.

        Returns:
            The ARN of the ACTIVE subordinate CA.

        Raises:
            InvalidRequestError: every problem with the arguments: a bad ARN, path length,
                key algorithm (SM2 included) or usage mode; a ``path_length`` the parent's
                certificate chain does not allow (its path length constraints, as the service
                checks them), or a parent that may sign no subordinate CA at all (at
                ``parent_arn``).
            ServiceError: the parent cannot issue, as the subclass of the service's code
                (``ResourceNotFoundError``, ``InvalidStateError``, ...).
        """
        problems = Problems()
        parent_parsed = problems.check("parent_arn", CertificateAuthorityArn.parse, parent_arn)
        if isinstance(path_length, bool) or path_length not in range(4):
            problems.add(
                "path_length",
                f"must be 0, 1, 2 or 3 (the SubordinateCACertificate_PathLen templates); "
                f"got {describe(path_length)}",
            )
        _check_usage_mode(usage_mode, problems)
        chosen = self._algorithms(key_algorithm, signing_algorithm, problems)
        only_the_arn = parent_parsed is None and len(problems) == 1
        problems.raise_if_any(InvalidArnError if only_the_arn else InvalidRequestError)
        parent = str(parent_parsed)
        key, algorithm = cast("tuple[KeyAlgorithm, SigningAlgorithm]", chosen)  # raised if None
        described = self._call("DescribeCertificateAuthority", parent, region_name)
        parent_ca = described["CertificateAuthority"]
        if parent_ca["Status"] != "ACTIVE":
            # Refuse before creating anything, so no half-made CA is left behind.
            raise InvalidStateError(
                f"The parent certificate authority {parent} is {parent_ca['Status']}; only an "
                "ACTIVE CA can sign a subordinate.",
                code="InvalidStateException",
                operation="IssueCertificate",
            )
        self._check_path_length(parent, path_length, region_name)
        parent_algorithm = SigningAlgorithm(
            parent_ca["CertificateAuthorityConfiguration"]["SigningAlgorithm"]
        )
        arn = self._create(
            key,
            algorithm=algorithm,
            common_name=common_name,
            ca_type="SUBORDINATE",
            usage_mode=usage_mode,
            region_name=region_name,
        )
        now = self._engine.now().replace(microsecond=0)
        end = now.replace(year=now.year + _SUBORDINATE_YEARS, day=min(now.day, 28))
        if parent_ca["UsageMode"] == "SHORT_LIVED_CERTIFICATE":
            # A short-lived CA issues nothing longer than 7 days, CA certificates included.
            end = min(end, now + SHORT_LIVED_MAX)
        parent_end = parent_ca.get("NotAfter")
        if parent_end is not None and end >= parent_end:
            # A CA certificate must end before its issuer does.
            end = parent_end - timedelta(seconds=1)
        self._install(
            arn,
            issuer=parent,
            template=f"SubordinateCACertificate_PathLen{path_length}",
            algorithm=parent_algorithm,
            validity={"Value": int(end.strftime("%Y%m%d%H%M%S")), "Type": "END_DATE"},
            region_name=region_name,
        )
        return CertificateAuthorityArn.parse(arn)

    def _check_path_length(self, parent: str, path_length: int, region_name: str) -> None:
        """Refuse, before anything is created, a path length the parent's chain does not allow."""
        got = self._call("GetCertificateAuthorityCertificate", parent, region_name)
        pems = got["Certificate"] + got.get("CertificateChain", "")
        above = x509.load_pem_x509_certificates(pems.encode("ascii"))
        problem = path_length_violation(path_length, above)
        if problem is None:
            return
        limit, _ = path_length_limit(above)
        if limit is not None and limit >= 0:
            raise InvalidRequestError(
                f"must be at most {limit} under the certificate authority {parent}. {problem}",
                path="path_length",
            )
        raise InvalidRequestError(
            f"the certificate authority {parent} cannot sign a subordinate CA. {problem}",
            path="parent_arn",
        )

    def _algorithms(
        self, key_algorithm: object, signing_algorithm: object, problems: Problems
    ) -> tuple[KeyAlgorithm, SigningAlgorithm] | None:
        """The CA's key and signing algorithms; None after adding what is wrong to ``problems``.

        SM2 is refused here: the local Private CA cannot make SM2 keys (cryptography has none),
        so it is neither accepted nor listed as a choice.
        """
        if key_algorithm == KeyAlgorithm.SM2:
            problems.add(
                "key_algorithm",
                "SM2 is not supported by the local Private CA (cryptography cannot make SM2 "
                f"keys); use one of {', '.join(LOCAL_KEY_ALGORITHMS)}",
            )
            key = None
        elif isinstance(key_algorithm, KeyAlgorithm) or key_algorithm in LOCAL_KEY_ALGORITHMS:
            key = KeyAlgorithm(key_algorithm)
        else:
            problems.add(
                "key_algorithm",
                f"must be one of {', '.join(LOCAL_KEY_ALGORITHMS)}; got "
                f"{describe(key_algorithm)}{did_you_mean(key_algorithm, LOCAL_KEY_ALGORITHMS)}",
            )
            key = None
        signing = (
            None
            if signing_algorithm is None
            else problems.check(
                "", coerce_enum, SigningAlgorithm, signing_algorithm, "signing_algorithm"
            )
        )
        if key is None or (signing is None and signing_algorithm is not None):
            return None
        return key, signing or default_signing_algorithm(key)

    def _call(self, operation: str, arn: str, region_name: str) -> dict[str, Any]:
        return self._internal(operation, {"CertificateAuthorityArn": arn}, region_name)

    def _internal(self, operation: str, params: dict[str, Any], region_name: str) -> dict[str, Any]:
        """One engine call for a convenience; a refusal becomes the library's ServiceError."""
        try:
            return self._engine.call(operation, params, region=region_name, internal=True)
        except LocalServiceError as error:
            raise service_error_class(error.code)(
                error.message, code=error.code, operation=operation
            ) from error

    def _create(
        self,
        key: KeyAlgorithm,
        *,
        algorithm: SigningAlgorithm,
        common_name: str,
        ca_type: str,
        usage_mode: str,
        region_name: str,
    ) -> str:
        created = self._internal(
            "CreateCertificateAuthority",
            {
                "CertificateAuthorityConfiguration": {
                    "KeyAlgorithm": key.value,
                    "SigningAlgorithm": algorithm.value,
                    "Subject": {"CommonName": common_name},
                },
                "CertificateAuthorityType": ca_type,
                "UsageMode": usage_mode,
            },
            region_name,
        )
        return str(created["CertificateAuthorityArn"])

    def _install(
        self,
        arn: str,
        *,
        issuer: str,
        template: str,
        algorithm: SigningAlgorithm,
        validity: dict[str, Any],
        region_name: str,
    ) -> None:
        """Have ``issuer`` sign ``arn``'s CSR with ``template`` and import the result."""
        csr = self._call("GetCertificateAuthorityCsr", arn, region_name)["Csr"]
        partition = CertificateAuthorityArn.parse(arn).partition
        issued = self._internal(
            "IssueCertificate",
            {
                "CertificateAuthorityArn": issuer,
                "Csr": csr.encode("ascii"),
                "SigningAlgorithm": algorithm.value,
                "Validity": validity,
                "TemplateArn": str(TemplateArn.of(template, partition)),
            },
            region_name,
        )
        got = self._internal(
            "GetCertificate",
            {"CertificateAuthorityArn": issuer, "CertificateArn": issued["CertificateArn"]},
            region_name,
        )
        params: dict[str, Any] = {
            "CertificateAuthorityArn": arn,
            "Certificate": got["Certificate"].encode("ascii"),
        }
        if "CertificateChain" in got:
            params["CertificateChain"] = got["CertificateChain"].encode("ascii")
        self._internal("ImportCertificateAuthorityCertificate", params, region_name)
