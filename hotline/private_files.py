"""Caller data on disk (database, recordings) is readable by the service's user alone."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_UMASK = 0o077


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; an existing folder is left as it is
    (``hotline doctor`` reports one that others can read)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty as 0600 unless it exists (then it is left as it is)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return path
    os.close(fd)
    return path


@dataclass(frozen=True)
class OpenPath:
    """A path that others than its owner may read or enter."""

    path: Path
    mode: int
    wanted: int

    @property
    def fix(self) -> str:
        return f"chmod {self.wanted:o} {self.path}"


def too_open(paths: list[Path]) -> list[OpenPath]:
    """Those of ``paths`` that exist and give group or others any access."""
    found = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            wanted = DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE
            found.append(OpenPath(path, mode, wanted))
    return found
