"""Stable discovered-theme ids, retired-theme redirects, the What changed page, `themesite diff`.

Unit tests of the matching and the comparison as pure functions, then the proof the
issue asks for on the real command: build the seeds, add a Polis conversation, rebuild.
The expected What changed page (tests/golden/changes/) was checked by hand against the
two builds' records; after a reviewed change regenerate it with

    THEMESITE_REGEN_GOLDEN=1 pytest tests/test_changes.py
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, Cli, built, shipped_project, snapshot
from themesite.analyse.changes import compare, report_lines
from themesite.analyse.continuity import retirements, stable_ids
from themesite.analyse.snapshot import (
    Snapshot,
    ThemeRecord,
    ThreadRecord,
    read_snapshot,
    snapshot_to_json,
)
from themesite.errors import InputError
from themesite.history import Previous
from themesite.render.changes import redirect_pages

GOLDEN = REPO / "tests" / "golden" / "changes"
POLIS = FIXTURES / "polis" / "15-per-hour-seattle"


def theme(id: str, comments: str, terms: str = "", kind: str = "discovered", quotes=()):
    """A theme's record; its label is its id without d-, capitalised."""
    label = id.removeprefix("d-").title()
    members = tuple(sorted(comments.split()))
    return ThemeRecord(id, label, kind, tuple(terms.split()), members, tuple(quotes))


def record(*themes: ThemeRecord, comments: str = "a b c d e f g h", **fields) -> Snapshot:
    return Snapshot(
        themes=themes,
        threads=(ThreadRecord("t1", "Thread one", tuple(comments.split())),),
        discovered=tuple(t for t in themes if t.kind == "discovered"),
        issued=tuple(sorted(t.id for t in themes if t.kind == "discovered")),
        **fields,
    )


# -- matching ------------------------------------------------------------------------


def test_first_build_keeps_the_ids_discovery_gave():
    found = [theme("d-pay", "a b"), theme("d-hours", "c d")]
    continuity = stable_ids(found, None)
    assert continuity.mapping == {"d-hours": "d-hours", "d-pay": "d-pay"}
    assert continuity.new == ("d-hours", "d-pay") and not continuity.vanished


def test_a_theme_discovery_renamed_keeps_its_id():
    previous = record(theme("d-wages", "a b c d", "wage pay"), theme("d-hours", "e f", "hour"))
    found = [theme("d-pay", "a b c d g", "pay wage raise"), theme("d-shifts", "e f h", "shift")]
    continuity = stable_ids(found, previous, frozenset(["a", "b", "c", "d", "e", "f", "g", "h"]))
    assert continuity.mapping == {"d-pay": "d-wages", "d-shifts": "d-hours"}
    assert continuity.kept == ("d-hours", "d-wages") and continuity.new == ()
    assert [t.id for t in continuity.discovered] == ["d-wages", "d-hours"]


def test_matching_is_one_to_one_and_counts_only_comments_both_builds_have():
    previous = record(theme("d-wages", "a b c d"))
    # Both overlap d-wages; the closer one (over the old comments) takes the id.
    found = [theme("d-pay", "a b x y z"), theme("d-money", "a b c")]
    continuity = stable_ids(found, previous, frozenset(["a", "b", "c", "d", "x", "y", "z"]))
    assert continuity.mapping == {"d-money": "d-wages", "d-pay": "d-pay"}


def test_a_new_theme_never_takes_an_id_an_earlier_build_issued():
    previous = Snapshot(themes=(), threads=(), issued=("d-hours", "d-pay", "d-pay-2"))
    continuity = stable_ids([theme("d-pay", "a b")], previous, frozenset("ab"))
    assert continuity.mapping == {"d-pay": "d-pay-3"}
    assert continuity.issued == ("d-hours", "d-pay", "d-pay-2", "d-pay-3")


def test_an_unmatched_old_theme_vanishes():
    previous = record(theme("d-wages", "a b c"), theme("d-weather", "g h", "rain"))
    continuity = stable_ids([theme("d-pay", "a b c")], previous, frozenset("abcdefgh"))
    assert continuity.vanished == ("d-weather",)
    assert continuity.mapping == {"d-pay": "d-wages"}


