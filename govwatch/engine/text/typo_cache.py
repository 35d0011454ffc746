"""The typo model, built once and kept on disk: a check starts in a second, not fifteen.

Building the typo layer (word list, bigram model, 2.5 million candidate misspellings) takes
10-30 s and ~0.8 GB; loading what it built takes a fraction of a second. The file is keyed
by a hash of everything the build reads: the lexicon files, the confusion-set files, the
code that builds (this module, typos.py, typo_patterns.py, confusion.py), the config fields
that shape the build (typos.BUILD_FIELDS) and the Python version (marshal's format). A
changed lexicon therefore gets a new file and the old one is never read again.

Writing goes to a temporary file in the same folder, then os.replace: two processes that
build at once each publish a whole file and the last one wins; a reader never sees half a
file. A file that fails any check (magic, key, checksum, shapes) is rebuilt, never trusted
and never a crash; a folder that cannot be written only costs the next start a rebuild.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import secrets
import sys
import threading
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govwatch.engine.text import confusion, typo_patterns, typos
from govwatch.engine.text.confusion import default_confusion
from govwatch.engine.text.typo_patterns import PatternIndex
from govwatch.engine.text.typos import (
    BUILD_FIELDS,
    LEXICONS,
    Candidates,
    TypoConfig,
    TypoDetector,
    TypoModel,
    build_candidates,
    load_corpus_bigrams,
    load_proper_names,
    load_word_freq,
)

log = logging.getLogger(__name__)

MAGIC = b"GWTYPO\x01\n"
_DIGEST = 32  # bytes of the key (blake2b)
_CHECKSUM = 4  # bytes of the payload's checksum (crc32)
# Files the confusion sets are read from (confusion.py always reads the shipped ones).
_CONFUSION_FILES = ("same_pinyin.txt", "same_stroke.txt", "pinyin.txt")
_CODE_FILES = tuple(Path(m.__file__ or "") for m in (typos, typo_patterns, confusion))


class CacheError(ValueError):
    """A cache file that cannot be used (it is rebuilt)."""


@dataclass(frozen=True, slots=True)
class TypoSources:
    """The lexicon files a detector is built from (each is hashed into the cache key)."""

    words: Path = LEXICONS / "words.txt"
    gov_words: Path = LEXICONS / "gov_words.txt"
    bigrams: Path = LEXICONS / "char_bigrams.txt"
    names: Path = LEXICONS / "proper_names.txt"


def cache_key(config: TypoConfig, sources: TypoSources = TypoSources()) -> str:
    """Hex digest of everything the build depends on."""
    h = hashlib.blake2b(digest_size=_DIGEST)
    h.update(MAGIC)
    h.update(f"{sys.version_info[:2]} marshal {marshal.version}".encode())
    for name in BUILD_FIELDS:
        h.update(f"{name}={getattr(config, name)!r};".encode())
    files = [sources.words, sources.gov_words, sources.names]
    if config.corpus:
        files.append(sources.bigrams)
    files += [LEXICONS / name for name in _CONFUSION_FILES]
    files += [Path(__file__), *_CODE_FILES]
    for path in files:
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"(missing)")
        h.update(b"\0")
    return h.hexdigest()


def cache_path(config: TypoConfig, sources: TypoSources = TypoSources()) -> Path:
    return _path_for(config, cache_key(config, sources))


def _path_for(config: TypoConfig, key: str) -> Path:
    # The key reads every lexicon file (megabytes): a caller holding it passes it on.
    if config.cache_dir is None:
        raise ValueError("TypoConfig.cache_dir is not set")
    return config.cache_dir / f"typos-{key[:32]}.bin"


def build_model(config: TypoConfig, sources: TypoSources = TypoSources()) -> TypoModel:
    corpus = load_corpus_bigrams(sources.bigrams) if config.corpus else None
    words = load_word_freq(sources.words, sources.gov_words)
    return TypoModel.from_words(words, corpus, load_proper_names(sources.names))


# --- The file ---------------------------------------------------------------------------


# Large string tables are saved as one joined string (and counts as one array): marshal's
# own dicts of short strings load three to four times slower.
_SEP = "\0"


def _join(strings: list[str] | frozenset[str]) -> str:
    if any(_SEP in s for s in strings):
        raise ValueError("a string holds the separator")
    return _SEP.join(strings)


def _split(joined: Any) -> list[str]:
    return _typed(joined, str).split(_SEP) if joined else []


def _counts_out(counts: dict[str, int]) -> tuple[str, bytes]:
    return _join(list(counts)), array("q", counts.values()).tobytes()


def _counts_in(keys: Any, values: Any) -> dict[str, int]:
    numbers = array("q")
    numbers.frombytes(_typed(values, bytes))
    return dict(zip(_split(keys), numbers, strict=True))


def _payload(model: TypoModel, found: Candidates) -> bytes:
    return marshal.dumps(
        {
            "words": _counts_out(model.words),
            "bigrams": _counts_out(model.bigrams),
            "left": dict(model.left),
            "right": dict(model.right),
            "total": model.total,
            "names": _join(model.names),
            "word_list": _join(found.word_list),
            "word_count": len(found.word_list),
            "first": found.first.tobytes(),
            "targets": found.targets.tobytes(),
            "char_weight": found.char_weight,
            "shards": found.patterns.shards,
            "blob": found.patterns.blob,
        }
    )


def write_cache(path: Path, key: str, model: TypoModel, found: Candidates) -> None:
    """Publish the file whole (temporary file, then os.replace)."""
    payload = _payload(model, found)
    checksum = _checksum(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("wb") as out:
            out.write(MAGIC + bytes.fromhex(key) + checksum)
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _checksum(payload: bytes | memoryview) -> bytes:
    # Against damage, not against an attacker (who could write the folder anyway): crc32
    # reads 60 MB in a few hundredths of a second, a cryptographic hash takes ten times that.
    return zlib.crc32(payload).to_bytes(4, "big")


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise CacheError(f"{type(value).__name__} where {kind.__name__} was expected")
    return value


def read_cache(path: Path, key: str) -> tuple[TypoModel, Candidates]:
    """The model and candidates of a cache file; CacheError when it is not usable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CacheError(str(exc)) from exc
    head = len(MAGIC) + _DIGEST + _CHECKSUM
    if len(data) < head or not data.startswith(MAGIC):
        raise CacheError("not a typo cache file")
    if data[len(MAGIC) : len(MAGIC) + _DIGEST] != bytes.fromhex(key):
        raise CacheError("built from other sources")
    payload = memoryview(data)[head:]
    if _checksum(payload) != data[head - _CHECKSUM : head]:
        raise CacheError("checksum mismatch")
    try:
        parts = _typed(marshal.loads(payload), dict)
    except (ValueError, EOFError, TypeError) as exc:
        raise CacheError(f"unreadable: {exc}") from exc
    try:
        first = array("I")
        first.frombytes(_typed(parts["first"], bytes))
        targets = array("I")
        targets.frombytes(_typed(parts["targets"], bytes))
        patterns = PatternIndex(_typed(parts["shards"], dict), _typed(parts["blob"], bytes))
        word_list = _split(parts["word_list"])
        if len(first) != patterns.count + 1 or (first and first[-1] != len(targets)):
            raise CacheError("pattern and target tables disagree")
        if len(word_list) != parts["word_count"]:
            raise CacheError("word list of the wrong length")
        model = TypoModel(
            words=_counts_in(*parts["words"]),
            bigrams=Counter(_counts_in(*parts["bigrams"])),
            left=Counter(_typed(parts["left"], dict)),
            right=Counter(_typed(parts["right"], dict)),
            total=_typed(parts["total"], int),
            names=frozenset(_split(parts["names"])),
        )
        found = Candidates(word_list, first, targets, patterns, _typed(parts["char_weight"], dict))
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise CacheError(f"malformed: {exc}") from exc
    return model, found


