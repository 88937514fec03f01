"""What a reader does, in a real browser: Debian's Chromium driven by Playwright.

The built site is served from 127.0.0.1 by a plain static file server. Under CI
(CI=true) a missing browser or axe-core is a failure; on a developer machine without
them these tests are skipped with the command that installs them.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import re
import threading
from pathlib import Path

import pytest
import yaml

from tests.conftest import ALL_NAUGHTY, FIXTURES, REPO, require

AXE = REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
BLNS = json.loads((FIXTURES / "hostile" / "blns.json").read_text("utf-8"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def seed_url(seed_build):
    server, url = _serve(seed_build / "site")
    yield url, seed_build
    server.shutdown()


class Reader:
    """A browser tab that records console errors, failed requests and dialogs."""

    def __init__(self, browser) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def clean(self) -> bool:
        return not (self.errors or self.failed or self.dialogs)


@pytest.fixture
def reader(browser):
    tab = Reader(browser)
    yield tab
    tab.page.close()


def test_home_then_a_theme(seed_url, reader):
    url, _ = seed_url
    page = reader.page
    page.goto(url + "index.html")
    assert "Findings" in page.title()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"))
    link = page.locator("table.ts-table a").first
    label = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == label
    page.screenshot(path=str(ARTIFACTS / "theme.png"))
    assert reader.clean(), (reader.errors, reader.failed)


def test_search_finds_a_quote_word_and_leads_to_its_page(seed_url, reader):
    url, _ = seed_url
    page = reader.page
    # The search worker loads its index in the background: wait for it before typing.
    page.goto(url + "index.html", wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("legacy", delay=50)
    results = page.locator(".md-search-result__link")
    results.first.wait_for(timeout=30000)
    targets = [results.nth(i).get_attribute("href") for i in range(results.count())]
    theme = next(t for t in targets if "themes/legacy-systems" in t)
    page.goto(theme)
    assert page.locator("h1").first.inner_text() == "Legacy systems"
    page.locator("h2:has-text('Threads') + ul a").first.click()
    page.wait_for_load_state()
    assert "/threads/" in page.url
    assert "legacy" in page.locator("article.md-content__inner").inner_text().lower()
    assert reader.clean(), (reader.errors, reader.failed)


def test_quote_link_lands_on_the_comment_that_contains_it(seed_url, reader):
    url, _ = seed_url
    page = reader.page
    page.goto(url + "themes/metrics-misalignment.html")
    quote = page.locator("blockquote.ts-quote").first
    text = quote.locator("p").inner_text()
    quote.locator("footer a").last.click()
    page.wait_for_load_state()
    anchor = page.evaluate("location.hash").lstrip("#")
    assert anchor.startswith("c")
    assert text in page.locator(f"[id='{anchor}']").inner_text()


def test_contributor_page_from_a_comment(seed_url, reader):
    url, _ = seed_url
    page = reader.page
    page.goto(url + "threads/index.html")
    page.locator("table.ts-table a", has_text="CMOs And CIOS").click()
    page.wait_for_load_state()
    author = page.locator("a.ts-author").first
    name = author.inner_text()
    author.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == name
    assert page.locator("article.ts-comment").count() >= 1


def test_downloads_parse(seed_url, reader):
    url, _ = seed_url
    page = reader.page
    page.goto(url + "data.html")
    links = page.locator("table.ts-table a")
    names = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(names) == 5
    for name in names:
        body = page.request.get(url + name).text()
        if name.endswith(".json"):
            assert json.loads(body)["themes"]
        elif name.endswith(".jsonl"):
            assert len([json.loads(line) for line in body.splitlines()]) == 48
        elif name.endswith(".csv"):
            assert list(csv.DictReader(io.StringIO(body)))
        else:
            assert yaml.safe_load(body)["themes"]


def test_every_page_loads_without_errors_or_failed_requests(seed_url, reader):
    url, root = seed_url
    pages = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*.html"))
    for path in pages:  # wait for the search worker too: a navigation would abort it
        reader.page.goto(url + path, wait_until="networkidle")
    assert len(pages) >= 55  # home, method, downloads, 5 threads, 40+ contributors, themes
    assert reader.clean(), (reader.errors[:3], reader.failed[:3], reader.dialogs[:3])


def serious_violations(reader: Reader, address: str) -> list[str]:
    """The ids of axe-core's serious and critical findings on the page at `address`."""
    require(AXE.exists(), f"axe-core ({AXE})")
    page = reader.page
    page.goto(address, wait_until="networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", ["index.html", "themes/silos.html"])
