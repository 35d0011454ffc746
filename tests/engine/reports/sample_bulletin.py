"""A bulletin composed from seed rows, shared by the document tests and the render check."""

from __future__ import annotations

from pathlib import Path

from govwatch.engine.reports import disclosure, schemas, tables
from govwatch.engine.reports.bulletin import BulletinData, WordingExample, compose
from govwatch.engine.reports.docx_writer import OfficialDocument
from govwatch.engine.reports.submission import submission_table

from .issued import office_template
from .seeds import records
from .test_submission import seed_scores


def sample_document() -> OfficialDocument:
    data = BulletinData(
        period_zh="2024年第一季度",
        sites_checked=43,
        accounts_checked=294,
        # The seeds list no problem sites; this one stands for a crawl finding.
        problem_sites=(
            {
                "site_name": "开封市统计局",
                "operating_unit": "市统计局",
                "column_name": "统计数据栏目",
                "problem_type": "长期未更新",
            },
        ),
        unqualified_accounts=records("003_a1_unqualified_accounts.csv", schemas.PROBLEM_ACCOUNTS),
        problem_accounts=records("003_a2_problem_accounts.csv", schemas.PROBLEM_ACCOUNTS),
        wording_examples=(
            WordingExample("兰考县", "“兰考发布”微信公众号", "国务院办公室", "国务院办公厅"),
        ),
        interaction=records("003_a3_interaction_response.csv", schemas.INTERACTION_RESPONSES),
        interaction_order=("1个工作日内答复", "5个工作日内答复", "大于5个工作日回复", "未回复"),
        on_time_categories=("1个工作日内答复", "5个工作日内答复"),
        tickets=records("004_a3_ticket_completion.csv", schemas.TICKET_COMPLETION),
        excellent_accounts=records("003_a5_excellent_accounts.csv", schemas.EXCELLENT_ACCOUNTS),
        column_counts=records("000_a5_app_columns.csv", schemas.APP_COLUMNS),
        extra_annexes=(submission_table(seed_scores(), "2024年5—6月份信息报送采用情况统计表"),),
    )
    return compose(data, office_template())


def write_sample(out: Path) -> Path:
    from govwatch.engine.reports.docx_writer import write_docx

    path = out / "bulletin.docx"
    write_docx(sample_document(), path)
    return path


def all_seed_tables() -> list[tables.Table]:
    """Every seed annex table rebuilt from its fixture rows (the five seeds, 17 tables)."""
    return [
        tables.office_documents_table(
            records("000_a1_office_system_usage.csv", schemas.OFFICE_DOCUMENTS)
        ),
        tables.website_columns_table(
            records("000_a2_website_columns.csv", schemas.WEBSITE_COLUMNS)
        ),
        tables.letters_table(
            records("000_a3_mayor_mailbox.csv", schemas.LETTERS), "市长信箱留言回复统计表"
        ),
        tables.letters_table(
            records("000_a4_department_messages.csv", schemas.LETTERS), "部门留言回复统计表"
        ),
        tables.app_columns_table(records("000_a5_app_columns.csv", schemas.APP_COLUMNS)),
        disclosure.proactive_table(
            records("001_s2_proactive_disclosure.csv", disclosure.PROACTIVE)
        ),
        disclosure.applications_table(records("001_s3_applications.csv", disclosure.APPLICATIONS)),
        disclosure.review_litigation_table(
            records("001_s4_review_litigation.csv", disclosure.REVIEW_LITIGATION)
        ),
        submission_table(seed_scores()),
        tables.problem_accounts_table(
            records("003_a1_unqualified_accounts.csv", schemas.PROBLEM_ACCOUNTS),
            "不合格的政务新媒体",
        ),
        tables.problem_accounts_table(
            records("003_a2_problem_accounts.csv", schemas.PROBLEM_ACCOUNTS), "存在问题的政务新媒体"
        ),
        tables.interaction_buckets_table(
            records("003_a3_interaction_response.csv", schemas.INTERACTION_RESPONSES),
            category_key="response_category_zh",
        ),
        tables.portal_submissions_table(
            records("003_a4_portal_submissions.csv", schemas.PORTAL_SUBMISSIONS)
        ),
        tables.excellent_accounts_table(
            records("003_a5_excellent_accounts.csv", schemas.EXCELLENT_ACCOUNTS)
        ),
        tables.opened_accounts_table(
            records("004_a1_unqualified_accounts.csv", schemas.OPENED_ACCOUNTS)
        ),
        tables.interaction_buckets_table(
            records("004_a2_interaction_test.csv", schemas.INTERACTION_TESTS),
            category_key="category_zh",
            group_key="site_group_zh",
            name_key="site_name_as_written",
        ),
        tables.ticket_completion_table(
            records("004_a3_ticket_completion.csv", schemas.TICKET_COMPLETION)
        ),
    ]
