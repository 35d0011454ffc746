"""Whether a process of this host is still there: how a lease or an operation left by a
killed worker is told from one still running."""

from __future__ import annotations

import os


def pid_gone(pid: int) -> bool:
    """True when no process PID exists on this host (signal 0 probes without sending);
    a process of another user answers PermissionError and counts as there."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
