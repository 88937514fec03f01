"""Structured exports: the generic CSV/JSONL table format and the Polis preset."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from themesite.config import IngestConfig
from themesite.errors import InputError
from themesite.ingest.formats.export_table import (
    ColumnMapping,
    ExportTable,
    mapping_from_header,
)
from themesite.ingest.formats.polis import ATTRIBUTION
from themesite.ingest.pipeline import parse_file
from themesite.ingest.records import LineKind
from themesite.ingest.registry import detect
from themesite.ingest.sources import read_source

POLIS = Path(__file__).resolve().parent / "fixtures" / "polis"
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
POLIS_FOLDERS = sorted(p.name for p in POLIS.iterdir() if p.is_dir())


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def parse(path: Path, display: str | None = None):
    return parse_file(path, display or path.name, IngestConfig())


def polis_rows(folder: str) -> list[dict[str, str]]:
    with (POLIS / folder / "comments.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


GENERIC = (
    "Conversation,Comment ID,Author,Body,Parent,Created At,Score\n"
    "t1,1,ann,First point.,,2024-01-01,3\n"
    "t2,2,bob,Other thread.,,2024-01-02,1\n"
    't1,3,cy,"Agree.\n\nSecond paragraph,\n  indented.",1,2024-01-03,0\n'
)


def test_generic_csv_groups_threads_links_replies_and_keeps_extra_columns(tmp_path):
    t1, t2 = parse(write(tmp_path, "talk.csv", GENERIC))
    assert (t1.title, t2.title) == ("t1", "t2")
    assert t1.format == t2.format == "export-table"
    first, reply = t1.comments
    assert reply.reply_to == first.id
    assert first.reply_to is None
    assert (reply.author, reply.source_id, reply.timestamp) == ("cy", "3", "2024-01-03")
    assert first.attributes == {"Score": "3"}
    assert reply.paragraphs == ("Agree.", "Second paragraph,\n  indented.")
    assert (reply.line_start, reply.line_end) == (4, 7)
    assert [c.text for c in t2.comments] == ["Other thread."]
    assert t1.unrecognised == t2.unrecognised == ()
    header = t1.ledger[0]
    assert (header.start, header.end, header.kind) == (1, 1, LineKind.CHROME)
    assert all(entry.start != 1 for entry in t2.ledger)


def test_no_thread_column_gives_one_thread_named_after_the_file(tmp_path):
    (thread,) = parse(write(tmp_path, "feedback.csv", "text,rating\nGood.\n   \nBad.,1\n"))
    assert thread.title == "feedback"
    assert [c.text for c in thread.comments] == ["Good.", "Bad."]
    assert thread.comments[0].attributes == {"rating": ""}
    assert thread.unrecognised == ()


def test_thread_title_column_names_the_thread(tmp_path):
    text = "thread_id,discussion title,message\nx,Parking,More spaces.\nx,,Fewer cars.\n"
    (thread,) = parse(write(tmp_path, "p.csv", text))
    assert (thread.title, len(thread.comments)) == ("Parking", 2)


def test_whitespace_only_text_is_an_empty_comment(tmp_path):
    (thread,) = parse(write(tmp_path, "e.csv", 'text,user\n"  \n ",a\n"  ",b\n\nok,c\n'))
    assert [c.paragraphs for c in thread.comments] == [(), (), ("ok",)]
    assert [(c.line_start, c.line_end) for c in thread.comments] == [(2, 3), (4, 4), (6, 6)]
    assert thread.unrecognised == ()


def test_mapping_from_header_folds_case_and_separators():
    mapping = mapping_from_header(["Thread-ID", "UserName", "Comment Body", "In Reply To", "x"])
    assert mapping == ColumnMapping(
        thread="Thread-ID", author="UserName", text="Comment Body", parent_id="In Reply To"
    )
    assert mapping_from_header(["title", "score"]).text is None


def test_missing_text_column_is_refused_naming_the_file(tmp_path):
    path = write(tmp_path, "notext.csv", "id,author\n1,ann\n")
    with pytest.raises(InputError) as error:
        parse(path)
    assert "notext.csv" in str(error.value)
    with pytest.raises(InputError, match="comment_body") as direct:
        ExportTable().parse(read_source(path, "notext.csv", IngestConfig()))
    assert direct.value.line == 1


def test_extra_fields_are_refused_with_the_line(tmp_path):
    path = write(tmp_path, "extra.csv", "id,text\n1,fine\n2,too,many\n")
    with pytest.raises(InputError, match="3 fields") as error:
        parse(path)
    assert (error.value.path, error.value.line) == ("extra.csv", 3)


def test_fewer_fields_are_empty_but_a_missing_text_cell_is_refused(tmp_path):
    (thread,) = parse(write(tmp_path, "short.csv", "id,text,score\n1,fine\n"))
    assert thread.comments[0].attributes == {"score": ""}
    with pytest.raises(InputError, match="text column") as error:
        parse(write(tmp_path, "shorter.csv", "id,author,text\n1,fine,ok\n2,ann\n"))
    assert error.value.line == 3


def test_unterminated_quote_is_refused_with_the_line(tmp_path):
    path = write(tmp_path, "open.csv", 'id,text\n1,fine\n2,"never closed\nstill going\n')
    with pytest.raises(InputError, match="never closed") as error:
        parse(path)
    assert error.value.line == 3


def test_duplicate_column_names_are_refused(tmp_path):
    with pytest.raises(InputError, match="repeats"):
        parse(write(tmp_path, "dup.csv", "text,a,a\nx,1,2\n"))


def test_jsonl_happy_path(tmp_path):
    records = [
        {"id": 1, "user": "ann", "content": "Hello.", "tags": ["b", "a"], "meta": {"z": 1, "a": 2}},
        {"id": 2, "user": "bob", "content": "Hi.", "reply_to": 1, "extra": None},
    ]
    text = json.dumps(records[0]) + "\n\n" + json.dumps(records[1]) + "\n"
    (thread,) = parse(write(tmp_path, "chat.jsonl", text))
    first, second = thread.comments
    assert (thread.title, thread.format) == ("chat", "export-table")
    assert (first.author, first.source_id, first.line_start) == ("ann", "1", 1)
    # Every key seen in the file is a column: absent ones read as empty.
    assert first.attributes == {"extra": "", "meta": '{"a": 2, "z": 1}', "tags": '["b", "a"]'}
    assert second.attributes == {"extra": "", "meta": "", "tags": ""}
    assert (second.reply_to, second.line_start) == (first.id, 3)
    assert thread.unrecognised == ()


@pytest.mark.parametrize("bad", ["{not json", "[1, 2]"])
def test_jsonl_bad_line_is_refused_with_the_line(tmp_path, bad):
    path = write(tmp_path, "bad.jsonl", '{"text": "ok"}\n' + bad + "\n")
    with pytest.raises(InputError) as error:
        parse(path)
    assert (error.value.path, error.value.line) == ("bad.jsonl", 2)


def test_detection_tells_polis_from_a_generic_export(tmp_path):
    config = IngestConfig()
    polis = POLIS / "brexit-consensus" / "comments.csv"
    assert detect(read_source(polis, "comments.csv", config)).name == "polis-export"
    generic = write(tmp_path, "talk.csv", GENERIC)
    assert detect(read_source(generic, "talk.csv", config)).name == "export-table"
    near = polis.read_text(encoding="utf-8").replace("agrees", "votes-for", 1)
    renamed = write(tmp_path, "near.csv", near)
    assert detect(read_source(renamed, "near.csv", config)).name == "export-table"


@pytest.mark.parametrize("folder", POLIS_FOLDERS)
def test_polis_folder_parses_to_one_complete_thread(folder):
    path = POLIS / folder / "comments.csv"
    rows = polis_rows(folder)
    summary = dict(csv.reader((POLIS / folder / "summary.csv").read_text("utf-8").splitlines()))
    (thread,) = parse(path, f"polis/{folder}/comments.csv")
    assert thread.format == "polis-export"
    assert len(thread.comments) == len(rows)
    rejected = sum(1 for row in rows if row["moderated"] == "-1")
    assert sum(1 for c in thread.comments if c.excluded) == rejected
    assert {c.excluded for c in thread.comments} <= {None, "rejected by moderator"}
    assert thread.title == summary["topic"]
    assert thread.attributes["url"] == summary["url"]
    assert thread.attributes["attribution"] == ATTRIBUTION
    assert thread.attributes["licence"] == "CC BY 4.0"
    assert len({c.id for c in thread.comments}) == len(rows)
    assert [int(c.source_id) for c in thread.comments] == sorted(int(r["comment-id"]) for r in rows)
    assert thread.unrecognised == ()
    assert thread.warnings == ()
    assert all(c.timestamp.endswith("Z") for c in thread.comments)
    assert parse(path, f"polis/{folder}/comments.csv") == [thread]


def test_polis_comment_fields(tmp_path):
    (thread,) = parse(POLIS / "brexit-consensus" / "comments.csv", "brexit/comments.csv")
    comment = next(c for c in thread.comments if c.source_id == "36")
    assert comment.timestamp == "2017-07-17T09:10:15Z"
    assert comment.author == "0"
    assert set(comment.attributes) == {"datetime", "agrees", "disagrees", "moderated"}
    assert thread.article[0].startswith("An experimental Pol.Is question.")


def test_polis_without_summary_is_named_after_its_folder(tmp_path):
    folder = tmp_path / "my-conversation"
    folder.mkdir()
    source = POLIS / "brexit-consensus" / "comments.csv"
    (folder / "comments.csv").write_bytes(source.read_bytes())
    (thread,) = parse(folder / "comments.csv", "my-conversation/comments.csv")
    assert thread.title == "my-conversation"
    assert thread.article == ()
    (bare,) = parse(folder / "comments.csv", "comments.csv")
    assert bare.title == "Polis conversation"


# Arbitrary text, heavy in what CSV and paragraph splitting care about.
cell_text = st.lists(
    st.one_of(
        st.sampled_from(["\n", "\n\n", " \n ", ",", '"', " ", "a"]),
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
            max_size=10,
        ),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=HEALTH)
@given(texts=st.lists(cell_text, min_size=1, max_size=8))
def test_csv_round_trip_keeps_text_and_line_spans(tmp_path, texts):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "author", "text"])
    spans, line = [], 2
    for i, text in enumerate(texts):
        before = buffer.tell()
        writer.writerow([i, f"a{i}", text])
        physical = buffer.getvalue()[before:].count("\n")
        spans.append((line, line + physical - 1))
        line += physical
    path = write(tmp_path, "round.csv", buffer.getvalue())
    (thread,) = parse(path)
    assert [(c.line_start, c.line_end) for c in thread.comments] == spans
    for comment, text in zip(thread.comments, texts, strict=True):
        assert bool(comment.paragraphs) == bool(text.strip())
        assert all(paragraph in text for paragraph in comment.paragraphs)
        assert " ".join(comment.paragraphs).split() == text.split()
    assert thread.unrecognised == ()
