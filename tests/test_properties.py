"""Property tests: parsers raise only InputError on arbitrary text; the store round-trips."""

from __future__ import annotations

import contextlib
import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from themesite.config import IngestConfig
from themesite.errors import InputError
from themesite.ingest.pipeline import parse_file
from themesite.ingest.store import thread_from_dict, thread_to_json

# Lines that steer text into every layout's code paths, mixed with arbitrary text.
LAYOUT_LINES = [
    "16 Comments",
    "Oldest",
    "Newest Most Voted",
    "View all comments",
    "Zel Bianco",
    "Active Member",
    "Member",
    "3 years ago",
    "Reply to  Zel Bianco",
    "BrainTrust",
    '"a quote"',
    "More Discussions",
    "Discussion Questions",
    "DISCUSSION QUESTIONS: Why?",
    "Poll",
    "By Ann Author",
    "June 25, 2012",
    "Photo: Getty",
    "",
    "",
    "",
]
line = st.one_of(
    st.sampled_from(LAYOUT_LINES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40).map(
        lambda s: s.replace("\n", " ").replace("\r", " ")
    ),
)
pages = st.lists(line, min_size=0, max_size=60).map("\n".join)
SUFFIXES = [".txt", ".csv", ".jsonl", ".html"]
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(text=pages, suffix=st.sampled_from(SUFFIXES))
def test_parsers_raise_only_input_errors(tmp_path, text, suffix):
    path = tmp_path / f"page{suffix}"
    path.write_text(text, encoding="utf-8")
    try:
        threads = parse_file(path, path.name, IngestConfig())
    except InputError:
        return
    for thread in threads:
        assert thread_from_dict(json.loads(thread_to_json(thread))) == thread
        ids = [c.id for c in thread.comments]
        assert len(ids) == len(set(ids))


@settings(max_examples=200, deadline=None, suppress_health_check=HEALTH)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_input_errors(tmp_path, data):
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    with contextlib.suppress(InputError):
        parse_file(path, path.name, IngestConfig())


names = st.text(alphabet=string.ascii_letters + " .'-<>{}&\"", min_size=1, max_size=20)
bodies = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1)


@settings(max_examples=150, deadline=None, suppress_health_check=HEALTH)
@given(comments=st.lists(st.tuples(names, bodies), min_size=1, max_size=8))
def test_csv_comments_round_trip_through_the_store(tmp_path, comments):
    import csv

    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["author", "text"])
        writer.writerows(comments)
    try:
        [thread] = parse_file(path, path.name, IngestConfig())
    except InputError:
        return
    assert thread_from_dict(json.loads(thread_to_json(thread))) == thread
