"""The engine's text check, as `govwatch check-text` runs it, with a unit's allow-list.

One TextChecker per allow-list, kept per process: the typo model underneath is shared by
all of them and loaded once from the disk cache (settings.GOVWATCH_TEXT_CACHE_DIR); the
dictionary automaton is rebuilt only when an allow-list changes (a fraction of a second).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from django.conf import settings

from govwatch.engine.text.checker import TextCheckConfig, TextChecker
from govwatch.engine.text.findings import TextHit
from govwatch.engine.text.typos import TypoConfig

_KEPT = 16  # allow-lists whose checker stays in memory
_checkers: OrderedDict[tuple[str, ...], TextChecker] = OrderedDict()
_lock = threading.Lock()


def check_config(allow: tuple[str, ...]) -> TextCheckConfig:
    """The CLI's default configuration (check_text.py), with `allow` as its whitelist
    (the same findings; only the bulk search strategy differs)."""
    # Never the bulk automaton: a draft is at most 100,000 characters, and a server should
    # not pause for seconds and grow by half a gigabyte after its thousandth page.
    typo = TypoConfig(cache_dir=Path(settings.GOVWATCH_TEXT_CACHE_DIR), automaton_after=None)
    return TextCheckConfig(typo=typo, whitelist=allow)


def checker_for(allow: tuple[str, ...]) -> TextChecker:
    key = tuple(sorted(set(allow)))
    with _lock:
        checker = _checkers.get(key)
        if checker is None:
            checker = _checkers[key] = TextChecker(check_config(key))
            while len(_checkers) > _KEPT:
                _checkers.popitem(last=False)
        else:
            _checkers.move_to_end(key)
        return checker


def warm_up(allow: tuple[str, ...]) -> None:
    """Load the checker for ALLOW in the background (the page with the form calls this):
    the first check then answers at once instead of after the model's load."""
    key = tuple(sorted(set(allow)))
    if key not in _checkers:
        threading.Thread(target=checker_for, args=(key,), daemon=True).start()


def text_check(text: str, allow: tuple[str, ...] = ()) -> list[TextHit]:
    return checker_for(allow).check(text)
