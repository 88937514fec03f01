"""The raw HTML plugin (`render/raw_html.py`) changes no byte of what Markdown makes."""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import snapshot
from themesite.render.pages import escape_text
from themesite.render.raw_html import lift, restore
from themesite.render.site import _mkdocs
from themesite.render.site_files import SiteText, mkdocs_config

EXTENSIONS = ["toc", "tables", "fenced_code"]  # MkDocs' defaults, as the site uses
#: Text as the templates write it: escaped, so its only `<` are the templates' own tags.
words = st.text(st.sampled_from("ab <>&*_`#-|\\:\t\r\x02"), min_size=1, max_size=12).map(
    lambda text: str(escape_text(text))
)
pieces = st.one_of(
    words.map(lambda w: f"## {w}"),
    words,
    words.map(lambda w: f"- {w}"),
    words.map(lambda w: f'<p class="ts-text">{w}</p>'),
    words.map(lambda w: f"<article>\n<header>{w}</header>\n<p>{w}</p>\n</article>"),
    words.map(lambda w: f"<div>\n<div>{w}</div>\n</div>"),
    words.map(lambda w: f"<pre>{w}\n\n{w}</pre>"),
    words.map(lambda w: f"```\n<div>{w}</div>\n\n<p>{w}</p>\n```"),
    words.map(lambda w: f"<details><summary>{w}</summary>\n<p>{w}</p>\n</details>"),
    words.map(lambda w: f"| a | b |\n|---|---|\n| {w} | x |"),
)
documents = st.lists(
    st.tuples(pieces, st.sampled_from(["\n", "\n\n", "\n\n\n"])), min_size=1, max_size=8
).map(lambda parts: "".join(piece + gap for piece, gap in parts))


def _converted(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(text)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_lifted_blocks_come_back_as_markdown_would_have_left_them(text):
    lifted, blocks = lift(text)
    assert restore(_converted(lifted), blocks) == _converted(text)


def test_a_page_of_comments_loses_its_html_to_the_converter():
    text = '## Comments\n\n<article id="c1">\n<p class="ts-text">a &lt;b&gt;</p>\n</article>\n'
    lifted, blocks = lift(text)
    assert "ts-text" not in lifted and len(blocks) == 1


def test_the_hostile_site_is_the_same_with_and_without_the_plugin(hostile_build, tmp_path):
    settings = mkdocs_config(hostile_build, SiteText(title="t", description=""))
    plain = {**settings, "plugins": [p for p in settings["plugins"] if p != "themesite-raw-html"]}
    assert plain["plugins"] != settings["plugins"]
    docs = hostile_build / "build" / "docs"
    _mkdocs(settings, docs, tmp_path / "with")
    _mkdocs(plain, docs, tmp_path / "without")
    assert snapshot(tmp_path / "with") == snapshot(tmp_path / "without")
