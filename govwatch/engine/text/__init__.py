"""Content checks for published text: wrong expressions, near misses of canonical terms,
leader titles, typos, sensitive words and privacy leaks. Pure functions: text in, findings out.
"""

from govwatch.engine.text.checker import TextCheckConfig, TextChecker, check_text
from govwatch.engine.text.extract import ExtractError, decode_text, extract_text
from govwatch.engine.text.findings import Finding
from govwatch.engine.text.typos import TypoConfig

__all__ = [
    "ExtractError",
    "Finding",
    "TextCheckConfig",
    "TextChecker",
    "TypoConfig",
    "check_text",
    "decode_text",
    "extract_text",
]
