"""The excerpt around a content hit: bounded, exact around the hit, masked for privacy,
kept through every stored form, and carried into TXT001's evidence without moving the
finding's fingerprint (decisions attach to it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.checks.text.txt001_serious_expression_error import Params, check
from govwatch.engine.crawl.textscan import hits_from_json, hits_to_json, page_text_hits
from govwatch.engine.findings import finding_fingerprint
from govwatch.engine.text.bulk import distinct_findings
from govwatch.engine.text.findings import (
    CONTEXT_CHARS,
    EXCERPT_CHARS,
    TextHit,
    excerpt_sides,
    split_context,
)

ERROR = "新疆自治区"
LEFT = "甲" * 200 + "前文第一句。\n\n  前文第二句，"
RIGHT = "，后文第一句。\r\n后文" + "乙" * 200
PAGE = LEFT + ERROR + RIGHT
URL = "https://www.example.gov.cn/1.html"


def _hit() -> TextHit:
    [hit] = [h for h in distinct_findings(PAGE, 20_000) if h.text == ERROR]
    return hit


def test_excerpt_is_bounded_and_flattened() -> None:
    hit = _hit()
    assert len(hit.before) <= EXCERPT_CHARS and len(hit.after) <= EXCERPT_CHARS
    # Whitespace runs (line breaks, indents) become one space; no other character changes.
    assert hit.before.endswith("前文第一句。 前文第二句，")
    assert hit.after.startswith("，后文第一句。 后文乙")
    assert "\n" not in hit.before + hit.after
    # The excerpt is wider than the fingerprint's context, which stays as it was.
    assert len(hit.before) > CONTEXT_CHARS
    assert len(hit.context) <= 2 * CONTEXT_CHARS + len(ERROR)


def test_excerpt_at_the_edges_of_the_text() -> None:
    text = ERROR + "在开头"
    before, after = excerpt_sides(text, 0, len(ERROR))
    assert (before, after) == ("", "在开头")
    before, after = excerpt_sides("结尾是" + ERROR, 3, 3 + len(ERROR))
    assert (before, after) == ("结尾是", "")


def test_privacy_excerpt_does_not_republish_the_number() -> None:
    text = "各位居民：如有疑问请联系李四，手机13812345678，工作日均可。" * 2
    hits = [h for h in distinct_findings(text, 20_000) if h.category == "privacy"]
    assert hits, "the privacy layer should flag the mobile number"
    for hit in hits:
        assert "13812345678" not in hit.before + hit.text + hit.after
        assert "*" in hit.text


def test_stored_form_keeps_the_excerpt_and_old_rows_still_read() -> None:
    hit = replace(_hit(), url=URL)
    again = TextHit.from_stored(hit.stored())
    assert (again.before, again.after) == (hit.before, hit.after)
    assert again.excerpt() == (hit.before, hit.after)
    # A hit stored before excerpts existed: the 20-character context is split at the hit.
    old = {k: v for k, v in hit.stored().items() if k not in ("before", "after")}
    sides = TextHit.from_stored(old).excerpt()
    assert sides is not None
    assert sides[0] + ERROR + sides[1] == hit.context
    assert (
        TextHit.from_stored({"code": "X", "text": "不在其中", "context": "别的文字"}).excerpt()
        is None
    )


def test_split_context_takes_the_occurrence_where_the_hit_was() -> None:
    # The matched text also appears at the start: the one at CONTEXT_CHARS is the hit.
    context = "错字" + "中" * (CONTEXT_CHARS - 2) + "错字" + "后"
    assert split_context(context, "错字") == ("错字" + "中" * (CONTEXT_CHARS - 2), "后")


def test_state_store_round_trip_and_six_field_rows() -> None:
    hits = page_text_hits(URL, PAGE)
    back = hits_from_json(URL, "", hits_to_json(hits))
    assert [(h.text, h.before, h.after) for h in back] == [
        (h.text, h.before, h.after) for h in hits
    ]
    # A crawl state written by an older version (six fields a hit) still resumes.
    old_rows = [row[:6] for row in hits_to_json(hits)]
    old = hits_from_json(URL, "", old_rows)
    assert [h.text for h in old] == [h.text for h in hits]
    assert all(h.before == "" and h.excerpt() is not None for h in old)


def _txt001(hit: TextHit) -> dict[str, object]:
    obs = SiteObservation(site_id="1101000001", home_url=URL, text_hits=(hit,))
    ctx = CheckContext(monitoring_point=datetime(2024, 6, 30, 10))
    [finding] = check(obs, ctx, Params(), "veto")
    return {"evidence": finding.evidence, "fingerprint": finding_fingerprint(finding)}


def test_txt001_evidence_carries_the_excerpt_and_keeps_its_fingerprint() -> None:
    hit = replace(_hit(), url=URL)
    new = _txt001(hit)
    evidence = new["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["excerpt"] == {"before": hit.before, "after": hit.after}
    assert evidence["text"] == ERROR
    # The same hit as an older scan stored it (no excerpt, no wide context): same identity,
    # so a supervisor's decision on the old finding carries over to the new one.
    bare = replace(hit, before="", after="", context="")
    old = _txt001(bare)
    assert "excerpt" not in old["evidence"]  # type: ignore[operator]
    assert old["fingerprint"] == new["fingerprint"]


def test_txt001_keeps_the_page_linking_an_attachment() -> None:
    hit = replace(_hit(), url=URL + ".pdf", page_url=URL)
    evidence = _txt001(hit)["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["page_url"] == URL
