"""In a real browser: a paraphrase is never shown as a quotation or as the publisher's text,
each gazetteer fact shows the pages it cites, and a mirror is flagged."""

from __future__ import annotations

import json

from tests.test_browser_flows import chromium, live, pytestmark, tab  # noqa: F401  (fixtures)
from tollwatch.importers.reference import data_path

PARAPHRASE_SOURCE = "/sources/article-dailynk-kaechon-works-inmates-death"


def _paraphrases() -> list[str]:
    return [p for a in json.loads(data_path("articles.json").read_bytes()) for p in a.get("claims_paraphrased") or []]


def test_paraphrase_source_page_says_it_is_our_summary(tab):
    tab.goto(PARAPHRASE_SOURCE)
    note = tab.locator("p.text-kind-note.paraphrase")
    assert "Summary written by tollwatch, not the publisher's words" in note.inner_text()
    assert tab.locator("dd[data-text-kind=paraphrase]").inner_text().startswith("Summary written by tollwatch")
    assert tab.locator("article.source-text.text-paraphrase").count() == 1
    assert tab.locator("blockquote").count() == 0  # nothing on the page reads as the publisher's words
    boxes = tab.locator(".evidence-box.paraphrase")
    assert boxes.count() >= 1
    assert "Paraphrase written by tollwatch" in boxes.first.text_content()


def test_entity_page_keeps_paraphrases_out_of_the_quote_box(tab):
    tab.goto("/entities/KP-KHS-001")
    paraphrase_boxes = tab.locator(".evidence-box.paraphrase")
    assert paraphrase_boxes.count() >= 1
    assert "not the publisher's words" in paraphrase_boxes.first.text_content()
    quotes = tab.locator("blockquote").all_inner_texts()
    for text in _paraphrases():
        assert not any(q.strip() and q.strip() in text for q in quotes), text
    assert all(k == "verbatim" for k in tab.locator("blockquote").evaluate_all("els => els.map(e => e.dataset.evidenceKind)"))
    # the status cites the row's status source (Daily NK), not the first URL of the row
    status = tab.locator(".evidence-box.compiled", has_text="active (production reported 2021-2023)").locator("xpath=..")
    cites = status.locator(".citations a").evaluate_all("els => els.map(e => e.href)")
    assert cites == ["https://www.dailynk.com/english/kaechon-prison-camp-works-inmates-death/"]


def test_mirror_citation_is_flagged_and_missing_source_said(tab):
    tab.goto("/entities/KP-KHS-004")
    row = tab.locator(".citations", has_text="dokumen.tips")
    assert row.count() >= 1
    assert row.first.locator(".badge.mirror").inner_text() == "mirror"
    tab.goto("/entities/KP-KHS-009")
    assert tab.locator(".citations", has_text="source not given").count() >= 1
