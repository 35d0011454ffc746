"""导入名录 from the workspace: upload, dry run (the CLI's all-or-nothing report), apply.

A supervisor's file may only touch its own region (operations/region.py checks what the
import would write); an admin's anything. The upload is size-limited before Django reads
it, and only .xlsx or .csv whose first bytes agree with the name are taken.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from govwatch.web.operations.models import Operation
from govwatch.web.operations.services import (
    MAX_IMPORT_BYTES,
    OperationError,
    operation_create,
    operation_dir,
    registry_upload_check,
)
from govwatch.web.users.selectors import Scope
from govwatch.web.workspace.views.access import supervisor_action, supervisor_page
from govwatch.web.workspace.views.ops import operation_in_scope, ops_context, started_response

# --- 导入名录 -------------------------------------------------------------------------


@supervisor_page
def work_ops_import(request: HttpRequest, scope: Scope) -> HttpResponse:
    context = ops_context(scope, max_mb=MAX_IMPORT_BYTES // 1024 // 1024)
    return render(request, "workspace/ops/import.html", context)


class _SizeLimit(FileUploadHandler):
    """Stops reading the upload past the limit, before Django writes it all to disk."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit, self.seen, self.exceeded = limit, 0, False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# The CSRF check reads the form and so the upload: the size guard goes in first, and the
# view checks CSRF itself (as portal_item_upload does).
@csrf_exempt
@supervisor_action
def work_ops_import_start(request: HttpRequest, scope: Scope) -> HttpResponse:
    limit = _SizeLimit(request, MAX_IMPORT_BYTES)
    request.upload_handlers.insert(0, limit)
    return _import_upload(request, scope, limit)


@csrf_protect
def _import_upload(request: HttpRequest, scope: Scope, limit: _SizeLimit) -> HttpResponse:
    upload = request.FILES.get("file")
    if limit.exceeded:
        messages.error(request, f"文件超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB 上限，未导入")
        return redirect("work-ops-import")
    if upload is None:
        messages.error(request, "请选择要导入的名录文件（.xlsx 或 .csv）")
        return redirect("work-ops-import")
    head = upload.read(8192)
    upload.seek(0)
    try:
        suffix = registry_upload_check(upload.name or "", upload.size or 0, head)
    except OperationError as exc:
        messages.error(request, str(exc))
        return redirect("work-ops-import")
    with transaction.atomic():
        operation = operation_create(
            "registry_import",
            request.user,
            scope.unit_id if not scope.everything else None,
            {"dry_run": True, "filename": Path(upload.name or "").name[:200]},
            "等待校验文件",
        )
        folder = operation_dir(operation)
        folder.mkdir(parents=True, exist_ok=True)
        stored = f"source{suffix}"
        digest = hashlib.sha256()
        with (folder / stored).open("wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        operation.params.update(stored=stored, sha256=digest.hexdigest())
        operation.save(update_fields=["params"])
    return started_response(request, operation)


@supervisor_action
def work_ops_import_apply(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """Apply a file whose dry run passed: the same file, checked again as it is written."""
    checked = operation_in_scope(scope, pk)
    result = checked.result
    if not (
        checked.kind == "registry_import"
        and checked.params.get("dry_run")
        and checked.state == "done"
        and result.get("ok")
    ):
        messages.error(request, "只有试运行通过的文件才能导入")
        return redirect("work-ops-detail", pk=checked.pk)
    source = operation_dir(checked) / checked.params["stored"]
    if result.get("applied_operation"):
        messages.info(request, "该文件已导入，不再重复导入")
        return redirect("work-ops-detail", pk=result["applied_operation"])
    if not source.is_file() or _sha256(source) != checked.params.get("sha256"):
        messages.error(request, "试运行的文件已不存在或已改变，请重新上传")
        return redirect("work-ops-detail", pk=checked.pk)
    with transaction.atomic():
        # Taken once: a second click waits here and then finds it applied.
        locked = Operation.objects.select_for_update().get(pk=checked.pk)
        if locked.result.get("applied_operation"):
            return redirect("work-ops-detail", pk=locked.result["applied_operation"])
        params = {**checked.params, "dry_run": False, "checked_operation": checked.pk}
        operation = operation_create(
            "registry_import", request.user, checked.unit_id, params, "等待导入"
        )
        folder = operation_dir(operation)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / params["stored"]).write_bytes(source.read_bytes())
        locked.result = {**locked.result, "applied_operation": operation.pk}
        locked.save(update_fields=["result"])
    return started_response(request, operation)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