def test_no_serious_accessibility_violations(seed_url, reader, path):
    url, _ = seed_url
    serious = serious_violations(reader, url + path)
    assert not serious, serious


@pytest.mark.parametrize("folder", ["threads", "contributors"])
def test_no_serious_accessibility_violations_on_a_thread_and_a_contributor(
    seed_url, reader, folder
):
    url, root = seed_url
    pages = sorted((root / "site" / folder).glob("*.html"))
    page = next(p for p in pages if not p.name.startswith("index"))
    test_no_serious_accessibility_violations(seed_url, reader, f"{folder}/{page.name}")


@pytest.fixture(scope="module")
def hostile_url(hostile_build):
    server, url = _serve(hostile_build / "site")
    yield url, hostile_build
    server.shutdown()


#: What Chromium's own HTML parser makes of each page, without running it: its headings,
#: its comments' paragraphs, its scripts and every other way markup could run script.
READ = """async paths => Promise.all(paths.map(async path => {
  const doc = new DOMParser().parseFromString(await (await fetch(path)).text(), "text/html");
  const base = new URL(path, location.href);
  const risky = [];
  for (const el of doc.querySelectorAll("*")) {
    if (/^(iframe|frame|frameset|object|embed|applet|base|portal)$/i.test(el.localName)
        || (el.localName === "meta" && el.hasAttribute("http-equiv"))) risky.push(el.localName);
    for (const a of el.attributes) {
      let scheme = "";
      try { scheme = new URL(a.value, base).protocol; } catch (e) {}
      const url = /href|src|action|data|poster/i.test(a.name);
      if (/^on/i.test(a.name) || a.name === "srcdoc"
          || (url && /^(javascript|vbscript|data):$/.test(scheme)))
        risky.push(el.localName + " " + a.name);
    }
  }
  return {
    path,
    h1: [...doc.querySelectorAll("h1")].map(h => h.textContent),
    texts: [...doc.querySelectorAll("article.ts-comment p.ts-text")].map(p => p.textContent),
    scripts: [...doc.querySelectorAll("script")].map(s => s.hasAttribute("src")
      ? new URL(s.getAttribute("src"), base).pathname : "inline " + s.type),
    risky,
  };
}))"""

#: The same page as it stands after its scripts ran.
SHOWN = """() => ({
  pwned: typeof window.__pwned,
  h1: [...document.querySelectorAll("h1")].map(h => h.textContent),
  texts: [...document.querySelectorAll("article.ts-comment p.ts-text")].map(p => p.textContent),
})"""


def _single(path: str) -> bool:
    """A thread's or a contributor's own page, not an index."""
    folder, _, name = path.rpartition("/")
    return folder in ("threads", "contributors") and not re.fullmatch(r"index(-\d+)?\.html", name)


