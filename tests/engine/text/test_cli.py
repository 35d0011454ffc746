from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from govwatch.cli import COMMANDS, check_text, main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The command as `govwatch` runs it: exit code, stdout, stderr."""
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_registered_verb() -> None:
    assert COMMANDS["check-text"] == "govwatch.cli.check_text"


def test_json_output_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes("推介会在新疆自治区举行。".encode("gbk"))
    code, out, _ = run(["check-text", str(path), "--json", "--no-typos"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["count"] == 1
    assert data["findings"][0]["suggestion"] == "新疆维吾尔自治区"
    code, _, _ = run(["check-text", str(path), "--fail-on", "serious", "--no-typos"], capsys)
    assert code == 1
    clean = tmp_path / "clean.txt"
    clean.write_text("推介会在新疆维吾尔自治区举行。", encoding="utf-8")
    code, out, _ = run(["check-text", str(clean), "--fail-on", "warning"], capsys)
    assert (code, out.strip()) == (0, "未发现问题。")


def test_stdin_and_dismissed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = "要做好拖底工作。".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    code, out, _ = run(["check-text", "-", "--json", "--no-typos"], capsys)
    finding = json.loads(out)["findings"][0]
    dismissed = tmp_path / "dismissed.txt"
    dismissed.write_text(finding["fingerprint"] + "\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    code, out, _ = run(
        ["check-text", "-", "--json", "--no-typos", "--dismissed", str(dismissed)], capsys
    )
    assert (code, json.loads(out)["count"]) == (0, 0)


def test_human_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.txt"
    path.write_text("身份证号11010519491231002X", encoding="utf-8")
    code, out, _ = run(["check-text", str(path)], capsys)
    assert code == 0
    assert "11*************02X" in out
    assert "11010519491231002X" not in out


def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check-text", str(tmp_path / "missing.txt")], capsys)
    assert code == 2 and "找不到文件" in err
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nrules:\n  - {wrong: 甲, correct: 乙, category: nope}\n", "utf-8")
    page = tmp_path / "p.txt"
    page.write_text("甲", encoding="utf-8")
    code, _, err = run(["check-text", str(page), "--rules", str(bad)], capsys)
    assert code == 2 and "类别" in err


def test_user_terms_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    terms = tmp_path / "places.txt"
    terms.write_text("察尔汗行政委员会\n", encoding="utf-8")
    page = tmp_path / "p.txt"
    page.write_text("察尔汗行政委原会召开会议。", encoding="utf-8")
    argv = ["check-text", str(page), "--json", "--no-typos", "--terms", f"place_name={terms}"]
    code, out, _ = run(argv, capsys)
    found = json.loads(out)["findings"]
    assert [(f["text"], f["suggestion"]) for f in found] == [
        ("察尔汗行政委原会", "察尔汗行政委员会")
    ]
    code, _, err = run(["check-text", str(page), "--terms", "nope=x"], capsys)
    assert code == 2 and "类别" in err


def test_typo_threshold_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_text._typo_config(None).threshold == -2.0
    assert check_text._typo_config(-1.0).threshold == -1.0
    path = tmp_path / "page.txt"
    path.write_text("召开会议。", encoding="utf-8")
    code, out, err = run(["check-text", str(path), "--typo-threshold", "99"], capsys)
    assert code == 2 and "--typo-threshold" in err and out == ""
