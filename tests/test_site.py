"""The built site: page set, links and anchors, determinism, atomic swap, escaping."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from tests.conftest import FIXTURES, REPO, Cli, snapshot
from themesite.render.pages import escape_text

BLNS = json.loads((FIXTURES / "hostile" / "blns.json").read_text("utf-8"))


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def seed_site(seed_build):
    return seed_build


def test_page_set(seed_site):
    site = seed_site / "site"
    findings = json.loads((seed_site / "build" / "findings.json").read_text("utf-8"))
    threads = [
        json.loads(p.read_text("utf-8")) for p in (seed_site / "corpus" / "threads").iterdir()
    ]
    expected = {
        "index.html",
        "themes/index.html",
        "threads/index.html",
        "contributors/index.html",
        "method.html",
        "data.html",
    }
    expected |= {f"themes/{t['theme']['id']}.html" for t in findings["themes"]}
    expected |= {f"threads/{t['id']}.html" for t in threads}
    assert expected <= {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    authors = {c["author"] for t in threads for c in t["comments"] if c["author"]}
    assert len(list((site / "contributors").glob("*.html"))) == len(authors) + 1
    for name in ("corpus.jsonl", "assignments.csv", "findings.json", "taxonomy.yml", "labels.csv"):
        assert (site / "downloads" / name).stat().st_size > 0
    assert all(p.stat().st_size < 2 * 1024 * 1024 for p in site.rglob("*.html"))


def _crawl(site: Path) -> int:
    """Check every internal link and anchor of a built site; returns how many were checked."""
    ids: dict[Path, set[str]] = {}
    # 404.html is served at any path, so MkDocs gives it root-absolute links on purpose.
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
    for page in pages:
        ids[page] = set(lxml.html.parse(str(page)).getroot().xpath("//@id"))
    checked = 0
    for page in pages:
        for href in lxml.html.parse(str(page)).getroot().xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue
            target = (page.parent / parts.path).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{page.relative_to(site)} -> {href}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target], f"{page.relative_to(site)} -> {href}"
            checked += 1
    return checked


def test_every_internal_link_and_anchor_resolves(seed_site):
    assert _crawl(seed_site / "site") > 500


def test_quote_links_land_on_the_comment_that_contains_the_quote(seed_site):
    site = seed_site / "site"
    for page in (site / "themes").glob("*.html"):
        root = lxml.html.parse(str(page)).getroot()
        for quote in root.xpath("//blockquote[@class='ts-quote']"):
            text = quote.xpath("string(p)")
            href = quote.xpath("footer/a/@href")[-1]
            path, _, anchor = href.partition("#")
            target = lxml.html.parse(str((page.parent / path).resolve())).getroot()
            [comment] = target.xpath(f"//*[@id='{anchor}']")
            assert text in comment.text_content()


def test_two_builds_are_byte_identical(seed_site, tmp_path):
    first = _tree(seed_site / "site")
    assert Cli(seed_site)("build", "--force").exit_code == 0
    assert _tree(seed_site / "site") == first


def test_a_failed_build_leaves_the_previous_site(seed_site, monkeypatch):
    import themesite.render.site as site_module
    from themesite.render.site import SiteBuildError

    before_site, before_docs = snapshot(seed_site / "site"), snapshot(seed_site / "build" / "docs")

    def broken(*args):
        raise SiteBuildError("simulated MkDocs failure")

    monkeypatch.setattr(site_module, "_mkdocs", broken)
    result = Cli(seed_site)("build", "--force")
    assert result.exit_code == 1 and "simulated MkDocs failure" in result.stderr
    assert snapshot(seed_site / "site") == before_site
    assert snapshot(seed_site / "build" / "docs") == before_docs
    assert not list((seed_site / "build").glob(".site-*"))


@pytest.fixture(scope="module")
def hostile_site(hostile_build):
    return hostile_build


def test_hostile_text_is_shown_literally_in_markdown_and_html(hostile_site):
    threads = [
        json.loads(p.read_text("utf-8")) for p in (hostile_site / "corpus" / "threads").iterdir()
    ]
    checked = 0
    for thread in threads:
        markdown = (hostile_site / "build" / "docs" / "threads" / f"{thread['id']}.md").read_text(
            "utf-8"
        )
        html = (hostile_site / "site" / "threads" / f"{thread['id']}.html").read_text("utf-8")
        for comment in thread["comments"]:
            for paragraph in comment["paragraphs"]:
                assert escape_text(paragraph) in markdown
                assert escape_text(paragraph) in html
                checked += 1
            if comment["author"]:
                assert escape_text(comment["author"]) in html
        assert escape_text(thread["title"]) in html
    assert checked >= len([s for s in BLNS if s.strip()])


def test_no_markup_from_data_becomes_an_element(hostile_site):
    for page in sorted((hostile_site / "site").rglob("*.html")):
        root = lxml.html.parse(str(page)).getroot()
        content = root.xpath("//article[contains(@class, 'md-content__inner')]")
        assert content, page
        body = content[0]
        assert len(body.xpath(".//h1")) == 1, page
        assert not body.xpath(
            ".//script | .//style | .//iframe | .//img | .//svg[not(@class='ts-svg')]"
        ), page
        assert not body.xpath(".//*[contains(@class, 'admonition')]"), page
        assert not body.xpath(".//article[@class='ts-comment']//table"), page
        for element in body.iter():
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (page, name)
                assert not value.strip().lower().startswith("javascript:"), (page, value)
        assert "49" not in body.xpath("string(.//p[contains(., '7*7')])")


def test_charts_have_titles_and_their_data_beside_them(seed_site):
    site = seed_site / "site"
    for page, chart in (
        ("index.html", "ts-prevalence"),
        ("themes/index.html", "ts-cooccurrence"),
        ("threads/index.html", "ts-by-thread"),
    ):
        root = lxml.html.parse(str(site / page)).getroot()
        [svg] = root.xpath(f"//svg[@aria-labelledby='{chart}-title {chart}-desc']")
        assert svg.xpath(f".//*[@id='{chart}-title']")[0].text
        assert root.xpath("//figure[contains(@class,'ts-chart')]/following::table")
    # The seeds' comments carry no dates, so there is no chart over time.
    assert "ts-by-year" not in (site / "index.html").read_text("utf-8")


def test_themes_over_time_where_dates_exist(project):
    cli = Cli(project)
    assert cli("add", str(FIXTURES / "polis" / "15-per-hour-seattle")).exit_code == 0
    shutil.copy(
        FIXTURES / "polis" / "taxonomy-15-per-hour.yml", project / "corpus" / "taxonomy.yml"
    )
    (project / "themesite.yml").write_text("analyse:\n  labels: none.csv\n", encoding="utf-8")
    result = cli("build")
    assert result.exit_code == 0, result.output
    index = (project / "site" / "index.html").read_text("utf-8")
    assert "ts-by-year-title" in index and "2014" in index
    data = (project / "site" / "data.html").read_text("utf-8")
    assert "Computational Democracy Project" in data  # the CC BY 4.0 attribution
    method = (project / "site" / "method.html").read_text("utf-8")
    assert "No human coding file was found" in method


def test_large_corpus_pages_indexes_and_splits_long_threads(project):
    """450 threads and one of 650 comments: paged indexes, thread parts, links still resolve."""
    from themesite.render.links import COMMENTS_PER_PAGE, ROWS_PER_INDEX_PAGE

    sentences = [
        "Our IT budget is frozen while marketing buys its own tools.",
        "The CEO has to make both teams share one set of goals.",
        "Legacy systems slow every campaign launch by months.",
        "Data sits in silos that nobody is allowed to join.",
    ]
    export = project / "big.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["thread", "comment_id", "parent_id", "author", "text"])
        for i in range(650):
            parent = str(i - 1) if i % 5 == 4 else ""
            writer.writerow(["long", str(i), parent, f"author{i % 7}", f"{sentences[i % 4]} ({i})"])
        for t in range(450):
            writer.writerow([f"short {t:03d}", f"s{t}", "", f"voice{t % 40}", sentences[t % 4]])
    shutil.copy(REPO / "corpus" / "taxonomy.yml", project / "corpus" / "taxonomy.yml")
    cli = Cli(project)
    assert cli("add", "--max-source-mb", "5", str(export)).exit_code == 0
    result = cli("build")
    assert result.exit_code == 0, result.output
    site = project / "site"
    parts = sorted((site / "threads").glob("long-*.html"))
    assert len(parts) == -(-650 // COMMENTS_PER_PAGE)
    indexes = sorted((site / "threads").glob("index*.html"))
    assert len(indexes) == -(-451 // ROWS_PER_INDEX_PAGE)
    assert _crawl(site) > 5000
    assert max(p.stat().st_size for p in site.rglob("*.html")) < 2 * 1024 * 1024


def test_articles_as_evidence_when_configured(tmp_path):
    root = tmp_path / "articles"
    shutil.copytree(REPO / "corpus", root / "corpus")
    (root / "themesite.yml").write_text("analyse:\n  include_articles: true\n", encoding="utf-8")
    result = Cli(root)("build")
    assert result.exit_code == 0, result.output
    findings = json.loads((root / "build" / "findings.json").read_text("utf-8"))
    assert findings["corpus"]["comments"] == 48 + 5  # every thread's article is a unit
    assert _crawl(root / "site") > 500


def _snippet(root: Path) -> str:
    """Six plain words from a comment, to look for in the search index."""
    for path in sorted((root / "corpus" / "threads").glob("*.json")):
        for comment in json.loads(path.read_text("utf-8"))["comments"]:
            words = comment["paragraphs"][0].split()
            for start in range(len(words) - 6):
                run = words[start : start + 6]
                if all(w.isascii() and w.isalpha() for w in run):
                    return " ".join(run)
    raise AssertionError("no plain run of words in the corpus")


def test_search_indexes_comments_once_and_only_under_the_configured_size(seed_site, tmp_path):
    snippet = _snippet(seed_site)
    docs = json.loads((seed_site / "site" / "search" / "search_index.json").read_bytes())["docs"]
    holding = {d["location"].split("/")[0] for d in docs if snippet in d["text"]}
    assert holding == {"threads"}
    root = tmp_path / "small-index"
    shutil.copytree(REPO / "corpus", root / "corpus")
    (root / "themesite.yml").write_text("site:\n  search_comments: 10\n", encoding="utf-8")
    assert Cli(root)("build").exit_code == 0
    index = root / "site" / "search" / "search_index.json"
    assert not [d for d in json.loads(index.read_bytes())["docs"] if snippet in d["text"]]
    assert (
        index.stat().st_size < (seed_site / "site" / "search" / "search_index.json").stat().st_size
    )
