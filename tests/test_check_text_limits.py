"""check-text holds the whole text: above its limits an input is refused with exit 2 and
one Chinese line, without being read; just below, it is checked in bounded memory.

Each command runs in a child of a wrapper process, whose ``RUSAGE_CHILDREN`` is that
command's peak RSS alone.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from govwatch.cli import check_text, main

REPO = Path(__file__).resolve().parents[1]
PEAK_LIMIT_MB = 500

_WRAPPER = """
import json, resource, subprocess, sys, time
stdin = open(sys.argv[1], "rb") if sys.argv[1] else subprocess.DEVNULL
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], capture_output=True, stdin=stdin)
print(json.dumps({
    "code": done.returncode,
    "stdout_bytes": len(done.stdout),
    "stderr": done.stderr.decode("utf-8", "replace"),
    "seconds": time.perf_counter() - start,
    "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def check_text_measured(tmp_path: Path, *args: str, stdin: Path | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVWATCH_", "DATABASE_URL"))}
    env.update(GOVWATCH_DATA_DIR=str(tmp_path / "var"), PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "govwatch", "check-text", *args]
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(stdin or ""), *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no time to write (a hole after one sentence)."""
    with path.open("wb") as handle:
        handle.write("推介会在新疆自治区举行。\n".encode())
        handle.truncate(size)
    return path


def test_a_200mb_file_is_refused_unread(tmp_path: Path) -> None:
    big = sparse_file(tmp_path / "big.txt", 200 * 1024 * 1024)
    result = check_text_measured(tmp_path, str(big), "--no-typos")
    assert result["code"] == 2, result
    stderr = str(result["stderr"]).strip()
    assert "big.txt（200MB）过大：超过 20MB（上限）" in stderr
    assert len(stderr.splitlines()) == 1 and "Traceback" not in stderr
    assert float(result["peak_mb"]) < 100, result  # nothing of it was read
    assert float(result["seconds"]) < 20, result


def test_200mb_on_standard_input_stops_at_the_limit(tmp_path: Path) -> None:
    big = sparse_file(tmp_path / "big.txt", 200 * 1024 * 1024)
    result = check_text_measured(tmp_path, "-", "--no-typos", stdin=big)
    assert result["code"] == 2, result
    assert "标准输入过大：超过 20MB（上限）" in str(result["stderr"])
    assert float(result["peak_mb"]) < 150, result  # 20 MB read, then refused
    assert float(result["seconds"]) < 20, result


def test_a_file_just_below_the_limit_is_checked_in_bounded_memory(tmp_path: Path) -> None:
    lexicon = REPO / "govwatch" / "engine" / "text" / "lexicons" / "words.txt"
    words = [
        line.split("\t")[0]
        for line in lexicon.read_text(encoding="utf-8").splitlines()[:20_000]
        if not line.startswith("#")
    ]
    rng = random.Random(0)
    sentences = []
    size = 0
    while size < check_text.MAX_INPUT_BYTES - 1_000_000:
        sentence = "".join(rng.choices(words, k=15)) + ("。\n" if rng.random() < 0.1 else "。")
        sentences.append(sentence)
        size += len(sentence.encode())
    path = tmp_path / "long.txt"
    path.write_text("".join(sentences), encoding="utf-8")
    result = check_text_measured(tmp_path, str(path), "--no-typos", "--json")
    assert result["code"] == 0, result
    assert float(result["peak_mb"]) < PEAK_LIMIT_MB, result


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_extracted_text_above_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_text, "MAX_TEXT_CHARS", 10)
    path = tmp_path / "page.txt"
    path.write_text("推介会在新疆自治区举行，会议持续三天。", encoding="utf-8")
    code, _, err = run(["check-text", str(path), "--no-typos"], capsys)
    assert code == 2 and "文本过长：超过 10 字（上限）" in err


def test_list_files_are_bounded_and_must_be_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.txt"
    page.write_text("推介会在新疆自治区举行。", encoding="utf-8")
    gbk = tmp_path / "white.txt"
    gbk.write_bytes("新疆自治区\n".encode("gbk"))
    code, _, err = run(["check-text", str(page), "--no-typos", "--whitelist", str(gbk)], capsys)
    assert code == 2 and "应为 UTF-8 编码" in err
    # A list larger than the limit is refused like the input (the page is 36 bytes).
    monkeypatch.setattr(check_text, "MAX_INPUT_BYTES", 50)
    gbk.write_text("新疆自治区\n" * 10, encoding="utf-8")
    code, _, err = run(["check-text", str(page), "--no-typos", "--whitelist", str(gbk)], capsys)
    assert code == 2 and "white.txt（1MB）过大" in err
