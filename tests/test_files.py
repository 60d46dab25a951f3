"""Tests for acmpca_issue._files: atomic, mode-safe, never-clobbering file output."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from acmpca_issue._files import PRIVATE_MODE, PUBLIC_MODE, write_file


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


class TestWriteFile:
    """write_file writes whole files with the right mode and refuses to clobber."""

    def test_private_file_is_0600(self, tmp_path: Path) -> None:
        """A private file gets mode 0600 and the exact bytes."""
        path = write_file(tmp_path / "key.pem", b"secret", private=True, overwrite=False)
        assert path == tmp_path / "key.pem"
        assert path.read_bytes() == b"secret"
        assert _mode(path) == PRIVATE_MODE == 0o600
        assert _leftovers(tmp_path) == []

    def test_public_file_is_0644(self, tmp_path: Path) -> None:
        """A public file gets mode 0644 whatever the umask."""
        old = os.umask(0o077)
        try:
            path = write_file(tmp_path / "cert.pem", b"public", private=False, overwrite=False)
        finally:
            os.umask(old)
        assert _mode(path) == PUBLIC_MODE == 0o644
        assert path.read_bytes() == b"public"

    def test_private_ignores_permissive_umask(self, tmp_path: Path) -> None:
        """A umask of 0 cannot make a private file readable by others."""
        old = os.umask(0)
        try:
            path = write_file(tmp_path / "key.pem", b"k", private=True, overwrite=False)
        finally:
            os.umask(old)
        assert _mode(path) == 0o600

    def test_accepts_str_path(self, tmp_path: Path) -> None:
        """A str path is accepted; a Path comes back."""
        path = write_file(str(tmp_path / "a.pem"), b"xy", private=False, overwrite=False)
        assert isinstance(path, Path)
        assert path.read_bytes() == b"xy"

    def test_large_data_written_fully(self, tmp_path: Path) -> None:
        """Data larger than one write call is written completely."""
        data = os.urandom(3 * 1024 * 1024)
        path = write_file(tmp_path / "big", data, private=True, overwrite=False)
        assert path.read_bytes() == data

    def test_existing_file_not_overwritten(self, tmp_path: Path) -> None:
        """An existing file raises FileExistsError and keeps its content and mode."""
        target = tmp_path / "key.pem"
        target.write_bytes(b"old")
        target.chmod(0o640)
        with pytest.raises(FileExistsError, match="refusing to overwrite") as info:
            write_file(target, b"new", private=True, overwrite=False)
        assert info.value.errno == errno.EEXIST
        assert info.value.filename == str(target)
        assert target.read_bytes() == b"old"
        assert _mode(target) == 0o640
        assert _leftovers(tmp_path) == []

    def test_existing_symlink_not_followed(self, tmp_path: Path) -> None:
        """A (dangling) symlink at the target counts as existing and is never followed."""
        elsewhere = tmp_path / "elsewhere"
        link = tmp_path / "key.pem"
        link.symlink_to(elsewhere)
        with pytest.raises(FileExistsError):
            write_file(link, b"new", private=True, overwrite=False)
        assert not elsewhere.exists()

    def test_overwrite_replaces_and_sets_mode(self, tmp_path: Path) -> None:
        """overwrite=True replaces the file atomically, with the new mode."""
        target = tmp_path / "key.pem"
        target.write_bytes(b"old")
        target.chmod(0o666)
        write_file(target, b"new", private=True, overwrite=True)
        assert target.read_bytes() == b"new"
        assert _mode(target) == 0o600
        assert _leftovers(tmp_path) == []

    def test_overwrite_replaces_symlink_not_its_target(self, tmp_path: Path) -> None:
        """Overwriting a symlink replaces the link itself, not the file it points to."""
        victim = tmp_path / "victim"
        victim.write_bytes(b"keep")
        link = tmp_path / "key.pem"
        link.symlink_to(victim)
        write_file(link, b"new", private=True, overwrite=True)
        assert victim.read_bytes() == b"keep"
        assert not link.is_symlink()
        assert link.read_bytes() == b"new"

    def test_race_target_appears_after_check(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file created between the check and the final link is still not clobbered."""
        target = tmp_path / "key.pem"
        real_link = os.link

        def racing_link(src: Path, dst: Path) -> None:
            Path(dst).write_bytes(b"theirs")
            real_link(src, dst)

        monkeypatch.setattr("acmpca_issue._files.os.link", racing_link)
        with pytest.raises(FileExistsError):
            write_file(target, b"ours", private=True, overwrite=False)
        assert target.read_bytes() == b"theirs"
        assert _leftovers(tmp_path) == []

    def test_temp_file_created_private_before_data(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The temporary file is opened with O_EXCL and mode 0600, in the target's directory."""
        calls: list[tuple[str, int, int]] = []
        real_open = os.open

        def spy_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
            calls.append((os.fspath(path), flags, mode))
            return real_open(path, flags, mode)

        monkeypatch.setattr("acmpca_issue._files.os.open", spy_open)
        write_file(tmp_path / "key.pem", b"k", private=True, overwrite=False)
        [(path, flags, mode)] = calls
        assert Path(path).parent == tmp_path
        assert flags & os.O_EXCL
        assert flags & os.O_CREAT
        assert mode == 0o600

    def test_missing_directory(self, tmp_path: Path) -> None:
        """A missing directory raises FileNotFoundError and writes nothing."""
        with pytest.raises(FileNotFoundError):
            write_file(tmp_path / "nope" / "key.pem", b"k", private=True, overwrite=False)

    def test_rejects_non_bytes(self, tmp_path: Path) -> None:
        """Text data is refused with a TypeError naming the type."""
        with pytest.raises(TypeError, match="data must be bytes, got str"):
            write_file(tmp_path / "x", "text", private=False, overwrite=False)  # type: ignore[arg-type]
        assert list(tmp_path.iterdir()) == []

    def test_write_failure_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A failing write (disk full) removes the temporary file and leaves no target."""

        def full(fd: int, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("acmpca_issue._files.os.write", full)
        with pytest.raises(OSError, match="No space"):
            write_file(tmp_path / "key.pem", b"k", private=True, overwrite=False)
        assert list(tmp_path.iterdir()) == []

    def test_replace_failure_removes_temp(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the final rename fails, the temporary file is removed."""

        def broken(src: object, dst: object) -> None:
            raise PermissionError(errno.EACCES, "denied")

        monkeypatch.setattr("acmpca_issue._files.os.replace", broken)
        with pytest.raises(PermissionError):
            write_file(tmp_path / "key.pem", b"k", private=True, overwrite=True)
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("code", [errno.EPERM, errno.ENOTSUP, errno.EXDEV])
    def test_no_hard_links_falls_back_to_exclusive_create(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
    ) -> None:
        """Without hard links the target is created exclusively with the same mode."""

        def no_links(src: object, dst: object) -> None:
            raise OSError(code, "links not supported")

        monkeypatch.setattr("acmpca_issue._files.os.link", no_links)
        path = write_file(tmp_path / "key.pem", b"k" * 5000, private=True, overwrite=False)
        assert path.read_bytes() == b"k" * 5000
        assert _mode(path) == 0o600
        assert _leftovers(tmp_path) == []

    def test_fallback_still_refuses_existing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The no-hard-link fallback also refuses a target that appeared meanwhile."""
        target = tmp_path / "key.pem"

        def no_links(src: object, dst: object) -> None:
            target.write_bytes(b"theirs")
            raise OSError(errno.EPERM, "links not supported")

        monkeypatch.setattr("acmpca_issue._files.os.link", no_links)
        with pytest.raises(FileExistsError):
            write_file(target, b"ours", private=True, overwrite=False)
        assert target.read_bytes() == b"theirs"
        assert _leftovers(tmp_path) == []

    def test_fallback_write_failure_removes_target(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A failing write in the fallback removes the partly written target and temp."""
        real_write = os.write
        count = {"n": 0}

        def no_links(src: object, dst: object) -> None:
            raise OSError(errno.EPERM, "links not supported")

        def second_write_fails(fd: int, data: memoryview) -> int:
            count["n"] += 1
            if count["n"] > 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(fd, data)

        monkeypatch.setattr("acmpca_issue._files.os.link", no_links)
        monkeypatch.setattr("acmpca_issue._files.os.write", second_write_fails)
        with pytest.raises(OSError, match="No space"):
            write_file(tmp_path / "key.pem", b"k", private=True, overwrite=False)
        assert list(tmp_path.iterdir()) == []

    def test_other_link_errors_propagate(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An unrelated link error (e.g. EIO) propagates and leaves nothing behind."""

        def broken(src: object, dst: object) -> None:
            raise OSError(errno.EIO, "I/O error")

        monkeypatch.setattr("acmpca_issue._files.os.link", broken)
        with pytest.raises(OSError, match="I/O error"):
            write_file(tmp_path / "key.pem", b"k", private=True, overwrite=False)
        assert list(tmp_path.iterdir()) == []


class TestWriteFiles:
    """write_files: what CsrBundle.write and IssuedCertificate.write share."""

    def test_unwritable_directory_names_the_target(self, tmp_path: Path) -> None:
        """A failed create names the file asked for, never the temporary file beside it."""
        from acmpca_issue._files import write_file

        missing = tmp_path / "missing" / "key.pem"
        with pytest.raises(FileNotFoundError) as raised:
            write_file(missing, b"k", private=True, overwrite=False)
        assert raised.value.filename == str(missing)
        assert ".tmp" not in str(raised.value)

    def test_a_later_failure_removes_what_was_written(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """All or none: the first file is removed when the second cannot be written."""
        from acmpca_issue import _files

        real = _files.write_file

        def fail_second(path: Path, data: bytes, *, private: bool, overwrite: bool) -> Path:
            if path.name == "b.pem":
                raise OSError(28, "No space left on device", str(path))
            return real(path, data, private=private, overwrite=overwrite)

        monkeypatch.setattr(_files, "write_file", fail_second)
        with pytest.raises(OSError, match="No space"):
            _files.write_files(
                tmp_path / "d", {"a.pem": (b"a", False), "b.pem": (b"b", True)}, overwrite=False
            )
        assert list((tmp_path / "d").iterdir()) == []

    def test_bundle_and_certificate_write_alike(self, tmp_path: Path) -> None:
        """Both make a missing directory and refuse an existing file the same way."""
        from acmpca_issue import Validity, build_csr
        from acmpca_issue.local import LocalPrivateCA

        pca = LocalPrivateCA()
        bundle = build_csr("svc.internal")
        issued = pca.issuer().issue_certificate(
            certificate_authority_arn=pca.create_root_ca(),
            csr=bundle.csr,
            validity=Validity.days(1),
        )
        bundle.write(tmp_path / "a" / "b")
        issued.write(tmp_path / "c" / "d")
        errors = []
        for write in (
            lambda: bundle.write(tmp_path / "a" / "b"),
            lambda: issued.write(tmp_path / "c" / "d"),
        ):
            with pytest.raises(FileExistsError) as raised:
                write()
            errors.append(raised.value)
        assert [(e.errno, e.strerror) for e in errors] == [
            (errors[0].errno, errors[0].strerror)
        ] * 2
        assert all(e.filename.endswith(("key.pem", "cert.pem")) for e in errors)
