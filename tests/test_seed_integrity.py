"""The seeds must come out exactly right: the counts and links a reader checks by hand."""

from __future__ import annotations

from tests.conftest import parse
from themesite.ingest.records import LineKind


def test_comment_counts_per_seed(seed_threads):
    counts = {key: len(t.comments) for key, t in seed_threads.items()}
    assert counts == {"000": 16, "001": 4, "002": 0, "003": 11, "004": 17}


def test_formats_are_detected(seed_threads):
    formats = {key: t.format for key, t in seed_threads.items()}
    assert formats == {
        "000": "thread-page",
        "001": "blog-post",
        "002": "plain-article",
        "003": "thread-page",
        "004": "thread-page",
    }


def test_every_highlight_links_to_the_comment_it_quotes(seed_threads):
    highlights = [(t, h) for t in seed_threads.values() for h in t.highlights]
    assert len(highlights) == 6
    for thread, highlight in highlights:
        comment = next(c for c in thread.comments if c.id == highlight.comment_id)
        assert comment.author == highlight.author
        core = highlight.quote.rstrip(".").removesuffix("..").casefold()
        assert core in comment.text.casefold()


def test_replies_in_003_point_to_their_parents(seed_threads):
    thread = seed_threads["003"]
    by_id = {c.id: c for c in thread.comments}
    replies = {c.author: by_id[c.reply_to].author for c in thread.comments if c.reply_to}
    assert replies == {"Zel Bianco": "Suresh Chaganti", "Ian Percy": "Andrew Blatherwick"}
    ian = [c for c in thread.comments if c.author == "Ian Percy"]
    assert ian[0].reply_to is None


def test_roles_and_ages_where_the_page_gives_them(seed_threads):
    first = seed_threads["000"].comments
    assert (first[0].author, first[0].role, first[0].age) == (
        "Zel Bianco",
        "Active Member",
        "3 years ago",
    )
    assert [c.author for c in first if c.role is None] == ["Kim DeCarlis", "Casey Craig"]
    assert all(c.role is None and c.age is None for c in seed_threads["004"].comments)


def test_004_repeated_section_is_kept_once_and_reported(seed_threads):
    thread = seed_threads["004"]
    assert thread.duplicates_removed == 17
    assert thread.declared_comments == 17 == len(thread.comments)
    assert any("duplicate" in w for w in thread.warnings)
    assert "Paula Rosenblum" in [c.author for c in thread.comments]


def test_blog_comments_have_titles_and_no_authors(seed_threads):
    comments = seed_threads["001"].comments
    assert [c.title for c in comments] == [
        "Yes, Yes They Are!",
        "Indeed they are!",
        "IT and Marketing Alignment",
        "Goals that bridge the cultural divide",
    ]
    assert all(c.author is None for c in comments)


def test_plain_article_metadata(seed_threads):
    thread = seed_threads["002"]
    assert (thread.title, thread.published, thread.byline) == (
        "Why IT And Marketing Should Be Best Friends",
        "2016-05-23",
        "Rick Delgado, contributing writer",
    )


def test_every_non_blank_line_is_accounted_for(seed_threads):
    from tests.conftest import SEEDS

    for seed in SEEDS:
        thread = seed_threads[seed.name[:3]]
        covered = {n for e in thread.ledger for n in range(e.start, e.end + 1)}
        lines = seed.read_text("utf-8").split("\n")
        non_blank = {i + 1 for i, line in enumerate(lines) if line.strip()}
        assert covered == non_blank, seed.name
        assert thread.unrecognised == ()
        assert all(e.kind is not LineKind.UNRECOGNISED for e in thread.ledger)


def test_paragraphs_are_verbatim_source_text(seed_threads):
    from tests.conftest import SEEDS

    for seed in SEEDS:
        text = seed.read_text("utf-8")
        for comment in seed_threads[seed.name[:3]].comments:
            for paragraph in comment.paragraphs:
                assert paragraph in text


def test_ids_are_stable_and_unique(seed_threads):
    from tests.conftest import SEEDS, parse

    again = {seed.name[:3]: parse(seed)[0] for seed in SEEDS}
    for key, thread in seed_threads.items():
        assert thread == again[key]
        ids = [c.id for c in thread.comments]
        assert len(ids) == len(set(ids))


def test_braintrust_is_a_role_in_a_comment_header_and_a_heading_above_quotes(tmp_path):
    page = tmp_path / "braintrust.txt"
    page.write_text(
        "A thread title\n\nThe article paragraph says something about IT.\n\n2 Comments\n"
        "Oldest\n\nPaula Rosenblum\nBrainTrust\n3 years ago\n\nLegacy systems slow us down.\n\n"
        "Ken Morris\nBrainTrust\nReply to  Paula Rosenblum\n2 years ago\n\n"
        "Agreed, and then some.\n\n"
        'BrainTrust\n\n"Legacy systems slow us down."\n\n'
        "Paula Rosenblum\n\nManaging Partner, RSR\n",
        encoding="utf-8",
    )
    (thread,) = parse(page)
    assert [(c.author, c.role) for c in thread.comments] == [
        ("Paula Rosenblum", "BrainTrust"),
        ("Ken Morris", "BrainTrust"),
    ]
    assert thread.comments[1].reply_to == thread.comments[0].id
    assert [h.comment_id for h in thread.highlights] == [thread.comments[0].id]
    assert not thread.unrecognised
