"""The saved-html format: a saved page parses to the same thread as its text save.

The fixtures in tests/fixtures/html/ are hand-made HTML renderings of the seeds;
see their README.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from themesite.config import IngestConfig
from themesite.errors import InputError
from themesite.ingest.formats.saved_html import page_lines
from themesite.ingest.pipeline import parse_file
from themesite.ingest.records import Thread
from themesite.ingest.sources import read_source
from themesite.ingest.text import blocks, split_lines

HTML = FIXTURES / "html"
SEEDS = ["000", "001", "002", "003"]

#: Text from the pages' scripts, styles, menus, forms, buttons, sidebars and footers.
CHROME = [
    'Comments",',
    "wpdiscuzAjaxObj",
    "editorialSettings",
    "dataLayer",
    "font-family",
    "Skip to content",
    "Search for:",
    "Discussions</a>",
    "Subscribe",
    "Menu",
    "LinkedIn",
    "Copy link",
    "Join the discussion",
    "Post Comment",
    "Leave a Reply",
    "Load more comments",
    "Recent Discussions",
    "Get the newsletter",
    "Sign up",
    "Privacy Policy",
    "All rights reserved",
    "Google Tag Manager",
    ".entry-content",
    "Read more",
]


def parse(path: Path) -> Thread:
    [thread] = parse_file(path, path.name, IngestConfig())
    return thread


def html_and_text(seed: str) -> tuple[Thread, Thread]:
    text_path = next((REPO / "corpus" / "raw").glob(f"{seed}_*.txt"))
    return parse(HTML / f"seed_{seed}.html"), parse(text_path)


def rendered(path: Path) -> list:
    return page_lines(read_source(path, path.name, IngestConfig()))


def page(tmp_path: Path, body: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", SEEDS)
def test_html_page_renders_to_the_seed_paragraphs(seed):
    text_path = next((REPO / "corpus" / "raw").glob(f"{seed}_*.txt"))
    seed_blocks = [b.text for b in blocks(split_lines(text_path.read_text("utf-8")))]
    assert [b.text for b in blocks(rendered(HTML / f"seed_{seed}.html"))] == seed_blocks


@pytest.mark.parametrize("seed", SEEDS)
def test_html_page_parses_to_the_text_thread(seed):
    html, text = html_and_text(seed)
    assert html.format == f"saved-html+{text.format}"
    assert html.id == text.id
    assert (html.title, html.published, html.byline) == (text.title, text.published, text.byline)
    assert html.article == text.article
    assert html.questions == text.questions
    assert html.declared_comments == text.declared_comments
    assert html.unrecognised == ()
    assert html.warnings == text.warnings
    assert {k: v for k, v in html.attributes.items() if k != "line_numbers"} == text.attributes


@pytest.mark.parametrize("seed", SEEDS)
def test_html_comments_and_highlights_match_the_text_thread(seed):
    html, text = html_and_text(seed)

    def comment_view(thread: Thread) -> list[tuple]:
        return [
            (c.id, c.author, c.role, c.age, c.title, c.paragraphs, c.reply_to)
            for c in thread.comments
        ]

    def highlight_view(thread: Thread) -> list[tuple]:
        return [
            (h.quote, h.author, h.affiliation, h.comment_id, h.match) for h in thread.highlights
        ]

    assert comment_view(html) == comment_view(text)
    assert highlight_view(html) == highlight_view(text)


def test_the_fixtures_cover_replies_and_highlights():
    replies = [c for c in html_and_text("003")[0].comments if c.reply_to]
    assert [c.author for c in replies] == ["Zel Bianco", "Ian Percy"]
    assert all(h.comment_id for h in html_and_text("000")[0].highlights)


@pytest.mark.parametrize("seed", SEEDS)
def test_scripts_styles_and_navigation_never_reach_the_text(seed):
    path = HTML / f"seed_{seed}.html"
    thread = parse(path)
    texts = [thread.title, *thread.article, *thread.questions]
    texts += [str(value) for c in thread.comments for value in asdict(c).values()]
    texts += [str(value) for h in thread.highlights for value in asdict(h).values()]
    texts += [line.text for line in rendered(path)]
    for chrome in CHROME:
        assert not any(chrome in text for text in texts), chrome


@pytest.mark.parametrize("seed", SEEDS)
def test_ledger_points_into_the_html_file_and_covers_every_text_line(seed):
    path = HTML / f"seed_{seed}.html"
    source_lines = path.read_text("utf-8").split("\n")
    thread = parse(path)
    assert thread.attributes["line_numbers"] == "html"
    for entry in thread.ledger:
        assert 1 <= entry.start <= entry.end <= len(source_lines)
    covered = sum(entry.end - entry.start + 1 for entry in thread.ledger)
    assert covered == sum(1 for line in rendered(path) if not line.blank)
    for comment in thread.comments:
        assert (comment.author or comment.title) in source_lines[comment.line_start - 1]
        assert 1 <= comment.line_start <= comment.line_end <= len(source_lines)
    for highlight in thread.highlights:
        assert highlight.quote[:20] in source_lines[highlight.line_start - 1]


def test_minified_page_keeps_the_extracted_text_numbering(tmp_path):
    """Several text lines on one HTML line: numbered 1..n, still one ledger line each."""
    minified = (HTML / "seed_000.html").read_text("utf-8").replace("\n", " ")
    path = page(tmp_path, minified)
    thread, text = parse(path), html_and_text("000")[1]
    assert thread.attributes["line_numbers"] == "extracted-text"
    assert thread.id == text.id
    assert [c.id for c in thread.comments] == [c.id for c in text.comments]
    assert thread.unrecognised == ()
    covered = sum(entry.end - entry.start + 1 for entry in thread.ledger)
    assert covered == sum(1 for line in rendered(path) if not line.blank)


THREAD_PAGE = """<!DOCTYPE html>
<html><head><title>Test</title><script>var count = "1 Comment";</script></head>
<body>
<article><h1>A question for retailers</h1>
<p>Stores are changing.</p></article>
<div id="wpdcom">
<div class="wpd-thread-info">1 Comment</div>
<div class="wpd-comment">
<div class="wpd-comment-author">Jane Doe</div>
<div class="wpd-comment-label">Member</div>
<div class="wpd-comment-date">2 days ago</div>
<div class="wpd-comment-text"><p>{body}</p></div>
</div>
</div>
</body></html>
"""


def test_escaped_markup_in_a_comment_is_literal_text(tmp_path):
    body = "Try this: &lt;script&gt;alert(1)&lt;/script&gt; <script>alert(2)</script>"
    thread = parse(page(tmp_path, THREAD_PAGE.format(body=body)))
    [comment] = thread.comments
    assert comment.paragraphs == ("Try this: <script>alert(1)</script>",)
    assert thread.format == "saved-html+thread-page"


def test_xml_declaration_is_accepted(tmp_path):
    declared = '<?xml version="1.0" encoding="utf-8"?>\n' + THREAD_PAGE.format(body="Fine.")
    thread = parse(page(tmp_path, declared))
    assert thread.comments[0].paragraphs == ("Fine.",)
    assert thread.attributes["line_numbers"] == "html"
    assert thread.comments[0].line_start == 10


def test_page_with_only_scripts_has_no_text(tmp_path):
    path = page(tmp_path, "<html><head><script>var a = '16 Comments';</script></head></html>")
    with pytest.raises(InputError, match="the page has no text"):
        parse_file(path, path.name, IngestConfig())


def test_rendering_rules(tmp_path):
    path = page(
        tmp_path,
        """<html><head><style>p { color: red }</style></head><body>
