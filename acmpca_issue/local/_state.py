"""Persistence of the local Private CA: CAs, keys, issued certificates and idempotency tokens.

Layout of ``state_dir`` (the directory and its ``keys`` folder are mode 0700)::

    cas.json              every CA (configuration, status, certificate and chain PEM), rewritten
                          atomically on each change
    keys/<ca id>.pem      each CA's private key, PKCS#8 PEM, mode 0600 from its first byte
    certificates.jsonl    one JSON line per issued certificate or revocation, appended

Example::

    store = StateStore(Path("state"))
    engine = Engine(store=store)
    engine.restore(*store.load())
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from acmpca_issue._arn import CertificateAuthorityArn
from acmpca_issue._enums import KeyAlgorithm, SigningAlgorithm
from acmpca_issue._files import write_file
from acmpca_issue._passthrough import Subject
from acmpca_issue.exceptions import InvalidRequestError
from acmpca_issue.local._ca import CaRecord
from acmpca_issue.local._engine import IDEMPOTENCY_WINDOW, CertificateRecord
from acmpca_issue.local._x509 import subject_name

__all__ = ["StateStore"]

_VERSION = 1
_DIR_MODE = 0o700


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _read_time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


class StateStore:
    """Keeps the engine's state in ``directory`` (created, mode 0700, if missing).

    Raises:
        InvalidRequestError: ``directory`` is not a directory (path ``state_dir``).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise InvalidRequestError(
                f"{self.directory} exists and is not a directory", path="state_dir"
            )
        self.directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        self._keys = self.directory / "keys"
        self._keys.mkdir(mode=_DIR_MODE, exist_ok=True)
        os.chmod(self._keys, _DIR_MODE)
        self._cas_file = self.directory / "cas.json"
        self._log = self.directory / "certificates.jsonl"
        self._cas: dict[str, CaRecord] = {}

    def __repr__(self) -> str:
        return f"StateStore({str(self.directory)!r})"

    # Writing --------------------------------------------------------------------------------

    def ca_changed(self, ca: CaRecord, *, new: bool) -> None:
        """Write ``ca`` (and, when it is ``new``, its key)."""
        if new:
            key_pem = ca.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            write_file(self._key_path(ca.arn), key_pem, private=True, overwrite=False)
        self._cas[ca.arn] = ca
        document = {"version": _VERSION, "cas": [_ca_json(item) for item in self._cas.values()]}
        data = json.dumps(document, indent=1, sort_keys=True).encode()
        write_file(self._cas_file, data, private=True, overwrite=True)

    def certificate_added(self, record: CertificateRecord, token: str | None) -> None:
        """Append an issued certificate (and its idempotency token)."""
        self._append(
            {
                "event": "issued",
                "arn": record.arn,
                "ca_arn": record.ca_arn,
                "serial": format(record.serial, "x"),
                "issued_at": _time(record.issued_at),
                "certificate_pem": record.certificate_pem,
                "chain_pem": record.chain_pem,
                "failed": record.failed,
                "token": token,
            }
        )

    def certificate_revoked(self, record: CertificateRecord) -> None:
        """Append a revocation."""
        self._append(
            {
                "event": "revoked",
                "ca_arn": record.ca_arn,
                "serial": format(record.serial, "x"),
                "revoked_at": _time(record.revoked_at),
                "reason": record.revocation_reason,
            }
        )

    def _append(self, event: dict[str, Any]) -> None:
        line = (json.dumps(event, sort_keys=True) + "\n").encode()
        fd = os.open(self._log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def _key_path(self, ca_arn: str) -> Path:
        return self._keys / f"{CertificateAuthorityArn.parse(ca_arn).ca_id}.pem"

    # Reading --------------------------------------------------------------------------------

    def load(
        self, now: datetime
    ) -> tuple[
        list[CaRecord], list[CertificateRecord], dict[tuple[str, str], tuple[str, datetime]]
    ]:
        """Read back what was kept; idempotency tokens older than the window are dropped.

        Raises:
            InvalidRequestError: a file is damaged (path ``state_dir``).
        """
        try:
            cas = self._load_cas()
            certificates, tokens = self._load_certificates(now)
        except (ValueError, KeyError, TypeError, OSError) as error:
            raise InvalidRequestError(
                f"cannot read the local Private CA state in {self.directory}: "
                f"{type(error).__name__}: {error}",
                path="state_dir",
            ) from None
        return cas, certificates, tokens

    def _load_cas(self) -> list[CaRecord]:
        if not self._cas_file.exists():
            return []
        document = json.loads(self._cas_file.read_text())
        if document.get("version") != _VERSION:
            raise ValueError(f"unknown state version {document.get('version')!r}")
        for item in document["cas"]:
            ca = self._ca_from_json(item)
            self._cas[ca.arn] = ca
        return list(self._cas.values())

    def _ca_from_json(self, item: dict[str, Any]) -> CaRecord:
        key = serialization.load_pem_private_key(self._key_path(item["arn"]).read_bytes(), None)
        ca = CaRecord(
            arn=item["arn"],
            ca_type=item["type"],
            key_algorithm=KeyAlgorithm(item["key_algorithm"]),
            signing_algorithm=SigningAlgorithm(item["signing_algorithm"]),
            subject=item["subject"],
            subject_name=subject_name(Subject.from_api(item["subject"])),
            usage_mode=item["usage_mode"],
            key_storage=item["key_storage"],
            created_at=_read_time(item["created_at"]),
            key=key,  # type: ignore[arg-type]
            status=item["status"],
            last_state_change_at=_read_time(item["last_state_change_at"]),
            revocation_configuration=item.get("revocation_configuration"),
        )
        if item.get("certificate_pem"):
            certificate = x509.load_pem_x509_certificate(item["certificate_pem"].encode())
            chain_pem = item.get("chain_pem") or ""
            chain = tuple(x509.load_pem_x509_certificates(chain_pem.encode())) if chain_pem else ()
            ca.install(certificate, chain)
        return ca

    def _load_certificates(
        self, now: datetime
    ) -> tuple[list[CertificateRecord], dict[tuple[str, str], tuple[str, datetime]]]:
        records: dict[tuple[str, int], CertificateRecord] = {}
        tokens: dict[tuple[str, str], tuple[str, datetime]] = {}
        if not self._log.exists():
            return [], tokens
        with open(self._log, encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                event = json.loads(line)
                key = (event["ca_arn"], int(event["serial"], 16))
                if event["event"] == "issued":
                    issued_at = _read_time(event["issued_at"])
                    records[key] = CertificateRecord(
                        arn=event["arn"],
                        ca_arn=event["ca_arn"],
                        serial=key[1],
                        issued_at=issued_at,
                        certificate_pem=event["certificate_pem"],
                        chain_pem=event["chain_pem"],
                        failed=bool(event["failed"]),
                    )
                    token = event.get("token")
                    if token is not None and now - issued_at < IDEMPOTENCY_WINDOW:
                        tokens.setdefault((event["ca_arn"], token), (event["arn"], issued_at))
                else:
                    record = records[key]
                    record.revoked_at = _read_time(event["revoked_at"])
                    record.revocation_reason = event["reason"]
        return list(records.values()), tokens


def _ca_json(ca: CaRecord) -> dict[str, Any]:
    return {
        "arn": ca.arn,
        "type": ca.ca_type,
        "key_algorithm": ca.key_algorithm.value,
        "signing_algorithm": ca.signing_algorithm.value,
        "subject": ca.subject,
        "usage_mode": ca.usage_mode,
        "key_storage": ca.key_storage,
        "created_at": _time(ca.created_at),
        "last_state_change_at": _time(ca.last_state_change_at),
        "status": ca.status,
        "certificate_pem": ca.certificate_pem,
        "chain_pem": ca.chain_pem,
        "revocation_configuration": ca.revocation_configuration,
    }
