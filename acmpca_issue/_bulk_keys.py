"""build_csrs: many keys and CSRs at once, on a process pool or any Executor (Dask too).

Example::

    from acmpca_issue.bulk import CsrSpec, build_csrs

    specs = [CsrSpec(identities=(f"dev{n}.fleet.internal",), key_algorithm="RSA_3072",
                     directory=f"out/dev{n}") for n in range(1000)]
    bundles = build_csrs(specs)                                  # every CPU of this machine
    bundles = build_csrs(specs, executor=client.get_executor())  # a Dask cluster

Issuance is paced by the service's quota (25 a second by default), which one machine reaches
easily; making RSA-3072/4096 or ML-DSA keys is what takes CPUs, so that part fans out.

A spec with a ``directory`` keeps its key there (``key.pem``, mode 0600, written before the
CSR) and its CSR (``csr.pem``); a later call finds them and reuses them instead of making new
ones, so a resumed run sends the very same CSR, and so the same idempotency token.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
from cryptography.hazmat.primitives import serialization

from acmpca_issue._csr import CsrBundle, build_csr
from acmpca_issue._csr_load import load_csr
from acmpca_issue._enums import KeyAlgorithm, coerce_enum
from acmpca_issue._files import write_file
from acmpca_issue._keys import generate_private_key, public_key_der
from acmpca_issue.exceptions import InvalidRequestError, Problem

__all__ = ["CsrSpec", "build_csrs"]


def _key_algorithm(value: object) -> KeyAlgorithm:
    return coerce_enum(KeyAlgorithm, value, "key_algorithm")


def _identities(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable):
        raise InvalidRequestError(
            f"must be a sequence of str, got {type(value).__name__}", path="identities"
        )
    return tuple(value)


def _directory(value: object) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise InvalidRequestError(f"must be a path, got {type(value).__name__}", path="directory")
    return Path(value)


@attrs.frozen(kw_only=True)
class CsrSpec:
    """What to put in one new key's CSR, and where to keep the key.

    Attributes:
        identities: the SANs (DNS names, IP addresses, emails, URIs, by their form; see
            :func:`~acmpca_issue.build_csr`).
        common_name: the subject's common name.
        key_algorithm: the key to make (default EC P-256).
        directory: where ``key.pem`` (0600) and ``csr.pem`` are kept and found again; None
            keeps them in memory only.
    """

    identities: tuple[str, ...] = attrs.field(default=(), converter=_identities)
    common_name: str | None = None
    key_algorithm: KeyAlgorithm = attrs.field(
        default=KeyAlgorithm.EC_prime256v1, converter=_key_algorithm
    )
    directory: Path | None = attrs.field(default=None, converter=_directory)


def _generate(
    index: int, identities: tuple[str, ...], common_name: str | None, key_algorithm: str
) -> tuple[int, bytes, bytes]:
    """Make one key and CSR (in a worker): ``(index, key PEM, CSR PEM)``."""
    bundle = build_csr(*identities, common_name=common_name, key_algorithm=key_algorithm)
    return index, bundle.private_key_pem(), bundle.csr_pem


def _check(specs: Sequence[object]) -> None:
    """Every spec's names, before any key is made (with one cheap EC key)."""
    probe = generate_private_key(KeyAlgorithm.EC_prime256v1)
    problems: list[Problem] = []
    for index, spec in enumerate(specs):
        if not isinstance(spec, CsrSpec):
            problems.append(
                Problem(f"specs[{index}]", f"must be a CsrSpec, got {type(spec).__name__}")
            )
            continue
        try:
            build_csr(*spec.identities, private_key=probe, common_name=spec.common_name)
        except InvalidRequestError as error:
            problems.extend(
                Problem(f"specs[{index}].{p.path}" if p.path else f"specs[{index}]", p.message)
                for p in error.problems
            )
    if problems:
        raise InvalidRequestError(problems)


