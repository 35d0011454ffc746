"""Content checks on crawled text (issue 3: the scan runs the checks on page text, and on
the text of the site's own attachments).

The checks themselves are ``engine.text.bulk`` (one checker per process, typo layer off);
this module decides what text of a crawl is checked and shapes the hits.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from govwatch.engine.crawl.frontier import extension
from govwatch.engine.text.findings import TextHit

# Page text beyond this is not checked: list pages and archives repeat themselves.
MAX_CHARS = 20_000
# Attachments are documents: more of them is read (the checker runs ~10 MB of text/s).
ATTACHMENT_MAX_CHARS = 200_000
# docx/xlsx are zip files; a scan refuses one that unpacks past this (zip bombs).
ATTACHMENT_MAX_UNPACKED = 64 * 1024 * 1024

# Attachment types whose text the scan reads: by Content-Type first, else by extension.
_TEXT_EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "xlsm": ".xlsm"}
_TEXT_TYPES = {
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
}


def page_text_hits(
    url: str, text: str, *, max_chars: int = MAX_CHARS, page_url: str = ""
) -> list[TextHit]:
    # Imported here: a scan without check_text never loads the text checks' modules.
    from govwatch.engine.text.bulk import distinct_findings

    return [replace(f, url=url, page_url=page_url) for f in distinct_findings(text, max_chars)]


def text_attachment_suffix(url: str, content_type: str) -> str | None:
    """ ".pdf", ".docx", ".xlsx" or ".xlsm" when the scan reads this answer's text, else None.
    The Content-Type decides when it names one of these types (a download script such as
    /down.jsp?id=3); an HTML answer at a .pdf URL (a soft error page) is not an attachment."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    known = _TEXT_TYPES.get(ctype)
    if known is not None:
        return known
    if ctype in {"text/html", "application/xhtml+xml"}:
        return None
    return _TEXT_EXTENSIONS.get(extension(url))


def attachment_name(url: str, suffix: str) -> str:
    """The file name shown in reasons, ending in the suffix that picks the reader."""
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "attachment"
    return name if name.lower().endswith(suffix) else name + suffix


def read_attachment(body: bytes, filename: str) -> tuple[str, str]:
    """(text, "") or ("", reason): never raises, whatever the file holds. The reader is
    chosen by the suffix of `filename` (see attachment_name)."""
    from govwatch.engine.text.extract import ExtractError, extract_text

    try:
        text = extract_text(
            body,
            filename,
            max_chars=ATTACHMENT_MAX_CHARS,
            max_unpacked_bytes=ATTACHMENT_MAX_UNPACKED,
        )
    except ExtractError as exc:
        return "", str(exc)[:200]
    except Exception as exc:  # extract_text wraps parser errors; this is belt and braces
        return "", f"{type(exc).__name__}: {exc}"[:200]
    return text, ""


def hits_to_json(hits: list[TextHit]) -> list[list[str]]:
    """Compact form for the state store (url and page_url are known when read back)."""
    return [
        [h.code, h.category, h.severity, h.text, h.suggestion, h.context, h.before, h.after]
        for h in hits
    ]


def hits_from_json(url: str, page_url: str, rows: Any) -> list[TextHit]:
    # A state written before excerpts were kept has six fields a hit: read it as it is.
    return [
        TextHit(
            url=url,
            code=code,
            category=category,
            severity=severity,
            text=text,
            suggestion=suggestion,
            context=context,
            page_url=page_url,
            before=rest[0] if rest else "",
            after=rest[1] if len(rest) > 1 else "",
        )
        for code, category, severity, text, suggestion, context, *rest in rows
    ]
