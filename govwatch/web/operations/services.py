"""Starting operations off the request, recording their progress, and noticing the ones a
dead process left behind.

An operation runs where a re-check does (tickets.services.recheck_start): on a Celery
worker when CELERY_BROKER_URL is set, else on a daemon thread of the web process;
GOVWATCH_OPERATIONS_INLINE (tests) runs it at once. A thread dies with its process, so each
running operation records the process running it (host:pid:boot) and the next look at the
operations marks those whose process is gone as failed, saying so.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from govwatch.engine.processes import pid_gone
from govwatch.engine.rows import RowsRefused
from govwatch.web.operations.models import ACTIVE, Operation

log = logging.getLogger(__name__)

# Tells this process from an earlier one that had the same pid.
BOOT = uuid.uuid4().hex[:12]
STALE_ZH = "执行该操作的进程已停止（服务重启或进程退出），操作未完成，请重新发起"
QUEUED_STALE_ZH = "操作排队后一直未开始执行（服务已重启或后台进程未运行），请重新发起"
# A thread starts within a second of the commit; a queue on Celery may wait much longer.
THREAD_QUEUE_LIMIT = dt.timedelta(minutes=10)


# A registry file an office uploads: the national registry of a province is a few MB.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
IMPORT_SUFFIXES = (".xlsx", ".csv")


class OperationError(ValueError):
    """An operation that cannot be done as asked; the message is Chinese."""


def registry_upload_check(name: str, size: int, head: bytes) -> str:
    """The suffix of an acceptable registry upload, or OperationError saying why not: the
    name says .xlsx or .csv and the first bytes agree (an .xlsx is a zip, a csv is text)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise OperationError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入")
    if suffix not in IMPORT_SUFFIXES:
        raise OperationError("只能导入 .xlsx 或 .csv 格式的名录文件")
    if size > MAX_IMPORT_BYTES:
        raise OperationError(f"文件超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB 上限，未导入")
    if not size or not head:
        raise OperationError("文件是空的，未导入")
    if suffix == ".xlsx" and not head.startswith(b"PK\x03\x04"):
        raise OperationError("文件扩展名为 .xlsx，但内容不是 Excel 工作簿，未导入")
    if suffix == ".csv" and b"\x00" in head:
        raise OperationError("文件扩展名为 .csv，但内容不是文本，未导入")
    return suffix


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{BOOT}"


def operation_dir(operation: Operation) -> Path:
    """The operation's own folder under the data dir: its upload and its result files."""
    return Path(settings.DATA_DIR) / "operations" / str(operation.pk)


def operation_file(operation: Operation, name: str) -> Path | None:
    """A result file of OPERATION by its listed name; None for any other name."""
    listed = {entry["name"] for entry in operation.result.get("files", [])}
    if name not in listed or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = operation_dir(operation) / name
    return path if path.is_file() else None


def operation_create(
    kind: str, user: Any, unit_id: int | None, params: dict[str, Any], message: str
) -> Operation:
    return Operation.objects.create(
        kind=kind,
        started_by=user if getattr(user, "pk", None) else None,
        unit_id=unit_id,
        params=params,
        message=message,
    )


def operation_start(operation: Operation) -> None:
    """Run OPERATION away from the request, once the transaction that created it commits."""
    pk = operation.pk
    if settings.GOVWATCH_OPERATIONS_INLINE:
        # Tests: at once, on this connection (a test's transaction never commits).
        operation_execute(pk)
        return
    transaction.on_commit(lambda: _dispatch(pk))


def _dispatch(pk: int) -> None:
    if settings.CELERY_BROKER_URL:
        from govwatch.web.operations.tasks import operation_task

        operation_task.delay(pk)
        return
    threading.Thread(
        target=_thread, args=(pk,), name=f"govwatch-operation-{pk}", daemon=True
    ).start()


def _thread(pk: int) -> None:
    from django.db import connection

    try:
        operation_execute(pk)
    finally:
        connection.close()


LOCK_RETRIES = 5


def _locked_retry(write: Callable[[], int]) -> int:
    """A short write of the operation's row, retried while SQLite says the table is locked:
    the poll of the progress page reads the row while the worker thread writes it, and an
    in-memory or busy SQLite answers "locked" at once instead of waiting."""
    for attempt in range(LOCK_RETRIES):
        try:
            return write()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    return 0