<header><nav><a href="/">Home</a></nav>Site banner</header>
<article>
<header><h1>Title   in
  an   entry header</h1></header>
<p>One<!-- a comment --> two&nbsp; three <span aria-hidden="true">icon</span>four<br>
five</p>
<div>a</div><div>b</div>
<ul><li>first</li><li><em>second</em></li></ul>
<ol start="3"><li>third</li></ol>
<pre>
  kept   as
 is</pre>
<p hidden>hidden</p><div role="navigation">pages</div><template>t</template>
<footer>Entry footer</footer>
</article>
<footer>Site footer</footer>
</body></html>
""",
    )
    assert [(line.number, line.text) for line in rendered(path) if not line.blank] == [
        (4, "Title in an entry header"),
        (6, "One two\xa0 three four"),
        (7, "five"),
        (8, "a"),
        (8, "b"),
        (9, "  • first"),
        (9, "  • second"),
        (10, "  3. third"),
        (12, "  kept   as"),
        (13, " is"),
        (15, "Entry footer"),
    ]


def test_deeply_nested_page_is_read_whole(tmp_path):
    """Deeper than Python's recursion limit and libxml2's default depth limit of 256."""
    depth = 1500
    nested = "<div>" * depth + "<p>Deep text.</p>" + "</div>" * depth
    path = page(tmp_path, f"<html><body>{nested}\n<p>After.</p></body></html>")
    assert [line.text for line in rendered(path) if not line.blank] == ["Deep text.", "After."]


def test_page_lxml_cannot_read_whole_is_an_input_error(tmp_path):
    nested = "<div>" * 3000 + "text" + "</div>" * 3000
    path = page(tmp_path, f"<html><body>{nested}</body></html>")
    with pytest.raises(InputError, match="lxml stopped reading the page"):
        parse_file(path, path.name, IngestConfig())
