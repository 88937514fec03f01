"""Readable at any width: the seeds' site in Chromium at a phone's 390 px and a laptop's 1280 px.

One page of every kind is measured once per width (a module fixture); each test then
checks one promise of the layout on those measurements. Full-page screenshots go to
test-artifacts/screenshots/<width>/<page>.png for a person to look at (CI uploads them).
"""

from __future__ import annotations

import re

import lxml.html
import pytest

from tests.conftest import REPO
from tests.test_browser import ARTIFACTS, _serve  # the browser fixture is in conftest
from themesite.analyse.records import Findings, Theme, ThemeFindings
from themesite.render.pages import environment, headlines
from themesite.wording import count, plural

WIDTHS = {390: 844, 1280: 800}
MIN_TEXT_PX = 11
SCREENSHOTS = ARTIFACTS / "screenshots"
#: Where corpus text (comments, quotes, names, titles, file names) is shown.
CORPUS_TEXT = (
    "article h1, .ts-text, .ts-quote p, .ts-author, .ts-comment-title, .ts-tag,"
    " .ts-thread-meta code, .ts-comment header a, .ts-table a"
)

#: What one page tells about its layout, measured in the page itself.
MEASURE = """() => {
  const article = document.querySelector("article.md-content__inner");
  const svgText = [...article.querySelectorAll("svg text")].map(t => {
    const m = t.getScreenCTM(), box = t.getBoundingClientRect();
    const svg = t.ownerSVGElement.getBoundingClientRect();
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    return {text: t.textContent, px,
            inside: box.left >= svg.left - 1 && box.right <= svg.right + 1
                    && box.top >= svg.top - 1 && box.bottom <= svg.bottom + 1};
  });
  const boxes = [...article.querySelectorAll("table, svg.ts-svg")].map(el => {
    const box = el.closest(".ts-scroll, .ts-chart");
    const parent = box && box.parentElement.getBoundingClientRect();
    const own = box && box.getBoundingClientRect();
    return {what: el.tagName + " " + (el.id || el.getAttribute("aria-labelledby") || el.className),
            box: Boolean(box), scrolls: Boolean(box) && getComputedStyle(box).overflowX === "auto",
            fits: Boolean(box) && own.left >= parent.left - 0.5 && own.right <= parent.right + 0.5};
  });
  const names = [...document.querySelectorAll(
    "article h1, article h2, article h3, .ts-table a, .ts-table th, .ts-tag, .ts-list a,"
    + " .md-nav__link, .md-tabs__link")].filter(el => el.getClientRects().length);
  const style = names.map(el => {
    const s = getComputedStyle(el);
    return {text: el.textContent.trim(), wordBreak: s.wordBreak, overflowWrap: s.overflowWrap,
            hyphens: s.hyphens};
  });
  const broken = [];
  for (const el of names) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                               .map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(word[0]);
      }
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth,
          svgText, boxes, style, broken};
}"""


def _pages(site) -> dict[str, str]:
    """One page of every kind; the theme, thread and contributor with the most to show."""

    def biggest(folder: str) -> str:
        pages = [p for p in (site / folder).glob("*.html") if not p.name.startswith("index")]
        return f"{folder}/{max(pages, key=lambda p: (p.stat().st_size, p.name)).name}"

    return {
        "findings": "index.html",
        "themes": "themes/index.html",
        "theme": biggest("themes"),
        "threads": "threads/index.html",
        "thread": biggest("threads"),
        "contributors": "contributors/index.html",
        "contributor": biggest("contributors"),
        "method": "method.html",
        "data": "data.html",
    }


@pytest.fixture(scope="module")
def seed_site(seed_build):
    return seed_build / "site"