def test_hostile_strings_stay_text_in_the_browser(hostile_url, reader):
    """Chromium's own parser reads every page: each title, name and paragraph is text and
    the only scripts are the theme's. Then pages run with their scripts, which must leave
    that text as it was, set no window.__pwned and open no dialog: every page that is not
    one thread's or one contributor's (between them they list every title and name), the
    ALL_NAUGHTY threads (every paragraph and name again), the hostile thread and its
    authors' pages, and every 25th of the other thread and contributor pages, so that
    each kind of page runs. (Running all 1,050 pages took eight minutes.)"""
    url, root = hostile_url
    site = root / "site"
    threads = [json.loads(p.read_text("utf-8")) for p in (root / "corpus" / "threads").iterdir()]
    pages = {f"threads/{t['id']}.html": t for t in threads}
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    page = reader.page
    # Search is tested elsewhere; here its index would be rebuilt on each page.
    page.route("**/search/search_index.json", lambda route: route.abort())
    page.goto(url + "404.html")
    read = {}
    for start in range(0, len(paths), 50):
        read |= {r["path"]: r for r in page.evaluate(READ, paths[start : start + 50])}
    theme_scripts = read["404.html"]["scripts"]  # a page without corpus text
    assert len(theme_scripts) >= 3, theme_scripts
    checked = 0
    for path, found in read.items():
        assert not found["risky"], (path, found["risky"][:3])
        assert found["scripts"] == theme_scripts, path
        if thread := pages.get(path):
            expected = [p for c in thread["comments"] for p in c["paragraphs"]]
            assert found["texts"] == expected, path
            assert found["h1"] == [thread["title"]], path
            checked += len(expected)
    names = {c["author"] for t in threads for c in t["comments"] if c["author"]}
    contributors = [p for p in paths if _single(p) and p.startswith("contributors/")]
    assert {read[p]["h1"][0] for p in contributors} == names  # each name its page's heading
    assert checked >= 2 * len([s for s in BLNS if s.strip()])

    [hostile] = [t for t in threads if t["source"] == "hostile_thread.txt"]
    hostile_names = {c["author"] for c in hostile["comments"]}
    run = [p for p in paths if not _single(p)]
    run += [p for p in pages if pages[p]["title"] in ALL_NAUGHTY or pages[p] is hostile]
    run += [p for p in contributors if read[p]["h1"][0] in hostile_names]
    run += [p for p in paths if _single(p)][::25]
    for path in sorted(set(run)):
        page.goto(url + path)
        shown = page.evaluate(SHOWN)
        assert shown["pwned"] == "undefined", path
        assert (shown["h1"], shown["texts"]) == (read[path]["h1"], read[path]["texts"]), path
    assert not reader.dialogs, reader.dialogs[:3]


@pytest.fixture(scope="module")
def polis_url(polis_build):
    server, url = _serve(polis_build / "site")
    yield url, polis_build
    server.shutdown()


def test_opinion_map_and_votes_in_the_browser(polis_url, reader):
    url, root = polis_url
    page = reader.page
    thread = next((root / "site" / "threads").glob("15-hour-*.html")).name
    page.goto(url + f"threads/{thread}", wait_until="networkidle")
    chart = page.locator("figure.ts-chart svg").first
    assert chart.is_visible() and chart.bounding_box()["width"] > 200
    data = json.loads((root / "build" / "findings.json").read_text("utf-8"))
    marks = chart.locator("circle, rect, polygon, path").count()
    placed = sum(len(g["participants"]) for g in data["opinion_groups"])
    assert marks == placed + len(data["opinion_groups"])  # one per person, one per legend
    page.screenshot(path=str(ARTIFACTS / "opinion-map.png"), full_page=False)
    # A divisive comment on the home page leads to that comment and its votes.
    page.goto(url + "index.html", wait_until="networkidle")
    split = page.locator("h2#where-they-split ~ blockquote.ts-statement").first
    text = split.locator("p").inner_text()
    split.locator("footer a").first.click()
    page.wait_for_load_state()
    anchor = page.evaluate("location.hash").lstrip("#")
    comment = page.locator(f"[id='{anchor}']")
    assert text in comment.inner_text() and "Divisive" in comment.inner_text()
    assert reader.clean(), (reader.errors, reader.failed)


@pytest.mark.parametrize("kind", ["thread", "theme"])
def test_no_serious_accessibility_violations_with_votes(polis_url, reader, kind):
    url, root = polis_url
    path = "themes/automation.html"
    if kind == "thread":
        path = "threads/" + next((root / "site" / "threads").glob("15-hour-*.html")).name
    serious = serious_violations(reader, url + path)
    assert not serious, serious
