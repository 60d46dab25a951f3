"""build_csrs: keys and CSRs in parallel, kept 0600 and found again, on any Executor."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue import KeyAlgorithm, load_csr
from acmpca_issue._keys import public_key_der
from acmpca_issue.bulk import CsrSpec, build_csrs
from acmpca_issue.exceptions import InvalidRequestError


class _Refusing(concurrent.futures.Executor):
    """An executor that must not be used: everything is on disk already."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a key was made again")


def _matches(bundle: Any) -> bool:
    return bool(
        public_key_der(bundle.csr.public_key()) == public_key_der(bundle.private_key.public_key())
    )


def test_keys_are_written_0600_and_found_again(tmp_path: Path) -> None:
    """A second call reuses each key and the very same CSR bytes, making nothing new."""
    specs = [
        CsrSpec(
            identities=(f"dev{n}.fleet.internal",),
            common_name=f"dev{n}",
            directory=tmp_path / f"dev{n}",
        )
        for n in range(3)
    ]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = build_csrs(specs, executor=pool)
    for n, bundle in enumerate(first):
        directory = tmp_path / f"dev{n}"
        assert (directory / "key.pem").stat().st_mode & 0o777 == 0o600
        assert (directory / "csr.pem").read_bytes() == bundle.csr_pem
        assert _matches(bundle)
        assert bundle.csr.subject.rfc4514_string() == f"CN=dev{n}"
    again = build_csrs(specs, executor=_Refusing())
    assert [bundle.csr_pem for bundle in again] == [bundle.csr_pem for bundle in first]


def test_a_key_without_its_csr_gets_one_made_from_it(tmp_path: Path) -> None:
    """A run that died between the key and the CSR sent nothing: the CSR is made from the key."""
    spec = CsrSpec(identities=("one.fleet.internal",), directory=tmp_path / "one")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        (made,) = build_csrs([spec], executor=pool)
    (tmp_path / "one" / "csr.pem").unlink()
    (again,) = build_csrs([spec], executor=_Refusing())
    assert public_key_der(again.private_key.public_key()) == public_key_der(
        made.private_key.public_key()
    )
    assert load_csr(tmp_path / "one" / "csr.pem") == again.csr


def test_a_csr_of_another_key_is_refused(tmp_path: Path) -> None:
    """A directory whose CSR is not its key's is an error naming the spec."""
    specs = [CsrSpec(identities=(f"d{n}.x",), directory=tmp_path / f"d{n}") for n in range(2)]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        build_csrs(specs, executor=pool)
    (tmp_path / "d0" / "csr.pem").write_bytes((tmp_path / "d1" / "csr.pem").read_bytes())
    with pytest.raises(InvalidRequestError, match="was not made with") as caught:
        build_csrs(specs, executor=_Refusing())
    assert caught.value.problems[0].path == "specs[0].directory"


def test_an_unreadable_key_is_refused(tmp_path: Path) -> None:
    """A damaged key file is an error, not a new key over it."""
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "key.pem").write_text("garbage")
    with pytest.raises(InvalidRequestError, match="cannot read"):
        build_csrs([CsrSpec(identities=("d.x",), directory=tmp_path / "d")])
    assert (tmp_path / "d" / "key.pem").read_text() == "garbage"


def test_every_bad_spec_is_listed_before_any_key_is_made() -> None:
    """Problems name the spec's index and field; no key is made for the good ones."""
    specs: list[Any] = [
        CsrSpec(identities=("fine.x",)),
        CsrSpec(identities=("bad name!",)),
        "not a spec",
        CsrSpec(),
    ]
    with pytest.raises(InvalidRequestError) as caught:
        build_csrs(specs, executor=_Refusing())
    paths = [problem.path for problem in caught.value.problems]
    assert paths == ["specs[1].identities[0]", "specs[2]", "specs[3].identities"]


def test_spec_fields_are_checked() -> None:
    """A spec converts strings and refuses what it cannot use."""
    spec = CsrSpec(identities="one.x", key_algorithm="RSA_2048", directory="out")
    assert spec.identities == ("one.x",)
    assert spec.key_algorithm is KeyAlgorithm.RSA_2048
    assert spec.directory == Path("out")
    with pytest.raises(InvalidRequestError, match="key_algorithm"):
        CsrSpec(key_algorithm="RSA_1024")
    with pytest.raises(InvalidRequestError, match="sequence of str"):
        CsrSpec(identities=42)
    with pytest.raises(InvalidRequestError, match="must be a path"):
        CsrSpec(directory=42)


def test_the_default_is_a_process_pool() -> None:
    """Without an executor, keys are made in other processes (and come back usable)."""
    bundles = build_csrs([CsrSpec(identities=(f"p{n}.x",)) for n in range(2)])
    assert all(_matches(bundle) for bundle in bundles)


def test_a_dask_cluster_makes_the_keys(tmp_path: Path) -> None:
    """distributed.Client(...).get_executor() works as the executor (a small LocalCluster)."""
    import distributed

    specs = [
        CsrSpec(identities=("same.fleet.internal",), directory=tmp_path / f"d{n}") for n in range(3)
    ]
    with (
        distributed.LocalCluster(  # type: ignore[no-untyped-call]
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address="127.0.0.1:0"
        ) as cluster,
        distributed.Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        bundles = build_csrs(specs, executor=client.get_executor())
    # Identical specs are three keys, not one task's result shared (Dask keys by arguments).
    keys = {public_key_der(bundle.private_key.public_key()) for bundle in bundles}
    assert len(keys) == 3
    assert all(_matches(bundle) for bundle in bundles)
