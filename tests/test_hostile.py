"""Hostile text is data: it ingests with every character kept and breaks nothing."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import FIXTURES, parse

HOSTILE = FIXTURES / "hostile" / "hostile_thread.txt"
BLNS = json.loads((FIXTURES / "hostile" / "blns.json").read_text("utf-8"))


def test_hostile_thread_ingests_all_six_comments_verbatim():
    [thread] = parse(HOSTILE)
    source = HOSTILE.read_text("utf-8")
    assert thread.title == "Can <b>markup</b> & {{ templates }} break the report?"
    assert len(thread.comments) == 6 == thread.declared_comments
    authors = [c.author for c in thread.comments]
    assert authors[0] == "Robert'); DROP TABLE comments;--"
    assert authors[1] == "<b>{{ user.name }}</b> {% if true %}"
    assert authors[-2:] == ["Empty Body", "Anonymous"]
    assert thread.comments[4].paragraphs == ()
    for comment in thread.comments:
        for paragraph in comment.paragraphs:
            assert paragraph in source
    assert "<script>window.__pwned = 1" in thread.comments[0].text
    assert "    If this renders as a box" in thread.comments[1].text
    assert "and a line that ends in two spaces  \n" in thread.comments[3].text


def test_hostile_reply_and_unmatched_highlight():
    [thread] = parse(HOSTILE)
    jane = thread.comments[3]
    assert jane.author == 'Jane "Quotes" O\'Brien'
    assert jane.reply_to == thread.comments[0].id
    [highlight] = thread.highlights
    assert highlight.comment_id is None and highlight.match == "none"
    assert highlight.affiliation == "Chief <b>Injection</b> Officer, {{ Corp }}"
    assert any("not found verbatim" in w for w in thread.warnings)
    assert thread.unrecognised == ()


def _page(title: str, author: str, body: str) -> str:
    return (
        f"{title}\n\nArticle text.\n\n1 Comments\nOldest\n{author}\nMember\n2 years ago\n\n{body}\n"
    )


def test_every_naughty_string_survives_a_thread_page(tmp_path):
    """Each BLNS string as a title, an author and a body: parsed, kept exactly, never refused."""
    path = tmp_path / "page.txt"
    for text in BLNS:
        # A leading U+FEFF in a text file is its byte-order mark, not part of the title.
        one_line = " ".join(text.split()).lstrip("\ufeff") or "x"
        path.write_text(_page(one_line, one_line, text or "x"), encoding="utf-8")
        [thread] = parse(path)  # every naughty string must parse; none may be refused
        assert thread.title == one_line.strip(), repr(text)
        [comment] = thread.comments
        assert comment.author == one_line.strip(), repr(text)
        assert " ".join(comment.text.split()) == " ".join((text or "x").split()), repr(text)
        assert thread.unrecognised == ()


def test_every_naughty_string_survives_a_csv_export(tmp_path):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["thread", "author", "text"])
    for i, text in enumerate(BLNS):
        writer.writerow([text or f"t{i}", text or f"a{i}", text if text.strip() else f"body {i}"])
    path = tmp_path / "blns.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    threads = parse(path)
    texts = {c.text for t in threads for c in t.comments}
    for text in BLNS:
        if text.strip():
            assert text.replace("\r\n", "\n").replace("\r", "\n") in texts, repr(text)
