"""posts_import: GBK/UTF-8 csv and xlsx onto registry accounts; bad files refused whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govwatch.web.newmedia.models import Post
from govwatch.web.newmedia.services import PostsImportError, posts_import
from tests.helpers import Cell, write_csv
from tests.web.newmedia import helpers as H

pytestmark = pytest.mark.django_db

ROWS = [
    ["微信公众号", "开封发布", "2024-02-23 09:30", "春耕动员", "https://mp.example.cn/s/1", "原创"],
    ["微信", "开封发布", "2024/2/24", "转载：通知", "https://mp.example.cn/s/2", "转发"],
    ["新浪微博", "开封发布", "2024年2月24日 10时05分", "微博同名号", "", ""],
    ["新浪微博", "开封交警", "2024-02-25 08:00", "路况", "https://weibo.example.cn/1", "原创"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def accounts() -> None:
    H.account("开封发布")
    H.account("开封发布", "sina_weibo")  # same name on another platform
    H.account("开封交警", "sina_weibo", platform_id="kfjj2024")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_every_office_encoding_imports_once(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "export.csv", H.EXPORT_HEADERS, ROWS, encoding)
    dry = posts_import(path, dry_run=True)
    assert (dry.rows, dry.new, dry.dry_run) == (4, 4, True)
    assert Post.objects.count() == 0
    report = posts_import(path)
    assert (report.new, report.duplicate, report.accounts) == (4, 0, 3)
    pairs = set(Post.objects.values_list("account__platform", "account__name"))
    assert pairs == {
        ("wechat_official_account", "开封发布"),
        ("sina_weibo", "开封发布"),
        ("sina_weibo", "开封交警"),
    }
    assert Post.objects.get(url="https://mp.example.cn/s/2").is_original is False
    again = posts_import(path)
    assert (again.new, again.duplicate) == (0, 4)
    assert Post.objects.count() == 4


def test_xlsx_with_datetime_cells_and_account_id_column(tmp_path: Path) -> None:
    headers = ["平台", "账号ID", "发布时间", "标题", "链接"]
    rows: list[list[Cell]] = [
        ["新浪微博", "kfjj2024", dt.datetime(2024, 2, 25, 23, 59), "深夜路况", "https://w/2"],
    ]
    report = posts_import(H.write_xlsx(tmp_path / "e.xlsx", headers, rows))
    assert report.new == 1
    post = Post.objects.get()
    assert post.account.name == "开封交警"
    # A naive cell is Beijing time: 23:59 on the 25th stays the 25th.
    assert post.published_at == H.beijing(2024, 2, 25, 23, 59)


def _refused(path: Path) -> list[str]:
    before = H.snapshot()
    with pytest.raises(PostsImportError) as caught:
        posts_import(path)
    assert H.snapshot() == before
    return caught.value.errors


def test_unknown_account_refuses_the_whole_file(tmp_path: Path) -> None:
    rows = [*ROWS, ["抖音", "开封发布", "2024-02-25 09:00", "x", "https://d/1", ""]]
    errors = _refused(write_csv(tmp_path / "导出.csv", H.EXPORT_HEADERS, rows, "gbk"))
    assert len(errors) == 1
    assert errors[0].startswith("「导出」第6行「账号名称」列：账号未登记：抖音“开封发布”")


def test_bad_time_refuses_the_whole_file(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[2][2] = "昨天下午"
    rows[3][2] = ""
    errors = _refused(H.write_xlsx(tmp_path / "e.xlsx", H.EXPORT_HEADERS, rows))  # type: ignore[arg-type]
    assert errors == [
        "「发文记录」第4行「发布时间」列：发布时间无法识别：“昨天下午”",
        "「发文记录」第5行「发布时间」列：发布时间无法识别：“”",
    ]


def test_wrong_headers_refuse_the_whole_file(tmp_path: Path) -> None:
    headers = ["平台", "名称", "日期时间", "标题"]
    errors = _refused(write_csv(tmp_path / "e.csv", headers, [r[:4] for r in ROWS], "utf-8"))
    assert [e.split("（")[0] for e in errors] == [
        "「e」第1行「账号」列：缺少必需的列",
        "「e」第1行「发布时间」列：缺少必需的列",
    ]


def test_a_bad_row_after_a_full_batch_still_rolls_back(tmp_path: Path) -> None:
    # More rows than one write batch: the first batch is written, then rolled back.
    rows = [
        ["微信公众号", "开封发布", f"2024-01-01 00:{i % 60:02d}", "t", f"https://a/{i}", ""]
        for i in range(5200)
    ]
    rows.append(["微信公众号", "开封发布", "2024-13-45", "t", "https://a/x", ""])
    errors = _refused(write_csv(tmp_path / "big.csv", H.EXPORT_HEADERS, rows, "utf-8"))
    assert errors == ["「big」第5202行「发布时间」列：发布时间无法识别：“2024-13-45”"]
    assert Post.objects.count() == 0
