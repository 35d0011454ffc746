"""The people of the persona tests and a small world for them to look at.

Province 河东省 has two cities, 安平市 and 北川市. 安平市 has two units (its 教育局, the unit
operator's own, and its 卫生健康委员会); 北川市 has one (its 交通运输局). Each of the three
units has a site with a column, an account, an inspection result with a confirmed finding
on each of them, a problem list with those items, and one uploaded evidence file (a small
real PDF). The two city governments have a site each, judged in the same inspection.

Personas (all is_staff, so the admin's own gate is what keeps them out of it):
admin (superuser), province (supervisor of 河东省), city (supervisor of 安平市), operator
(unit operator of 安平市教育局), reader (leader of 安平市), outsider (supervisor of 北川市),
norole (a staff login without a role). ``anonymous`` is nobody logged in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from govwatch.engine.findings import Finding
from govwatch.web.inspections.models import Inspection, InspectionFinding, InspectionResult
from govwatch.web.inspections.services import finding_decide
from govwatch.web.operations.models import Operation
from govwatch.web.operations.services import operation_dir
from govwatch.web.proofreading.models import AllowedWord, ProofreadDraft
from govwatch.web.registry.models import Account, Column, Site, Unit
from govwatch.web.scans.models import ScanFinding, ScanRun
from govwatch.web.tickets.models import Attachment, ItemEvent, ProblemItem, ProblemList
from govwatch.web.tickets.services import attachment_add, problem_lists_send
from govwatch.web.users.models import Membership

# A small real PDF: one empty page, with its cross-reference table.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n160\n%%EOF\n"
)

PASSWORD = "Persona-pass-2024!"

# The units, by key: (name, parent key, level, kind).
UNITS = {
    "province": ("河东省人民政府", None, "province", "government"),
    "city_a": ("安平市人民政府", "province", "prefecture", "government"),
    "u1": ("安平市教育局", "city_a", "prefecture", "department"),
    "u2": ("安平市卫生健康委员会", "city_a", "prefecture", "department"),
    "city_b": ("北川市人民政府", "province", "prefecture", "government"),
    "u3": ("北川市交通运输局", "city_b", "prefecture", "department"),
}
# The units with a site; the three departments also have an account, findings, a problem
# list and a file. Every string here is unique to its unit and no part of another's.
SITES = {
    "city_a": ("1300000001", "安平门户网", "http://www.anping.gov.cn/"),
    "u1": ("1300000002", "安平教育网", "http://jyj.anping.gov.cn/"),
    "u2": ("1300000003", "安平卫健网", "http://wjw.anping.gov.cn/"),
    "city_b": ("1300000004", "北川门户网", "http://www.beichuan.gov.cn/"),
    "u3": ("1300000005", "北川交通网", "http://jtj.beichuan.gov.cn/"),
}
DEPARTMENTS = ("u1", "u2", "u3")
ACCOUNT_NAMES = {"u1": "安平教育微博", "u2": "安平健康微博", "u3": "北川出行微博"}
COLUMN_NAMES = {key: f"{SITES[key][1]}通知公告栏" for key in SITES}
MARKERS = {key: f"问题标记{key.upper()}号" for key in DEPARTMENTS}
FILE_NAMES = {key: f"{UNITS[key][0]}整改报告.pdf" for key in DEPARTMENTS}
OPERATION_FILE = "通报-2024Q1.docx"

# Who each persona is, and the units it sees (its scope, by the rule in users/selectors.py,
# written out here so the test does not take the code under test's word for it).
PERSONAS = {
    "admin": ("admin", None),
    "province": ("supervisor", "province"),
    "city": ("supervisor", "city_a"),
    "operator": ("unit_operator", "u1"),
    "reader": ("reader", "city_a"),
    "outsider": ("supervisor", "city_b"),
    "norole": ("", None),
}
SEES: dict[str, frozenset[str]] = {
    "admin": frozenset(UNITS),
    "province": frozenset(UNITS),
    "city": frozenset({"city_a", "u1", "u2"}),
    "operator": frozenset({"u1"}),
    "reader": frozenset({"city_a", "u1", "u2"}),
    "outsider": frozenset({"city_b", "u3"}),
    "norole": frozenset(),
    "anonymous": frozenset(),
}
ALL_PERSONAS = (*PERSONAS, "anonymous")


def _ancestors(key: str) -> set[str]:
    found = set()
    parent = UNITS[key][1]
    while parent is not None:
        found.add(parent)
        parent = UNITS[parent][1]
    return found


def names_of(unit_key: str) -> list[str]:
    """Every string that tells of the unit: its name, its site, column and account, its
    findings' marker and its file's name."""
    names = [UNITS[unit_key][0]]
    if unit_key in SITES:
        names += [SITES[unit_key][1], COLUMN_NAMES[unit_key]]
    if unit_key in DEPARTMENTS:
        names += [ACCOUNT_NAMES[unit_key], MARKERS[unit_key], FILE_NAMES[unit_key]]
    return names


def forbidden_names(persona: str) -> list[str]:
    """What PERSONA must never read: every unit it does not see, except the units above
    the ones it sees (a unit's page may name its city)."""
    seen = SEES[persona]
    above = set().union(*(_ancestors(key) for key in seen)) if seen else set()
    return [name for key in UNITS if key not in seen and key not in above for name in names_of(key)]


@dataclass
class Target:
    """The objects of one unit that URLs name by primary key."""

    key: str
    unit: Unit
    site: Site | None = None
    column: Column | None = None
    account: Account | None = None
    results: list[InspectionResult] = field(default_factory=list)
    findings: list[InspectionFinding] = field(default_factory=list)
    problem_list: ProblemList | None = None
    items: list[ProblemItem] = field(default_factory=list)
    attachment: Attachment | None = None
    operation: Operation | None = None  # a finished bulletin run with one file
    scan_finding: ScanFinding | None = None  # what its site's crawl found

    @property
    def finding(self) -> InspectionFinding:
        return self.findings[0]

    @property
    def item(self) -> ProblemItem:
        return self.items[0]


@dataclass
class World:
    targets: dict[str, Target]
    users: dict[str, Any]
    inspection: Inspection
    data_dir: Path
    # 稿件校对: a draft is its author's alone, an allowed word its unit's (the operator's).
    draft: ProofreadDraft | None = None
    allowed_word: AllowedWord | None = None

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


def _finding(code: str, slug: str, kind: str, target: str, message: str) -> dict[str, Any]:
    return InspectionFinding.fields_of(
        Finding(
            code=code,
            slug=slug,
            target_kind=kind,  # type: ignore[arg-type]
            target_id=target,
            severity="veto",
            message_zh=message,
        )
    )


def _users() -> dict[str, Any]:
    User = get_user_model()
    users = {"admin": User.objects.create_superuser("p-admin", "", PASSWORD)}
    for persona, (role, unit_key) in PERSONAS.items():
        if persona == "admin":
            continue
        user = User.objects.create_user(f"p-{persona}", "", PASSWORD, is_staff=True)
        if role:
            Membership.objects.create(
                user=user, role=role, unit=Unit.objects.get(name=UNITS[unit_key][0])
            )
        users[persona] = user
    return users


def build_world(data_dir: Path) -> World:
    """The registry, one inspection with confirmed findings, the problem lists sent from
    it (one per department), and one evidence file per list."""
    targets: dict[str, Target] = {}
    for key, (name, parent, level, kind) in UNITS.items():
        unit = Unit.objects.create(
            name=name,
            parent=targets[parent].unit if parent else None,
            level=level,
            kind=kind,
        )
        targets[key] = Target(key, unit)
    for key, (code, name, url) in SITES.items():
        target = targets[key]
        target.site = Site.objects.create(
            site_code=code,
            name=name,
            home_url=url,
            kind="gov_portal" if key.startswith("city") else "department_website",
            operating_unit=target.unit,
            supervising_unit=targets["province"].unit,
            status="running",
        )
        target.column = Column.objects.create(
            site=target.site, name=COLUMN_NAMES[key], url=f"{url}tzgg/", kind="notice_policy"
        )
        target.column.responsible_units.add(target.unit)
    for key, name in ACCOUNT_NAMES.items():
        targets[key].account = Account.objects.create(
            platform="sina_weibo",
            name=name,
            platform_id=f"weibo-{key}",
            opening_unit=targets[key].unit,
            status="running",
        )
    users = _users()

    inspection = Inspection.objects.create(
        period="2024Q1",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31),
        profile="cn-national-2019",
        created_by="p-province",
    )
    for key, target in targets.items():
        if target.site is None:
            continue
        result = InspectionResult.objects.create(
            inspection=inspection, site=target.site, verdict="unknown", observed=False
        )
        target.results.append(result)
        if key not in DEPARTMENTS:
            continue
        site_finding = InspectionFinding.objects.create(
            result=result,
            **_finding(
                "SIT002",
                "consultation-channel-missing",
                "site",
                target.site.site_code,
                f"{target.site.name}未提供咨询建言渠道（{MARKERS[key]}）",
            ),
        )
        account = target.account
        assert account is not None
        account_result = InspectionResult.objects.create(
            inspection=inspection, account=account, verdict="unknown", observed=False
        )
        target.results.append(account_result)
        account_finding = InspectionFinding.objects.create(
            result=account_result,
            **_finding(
                "NMA001",
                "account-not-updated",
                "account",
                str(account.pk),
                f"{account.name}长期未更新（{MARKERS[key]}）",
            ),
        )
        for finding in (site_finding, account_finding):
            finding_decide(finding, "confirmed", "人工核实属实", users["province"])
            finding.refresh_from_db()
            target.findings.append(finding)

    lists = problem_lists_send(
        inspection, user=users["province"], deadline=dt.date(2024, 5, 31), note="请按期整改"
    )
    by_unit = {problem_list.unit_id: problem_list for problem_list in lists}
    for key in DEPARTMENTS:
        target = targets[key]
        target.problem_list = by_unit[target.unit.pk]
        target.items = list(target.problem_list.items.order_by("pk"))
        uploader = users["operator"] if key == "u1" else None
        target.attachment = attachment_add(target.item, uploader, FILE_NAMES[key], [PDF])
    assert ItemEvent.objects.filter(action="upload").count() == len(DEPARTMENTS)
    for key in DEPARTMENTS:
        target = targets[key]
        assert target.site is not None
        moment = dt.datetime(2024, 3, 20, 3, tzinfo=dt.UTC)
        run = ScanRun.objects.create(
            site=target.site, scan_id=f"persona-{key}", scan_date=moment.date(),
            profile="cn-national-2019", started_at=moment, finished_at=moment,
        )  # fmt: skip
        target.scan_finding = ScanFinding.objects.create(
            run=run, code="LNK001", slug="home-page-broken-link", severity="deduction",
            target_kind="link", target_id=f"{target.site.home_url}broken.html",
            message=f"{target.site.name}首页存在不可用链接（{MARKERS[key]}）",
            evidence={"url": f"{target.site.home_url}broken.html"},
        )  # fmt: skip
        target.operation = Operation.objects.create(
            kind="bulletin",
            state="done",
            unit=target.unit,
            message=f"通报已生成（{MARKERS[key]}）",
            result={"files": [{"name": OPERATION_FILE, "label": "通报"}]},
        )
        folder = operation_dir(target.operation)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / OPERATION_FILE).write_bytes(b"PK\x03\x04 docx")
    draft = ProofreadDraft.objects.create(
        author=users["operator"],
        unit=targets["u1"].unit,
        title="草稿",
        text="关于做好防汛工作的通知",
    )
    allowed_word = AllowedWord.objects.create(
        unit=targets["u1"].unit, word="安平", reason="本地地名", created_by=users["operator"]
    )
    return World(
        targets=targets,
        users=users,
        inspection=inspection,
        data_dir=data_dir,
        draft=draft,
        allowed_word=allowed_word,
    )


@pytest.fixture
def world(db: None, tmp_path: Path, settings: Any) -> World:
    settings.DATA_DIR = tmp_path
    return build_world(tmp_path)
