"""Comment sections of blog and forum engines in saved pages: WordPress and Discourse keep
their comments, authors, dates and reply nesting; a section that cannot be read is a
warning (an error under --strict), never a silent article.

The fixtures in tests/fixtures/engines/ were written for the project (see their README).
Regenerate the goldens after a reviewed change with

    THEMESITE_REGEN_GOLDEN=1 pytest tests/test_blog_engines.py
"""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from tests.conftest import FIXTURES, REPO, Cli, parse
from themesite.config import IngestConfig
from themesite.ingest.formats.saved_html import page_lines
from themesite.ingest.records import Thread
from themesite.ingest.sources import read_source
from themesite.ingest.store import thread_to_json

ENGINES = FIXTURES / "engines"
GOLDEN = REPO / "tests" / "golden" / "engines"
SCHEMA = REPO / "generator" / "themesite" / "ingest" / "thread.schema.json"
PAGES = sorted(p.name for p in ENGINES.glob("*.html"))


def thread(name: str) -> Thread:
    [found] = parse(ENGINES / name)
    return found


@pytest.mark.parametrize("name", PAGES)
def test_engine_page_matches_its_golden_thread(name):
    actual = thread_to_json(thread(name))
    golden = GOLDEN / name.replace(".html", ".json")
    if os.environ.get("THEMESITE_REGEN_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(actual), schema)


def _view(found: Thread) -> list[tuple]:
    by_id = {c.id: c.author for c in found.comments}
    return [(c.author, c.timestamp, by_id.get(c.reply_to)) for c in found.comments]


def test_wordpress_keeps_authors_dates_and_nested_replies():
    found = thread("wordpress_nested.html")
    assert found.format == "saved-html+wordpress"
    assert (found.title, found.published, found.byline) == (
        "Why our loyalty scheme data sat unused for two years",
        "2024-03-04",
        "Priya Lindqvist",
    )
    assert _view(found) == [
        ("Tomasz Berg", "2024-03-04T10:12:41+00:00", None),
        ("Priya Lindqvist", "2024-03-04T11:30:02+00:00", "Tomasz Berg"),
        ("Tomasz Berg", "2024-03-05T08:01:19+00:00", "Priya Lindqvist"),
        ("Anneke de Vries", "2024-03-06T16:45:00+00:00", None),
        ("Sam Okafor", "2024-03-07T09:05:33+00:00", None),
    ]
    assert found.declared_comments == 5 and found.warnings == ()
    assert found.comments[0].paragraphs == (
        "We had the same problem. The buyers were measured on margin per category, so a "
        "report about customers felt like somebody else\u2019s job.",
        "Once one buyer was given a customer target, the reports started to get read.",
    )
    assert [c.source_id for c in found.comments][:3] == [
        "comment-1201",
        "comment-1204",
        "comment-1207",
    ]


def test_a_classic_theme_without_a_heading_keeps_its_comments_and_titles():
    found = thread("wordpress_classic.html")
    assert found.format == "saved-html+wordpress"
    assert found.title == "Two teams, one roadmap"
    assert _view(found) == [
        ("Maren Holt", "2019-06-12", None),
        ("Jonas Reed", "2019-06-13", "Maren Holt"),
        ("Lena Park", "2019-06-15", None),
    ]
    assert [c.title for c in found.comments] == [
        "One backlog is not enough",
        "Who owns the order?",
        "Meetings first",
    ]
    assert all("Maren" not in paragraph for paragraph in found.article)
    assert found.declared_comments is None and found.warnings == ()


def test_discourse_opening_post_is_the_article_and_a_quote_is_a_reply():
    found = thread("discourse_topic.html")
    assert found.format == "saved-html+discourse"
    assert (found.title, found.byline, found.published) == (
        "Who should own the customer data platform?",
        "hkaur",
        "2025-01-14",
    )
    assert found.article[-1] == "How did you split ownership in your organisation?"
    assert _view(found) == [
        ("dmitri_v", "2025-01-14T10:02:44Z", None),
        ("hkaur", "2025-01-14T11:17:20Z", "dmitri_v"),
        ("abena", "2025-01-15T07:45:03Z", None),
    ]
    # The quoted words are dmitri_v's, shown in a quote box: not hkaur's text.
    assert found.comments[1].paragraphs == (
        "Did the contract survive the first reorganisation? Ours would need sign-off from "
        "three directors.",
    )


@pytest.mark.parametrize("name", PAGES)
def test_every_line_a_reader_sees_is_in_the_ledger_and_points_into_the_html(name):
    path = ENGINES / name
    found = thread(name)
    source_lines = path.read_text("utf-8").split("\n")
    assert found.attributes["line_numbers"] == "html" and found.unrecognised == ()
    shown = [line for line in page_lines(read_source(path, name, IngestConfig()))]
    covered = sum(entry.end - entry.start + 1 for entry in found.ledger)
    assert covered == sum(1 for line in shown if not line.blank)
    for comment in found.comments:
        assert comment.author in source_lines[comment.line_start - 1]
        last = source_lines[comment.line_end - 1]
        assert comment.paragraphs[-1].split()[-1] in last


LAZY = """<!DOCTYPE html>
<html><head><title>A post</title></head><body>
<article><h1>A post about planning</h1><p>The article text is here.</p></article>
<div id="comments" class="comments-area">
{heading}
<ol class="comment-list">{items}</ol>
</div>
</body></html>
"""
PLACEHOLDER = (
    '<li id="comment-{n}" class="comment"><article class="comment-body">'
    '<div class="comment-content"></div></article></li>'
)


@pytest.mark.parametrize(
    ("heading", "items", "expected"),
    [
        (
            "<h2>2 Comments</h2>",
            PLACEHOLDER.format(n=1) + PLACEHOLDER.format(n=2),
            "with 2 comment",
        ),
        ("", "", "no comment in it could be read"),
    ],
)
def test_a_comment_section_that_cannot_be_read_is_a_warning_and_strict_error(
    project, tmp_path, heading, items, expected
):
    path = tmp_path / "lazy.html"
    path.write_text(LAZY.format(heading=heading, items=items), encoding="utf-8")
    [found] = parse(path)
    assert found.format == "saved-html+wordpress" and found.comments == ()
    [warning] = [w for w in found.warnings if "comment section" in w]
    assert warning.startswith("lazy.html: a wordpress comment section") and expected in warning
    strict = Cli(project)("add", "--strict", str(path))
    assert strict.exit_code == 1 and "lazy.html: a wordpress comment section" in strict.stderr
    assert not any((project / "corpus" / "raw").iterdir())
    lenient = Cli(project)("add", str(path))
    assert lenient.exit_code == 0 and "warning: lazy.html: a wordpress comment" in lenient.stderr


def test_one_unreadable_comment_among_readable_ones_is_reported(tmp_path):
    items = PLACEHOLDER.format(n=1) + (
        '<li id="comment-2" class="comment"><article class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author"><b class="fn">Ola</b></div>'
        '</footer><div class="comment-content"><p>Readable.</p></div></article></li>'
    )
    path = tmp_path / "mixed.html"
    path.write_text(LAZY.format(heading="", items=items), encoding="utf-8")
    [found] = parse(path)
    assert [(c.author, c.paragraphs) for c in found.comments] == [("Ola", ("Readable.",))]
    assert "mixed.html: 1 wordpress comment(s) without text were skipped" in found.warnings


def test_pages_of_no_engine_still_go_to_the_text_layouts():
    """The seed pages (wpDiscuz, a div of titled comments) are not WordPress comment lists."""
    formats = {p.name: parse(p)[0].format for p in sorted((FIXTURES / "html").glob("*.html"))}
    assert formats == {
        "seed_000.html": "saved-html+thread-page",
        "seed_001.html": "saved-html+blog-post",
        "seed_002.html": "saved-html+plain-article",
        "seed_003.html": "saved-html+thread-page",
    }


def test_the_fixtures_say_they_were_written_for_the_project():
    readme = (ENGINES / "README.md").read_text("utf-8")
    assert "Written for this project" in readme
    assert all(name in readme for name in PAGES)
