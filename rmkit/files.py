"""Reading the files of a project: regular files only, and never more than a limit.

A file of a project may be anything its folder holds: a symlink to `/dev/zero`, a FIFO that
nobody writes to, a device. Such a file is refused, not read (reading would never end, or
never start); a regular file is read up to the limit and no further, whatever its size
claims (a file can grow while it is read, and `st_size` of some files says 0).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_BYTES = 1024 * 1024  # 1 MiB: YAML files and translation catalogs alike


class FileProblem(Exception):
    """A file that is not read; `code` is a finding code, the message says why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def read_regular_file(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of `path` (symlinks followed) if it is a regular file of at most `limit` bytes.

    Raises FileProblem: `file-not-regular`, `file-too-large`, or `file-missing` (cannot open).
    """
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise FileProblem("file-missing", f"cannot read file: {e.strerror}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise FileProblem("file-not-regular", f"not a regular file but {_kind(mode)}: rmkit reads only regular files")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(descriptor, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise FileProblem("file-too-large", f"file is larger than {limit:,} bytes ({limit // (1024 * 1024)} MiB), "
                                                f"the limit")
        return b"".join(chunks)
    except OSError as e:
        raise FileProblem("file-missing", f"cannot read file: {e.strerror}") from None
    finally:
        os.close(descriptor)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
