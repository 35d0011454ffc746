"""All of a set of output files appear, or none of them does.

A bulletin is a docx, an xlsx and a pdf that must agree; an export is read by another
office. A crash, a full disk or an exception half-way must never leave a truncated file, or
a new docx beside last quarter's xlsx. Writers therefore write to temporary paths in the
target folders (same file system, so the final rename is atomic) and ``atomic_files``
renames them into place only when the whole block has succeeded.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_files(*targets: Path) -> Iterator[tuple[Path, ...]]:
    """Temporary paths for TARGETS, renamed into place when the block ends without error.

    On any exception (KeyboardInterrupt too) every temporary file is removed and no target
    is touched, so an older file of the same name stays as it was. On success a target
    whose temporary path the block did not write (a pdf LibreOffice could not make) is
    removed: the set is what this block wrote, never mixed with an older run. Temporary
    names keep the target's suffix, for writers that go by it.
    """
    token = secrets.token_hex(4)
    temps = tuple(t.with_name(f".{t.stem}.{token}.tmp{t.suffix}") for t in targets)
    try:
        yield temps
        for temp in temps:
            if temp.exists():
                # Flushed before the rename: after a power cut the name points at whole data.
                with temp.open("rb+") as handle:
                    os.fsync(handle.fileno())
        for temp, target in zip(temps, targets, strict=True):
            if temp.exists():
                temp.replace(target)
            else:
                target.unlink(missing_ok=True)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
