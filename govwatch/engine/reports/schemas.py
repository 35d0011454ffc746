"""Import formats of the statistics a report is built from, one schema per table kind.

Column keys are the snake_case names of the seed bulletins' tables as CSV, so an office can
export a seed table, edit it and send it back; the Chinese headings are accepted too.
Bookkeeping columns of the fixtures (``seq``, ``filled_down``, the ``*_zh`` labels) are
optional so that a hand-made file does not need them.
"""

from __future__ import annotations

from govwatch.engine.reports.records import RecordSchema
from govwatch.engine.rows import Field

_SEQ = Field("seq", "序号", "count", required=False)
_FILLED = Field("filled_down", "合并单元格", required=False)
_REMARKS = Field("remarks", "备注", required=False)

OFFICE_DOCUMENTS = RecordSchema(
    "office_documents",
    "协同办公系统收发文统计",
    (
        _SEQ,
        Field("department", "部门", "unit"),
        Field("documents_received", "收文（份）", "count"),
        Field("documents_sent", "发文（份）", "count"),
        _REMARKS,
    ),
)

WEBSITE_COLUMNS = RecordSchema(
    "website_columns",
    "政府网站栏目内容保障统计",
    (
        _SEQ,
        Field("column_name", "栏目名称"),
        Field("responsible_units", "保障部门"),
        Field("items_submitted", "报送数量", "count"),
        _REMARKS,
        _FILLED,
    ),
)

LETTERS = RecordSchema(
    "letters",
    "留言信件回复统计",
    (
        _SEQ,
        Field("department", "部门", "unit"),
        Field("letters_received", "受理信件数", "count"),
        Field("letters_replied", "信件回复数", "count"),
        Field("unreplied_letter_ids", "未回复信件编号", "ids", required=False),
    ),
)

APP_COLUMNS = RecordSchema(
    "app_columns",
    "移动客户端栏目信息发布统计",
    (
        _SEQ,
        Field("column_name", "栏目名称"),
        Field("responsible_unit", "保障部门"),
        Field("items_published", "发布数量", "count"),
        _REMARKS,
        _FILLED,
    ),
)

_LEVELS = ("province", "prefecture", "city")
_SPANS = ("period", "cumulative")
_ADOPTION_FIELDS = tuple(
    Field(f"{kind}_adopted_{level}_{span}", f"{kind}/{level}/{span}", "count")
    for kind in ("info", "news_brief")
    for level in _LEVELS
    for span in _SPANS
)

SUBMISSIONS = RecordSchema(
    "submissions",
    "政务信息报送采用情况",
    (
        _SEQ,
        Field("unit", "单位", "unit"),
        Field("submitted_period", "本期报送", "count"),
        Field("submitted_cumulative", "累计报送", "count"),
        *_ADOPTION_FIELDS,
        # Points and verdicts are what a received table states; the engine recomputes them.
        Field("points_period", "本期积分", "count", required=False),
        Field("points_cumulative", "累计积分", "count", required=False),
        Field("qualified", "是否合格（yes/no）", "choice", False, ("yes", "no")),
        Field("qualified_zh", "是否合格", "choice", False, ("合格", "不合格")),
    ),
)

COMMISSIONED_ARTICLES = RecordSchema(
    "commissioned_articles",
    "约稿",
    (
        _SEQ,
        Field("topic_zh", "约稿题目"),
        Field("responsible_units", "责任单位"),
        Field("due_date", "报送期限", "date"),
        Field("received_date", "实际报送日期", "date", required=False),
    ),
)

PROBLEM_ACCOUNTS = RecordSchema(
    "problem_accounts",
    "存在问题的政务新媒体",
    (
        _SEQ,
        Field("account_name", "政务新媒体"),
        Field("supervising_unit", "主管单位", "unit"),
        Field("platform", "问题栏目"),
        Field("problem_type", "问题类型"),
        _FILLED,
    ),
)

OPENED_ACCOUNTS = RecordSchema(
    "opened_accounts",
    "不合格政务新媒体名单",
    (
        _SEQ,
        Field("account_name", "账号名称"),
        Field("opening_entity", "开设主体", "unit"),
        Field("account_type", "账号类型"),
    ),
)

INTERACTION_RESPONSES = RecordSchema(
    "interaction_responses",
    "政府网站互动回应检查",
    (
        _SEQ,
        Field("site_name", "网站名称"),
        Field("response_category_zh", "互动回应情况"),
        Field("response_category", "回应类别代码", required=False),
    ),
)

INTERACTION_TESTS = RecordSchema(
    "interaction_tests",
    "政府网站互动回应专项检查",
    (
        _SEQ,
        Field("site_name", "网站名称"),
        Field("site_name_as_written", "网站名称（原文）", required=False),
        Field("category_zh", "类型"),
        Field("category", "类型代码", required=False),
        Field("site_group_zh", "网站类别"),
        Field("site_group", "网站类别代码", required=False),
    ),
)

PORTAL_SUBMISSIONS = RecordSchema(
    "portal_submissions",
    "政府门户网站信息报送",
    (
        _SEQ,
        Field("group", "分组代码", required=False),
        Field("group_zh", "分组"),
        Field("rank_in_group", "组内序号", "count", required=False),
        Field("unit", "单位", "unit"),
        Field("items_submitted", "报送信息", "count"),
        Field("items_adopted", "采用信息", "count"),
    ),
)

EXCELLENT_ACCOUNTS = RecordSchema(
    "excellent_accounts",
    "优秀政务新媒体",
    (
        _SEQ,
        Field("platform_zh", "平台"),
        Field("platform", "平台代码", required=False),
        Field("account_name", "账号名称"),
    ),
)

TICKET_COMPLETION = RecordSchema(
    "ticket_completion",
    "问题清单办理情况",
    (
        _SEQ,
        Field("region_or_unit", "市(区)/省直单位"),
        Field("rectification_rate_pct_stated", "整改率（表中所列）", "decimal", required=False),
        Field("tickets_total", "问题总数", "count"),
        Field("tickets_closed", "已办结总数", "count"),
        Field("website_tickets", "政府网站问题数量", "count"),
        Field("website_tickets_closed", "政府网站已办结", "count"),
        Field("new_media_tickets", "政务新媒体问题数量", "count"),
        Field("new_media_tickets_closed", "政务新媒体已办结", "count"),
    ),
)
