"""Text of attachments (docx, xlsx, pdf, plain text) for the content checks."""

from __future__ import annotations

import io
from pathlib import PurePath


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


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in row]
            if any(cells):
                lines.append("\t".join(cells))
    workbook.close()
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # optional: pure-Python, installed separately
        raise ExtractError("未安装 pypdf，无法提取 PDF 文本") from exc
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def extract_text(data: bytes, filename: str) -> str:
    """Plain text of an attachment, chosen by file extension."""
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix == ".docx":
            return _docx_text(data)
        if suffix in {".xlsx", ".xlsm"}:
            return _xlsx_text(data)
        if suffix == ".pdf":
            return _pdf_text(data)
    except ExtractError:
        raise
    except Exception as exc:  # the parsers raise many types on a damaged file
        raise ExtractError(f"无法读取附件 {filename}：{exc}") from exc
    if suffix in {".txt", ".csv", ".htm", ".html", ".md", ""}:
        return decode_text(data)
    raise ExtractError(f"不支持的附件类型：{suffix}")