# -- retirements (redirects) ---------------------------------------------------------


def test_retired_ids_lead_to_the_theme_holding_their_comments_or_to_what_changed():
    previous = record(
        theme("d-wages", "a b c d"),
        theme("d-weather", "g h"),
        theme("d-owners", "e f"),
        retired={"d-old": "d-weather"},
    )
    continuity = stable_ids(
        [theme("d-wages", "a b c d"), theme("d-owners", "e f")], previous, frozenset("abcdefgh")
    )
    # A decision merged d-owners into d-wages; d-weather vanished (nobody holds its comments).
    members = {"d-wages": frozenset("abcdef")}
    retired = retirements(previous, continuity, members, {"d-owners": "d-wages"})
    assert retired == {"d-old": "", "d-owners": "d-wages", "d-weather": ""}


def test_a_live_theme_is_never_retired_and_chains_are_followed():
    previous = record(theme("d-pay", "a b"), retired={"d-a": "d-b", "d-b": "d-pay", "d-c": "d-c"})
    continuity = stable_ids([theme("d-pay", "a b")], previous, frozenset("ab"))
    retired = retirements(previous, continuity, {"d-pay": frozenset("ab"), "d-c": frozenset()})
    assert retired == {"d-a": "d-pay", "d-b": "d-pay"}


def test_redirect_pages_lead_to_the_successor_or_the_what_changed_page():
    pages = redirect_pages({"d-owners": "d-wages", "d-weather": ""}, {"d-wages"})
    assert set(pages) == {"themes/d-owners.html", "themes/d-weather.html"}
    assert b'url=d-wages.html"' in pages["themes/d-owners.html"]
    assert b'url=../changes.html#vanished"' in pages["themes/d-weather.html"]


# -- comparison ----------------------------------------------------------------------


def test_compare_lists_what_moved():
    before = record(
        theme("d-wages", "a b c", quotes=("old quote",)),
        theme("d-weather", "g"),
        theme("silos", "d e", kind="seeded"),
        comments="a b c d e g",
        agreement={"model": {"micro_f1": 0.5, "kappa": 0.4}},
    )
    after = Snapshot(
        themes=(
            theme("d-wages", "a b c f", quotes=("new quote",)),
            theme("silos", "e", kind="seeded"),
            theme("d-hours", "h i"),
        ),
        threads=(
            ThreadRecord("t1", "Thread one", tuple(["a", "b", "c", "d", "e", "f"])),
            ThreadRecord("t2", "Thread two", ("h", "i")),
        ),
        agreement={"model": {"micro_f1": 0.6, "kappa": 0.5}},
        retired={"d-weather": ""},
    )
    changes = compare(before, after)
    assert [t.id for t in changes.texts_added] == ["t2"] and not changes.texts_removed
    assert (changes.comments_added, changes.comments_removed) == (3, 1)
    assert [t.id for t in changes.appeared] == ["d-hours"]
    assert [(t.id, t.left) for t in changes.vanished] == [("d-weather", ("g",))]
    assert [(t.id, t.joined, t.left) for t in changes.grew] == [("d-wages", ("f",), ())]
    assert [(t.id, t.before, t.after, t.left) for t in changes.shrank] == [("silos", 2, 1, ("d",))]
    assert changes.quotes[0].quotes_added == ("new quote",)
    assert changes.quotes[0].quotes_removed == ("old quote",)
    assert list(report_lines(changes)) == [
        "text added: Thread two (2 comments) [t2]",
        "comments: 3 added, 1 removed",
        "theme appeared: Hours [d-hours] with 2 comments",
        "theme vanished: Weather [d-weather] had 1 comment",
        "theme grew: Wages [d-wages] 3 -> 4; joined: f",
        "theme shrank: Silos [silos] 2 -> 1; left: d",
        "quotes of Wages [d-wages]: 1 new, 1 gone",
        "agreement (model): micro F1 0.500, kappa 0.400 -> micro F1 0.600, kappa 0.500",
        "unchanged: 0 themes",
    ]


