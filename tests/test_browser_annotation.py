"""In real Chromium: an analyst selects a passage of a source (a DOM Range on the text node),
presses "Make a claim from selection" with the keyboard, finds the form filled in, saves, and
finds the claim in the review queue with the exact span. The open form passes axe and fits a
390 px phone; screenshots at 1366 and 390 px go to $TOLLWATCH_SCREENSHOTS."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.server_support import LiveServer, add_users
from tests.test_browser_flows import chromium, pytestmark, sign_in  # noqa: F401  (fixtures)

# Written for this test. The astral character (a CJK Extension B ideograph, two UTF-16 units)
# before the passage checks that offsets are counted in code points, as the server counts them.
TEXT = ("Written for the browser test \U0002070e.\n\nPrisoners at Kyo-hwa-so No. 1 make wigs for export, "
        "a witness said; the 개천 제1호교화소 work team sorts human hair.\n")
PASSAGE = "Prisoners at Kyo-hwa-so No. 1 make wigs for export"
LONG = "".join(f"Line {i}: filler written for the browser test.\n" for i in range(300)) + TEXT


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser_annotation")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOLLWATCH_CACHE", str(tmp / "cache"))
        from tollwatch.app import sources
        from tollwatch.app.evidence import open_store
        from tollwatch.server.app import create_app

        store = open_store(f"sqlite:///{tmp / 'tw.db'}")
        add_users(store)
        source_id = sources.add_source(store, sources.make_source(TEXT, title="Annotation test note"), "tester").id
        long_id = sources.add_source(store, sources.make_source(LONG, title="A long note"), "tester").id
        app = create_app(store=store, secret_key="browser-annotation-secret")
        with LiveServer(app) as server:
            server.source_id, server.long_id = source_id, long_id  # type: ignore[attr-defined]
            yield server
        store.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = Path(os.environ.get("TOLLWATCH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


SELECT = """(passage) => {
  const article = document.querySelector('article.source-text');
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(passage);
    if (at >= 0) {
      const r = document.createRange();
      r.setStart(node, Math.max(0, at - 2)); r.setEnd(node, at + passage.length);  // the line breaks before it, which the form trims
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
      return true;
    }
  }
  return false;
}"""


def _page(chromium, live, width: int, state=None):  # noqa: F811
    ctx = chromium.new_context(base_url=live.url, viewport={"width": width, "height": 900}, storage_state=state)
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(live.url) else r.abort())
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return ctx, page, errors


def _open_form(page, live) -> None:
    page.goto(f"/sources/{live.source_id}")
    assert page.evaluate(SELECT, PASSAGE)
    button = page.get_by_role("button", name="Make a claim from selection")
    button.focus()
    page.keyboard.press("Enter")  # the keyboard way: the selection stays while the button has focus
    expect(page.locator("#annotate-status")).to_contain_text("selected")


def _axe_and_width(page, name: str, width: int, folder: Path) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    problems = [f"{name}@{width}: axe {v['impact']} {v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
                for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if width == 390 and scroll > 390:
        problems.append(f"{name}@390: scrollWidth {scroll}")
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    return problems


def test_select_a_passage_and_make_a_claim(chromium, live, folder):  # noqa: F811
    ctx, page, errors = _page(chromium, live, 1366)
    sign_in(page, "junior")
    _open_form(page, live)
    start = TEXT.index(PASSAGE)
    assert page.input_value("#ann-start") == str(start)  # code points: the astral character counts once
    assert page.input_value("#ann-end") == str(start + len(PASSAGE))
    assert page.input_value("#ann-quote") == PASSAGE
    # Filled in from the passage: the camp produces wigs.
    assert page.input_value("#ann-subject") == "KP-KHS-001"
    assert page.input_value("#ann-predicate") == "produces"
    assert page.input_value("#ann-object") == "product-wigs"
    named = page.locator("#ann-subject optgroup[label='Named in the passage'] option").evaluate_all("os => os.map(o => o.value)")
    assert "product-wigs" in named and "KP-KHS-001" in named
    # The predicate list follows the subject's kind; the object list the predicate's kinds.
    page.select_option("#ann-subject", "product-wigs")
    assert page.locator("#ann-predicate option:not([value=''])").count() == 0  # nothing is said of a product
    page.select_option("#ann-subject", "KP-KHS-001")
    page.select_option("#ann-predicate", "located_in")
    kinds = page.locator("#ann-object option:not([value=''])").evaluate_all("os => os.map(o => o.dataset.kind)")
    assert set(kinds) <= {"place"}
    page.select_option("#ann-predicate", "produces")
    page.select_option("#ann-object", "product-wigs")
    assert page.is_disabled("#ann-value")  # an object is chosen: no value beside it
    page.fill("#ann-note", "checked against the note")
    problems = _axe_and_width(page, "source-annotate", 1366, folder)
    page.get_by_role("button", name="Save as a proposed claim").click()
    page.wait_for_selector("text=Claim saved as proposed")
    made = re.search(r"made=(c-[0-9a-f]+)", page.url).group(1)
    assert page.locator(f"#claim-{made}").count() == 1
    assert page.locator("#annotate-form").is_hidden()  # closed again until the next selection
    assert page.locator(f"mark[data-claims~='{made}']").inner_text() == PASSAGE  # the passage now highlighted
    page.screenshot(path=str(folder / "source-annotated-1366.png"), full_page=True)
    page.goto("/review")
    item = page.locator(f"#claim-{made}")
    item.screenshot(path=str(folder / "review-annotated-item-1366.png"))
    assert item.locator(".badge.method").inner_text().startswith("human")
    assert PASSAGE in item.inner_text()
    assert "Made by junior from a passage selected on the source page: checked against the note" in item.inner_text()
    assert page.evaluate(f"document.querySelector('#claim-{made} .review-context mark').textContent") == PASSAGE
    state = ctx.storage_state()
    ctx.close()
    assert not errors, errors

    ctx, page, errors = _page(chromium, live, 390, state)
    _open_form(page, live)
    problems += _axe_and_width(page, "source-annotate", 390, folder)
    ctx.close()
    assert not errors, errors
    assert not problems, "\n".join(problems)


def test_keyboard_offsets_fill_the_passage(chromium, live):  # noqa: F811
    ctx, page, errors = _page(chromium, live, 1366)
    sign_in(page, "junior")
    page.goto(f"/sources/{live.source_id}")
    page.get_by_role("button", name="Make a claim from selection").click()  # nothing selected
    assert "Select a passage" in page.inner_text("#annotate-status")
    assert page.evaluate("document.activeElement.id") == "ann-start"
    hangul = "개천 제1호교화소"
    start = TEXT.index(hangul)
    page.keyboard.type(str(start))
    page.keyboard.press("Tab")
    page.keyboard.type(str(start + len(hangul)))
    page.keyboard.press("Tab")
    expect(page.locator("#annotate-status")).to_contain_text("selected")
    assert page.input_value("#ann-quote") == hangul
    assert page.input_value("#ann-subject") == "KP-KHS-001"
    ctx.close()
    assert not errors, errors


def test_viewer_sees_no_annotation(chromium, live):  # noqa: F811
    ctx, page, errors = _page(chromium, live, 1366)
    sign_in(page, "viewer")
    page.goto(f"/sources/{live.source_id}")
    assert page.get_by_role("button", name="Make a claim from selection").count() == 0
    ctx.close()


def test_on_a_long_source_the_button_stays_beside_the_passage(chromium, live, folder):  # noqa: F811
    ctx, page, errors = _page(chromium, live, 1366)
    sign_in(page, "junior")
    page.goto(f"/sources/{live.long_id}")
    assert page.evaluate(SELECT, PASSAGE)
    page.evaluate("document.querySelector('article.source-text').lastChild.parentElement.scrollIntoView({block: 'end'})")
    box = page.get_by_role("button", name="Make a claim from selection").bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 900, box  # in view, far down the text
    page.screenshot(path=str(folder / "source-annotate-long-1366.png"))  # the viewport, as a reader sees it
    # The claims listed under the panel stay in view beside the text too, and the panel never covers them.
    claims = page.evaluate("""() => { const a = document.querySelector('.annotate').getBoundingClientRect();
        const b = document.querySelector('.source-layout > aside > h2').getBoundingClientRect();
        return {top: b.top, covered: b.top < a.bottom - 1 && b.bottom > a.top}; }""")
    assert claims["top"] >= 0 and not claims["covered"], claims
    page.get_by_role("button", name="Make a claim from selection").click()
    expect(page.locator("#annotate-status")).to_contain_text("selected")
    assert page.input_value("#ann-start") == str(LONG.index(PASSAGE))
    assert page.input_value("#ann-quote") == PASSAGE
    ctx.close()
    assert not errors, errors
