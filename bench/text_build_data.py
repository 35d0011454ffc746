"""Rebuild the typo-layer data files in govwatch/engine/text/lexicons/ from the pycorrector wheel.

Why a script: the files are derived (filtered) from pycorrector 1.1.4's Apache-2.0 data, and a
reviewer must be able to regenerate them. It downloads the wheel with `pip download --no-deps`
(never imports the package) and writes:
  words.txt         word<TAB>freq, 1-4 CJK chars (single characters: as standalone words), GB2312 only (simplified), freq >= 5
  same_pinyin.txt   copied unchanged (homophone confusion sets)
  same_stroke.txt   copied unchanged (similar-shape confusion sets)

Usage: .venv/bin/python bench/text_build_data.py [WHEEL]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LEXICONS = Path(__file__).resolve().parents[1] / "govwatch" / "engine" / "text" / "lexicons"
MIN_FREQ = 5


def find_wheel(argv: list[str]) -> Path:
    if len(argv) > 1:
        return Path(argv[1])
    tmp = Path(tempfile.mkdtemp(prefix="pycorrector-"))
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), "pycorrector"],
        check=True,
    )
    return next(tmp.glob("pycorrector-*.whl"))


def is_simplified_word(word: str) -> bool:
    if not 1 <= len(word) <= 4 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    try:
        word.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def main(argv: list[str]) -> int:
    wheel = find_wheel(argv)
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read("pycorrector/data/word_freq.txt").decode("utf-8")
        for name in ("same_pinyin.txt", "same_stroke.txt"):
            (LEXICONS / name).write_bytes(zf.read(f"pycorrector/data/{name}"))
    best: dict[str, int] = {}
    for line in raw.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        word, freq = parts[0], int(parts[1])
        if freq >= MIN_FREQ and is_simplified_word(word):
            best[word] = max(freq, best.get(word, 0))
    lines = [f"{w}\t{f}" for w, f in sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))]
    header = "# 来源: pycorrector 1.1.4 word_freq.txt (Apache-2.0), 见 README.md\n"
    (LEXICONS / "words.txt").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"words.txt: {len(lines)} words from {wheel.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
