"""The unit side: sign for a list, answer, upload evidence, submit, appeal; download."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govwatch.web.tickets.models import Attachment, ItemEvent
from govwatch.web.tickets.services import attachment_path
from tests.web.workspace.conftest import World, messages_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_portal_home_lists_my_lists_only(world: World, sent: dict[str, Any]) -> None:
    html = world.client("op1").get("/portal/").content.decode()
    mine, theirs = sent["lists"]["a1"], sent["lists"]["a2"]
    assert f'class="list-link" href="/portal/lists/{mine.pk}/"' in html
    assert f"/portal/lists/{theirs.pk}/" not in html
    assert "剩余10个工作日" in html and "2024年7月29日" in html and "已下发 1" in html


def test_opening_the_list_signs_for_it_once(world: World, sent: dict[str, Any]) -> None:
    client = world.client("op1")
    problem_list, item = sent["lists"]["a1"], sent["items"]["a1"]
    page = client.get(f"/portal/lists/{problem_list.pk}/")
    assert "已签收问题清单，请逐条整改并在期限内提交" in messages_of(page)
    assert f'class="item-link" href="/portal/items/{item.pk}/"' in page.content.decode()
    item.refresh_from_db()
    problem_list.refresh_from_db()
    assert item.state == "received" and problem_list.received_at is not None

    again = client.get(f"/portal/lists/{problem_list.pk}/")
    assert messages_of(again) == []
    assert ItemEvent.objects.filter(item=item, action="receive").count() == 1


def test_answer_upload_submit(world: World, sent: dict[str, Any]) -> None:
    client = world.client("op1")
    item = sent["items"]["a1"]
    client.get(f"/portal/lists/{item.problem_list_id}/")

    page = client.get(f"/portal/items/{item.pk}/").content.decode()
    for marker in ('id="answer-form"', 'id="save-answer"', 'id="upload-form"', 'enctype="multipart/form-data"',
                   'type="file" name="file"', 'id="upload-file"', 'id="submit-form"', 'id="submit-item"',
                   'id="appeal-form"', 'id="appeal-item"'):  # fmt: skip
        assert marker in page, marker

    # Submitting before answering is refused, in Chinese.
    early = client.post(f"/portal/items/{item.pk}/submit/", follow=True)
    assert "提交前请先填写整改情况说明" in messages_of(early)

    saved = client.post(
        f"/portal/items/{item.pk}/answer/", {"answer": "已修复全部失效链接"}, follow=True
    )
    assert "整改情况说明已保存" in messages_of(saved)
    item.refresh_from_db()
    assert (item.state, item.answer) == ("rectifying", "已修复全部失效链接")

    report = SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")
    uploaded = client.post(f"/portal/items/{item.pk}/upload/", {"file": report}, follow=True)
    assert "已上传：整改报告.pdf" in messages_of(uploaded)
    attachment = Attachment.objects.get(item=item)
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment_path(attachment).read_bytes() == PDF
    assert f'href="/files/{attachment.pk}/"' in uploaded.content.decode()

    # A page renamed .pdf is refused on its bytes, and nothing is kept.
    fake = SimpleUploadedFile(
        "报告.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    refused = client.post(f"/portal/items/{item.pk}/upload/", {"file": fake}, follow=True)
    assert "只接受 PDF 文件（整改报告）或 PNG、JPEG 图片（截图）" in messages_of(refused)
    assert Attachment.objects.filter(item=item).count() == 1

    nothing = client.post(f"/portal/items/{item.pk}/upload/", {}, follow=True)
    assert "请选择要上传的文件" in messages_of(nothing)

    submitted = client.post(f"/portal/items/{item.pk}/submit/", follow=True)
    assert "已提交整改，系统将自动复查" in messages_of(submitted)
    item.refresh_from_db()
    assert item.state == "rechecking" and item.submitted_at is not None
    html = submitted.content.decode()
    # Submitted: only the history remains, no form the state refuses.
    assert 'id="answer-form"' not in html and 'id="submit-form"' not in html
    assert 'id="appeal-form"' not in html and 'id="upload-form"' not in html
    assert "提交整改" in html and "整改中 → 已提交整改" in html


def test_submit_runs_the_recheck_inline(
    world: World, sent: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """With GOVWATCH_RECHECK_INLINE the re-check runs when the submission commits; a site
    that cannot be reached is recorded as 复查失败 and waits for the supervisor."""
    settings.GOVWATCH_RECHECK_INLINE = True
    client = world.client("op1")
    item = sent["items"]["a1"]
    client.post(f"/portal/items/{item.pk}/answer/", {"answer": "已整改"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/portal/items/{item.pk}/submit/")
    item.refresh_from_db()
    assert item.state == "submitted" and item.recheck == "error"
    html = world.client("sup").get(f"/supervise/items/{item.pk}/").content.decode()
    assert "复查失败" in html and 'id="close-form"' in html and 'id="reopen-form"' in html


def test_appeal(world: World, sent: dict[str, Any]) -> None:
    client = world.client("op1")
    item = sent["items"]["a1"]
    empty = client.post(f"/portal/items/{item.pk}/appeal/", {"reason": ""}, follow=True)
    assert "申诉必须填写理由" in messages_of(empty)
    done = client.post(
        f"/portal/items/{item.pk}/appeal/", {"reason": "链接属于上级网站"}, follow=True
    )
    assert "申诉已提交，请等待监管人员审核" in messages_of(done)
    item.refresh_from_db()
    assert item.state == "appealed"
    html = done.content.decode()
    assert "申诉中" in html and 'id="appeal-form"' not in html and 'id="answer-form"' not in html


def test_oversized_upload_is_refused_before_it_is_stored(
    world: World, sent: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("govwatch.web.workspace.views.portal.MAX_UPLOAD_BYTES", 1024)
    item = sent["items"]["a1"]
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * 4096, "application/pdf")
    response = world.client("op1").post(
        f"/portal/items/{item.pk}/upload/", {"file": big}, follow=True
    )
    assert any("MB 上限" in m for m in messages_of(response))
    assert not Attachment.objects.exists()


def test_upload_keeps_the_csrf_check(world: World, sent: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["op1"])
    item = sent["items"]["a1"]
    report = SimpleUploadedFile("r.pdf", PDF, "application/pdf")
    assert client.post(f"/portal/items/{item.pk}/upload/", {"file": report}).status_code == 403
    assert not Attachment.objects.exists()


def test_download_names_and_headers(world: World, sent: dict[str, Any]) -> None:
    item = sent["items"]["a1"]
    client = world.client("op1")
    report = SimpleUploadedFile("整改报告.pdf", PDF, "application/pdf")
    client.post(f"/portal/items/{item.pk}/upload/", {"file": report})
    attachment = Attachment.objects.get()

    for who in ("op1", "sup", "reader"):
        response = world.client(who).get(f"/files/{attachment.pk}/")
        assert response.status_code == 200, who
        assert _body(response) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.pdf" in disposition

    for who in ("op2", "outsider", "norole"):
        assert world.client(who).get(f"/files/{attachment.pk}/").status_code == 404, who
    assert world.client("op1").get("/files/999999/").status_code == 404

    attachment_path(attachment).unlink()
    assert world.client("op1").get(f"/files/{attachment.pk}/").status_code == 404