def test_first_build_and_nothing_changed_say_so():
    same = record(theme("d-wages", "a b"))
    assert list(report_lines(compare(None, same))) == [
        "There is no previous build to compare with."
    ]
    assert list(report_lines(compare(same, same))) == ["Nothing changed (1 theme the same)."]


def test_a_record_round_trips_byte_for_byte(tmp_path):
    first = record(theme("d-wages", "a b", "wage"), retired={"d-x": ""})
    path = tmp_path / "snapshot.json"
    path.write_bytes(snapshot_to_json(first))
    assert read_snapshot(path) == first
    assert snapshot_to_json(read_snapshot(path)) == path.read_bytes()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"themesite_snapshot": 1,\n "themes": [\n', "snapshot.json:3: not valid JSON"),
        ('{"themesite_snapshot": 1}\n', "snapshot.json: not a themesite build record"),
        ('{"themesite_snapshot": 7, "themes": []}\n', "snapshot.json: not a themesite build"),
        ("[1, 2]\n", "snapshot.json: not a themesite build record or findings file"),
    ],
)
def test_a_broken_record_names_the_file(tmp_path, text, where):
    path = tmp_path / "snapshot.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_snapshot(path)
    assert str(raised.value).startswith(f"{tmp_path}/{where}")


def test_a_rebuild_that_finds_the_same_keeps_the_last_comparison():
    older, last = record(theme("d-pay", "a")), record(theme("d-pay", "a b"))
    assert Previous(last, older, chained=True).baseline(last) == older
    assert Previous(last, None, chained=True).baseline(last) is None
    changed = record(theme("d-pay", "a b c"))
    assert Previous(last, older, chained=True).baseline(changed) == last
    # A committed or a given record is always what the page compares with.
    assert Previous(last).baseline(last) == last


# -- the real command: seeds, then a Polis conversation ------------------------------


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> dict:
    """The shipped project built, then built again after adding a Polis conversation."""
    root = shipped_project(tmp_path_factory.mktemp("grown"))
    built(root)
    first = {
        "record": json.loads((root / "build" / "snapshot.json").read_text("utf-8")),
        "page": (root / "build" / "docs" / "changes.md").read_text("utf-8"),
        "site": snapshot(root / "site"),
    }
    assert Cli(root)("add", str(POLIS)).exit_code == 0
    built(root)
    return {"root": root, **first}