@pytest.fixture(scope="module")
def served(seed_site):
    server, url = _serve(seed_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def measured(browser, served, seed_site):
    """(width, page kind) -> measurements, with a full-page screenshot of each."""
    found = {}
    for width, height in WIDTHS.items():
        tab = browser.new_page(viewport={"width": width, "height": height})
        (SCREENSHOTS / str(width)).mkdir(parents=True, exist_ok=True)
        for kind, path in _pages(seed_site).items():
            tab.goto(served + path, wait_until="networkidle")
            found[width, kind] = tab.evaluate(MEASURE)
            shot = SCREENSHOTS / str(width) / f"{kind}.png"
            tab.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000, shot
        tab.close()
    return found


def test_no_page_scrolls_sideways_on_a_phone(measured):
    wide = {
        kind: (m["scrollWidth"], m["innerWidth"])
        for (width, kind), m in measured.items()
        if m["scrollWidth"] > m["innerWidth"]
    }
    assert not wide, wide


def test_chart_text_renders_at_11_px_or_more_and_inside_its_chart(measured):
    texts = [(w, k, t) for (w, k), m in measured.items() for t in m["svgText"]]
    assert len({k for _, k, _ in texts}) == 3  # findings, themes and threads have charts
    small = [(w, k, t["text"], round(t["px"], 1)) for w, k, t in texts if t["px"] < MIN_TEXT_PX]
    assert not small, small[:5]
    clipped = [(w, k, t["text"]) for w, k, t in texts if not t["inside"]]
    assert not clipped, clipped[:5]


def test_tables_and_charts_scroll_inside_a_box_that_fits_its_column(measured):
    boxes = [(w, k, b) for (w, k), m in measured.items() for b in m["boxes"]]
    assert len(boxes) >= 2 * 12
    bad = [(w, k, b) for w, k, b in boxes if not (b["box"] and b["scrolls"] and b["fits"])]
    assert not bad, bad[:5]


def test_theme_names_never_break_mid_word(measured):
    styles = [(w, k, s) for (w, k), m in measured.items() for s in m["style"]]
    breaking = [
        (w, k, s)
        for w, k, s in styles
        if s["wordBreak"] not in ("normal", "keep-all")
        or s["overflowWrap"] == "anywhere"
        or s["hyphens"] == "auto"
    ]
    assert not breaking, breaking[:5]
    broken = {(w, k): m["broken"] for (w, k), m in measured.items() if m["broken"]}
    assert not broken, broken


def test_long_words_in_corpus_text_wrap_instead_of_widening_the_page(browser, served, seed_site):
    """A 300-letter token (a URL, an id) in every place corpus text is shown, on a phone."""
    tab = browser.new_page(viewport={"width": 390, "height": 844})
    long = "x" * 150 + "/" + "y" * 149
    for kind in ("thread", "contributor", "threads"):
        path = _pages(seed_site)[kind]
        tab.goto(served + path)
        tab.evaluate(
            "([long, places]) => document.querySelectorAll(places).forEach(el => {"
            " el.textContent = long + ' ' + el.textContent; })",
            [long, CORPUS_TEXT],
        )
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390, path
    tab.close()


def test_count_agrees_in_number():
    assert [count(n, "thread") for n in (0, 1, 2)] == ["0 threads", "1 thread", "2 threads"]
    assert count(1, "person", "people") == "1 person"
    assert count(3, "person", "people") == "3 people"
    assert plural(1, "carries", "carry") == "carries" and plural(2, "carries", "carry") == "carry"
    env = environment([REPO / "site_templates"])
    template = env.from_string('{{ a|count("comment") }}, {{ b|count("more thread") }}')
    assert template.render(a=1, b=4) == "1 comment, 4 more threads"


def test_headlines_agree_in_number_for_counts_of_one():
    def theme(id_: str, kind: str) -> ThemeFindings:
        return ThemeFindings(Theme(id_, id_.title(), kind, ""), 1, 1, ("t",), 1, {}, (), ())

    findings = Findings(
        themes=(theme("silos", "seeded"), theme("speed", "discovered")),
        comment_assignments=(),
        statement_assignments=(),
        coverage={"assigned": 1, "ambiguous": 0, "unassigned": 0},
        contributors=(),
        threads=(),
        corpus={"comments": 1, "contributors": 1, "threads": 1, "threads_with_comments": 1},
    )
    assert headlines(findings) == [
        "1 contributor wrote 1 comment in 1 of the corpus's 1 thread.",
        "The most prevalent seeded theme is Silos: 1 of 1 comment (100%), "
        "from 1 contributor in 1 thread.",
        "Clustering found 1 further theme: Speed.",
        "1 comment carries at least one theme, 0 only ambiguous evidence, and 0 none.",
    ]


def test_no_page_says_one_of_a_plural(seed_site):
    one_of_many = re.compile(r"\b1 (?:\w+ )?(?:comment|thread|contributor|statement|theme)s\b")
    found = {}
    for path in sorted(seed_site.rglob("*.html")):
        text = " ".join(lxml.html.parse(str(path)).getroot().itertext())
        if hits := one_of_many.findall(text):
            found[path.relative_to(seed_site).as_posix()] = hits[:2]
    assert not found, found
