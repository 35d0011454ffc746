"""稿件校对 (/proofread/): paste or upload, marks in place, dismiss into the unit's
allow-list (audited, per unit), annotated download, role rules. The check is the real
engine check with the real typo model (loaded from the settings' cache folder)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx.enum.text import WD_COLOR_INDEX

from govwatch.web.proofreading.models import MAX_DRAFT_CHARS, AllowedWord, ProofreadDraft
from govwatch.web.proofreading.services import KEEP_DRAFTS, MAX_UPLOAD_BYTES

from .conftest import World, messages_of

# 拖底 is an expression rule (TXT001 → 托底); 发升 a typo of the statistical layer (TXT004).
DRAFT = "要做好拖底工作。\n加强安全生产监管，杜绝重大事故发升。<script>alert('x')</script>"


def paste(client: Client, text: str = DRAFT, title: str = "") -> Any:
    return client.post(reverse("proofread-submit"), {"text": text, "title": title})


def upload(client: Client, name: str, data: bytes) -> Any:
    return client.post(reverse("proofread-submit"), {"draft_file": SimpleUploadedFile(name, data)})


def checked(client: Client, response: Any) -> Any:
    """Follow the submit's redirect to the draft page."""
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def findings_of(page: Any) -> list[tuple[str, str, str]]:
    return [(i.hit.code, i.hit.text, i.hit.suggestion) for i in page.context["items"]]


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def cjk_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer is TEXT (Type0 font, Identity-H, a ToUnicode map)."""
    chars = sorted(set(text))
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n"
        + "".join(f"<{ord(c):04X}> <{ord(c):04X}>\n" for c in chars)
        + "endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode()
    codes = "".join(f"{ord(c):04X}" for c in text)
    content = f"BT /F1 12 Tf 72 720 Td <{codes}> Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_paste_marks_findings_in_place_and_escapes_the_draft(world: World) -> None:
    client = world.client("op1")
    page = checked(client, paste(client, title="<b>通知</b>"))
    assert findings_of(page) == [("TXT001", "拖底", "托底"), ("TXT004", "发升", "发生")]
    html = page.content.decode()
    marks = re.findall(
        r'<mark class="pf-hit pf-(\w+)" id="hit-(\d)" title="([^"]*)">([^<]*)</mark>', html
    )
    assert [(m[1], m[3]) for m in marks] == [("1", "拖底"), ("2", "发升")]
    assert "建议：托底" in marks[0][2] and "EXP" in marks[0][2]
    assert "建议：发生" in marks[1][2] and "typo-lm" in marks[1][2]
    # The list beside the text: rule, message and suggestion of each finding.
    assert 'id="finding-2"' in html and "建议：发生" in html
    # Everything from the draft is escaped: its script, its title.
    assert (
        "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    )
    assert "<b>通知</b>" not in html and "&lt;b&gt;通知&lt;/b&gt;" in html
    draft = ProofreadDraft.objects.get()
    assert (draft.author, draft.unit, draft.title) == (
        world.users["op1"],
        world.unit_a1,
        "<b>通知</b>",
    )


def test_the_page_runs_the_same_check_as_the_command(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from govwatch.cli import main

    client = world.client("sup")
    page = checked(client, paste(client))
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    assert main(["check-text", str(path), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)["findings"]
    assert [i.hit.to_dict() for i in page.context["items"]] == cli


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("通知.docx", lambda text: docx_bytes(*text.split("\n"))),
        ("通知.pdf", lambda text: cjk_pdf(text.replace("\n", ""))),
        ("通知.txt", lambda text: text.encode("utf-8")),
        ("通知-gbk.txt", lambda text: text.encode("gbk")),
    ],
)
def test_upload_docx_pdf_txt(world: World, name: str, make: Any) -> None:
    client = world.client("op2")
    text = "要做好拖底工作。\n杜绝重大事故发升。"
    page = checked(client, upload(client, name, make(text)))
    assert findings_of(page) == [("TXT001", "拖底", "托底"), ("TXT004", "发升", "发生")]
    assert ProofreadDraft.objects.get().title == name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("通知.doc", b"\xd0\xcf\x11\xe0 old word", "不支持的文件类型“.doc”"),
        ("脚本.exe", b"MZ", "不支持的文件类型“.exe”"),
        ("坏.docx", b"PK not really a zip", "无法读取文件“坏.docx”"),
        ("扫描件.pdf", cjk_pdf(""), "PDF 中没有可提取的文字"),
        ("乱码.txt", bytes([0x81, 0x20, 0xFF, 0xFE]) * 4, "无法识别文本编码"),
        ("大.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "文件过大"),
        ("长.txt", "字".encode() * (MAX_DRAFT_CHARS + 1), "稿件过长"),
        ("空.txt", b"  \n ", "稿件没有文字内容"),
    ],
)
def test_wrong_type_or_oversize_refused_in_chinese(
    world: World, name: str, data: bytes, message: str
) -> None:
    client = world.client("op1")
    response = upload(client, name, data)
    assert response.status_code == 400
    shown = messages_of(response)
    assert len(shown) == 1 and message in shown[0], shown
    assert not ProofreadDraft.objects.exists()


def test_pasted_text_limits(world: World) -> None:
    client = world.client("op1")
    response = paste(client, "拖" * (MAX_DRAFT_CHARS + 1))
    assert response.status_code == 400
    assert "稿件过长" in messages_of(response)[0]
    assert response.context["pasted"]  # the text stays in the form
    response = client.post(reverse("proofread-submit"), {"text": "  "})
    assert "请粘贴稿件正文或选择要上传的文件" in messages_of(response)[0]


def dismiss(client: Client, page: Any, number: int, reason: str) -> Any:
    item = page.context["items"][number - 1]
    url = reverse("proofread-dismiss", args=[page.context["draft"].pk])
    return client.post(url, {"fingerprint": item.hit.fingerprint, "reason": reason}, follow=True)


def test_dismiss_feeds_the_units_allow_list_and_only_that_unit(world: World) -> None:
    op1 = world.client("op1")
    page = checked(op1, paste(op1))
    refused = dismiss(op1, page, 1, "   ")
    assert "请填写忽略理由" in messages_of(refused)[0]
    assert not AllowedWord.objects.exists()
    done = dismiss(op1, page, 1, "本地方言用法，经审核保留")
    assert "已忽略：“拖底”加入本单位允许词表" in messages_of(done)[0]
    row = AllowedWord.objects.get()
    assert (row.unit, row.word, row.code, row.suggestion) == (
        world.unit_a1,
        "拖底",
        "TXT001",
        "托底",
    )
    assert (row.created_by, row.reason) == (world.users["op1"], "本地方言用法，经审核保留")
    assert row.created_at is not None and row.revoked_at is None
    # The same draft and a new one: 拖底 is not reported for A1 any more, 发升 still is.
    assert findings_of(done) == [("TXT004", "发升", "发生")]
    again = checked(op1, paste(op1, "拖底工作要做实。"))
    assert findings_of(again) == []
    assert "已按允许词表忽略 1 个词" in again.content.decode()
    # Another unit (A2) and the city above A1 are still told.
    for name in ("op2", "sup"):
        client = world.client(name)
        assert ("TXT001", "拖底", "托底") in findings_of(checked(client, paste(client)))
    # Dismissing the same word twice is refused, not duplicated.
    page = checked(op1, paste(op1, "要做好拖底工作，杜绝重大事故发升。"))
    assert findings_of(page) == [("TXT004", "发升", "发生")]
    home = op1.get(reverse("proofread")).content.decode()
    assert "本地方言用法，经审核保留" in home and "op1" in home


def test_a_citys_allowed_word_holds_for_the_units_below(world: World) -> None:
    sup = world.client("sup")
    page = checked(sup, paste(sup))
    dismiss(sup, page, 2, "专有名词")
    assert AllowedWord.objects.get().unit == world.city_a
    op1 = world.client("op1")
    assert findings_of(checked(op1, paste(op1))) == [("TXT001", "拖底", "托底")]
    outsider = world.client("outsider")
    assert ("TXT004", "发升", "发生") in findings_of(checked(outsider, paste(outsider)))


def test_revoke_reports_the_word_again_and_keeps_the_record(world: World) -> None:
    op1 = world.client("op1")
    dismiss(op1, checked(op1, paste(op1)), 1, "保留")
    row = AllowedWord.objects.get()
    # Another unit's operator cannot touch it (outside its list: 404).
    op2 = world.client("op2")
    assert op2.post(reverse("proofread-allow-revoke", args=[row.pk])).status_code == 404
    response = op1.post(reverse("proofread-allow-revoke", args=[row.pk]), follow=True)
    assert "已撤销允许词“拖底”" in messages_of(response)[0]
    row.refresh_from_db()
    assert row.revoked_by == world.users["op1"] and row.revoked_at is not None
    assert ("TXT001", "拖底", "托底") in findings_of(checked(op1, paste(op1)))
    # Allowed again later: a new row, the revoked one stays.
    dismiss(op1, checked(op1, paste(op1)), 1, "再次审核后保留")
    assert AllowedWord.objects.count() == 2


def test_annotated_copy_opens_in_word_with_the_notes(world: World) -> None:
    client = world.client("op1")
    page = checked(client, paste(client))
    response = client.get(reverse("proofread-download", args=[page.context["draft"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "〔1. " in body and "建议：托底〕" in body and "建议：发生〕" in body
    assert "<script>alert('x')</script>" in body  # the draft's text, as text
    highlighted = [
        run.text
        for p in document.paragraphs
        for run in p.runs
        if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert highlighted == ["拖底", "发升"]
    notes = [c.text for c in document.comments]
    assert len(notes) == 2 and "建议：发生" in notes[1]
    table = document.tables[0]
    assert [c.text for c in table.rows[2].cells][2:5:2] == ["发升", "发生"]


def test_annotated_copy_of_a_clean_draft(world: World) -> None:
    client = world.client("reader")
    page = checked(client, paste(client, "各部门要把思想和行动统一到市委的决策部署上来。"))
    assert page.context["items"] == []
    response = client.get(reverse("proofread-download", args=[page.context["draft"].pk]))
    document = docx.Document(io.BytesIO(response.content))
    assert "未发现问题。" in [p.text for p in document.paragraphs]


def test_role_rules(world: World) -> None:
    op1 = world.client("op1")
    draft_url = checked(op1, paste(op1)).request["PATH_INFO"]
    pk = ProofreadDraft.objects.get().pk
    urls = [
        reverse("proofread"),
        draft_url,
        reverse("proofread-download", args=[pk]),
    ]
    # No role: every page is a 404, as is every action.
    norole = world.client("norole")
    for url in urls:
        assert norole.get(url).status_code == 404
    assert paste(norole).status_code == 404
    assert norole.post(reverse("proofread-dismiss", args=[pk])).status_code == 404
    # Not logged in: the login page.
    anonymous = Client()
    assert anonymous.get(reverse("proofread")).status_code == 302
    # Every role opens the page; a draft is its author's alone.
    for name in ("sup", "reader", "op2", "outsider"):
        client = world.client(name)
        assert client.get(reverse("proofread")).status_code == 200
        assert client.get(draft_url).status_code == 404
        assert client.get(reverse("proofread-download", args=[pk])).status_code == 404
        assert client.post(reverse("proofread-dismiss", args=[pk])).status_code == 404
    # A reader checks its own drafts but cannot change the allow-list.
    reader = world.client("reader")
    page = checked(reader, paste(reader))
    assert "忽略并加入本单位允许词表" not in page.content.decode()
    response = reader.post(
        reverse("proofread-dismiss", args=[page.context["draft"].pk]),
        {"fingerprint": page.context["items"][0].hit.fingerprint, "reason": "x"},
    )
    assert response.status_code == 403
    assert not AllowedWord.objects.exists()
    # Methods: the check is a POST, the pages GETs.
    assert op1.get(reverse("proofread-submit")).status_code == 405


def test_only_the_newest_drafts_are_kept(world: World) -> None:
    client = world.client("op1")
    for i in range(KEEP_DRAFTS + 3):
        paste(client, f"第{i}稿：要做好托底工作。")
    assert ProofreadDraft.objects.count() == KEEP_DRAFTS
    assert not ProofreadDraft.objects.filter(text__startswith="第0稿").exists()


def test_admin_lists_the_allow_list_read_only(world: World) -> None:
    from django.contrib.auth import get_user_model

    op1 = world.client("op1")
    dismiss(op1, checked(op1, paste(op1)), 1, "审核保留")
    admin = get_user_model().objects.create_superuser("root", "", "x")
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("admin:proofreading_allowedword_changelist"))
    assert page.status_code == 200 and "审核保留" in page.content.decode()
    assert client.get(reverse("admin:proofreading_allowedword_add")).status_code == 403
