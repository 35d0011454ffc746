"""Importing test consultations (咨询信件测试) from xlsx/csv: all or nothing.

Each row names exactly one target: a site by 网站标识码 or 网站名称, or an account by
平台 + 账号名称. The engine's row parser checks the cells and duplicate 测试编号; the
targets are looked up here, and any error refuses the whole file.
"""

from __future__ import annotations

from pathlib import Path

from govwatch.engine.interaction.consultation_rows import parse_tests
from govwatch.engine.interaction.consultations import ConsultationTest as EngineTest
from govwatch.engine.registry import labels as L
from govwatch.engine.rows import RowErrors
from govwatch.web.interaction.importing import (
    InteractionImportError,
    InteractionImportReport,
    Planned,
    read_sheets,
    write_planned,
)
from govwatch.web.interaction.models import ConsultationTest, aware
from govwatch.web.registry.models import Account, Site, normalize_name


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
        code = L.code_of(L.PLATFORM, platform)
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


def consultation_tests_import(path: Path, *, dry_run: bool = False) -> InteractionImportReport:
    """Import test consultations from FILE; an existing 测试编号 is updated."""
    sheets = read_sheets(path)
    targets = _Targets()
    errors = RowErrors()
    planned: list[Planned] = []
    for row, test in parse_tests(sheets, errors):
        site_id = account_id = None
        key, message = "", ""
        site, account = row.text("site_code") or row.text("site_name"), row.text("account_name")
        if site and not account:
            site_id, key, message = targets.site(row.text("site_code"), row.text("site_name"))
        elif account and not site:
            account_id, key, message = targets.account(row.text("platform"), account)
        if message:
            errors.at(row, key, message)
        if test is not None and row.ok:
            values = {"site_id": site_id, "account_id": account_id} | _values(test)
            planned.append(({"test_id": test.test_id}, values, f"测试 {test.test_id}"))
    if errors:
        raise InteractionImportError(errors)
    ids = [key["test_id"] for key, _, _ in planned]
    existing = {(t.test_id,): t for t in ConsultationTest.objects.filter(test_id__in=ids)}
    return write_planned(ConsultationTest, planned, existing, dry_run)


def _values(test: EngineTest) -> dict[str, object]:
    return {
        "channel": test.channel,
        "question": test.question,
        "sent_at": aware(test.sent_at),
        "send_succeeded": test.send_succeeded,
        "send_failure_reason": test.send_failure_reason,
        "answered_at": aware(test.answered_at) if test.answered_at else None,
        "answer_text": test.answer_text,
        "reply_quality": test.reply_quality.value if test.reply_quality else "",
    }