def _load(index: int, spec: CsrSpec) -> CsrBundle | None:
    """The key and CSR a spec's directory already holds (the CSR remade if missing)."""
    if spec.directory is None:
        return None
    key_path, csr_path = spec.directory / "key.pem", spec.directory / "csr.pem"
    if not key_path.exists():
        return None
    where = f"specs[{index}].directory"
    try:
        key: Any = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (ValueError, TypeError, OSError) as error:
        raise InvalidRequestError(f"cannot read {key_path}: {error}", path=where) from None
    if not csr_path.exists():
        # The run that made the key died before writing the CSR, so it never sent one.
        bundle = build_csr(*spec.identities, private_key=key, common_name=spec.common_name)
        write_file(csr_path, bundle.csr_pem, private=False, overwrite=False)
        return bundle
    csr = load_csr(csr_path)
    if public_key_der(csr.public_key()) != public_key_der(key.public_key()):
        raise InvalidRequestError(
            f"{csr_path} was not made with {key_path}; remove both to make new ones", path=where
        )
    return CsrBundle(csr=csr, private_key=key)


def _keep(spec: CsrSpec, key_pem: bytes, csr_pem: bytes) -> CsrBundle:
    # The key was just made by cryptography in a worker of ours, so its RSA consistency check
    # is skipped: run here, in the one process that collects every key, it costs about 0.1 s
    # per RSA-3072 key and would serialise a pool of workers behind it. Keys read back from a
    # directory (_load) are still checked.
    key: Any = serialization.load_pem_private_key(
        key_pem, password=None, unsafe_skip_rsa_key_validation=True
    )
    bundle = CsrBundle(csr=load_csr(csr_pem), private_key=key)
    if spec.directory is not None:
        spec.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_file(spec.directory / "key.pem", key_pem, private=True, overwrite=False)
        write_file(spec.directory / "csr.pem", csr_pem, private=False, overwrite=False)
    return bundle


def _default_executor(workers: int) -> concurrent.futures.Executor:
    # Not fork: the caller may have threads running (a server, a pool), which fork copies
    # in whatever state they are.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context(method)
    )


def build_csrs(
    specs: Iterable[CsrSpec], *, executor: concurrent.futures.Executor | None = None
) -> list[CsrBundle]:
    """Make a key and a CSR for each spec, in parallel.

    Args:
        specs: what to make, one :class:`CsrSpec` each.
        executor: where to make keys: any ``concurrent.futures.Executor``, such as a Dask
            cluster's (``distributed.Client(...).get_executor()``). The default is a process
            pool with one worker per CPU, made only if some key is missing and shut down at the
            end. The keys travel back to this process (as PEM) to be written: on a cluster,
            use TLS between its members.

    Returns:
        One :class:`~acmpca_issue.CsrBundle` per spec, in order; the ones whose directory held
        a key and CSR are those.

    Raises:
        InvalidRequestError: a spec is wrong (every problem listed, ``specs[3].identities[0]``),
            before any key is made; or a directory holds a key that cannot be read or a CSR
            of another key.
    """
    given: list[object] = list(specs)
    _check(given)
    chosen = [spec for spec in given if isinstance(spec, CsrSpec)]
    bundles: list[CsrBundle | None] = [_load(index, spec) for index, spec in enumerate(chosen)]
    missing = [index for index, bundle in enumerate(bundles) if bundle is None]
    if not missing:
        return [bundle for bundle in bundles if bundle is not None]
    pool = executor or _default_executor(min(len(missing), os.cpu_count() or 1))
    try:
        futures = [
            pool.submit(
                _generate,
                index,
                chosen[index].identities,
                chosen[index].common_name,
                chosen[index].key_algorithm.value,
            )
            for index in missing
        ]
        for future in concurrent.futures.as_completed(futures):
            index, key_pem, csr_pem = future.result()
            bundles[index] = _keep(chosen[index], key_pem, csr_pem)
    finally:
        if executor is None:
            pool.shutdown(wait=True, cancel_futures=True)
    return [bundle for bundle in bundles if bundle is not None]