# --- Loading ------------------------------------------------------------------------------


def load_or_build(
    config: TypoConfig, sources: TypoSources = TypoSources()
) -> tuple[TypoDetector, str]:
    """The detector from the cache file, or built (and saved); the second value says
    which: "loaded", "built" (no file yet) or "rebuilt" (the file was unusable)."""
    key = cache_key(config, sources)
    path = _path_for(config, key)
    status = "built"
    if path.exists():
        try:
            model, found = read_cache(path, key)
            return TypoDetector(model, default_confusion(), config, found), "loaded"
        except CacheError as exc:
            log.warning("错别字模型缓存 %s 不可用（%s），重新构建", path, exc)
            status = "rebuilt"
    model = build_model(config, sources)
    found = build_candidates(model.words, default_confusion(), config)
    try:
        write_cache(path, key, model, found)
    except OSError as exc:
        log.warning("错别字模型缓存无法写入 %s：%s", path, exc)
    return TypoDetector(model, default_confusion(), config, found), status


def cache_ready(config: TypoConfig, sources: TypoSources = TypoSources()) -> bool:
    """Whether a cache file for this config and these sources exists (not checked)."""
    return config.cache_dir is not None and cache_path(config, sources).is_file()


_memo: dict[TypoConfig, TypoDetector] = {}
_memo_lock = threading.Lock()


def cached_detector(config: TypoConfig) -> TypoDetector:
    """The detector for `config` over the shipped lexicons, loaded once per process."""
    with _memo_lock:
        detector = _memo.get(config)
        if detector is None:
            detector = _memo[config] = load_or_build(config)[0]
        return detector