def _copy(grown: dict, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(grown["root"], root)
    return root


def test_first_build_says_plainly_there_is_no_previous_build(grown):
    assert "This is the first build: there is no previous build to compare with" in grown["page"]
    assert "Themes that" not in grown["page"]


def test_same_themes_keep_their_ids_and_urls(grown):
    root = grown["root"]
    after = json.loads((root / "build" / "snapshot.json").read_text("utf-8"))
    seeds = {c for t in grown["record"]["threads"] for c in t["comments"]}
    now = {t["id"]: set(t["comments"]) & seeds for t in after["themes"]}
    for old in grown["record"]["themes"]:
        # Every theme of the first build is found again under its id, mostly the same comments,
        overlap = set(old["comments"]) & now[old["id"]]
        assert len(overlap) >= 0.8 * len(old["comments"]), old["id"]
        # and its page is still a theme page at the same URL.
        page = (root / "site" / "themes" / f"{old['id']}.html").read_text("utf-8")
        assert "http-equiv" not in page and old["label"] in page
    assert set(grown["site"]) - set(snapshot(root / "site")) <= {"sitemap.xml.gz"}


def test_what_changed_page_lists_exactly_what_moved(grown):
    page = (grown["root"] / "build" / "docs" / "changes.md").read_text("utf-8")
    golden = GOLDEN / "seeds-then-15-per-hour.md"
    if os.environ.get("THEMESITE_REGEN_GOLDEN"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text("utf-8")
    html = (grown["root"] / "site" / "changes.html").read_text("utf-8")
    assert '<h2 id="quotes-that-changed">' in html and '<h3 id="silos">Silos</h3>' in html
    assert 'href="changes.html"' in (grown["root"] / "site" / "index.html").read_text("utf-8")


def test_diff_prints_the_same_comparison(grown):
    result = Cli(grown["root"])("diff")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "text added: $15/hour (54 comments) [15-hour-85fec79e]",
        "comments: 54 added, 0 removed",
        "theme appeared: Businesses [d-businesses] with 16 comments",
        "theme appeared: CMO and CIO [d-cmo-and-cio] with 10 comments",
        "theme appeared: Minimum wage [d-minimum-wage] with 12 comments",
        "theme appeared: Pandemic [d-pandemic] with 14 comments",
        "theme grew: Collaboration [d-collaboration] 13 -> 14; "
        "joined: cb712f7c4b992, cfd53721fb38e; left: c468ed95c4b82",
        "theme grew: Technology [d-technology] 18 -> 19; "
        "joined: c396065d2c07d, c87a294f9a8c3; left: cb76c216ba45a",
        "theme grew: Speed [speed] 11 -> 12; joined: cbd853b16f52d",
        "quotes of Collaboration [d-collaboration]: 2 new, 2 gone",
        "quotes of Silos [silos]: 1 new, 1 gone",
        "quotes of Speed [speed]: 1 new, 1 gone",
        "agreement (model): micro F1 0.936, kappa 0.915 -> micro F1 0.936, kappa 0.915",
        "agreement (patterns only): micro F1 0.925, kappa 0.901 -> micro F1 0.925, kappa 0.901",
        "unchanged: 3 themes",
    ]
    build = grown["root"] / "build"
    given = Cli(grown["root"])(
        "diff", str(build / "previous-snapshot.json"), str(build / "snapshot.json")
    )
    assert given.stdout == result.stdout


def test_building_again_changes_nothing(grown, tmp_path):
    root = _copy(grown, tmp_path)
    before = snapshot(root / "build")
    assert Cli(root)("build", "--force").exit_code == 0
    after = snapshot(root / "build")
    for name in ("docs/changes.md", "snapshot.json", "previous-snapshot.json"):
        assert after[name] == before[name], name
    assert snapshot(root / "site") == snapshot(grown["root"] / "site")


@pytest.fixture(scope="module")
def decided(grown, tmp_path_factory) -> Path:
    """The grown project built again after a previous build that called 'Technology'
    d-tech, with decisions naming d-tech (a rename) and merging d-pandemic."""
    root = _copy(grown, tmp_path_factory.mktemp("decided"))
    path = root / "build" / "snapshot.json"
    path.write_text(path.read_text("utf-8").replace('"d-technology"', '"d-tech"'), "utf-8")
    (root / "corpus" / "decisions.yml").write_text(
        "version: 1\nrename:\n  d-tech: Technology and systems\n"
        "merge:\n  d-businesses: [d-pandemic]\n",
        encoding="utf-8",
    )
    built(root)
    return root


def test_ids_hold_when_discovery_renames_and_decisions_name_stable_ids(decided):
    """The theme keeps the previous build's id d-tech and its URL, the decision naming
    d-tech applies, and a merged theme's URL leads to its target."""
    root, path = decided, decided / "build" / "snapshot.json"
    themes = {t["id"]: t for t in json.loads(Cli(root)("export", "themes").stdout)}
    assert themes["d-tech"]["label"] == "Technology and systems"
    assert themes["d-tech"]["kind"] == "discovered"
    assert "d-technology" not in themes and "d-pandemic" not in themes
    site = root / "site" / "themes"
    assert "Technology and systems" in (site / "d-tech.html").read_text("utf-8")
    assert not (site / "d-technology.html").exists()
    assert 'url=d-businesses.html"' in (site / "d-pandemic.html").read_text("utf-8")
    lines = Cli(root)("diff").stdout.splitlines()
    assert "theme renamed: Technology -> Technology and systems [d-tech]" in lines
    assert (
        "theme vanished: Pandemic [d-pandemic] had 14 comments, its page leads to d-businesses"
        in lines
    )
    record = json.loads(path.read_text("utf-8"))
    assert record["retired"] == {"d-pandemic": "d-businesses"}
    assert "d-pandemic" in {t["id"] for t in record["discovered"]}


def test_a_committed_record_wins_so_every_machine_builds_the_same_site(grown, tmp_path):
    root = _copy(grown, tmp_path)
    shutil.copy(root / "build" / "previous-snapshot.json", root / "corpus" / "snapshot.json")
    built(root)
    # Compared with the committed record, not with the last build in build/.
    assert (root / "build" / "docs" / "changes.md").read_bytes() == (
        grown["root"] / "build" / "docs" / "changes.md"
    ).read_bytes()
    assert snapshot(root / "site") == snapshot(grown["root"] / "site")


@pytest.mark.parametrize("where", ["build/snapshot.json", "corpus/snapshot.json", "--previous"])
def test_a_broken_record_stops_the_build_in_one_line_and_changes_nothing(grown, tmp_path, where):
    root = _copy(grown, tmp_path)
    bad = tmp_path / "bad.json" if where == "--previous" else root / where
    bad.write_text('{"themesite_snapshot": 1,\n  "themes": [}\n', encoding="utf-8")
    before = snapshot(root)
    args = ["build", "--previous", str(bad)] if where == "--previous" else ["build"]
    result = Cli(root)(*args)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}:2: not valid JSON"), lines
    assert "Traceback" not in result.output
    assert snapshot(root) == before


