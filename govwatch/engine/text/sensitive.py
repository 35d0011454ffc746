"""User-managed sensitive-word lexicons (敏感词库): import from txt/csv/xlsx.

Line format for text files: ``词[,类别[,严重程度]]`` (tab or comma separated; # starts a
comment). Spreadsheets use the same three columns, with or without a header row.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from govwatch.engine.text.findings import SEVERITIES, WARNING

LEXICONS = Path(__file__).with_name("lexicons")
DEFAULT_CATEGORY = "未分类"
_HEADER_WORDS = frozenset({"词", "词语", "敏感词", "word", "关键词"})
_SEVERITY_ALIASES: dict[str, str] = {
    "严重": "serious",
    "高": "serious",
    "警告": "warning",
    "中": "warning",
    "提示": "info",
    "低": "info",
}


class LexiconError(ValueError):
    """A lexicon file that cannot be read."""


@dataclass(frozen=True, slots=True)
class SensitiveWord:
    word: str
    category: str
    severity: str
    source: str


def _severity(raw: str, where: str) -> str:
    value = _SEVERITY_ALIASES.get(raw.strip(), raw.strip()) or WARNING
    if value not in SEVERITIES:
        raise LexiconError(f"{where}：无效的严重程度 {raw!r}")
    return value


def _from_cells(cells: Sequence[str], source: str, where: str) -> SensitiveWord | None:
    word = cells[0].strip() if cells else ""
    if not word or word.startswith("#") or word.lower() in _HEADER_WORDS:
        return None
    category = cells[1].strip() if len(cells) > 1 and cells[1].strip() else DEFAULT_CATEGORY
    severity = _severity(cells[2], where) if len(cells) > 2 else WARNING
    return SensitiveWord(word, category, severity, source)


def parse_lexicon_text(text: str, source: str) -> list[SensitiveWord]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = line.split("\t") if "\t" in line else line.split(",")
        entry = _from_cells(cells, source, f"{source} 第{number}行")
        if entry is not None:
            out.append(entry)
    return out


def parse_lexicon_xlsx(data: bytes, source: str) -> list[SensitiveWord]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise LexiconError(f"{source}：无法读取 Excel 文件（{exc}）") from exc
    sheet = workbook.worksheets[0]
    out = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else str(v) for v in row]
        entry = _from_cells(cells, source, f"{source} 第{number}行")
        if entry is not None:
            out.append(entry)
    workbook.close()
    return out


def load_lexicon(path: Path) -> list[SensitiveWord]:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return parse_lexicon_xlsx(path.read_bytes(), path.name)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return parse_lexicon_text(text, path.name)


def sample_lexicon() -> list[SensitiveWord]:
    return load_lexicon(LEXICONS / "sensitive_sample.txt")


def dedupe(words: Iterable[SensitiveWord]) -> list[SensitiveWord]:
    """Later entries win, so a user's lexicon can re-grade a sample word."""
    by_word: dict[str, SensitiveWord] = {}
    for entry in words:
        by_word[entry.word] = entry
    return list(by_word.values())