def operation_progress(operation: Operation, done: int, total: int, message: str) -> None:
    """Record how far OPERATION is (a short UPDATE: the page polls it every 2 s)."""
    now = timezone.now()
    operation.done, operation.total, operation.message = done, total, message[:300]
    operation.heartbeat_at = now
    _locked_retry(
        lambda: Operation.objects.filter(pk=operation.pk).update(
            done=done, total=total, message=message[:300], heartbeat_at=now
        )
    )


def operation_execute(pk: int) -> str:
    """Run one queued operation to its end; returns the final state. An operation already
    taken (by another worker, or run twice by the queue) is left alone."""
    now = timezone.now()
    taken = _locked_retry(
        lambda: Operation.objects.filter(pk=pk, state="queued").update(
            state="running", runner=runner_id(), started_at=now, heartbeat_at=now
        )
    )
    if not taken:
        return "skipped"
    operation = Operation.objects.get(pk=pk)
    from govwatch.web.operations.jobs import JOBS

    try:
        result = JOBS[operation.kind](operation)
    except (OperationError, ValueError, RowsRefused) as exc:
        # PeriodError, ProfileError, RegistryImportError and the like carry Chinese text.
        _finish(operation, "failed", operation.result, _error_text(exc))
    except Exception as exc:
        log.exception("运行操作失败：%s", operation)
        _finish(operation, "failed", operation.result, f"执行出错：{type(exc).__name__}: {exc}")
    else:
        _finish(operation, "done", result, "")
    return Operation.objects.get(pk=pk).state


def _error_text(exc: Exception) -> str:
    lines = getattr(exc, "errors", None)
    return "\n".join(lines) if lines else str(exc)


def _finish(operation: Operation, state: str, result: dict[str, Any], error: str) -> None:
    now = timezone.now()
    message = operation.message
    if state == "failed" and not message.startswith("失败"):
        message = "失败：" + (error.splitlines()[0] if error else "未知原因")
    elif state == "done":
        message = str(result.get("summary") or "已完成")
    _locked_retry(
        lambda: Operation.objects.filter(pk=operation.pk).update(
            state=state,
            result=result,
            error=error,
            finished_at=now,
            heartbeat_at=now,
            message=message[:300],
        )
    )


def _process_gone(runner: str) -> bool:
    """True when RUNNER (host:pid:boot) names a process of this host that is no longer
    there; a process of another host is judged by its heartbeat instead."""
    host, _, rest = runner.partition(":")
    pid_text, _, boot = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return boot != BOOT  # an earlier process that had this pid
    return pid_gone(pid)


def operations_mark_stale(operations: Iterable[Operation] | None = None) -> int:
    """Mark as failed the active operations whose process is gone (this host), whose
    heartbeat is older than the job time limit (another host), or that waited in the queue
    longer than a start could take. Returns how many were marked."""
    now = timezone.now()
    limit = dt.timedelta(seconds=float(settings.GOVWATCH_JOB_TIME_LIMIT))
    queue_limit = limit if settings.CELERY_BROKER_URL else THREAD_QUEUE_LIMIT
    rows = operations if operations is not None else Operation.objects.filter(state__in=ACTIVE)
    marked = 0
    for operation in rows:
        if operation.state == "running":
            beat = operation.heartbeat_at or operation.started_at or operation.created_at
            stale = _process_gone(operation.runner) or now - beat > limit
            reason = STALE_ZH
        elif operation.state == "queued":
            stale, reason = now - operation.created_at > queue_limit, QUEUED_STALE_ZH
        else:
            continue
        if not stale:
            continue
        # Only if it is still in the state we judged: it may have finished meanwhile.
        if Operation.objects.filter(pk=operation.pk, state=operation.state).update(
            state="failed", error=reason, message=f"失败：{reason}", finished_at=now
        ):
            operation.state, operation.error = "failed", reason
            operation.message, operation.finished_at = f"失败：{reason}", now
            marked += 1
    return marked


def bulletin_options() -> set[str]:
    """The keyword arguments bulletin_write takes (it grows: issue date, issuer, contact);
    the form offers, and the job passes, only what it accepts."""
    parameters = inspect.signature(_bulletin_write()).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return {"*"}
    return {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}


def _bulletin_write() -> Any:
    from govwatch.web.reports.services import bulletin_write

    return bulletin_write
