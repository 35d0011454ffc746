"""Text of attachments (docx, xlsx, pdf, plain text) for the content checks."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import PurePath

# docx and xlsx are zip files: a small file may unpack into gigabytes of XML (zip bomb).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class ExtractError(ValueError):
    """An attachment whose text cannot be read."""


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ExtractError("无法识别文本编码（应为 UTF-8 或 GBK）") from exc


def _check_unpacked(data: bytes, limit: int) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limit:
        raise ExtractError(f"附件解压后过大（{unpacked} 字节，上限 {limit}）")


class _Budget:
    """Collects text parts until `max_chars` (None: no limit); `full` stops the readers."""

    def __init__(self, max_chars: int | None) -> None:
        self.parts: list[str] = []
        self.left = max_chars

    def add(self, part: str) -> None:
        self.parts.append(part)
        if self.left is not None:
            self.left -= len(part) + 1

    @property
    def full(self) -> bool:
        return self.left is not None and self.left <= 0

    def text(self) -> str:
        return "\n".join(self.parts)


def _docx_text(data: bytes, budget: _Budget) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        if budget.full:
            return budget.text()
        budget.add(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            if budget.full:
                return budget.text()
            budget.add("\t".join(cell.text for cell in row.cells))
    return budget.text()


def _xlsx_text(data: bytes, budget: _Budget) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                if budget.full:
                    return budget.text()
                cells = ["" if v is None else str(v) for v in row]
                if any(cells):
                    budget.add("\t".join(cells))
    finally:
        workbook.close()
    return budget.text()


def _pdf_text(data: bytes, budget: _Budget) -> str:
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # optional: pure-Python, installed separately
        raise ExtractError("未安装 pypdf，无法提取 PDF 文本") from exc
    # pypdf logs a warning for every repairable flaw (a wrong xref offset, a stray object):
    # a scan of thousands of attachments would flood stderr. Damage that stops the reading
    # still raises, and is recorded as the attachment's reason.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        if budget.full:
            break
        budget.add(page.extract_text() or "")
    return budget.text()


def extract_text(
    data: bytes,
    filename: str,
    *,
    max_chars: int | None = None,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
) -> str:
    """Plain text of an attachment, chosen by file extension. With `max_chars`, reading
    stops once about that much text is in hand (pages, paragraphs or rows: the text may be
    a little longer). Any damage is an ExtractError, never another exception."""
    suffix = PurePath(filename).suffix.lower()
    budget = _Budget(max_chars)
    try:
        if suffix == ".docx":
            _check_unpacked(data, max_unpacked_bytes)
            return _docx_text(data, budget)
        if suffix in {".xlsx", ".xlsm"}:
            _check_unpacked(data, max_unpacked_bytes)
            return _xlsx_text(data, budget)
        if suffix == ".pdf":
            return _pdf_text(data, budget)
    except ExtractError:
        raise
    except Exception as exc:  # the parsers raise many types on a damaged file
        raise ExtractError(f"无法读取附件 {filename}：{exc}") from exc
    if suffix in {".txt", ".csv", ".htm", ".html", ".md", ""}:
        return decode_text(data)
    raise ExtractError(f"不支持的附件类型：{suffix}")
