"""Importing test consultations (咨询信件测试) from xlsx/csv: all or nothing.

Each row names exactly one target: a site by 网站标识码 or 网站名称, or an account by
平台 + 账号名称. Field checks come from the engine's row parser; target lookups and
duplicates are checked here, and any error refuses the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from govwatch.engine.interaction.consultation_rows import parse_consultation_rows
from govwatch.engine.interaction.consultations import ConsultationTest as EngineTest
from govwatch.engine.registry import labels as L
from govwatch.engine.registry.schema import RowError
from govwatch.web.interaction.importing import (
    BATCH,
    InteractionImportError,
    InteractionImportReport,
    header_for,
    map_headers,
    read_sheets,
)
from govwatch.web.interaction.models import ConsultationTest, aware
from govwatch.web.registry.models import Account, Site, normalize_name

TEST_COLUMNS: dict[str, tuple[str, ...]] = {
    "test_id": ("测试编号", "编号"),
    "site_code": ("网站标识码",),
    "site_name": ("网站名称",),
    "platform": ("平台",),
    "account_name": ("账号名称",),
    "channel": ("渠道", "测试渠道"),
    "question": ("咨询问题", "咨询内容"),
    "sent_at": ("发送时间",),
    "send_succeeded": ("发送成功", "是否发送成功"),
    "send_failure_reason": ("未成功原因", "失败原因"),
    "answered_at": ("答复时间", "回复时间"),
    "answer_text": ("答复内容", "回复内容"),
    "reply_quality": ("答复质量",),
}
_WRITTEN = [
    "site_id",
    "account_id",
    "channel",
    "question",
    "sent_at",
    "send_succeeded",
    "send_failure_reason",
    "answered_at",
    "answer_text",
    "reply_quality",
]


class _Targets:
    """Every site and account in memory, so a file of thousands of tests costs two queries."""

    def __init__(self) -> None:
        self.site_by_code: dict[str, tuple[int, str]] = {}
        self.sites_by_name: dict[str, list[tuple[int, str]]] = {}
        for site_id, code, name in Site.objects.values_list("id", "site_code", "name"):
            self.site_by_code[code] = (site_id, name)
            self.sites_by_name.setdefault(normalize_name(name), []).append((site_id, code))
        self.accounts: dict[tuple[str, str], list[int]] = {}
        for account_id, platform, name in Account.objects.values_list("id", "platform", "name"):
            self.accounts.setdefault((platform, normalize_name(name)), []).append(account_id)
        self.platforms: dict[str, str] = {}
        for code, labels in L.PLATFORM.items():
            self.platforms[code] = code
            for label in labels:
                self.platforms[label] = code

    def site(self, code: str, name: str) -> tuple[int | None, str, str]:
        """(site id, column, error); the column names where the error belongs."""
        if code:
            hit = self.site_by_code.get(code)
            if hit is None:
                return None, "site_code", f"未登记的网站标识码「{code}」"
            if name and normalize_name(name) != normalize_name(hit[1]):
                return None, "site_name", f"与网站标识码 {code} 登记的名称「{hit[1]}」不一致"
            return hit[0], "", ""
        hits = self.sites_by_name.get(normalize_name(name), [])
        if not hits:
            return None, "site_name", f"未登记的网站名称「{name}」，请核对或改填网站标识码"
        if len(hits) > 1:
            codes = "、".join(code for _, code in hits)
            return None, "site_name", f"网站名称「{name}」对应多个网站（{codes}），请填写网站标识码"
        return hits[0][0], "", ""

    def account(self, platform: str, name: str) -> tuple[int | None, str, str]:
        code = self.platforms.get(platform)
        if not platform:
            return None, "platform", "填写账号名称时须同时填写平台"
        if code is None:
            return None, "platform", f"未知的平台「{platform}」"
        hits = self.accounts.get((code, normalize_name(name)), [])
        if not hits:
            return None, "account_name", f"未登记的{platform}账号「{name}」"
        if len(hits) > 1:
            return None, "account_name", f"{platform}上有多个名为「{name}」的账号，请在后台录入"
        return hits[0], "", ""


@dataclass(frozen=True)
class _Planned:
    test: EngineTest
    site_id: int | None
    account_id: int | None


def consultation_tests_import(path: Path, *, dry_run: bool = False) -> InteractionImportReport:
    """Import test consultations from FILE; an existing 测试编号 is updated."""
    sheets = read_sheets(path)
    targets = _Targets()
    errors: list[RowError] = []
    planned: list[_Planned] = []
    seen: dict[str, int] = {}
    for sheet in sheets:
        found = map_headers(sheet, TEST_COLUMNS, ("test_id", "channel", "sent_at"), errors)
        if found is None:
            continue
        if not {"site_code", "site_name", "account_name"} & found.keys():
            errors.append(RowError(sheet.name, 1, "", "缺少列：网站标识码、网站名称或账号名称"))
            continue

        def column(key: str, found: dict[str, str] = found) -> str:
            return header_for(key, found, TEST_COLUMNS)

        for number, cells in sheet.rows:
            row = {key: cells.get(header, "").strip() for key, header in found.items()}
            site_given = bool(row.get("site_code") or row.get("site_name"))
            account_given = bool(row.get("account_name"))
            row_errors: list[RowError] = []
            site_id = account_id = None
            if site_given and account_given:
                row_errors.append(
                    RowError(sheet.name, number, column("account_name"), "网站和账号只能填写一项")
                )
            elif site_given:
                site_id, key, message = targets.site(
                    row.get("site_code", ""), row.get("site_name", "")
                )
                if message:
                    row_errors.append(RowError(sheet.name, number, column(key), message))
            elif account_given:
                account_id, key, message = targets.account(
                    row.get("platform", ""), row["account_name"]
                )
                if message:
                    row_errors.append(RowError(sheet.name, number, column(key), message))
            engine_row = dict(row)
            engine_row["target"] = (
                row.get("site_code") or row.get("site_name") or row.get("account_name", "")
            )
            engine_row["target_kind"] = "account" if account_given and not site_given else "site"
            parsed = parse_consultation_rows([engine_row], first_row=number)
            for e in parsed.errors:
                key = e.field
                if key == "target":
                    key = "site_name" if "site_name" in found else next(iter(found))
                    message = "缺少被测网站或账号（网站标识码、网站名称或平台+账号名称）"
                else:
                    message = e.message
                row_errors.append(RowError(sheet.name, number, column(key), message))
            test_id = row.get("test_id", "")
            if test_id:
                if test_id in seen:
                    row_errors.append(
                        RowError(
                            sheet.name,
                            number,
                            column("test_id"),
                            f"测试编号 {test_id} 与第{seen[test_id]}行重复",
                        )
                    )
                else:
                    seen[test_id] = number
            if row_errors:
                errors.extend(row_errors)
            elif parsed.tests:
                planned.append(_Planned(parsed.tests[0], site_id, account_id))
    if errors:
        raise InteractionImportError(errors)
    return _write_tests(planned, dry_run)


def _values(item: _Planned) -> dict[str, object]:
    test = item.test
    return {
        "site_id": item.site_id,
        "account_id": item.account_id,
        "channel": test.channel,
        "question": test.question,
        "sent_at": aware(test.sent_at),
        "send_succeeded": test.send_succeeded,
        "send_failure_reason": test.send_failure_reason,
        "answered_at": aware(test.answered_at) if test.answered_at else None,
        "answer_text": test.answer_text,
        "reply_quality": test.reply_quality.value if test.reply_quality else "",
    }


def _write_tests(planned: list[_Planned], dry_run: bool) -> InteractionImportReport:
    report = InteractionImportReport(dry_run=dry_run, rows=len(planned))
    existing = {
        t.test_id: t
        for t in ConsultationTest.objects.filter(test_id__in=[p.test.test_id for p in planned])
    }
    creates: list[ConsultationTest] = []
    updates: list[ConsultationTest] = []
    for item in planned:
        values = _values(item)
        current = existing.get(item.test.test_id)
        if current is None:
            creates.append(ConsultationTest(test_id=item.test.test_id, **values))
            report.created += 1
            report.changes.append(f"新增：测试 {item.test.test_id}")
            continue
        diffs = [k for k, v in values.items() if getattr(current, k) != v]
        if not diffs:
            report.unchanged += 1
            continue
        for k in diffs:
            setattr(current, k, values[k])
        updates.append(current)
        report.updated += 1
        labels = "、".join(str(ConsultationTest._meta.get_field(k).verbose_name) for k in diffs)
        report.changes.append(f"更新：测试 {item.test.test_id}（{labels}）")
    if not dry_run:
        with transaction.atomic():
            ConsultationTest.objects.bulk_create(creates, batch_size=BATCH)
            ConsultationTest.objects.bulk_update(updates, _WRITTEN, batch_size=BATCH)
    return report
