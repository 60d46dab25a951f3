"""Safe file output: atomic writes, private files 0600 from the first byte, no silent overwrite.

Example::

    from pathlib import Path
    from acmpca_issue._files import write_file

    write_file(Path("out/key.pem"), key_pem, private=True, overwrite=False)  # mode 0600
    write_file(Path("out/cert.pem"), cert_pem, private=False, overwrite=True)  # mode 0644

The data goes to a temporary file in the target's directory, created with
``O_CREAT | O_EXCL`` and its final mode, written and fsynced, then moved into place in one
step: ``os.replace`` when overwriting is allowed, otherwise ``os.link``, which fails if the
target exists, so a file that appears between a check and the write is never clobbered.
Readers therefore see either no file or the whole file, and a private file is never readable by
anyone else, not even for a moment.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

__all__ = ["PRIVATE_MODE", "PUBLIC_MODE", "write_file", "write_files"]

PRIVATE_MODE = 0o600
"""Mode of private files (keys): read and write for the owner only."""

PUBLIC_MODE = 0o644
"""Mode of public files (certificates, CSRs): world-readable, owner-writable."""

_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def write_file(
    path: str | os.PathLike[str], data: bytes, *, private: bool, overwrite: bool
) -> Path:
    """Write ``data`` to ``path`` atomically with a safe mode.

    Args:
        path: the file to write; its directory must exist.
        data: the bytes to write.
        private: ``True`` for secrets (mode 0600, never readable by others, even while being
            written); ``False`` for public files (mode 0644).
        overwrite: replace an existing file; otherwise an existing file (or symlink) at
            ``path`` is left untouched and :class:`FileExistsError` is raised.

    Returns:
        ``path`` as a :class:`pathlib.Path`.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
        TypeError: ``data`` is not ``bytes``.
        OSError: the directory is missing or not writable, or the disk is full; no partial
            file is left behind.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    target = Path(path)
    mode = PRIVATE_MODE if private else PUBLIC_MODE
    if not overwrite and os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, "refusing to overwrite an existing file", str(target))
    temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        _create(temp, data, mode)
    except OSError as error:
        # Name the file the caller asked for, not the temporary one beside it.
        raise type(error)(error.errno, error.strerror, str(target)) from None
    try:
        if overwrite:
            os.replace(temp, target)
        else:
            _link_exclusive(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)
    return target


def _link_exclusive(temp: Path, target: Path) -> None:
    """Give ``temp``'s content the name ``target``, failing if ``target`` exists."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise FileExistsError(
            errno.EEXIST, "refusing to overwrite an existing file", str(target)
        ) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # No hard links on this file system: fall back to an exclusive create of the target
        # itself (still never overwrites, still created with the final mode).
        _copy_exclusive(temp, target)


def _copy_exclusive(temp: Path, target: Path) -> None:
    with open(temp, "rb") as source:
        data = source.read()
    _create(target, data, os.stat(temp).st_mode & 0o777)


def _create(path: Path, data: bytes | bytearray | memoryview, mode: int) -> None:
    """Create ``path`` exclusively with ``mode`` (before any byte is written) and fill it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY, mode)
    try:
        try:
            # os.open's mode is filtered by the umask; set the exact mode before any data.
            if hasattr(os, "fchmod"):  # pragma: no branch - POSIX always has it
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        os.unlink(path)
        raise


def write_files(
    directory: str | os.PathLike[str],
    contents: dict[str, tuple[bytes, bool]],
    *,
    overwrite: bool,
) -> dict[str, Path]:
    """Write several files into ``directory``, all or none, each with :func:`write_file`.

    What ``CsrBundle.write`` and ``IssuedCertificate.write`` share: the directory is created
    (mode 0700, with its parents) when missing; without ``overwrite`` every name is checked
    first, so an existing file means nothing is written; a failure part-way removes the files
    this call created.

    Args:
        directory: where to write.
        contents: ``{file name: (data, private)}``, written in this order.
        overwrite: replace existing files.

    Returns:
        The paths written, by file name.

    Raises:
        FileExistsError: a file exists and ``overwrite`` is false; nothing was written.
        NotADirectoryError: ``directory`` (or a parent) is a file.
        OSError: the directory cannot be created or written; its ``filename`` is the path
            that failed.
    """
    target = Path(directory)
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not overwrite:
        for name in contents:
            if os.path.lexists(target / name):
                raise FileExistsError(
                    errno.EEXIST, "refusing to overwrite an existing file", str(target / name)
                )
    written: dict[str, Path] = {}
    try:
        for name, (data, private) in contents.items():
            written[name] = write_file(target / name, data, private=private, overwrite=overwrite)
    except BaseException:
        if not overwrite:
            for path in written.values():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        raise
    return written
