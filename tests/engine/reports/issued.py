"""A final template for tests: the shipped template issued by a named office on a fixed day."""

from __future__ import annotations

import datetime as dt

from govwatch.engine.reports.bulletin import BulletinTemplate, load_template
from govwatch.engine.reports.bulletin_issue import Issue, issued

ISSUER = "开封市人民政府办公室"
ISSUE_DATE = dt.date(2024, 2, 29)
DEADLINE = dt.date(2024, 3, 8)


def office_template(doc_number: str = "汴政办〔2024〕8号", **changes: object) -> BulletinTemplate:
    return issued(
        load_template(**changes),
        Issue(
            issuer=ISSUER,
            issue_date=ISSUE_DATE,
            deadline=DEADLINE,
            doc_number=doc_number,
            contacts=("（联系人：李华，联系电话：0371-23456789）",),
            addressee="各县、区人民政府，市人民政府各部门及有关单位：",
            area="全市",
        ),
    )
