"""The worker processes of the embedded watch: each job's engine work (a crawl, a probe
round) runs in a child process, and its result comes back to the parent, which is the
only process that writes the database (SQLite sees one writing process).

A child killed mid-job (SIGKILL, out of memory) is noticed through its process sentinel
and reported as WorkerLost, so the caller can run the job again: a crawl resumes from its
crawl-state file. Children are started by a fork server created before the web server's
threads exist, so no child inherits a lock another thread held at fork time, and they die
with the fork server when the parent goes.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1


class WorkerLost(RuntimeError):
    """The child process running a job died before answering."""


class JobTimedOut(RuntimeError):
    """The job ran past its time limit and its process was killed (not run again)."""


class JobFailed(RuntimeError):
    """The job raised in the child; the message carries the child's traceback."""


def _child(
    conn: multiprocessing.connection.Connection, fn: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        conn.send((True, fn(*args)))
    except BaseException:  # everything goes back to the parent, as text
        conn.send((False, traceback.format_exc(limit=20)[-4000:]))
    finally:
        conn.close()


class JobPool:
    """At most WORKERS job processes at once; `run` blocks the calling thread until its
    job's child answers or dies."""

    def __init__(self, workers: int, preload: tuple[str, ...] = ()) -> None:
        self.workers = max(1, workers)
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(list(preload))
        self._slots = threading.BoundedSemaphore(self.workers)
        self._live: dict[int, Any] = {}
        self._lock = threading.Lock()
        self.started = 0

    def warm(self) -> None:
        """Start the fork server now (before any thread), not at the first job."""
        from multiprocessing import forkserver

        forkserver.ensure_running()

    def pids(self) -> list[int]:
        """The job processes running now (tests kill one of them)."""
        with self._lock:
            return [p.pid for p in self._live.values() if p.pid is not None]

    def run(self, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        with self._slots:
            reader, writer = self._ctx.Pipe(duplex=False)
            process = self._ctx.Process(target=_child, args=(writer, fn, args), daemon=True)
            process.start()
            writer.close()
            self.started += 1
            with self._lock:
                self._live[id(process)] = process
            try:
                ready = multiprocessing.connection.wait([reader, process.sentinel], timeout)
                if reader in ready:
                    try:
                        ok, value = reader.recv()
                    except EOFError:
                        ok, value = None, None
                    if ok is True:
                        return value  # type: ignore[no-any-return]
                    if ok is False:
                        raise JobFailed(str(value))
                if not ready:
                    process.kill()
                    raise JobTimedOut(f"工作进程 {process.pid} 超过 {timeout:.0f} 秒未完成，已终止")
                process.join(5)
                raise WorkerLost(f"工作进程 {process.pid} 异常退出（退出码 {process.exitcode}）")
            finally:
                with self._lock:
                    self._live.pop(id(process), None)
                reader.close()
                if process.is_alive():
                    process.join(5)
                if process.is_alive():
                    process.kill()

    def stop(self) -> None:
        """Kill the job processes still running (their jobs resume next time)."""
        with self._lock:
            live = list(self._live.values())
        for process in live:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)


def inline(fn: Callable[..., T], *args: Any) -> T:
    """The executor of a Celery worker or a one-off command: the job runs right here."""
    return fn(*args)