def test_diff_refuses_one_file_and_a_broken_one(grown, tmp_path):
    cli = Cli(grown["root"])
    one = cli("diff", str(grown["root"] / "build" / "snapshot.json"))
    assert one.exit_code == 1 and "give both OLD and NEW" in one.stderr
    bad = tmp_path / "old.json"
    bad.write_text("not json\n", encoding="utf-8")
    result = cli("diff", str(bad), str(grown["root"] / "build" / "snapshot.json"))
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"error: {bad}:1: not valid JSON")
    assert len(result.stderr.strip().splitlines()) == 1


def test_diff_before_any_build_says_to_build(cli):
    result = cli("diff")
    assert result.exit_code == 1 and "run 'themesite build' first" in result.stderr


def test_broken_decisions_stop_the_build_before_the_corpus_changes(grown, tmp_path):
    root = _copy(grown, tmp_path)
    # A new source waits in corpus/raw: a build would re-ingest before it analyses.
    shutil.copy(FIXTURES / "polis" / "brexit-consensus" / "comments.csv", root / "corpus" / "raw")
    (root / "corpus" / "decisions.yml").write_text(
        "version: 1\nrename:\n  d-tech: [not, a, label]\n", encoding="utf-8"
    )
    before = snapshot(root)
    result = Cli(root)("build")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "decisions.yml:3:" in lines[0], lines
    assert snapshot(root) == before


def test_a_retired_theme_url_lands_on_its_successor_in_a_browser(decided, browser):
    page = browser.new_page()
    page.goto((decided / "site" / "themes" / "d-pandemic.html").as_uri())
    page.wait_for_url("**/themes/d-businesses.html")
    assert page.locator("h1").first.inner_text() == "Businesses"
    page.close()


def test_what_changed_page_reads_cleanly_in_a_browser(grown, browser):
    """No console errors or failed requests, and no serious accessibility violations."""
    from tests.test_browser import Reader, _serve, serious_violations

    server, url = _serve(grown["root"] / "site")
    reader = Reader(browser)
    try:
        assert serious_violations(reader, url + "changes.html") == []
        assert reader.clean(), (reader.errors[:3], reader.failed[:3])
    finally:
        reader.page.close()
        server.shutdown()


def test_the_dask_engine_keeps_the_same_ids(decided, tmp_path):
    """The renaming happens on the engine's partitions: on Dask workers too."""
    pytest.importorskip("distributed")
    root = tmp_path / "dask"
    shutil.copytree(decided, root)
    doctored = root / "build" / "previous-snapshot.json"  # what `decided` compared with
    result = Cli(root)("build", "--engine", "dask", "--previous", str(doctored))
    assert result.exit_code == 0, result.output
    assert snapshot(root / "site") == snapshot(decided / "site")
