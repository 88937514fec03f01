"""The researcher in the loop: review sheets, reviews.csv, decisions.yml and promote, end to end
on the seeds, with every broken file named by line and nothing changed."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Cli, shipped_project, snapshot
from themesite.analyse.records import ASSIGNED, Assignment, Evidence, Quote, Theme
from themesite.analyse.shaping import Decision, Shaping, Verdict, shape
from themesite.analyse.taxonomy import load_taxonomy
from themesite.review.sheet import BAND

AT = "2026-12-03T10:00:00Z"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> Path:
    """The shipped project, analysed once; tests work on copies of it."""
    root = shipped_project(tmp_path_factory.mktemp("review"))
    result = Cli(root)("analyse")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def copy(analysed: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(analysed, root)
    return root


def findings(root: Path) -> dict:
    return json.loads((root / "build" / "findings.json").read_text("utf-8"))


def outcomes(root: Path, theme_id: str) -> dict[str, dict]:
    return {
        a["unit_id"]: a
        for a in findings(root)["comment_assignments"]
        if a["theme_id"] == theme_id and a["status"] == ASSIGNED
    }


def sheet(root: Path, theme: str) -> list[dict[str, str]]:
    result = Cli(root)("review", theme)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def write_sheet(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def discovered(root: Path) -> list[str]:
    return [
        t["theme"]["id"] for t in findings(root)["themes"] if t["theme"]["kind"] == "discovered"
    ]


def test_the_sheet_lists_every_comment_once_uncertain_rows_first(analysed):
    rows = sheet(analysed, "Speed")  # the label works as well as the id
    comments = {c["comment_id"] for c in _comments(analysed)}
    assert [r["comment_id"] for r in rows] != sorted(r["comment_id"] for r in rows)
    assert sorted(r["comment_id"] for r in rows) == sorted(comments)
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    assert {r["theme_id"] for r in rows} == {"speed"}
    boundary = findings(analysed)["parameters"]["assign_threshold"]

    def uncertain(row):
        return row["status"] == "ambiguous" or abs(float(row["confidence"]) - boundary) <= BAND

    flags = [uncertain(r) for r in rows]
    first = flags.index(False)
    assert first >= 1 and not any(flags[first:]), "uncertain rows must come first"
    assert all(r["decision"] == "" and r["other_theme"] == "" for r in rows)
    assigned = outcomes(analysed, "speed")
    assert {r["comment_id"] for r in rows if r["status"] == "assigned"} == set(assigned)
    assert all(r["text"] for r in rows)


def test_the_sheet_is_the_same_on_every_run_and_written_to_a_file(copy):
    out = copy / "speed.csv"
    result = Cli(copy)("review", "speed", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 48 rows" in result.stderr
    assert out.read_text("utf-8") == Cli(copy)("review", "speed").stdout


def test_an_unknown_theme_is_one_line_with_the_nearest_names_and_no_file(copy):
    out = copy / "sheet.csv"
    result = Cli(copy)("review", "sped", "--output", str(out))
    assert result.exit_code == 1
    assert "no theme 'sped'" in result.stderr and "'speed'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def _comments(root: Path) -> list[dict]:
    result = Cli(root)("export", "comments", "--format", "jsonl")
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_applied_reviews_are_recorded_and_override_the_model(copy):
    rows = sheet(copy, "speed")
    refused = next(r for r in rows if r["status"] == "assigned")
    confirmed = next(r for r in rows if r["status"] == "unassigned")
    moved = next(r for r in rows if r["status"] == "unassigned" and r is not confirmed)
    refused["decision"], confirmed["decision"] = "no", " YES "
    moved["other_theme"] = "silos"
    path = write_sheet(copy / "speed.csv", rows)
    cli = Cli(copy)
    result = cli("review", "--apply", str(path), "--reviewer", "ana", "--at", AT)
    assert result.exit_code == 0, result.output
    assert "3 added, 0 changed, 0 unchanged; 45 rows without a decision" in result.stdout
    reviews = (copy / "corpus" / "labels" / "reviews.csv").read_text("utf-8")
    expected = sorted(
        [
            f"{refused['comment_id']},speed,no,ana,{AT}",
            f"{confirmed['comment_id']},speed,yes,ana,{AT}",
            f"{moved['comment_id']},silos,yes,ana,{AT}",
        ]
    )
    assert (
        reviews == "comment_id,theme_id,decision,reviewer,decided_at\n" + "\n".join(expected) + "\n"
    )
    again = cli("review", "--apply", str(path), "--reviewer", "bo", "--at", "2027-01-01T00:00:00Z")
    assert "0 added, 0 changed, 3 unchanged" in again.stdout
    assert (copy / "corpus" / "labels" / "reviews.csv").read_text("utf-8") == reviews

    assert cli("analyse").exit_code == 0
    speed = outcomes(copy, "speed")
    assert refused["comment_id"] not in speed
    assert speed[confirmed["comment_id"]]["evidence"][0]["kind"] == "review"
    assert "yes by ana" in speed[confirmed["comment_id"]]["evidence"][0]["detail"]
    assert moved["comment_id"] in outcomes(copy, "silos")
    after = {r["comment_id"]: r for r in sheet(copy, "speed")}
    assert after[confirmed["comment_id"]]["status"] == "assigned"

    refused["decision"] = "yes"
    changed = cli("review", "--apply", str(write_sheet(path, rows)), "--at", AT)
    assert "0 added, 1 changed, 2 unchanged" in changed.stdout


@pytest.mark.parametrize(
    ("edit", "line", "says"),
    [
        (lambda rows, header: rows[1].update(decision="maybe"), 3, "decision 'maybe'"),
        (
            lambda rows, header: rows[0].update(comment_id="c-gone", decision="yes"),
            2,
            "not in the corpus",
        ),
        (
            lambda rows, header: rows[2].update(other_theme="no-such-theme"),
            4,
            "theme 'no-such-theme'",
        ),
        (
            lambda rows, header: (
                rows[0].update(decision="yes"),
                rows.insert(1, dict(rows[0], decision="no")),
            ),
            3,
            "keep one answer",
        ),
        (lambda rows, header: header.remove("decision"), 1, "needs the columns"),
    ],
    ids=["unknown-decision", "stale-comment", "unknown-theme", "contradiction", "no-column"],
)
def test_a_broken_sheet_names_the_file_and_line_and_changes_nothing(copy, edit, line, says):
    """`line` counts rows as if each were one line (header = 1)."""
    rows = sheet(copy, "speed")
    rows[3]["decision"] = "yes"  # a good row too: nothing is applied unless everything is
    header = list(rows[0])
    edit(rows, header)
    path = copy / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    before = snapshot(copy / "corpus")
    result = Cli(copy)("review", "--apply", str(path))
    assert result.exit_code == 1
    # the line a text editor shows: comments before it may span several lines
    shown = (
        1 if line == 1 else 2 + sum(1 + "".join(r.values()).count("\n") for r in rows[: line - 2])
    )
    assert f"{path}:{shown}:" in result.stderr and says in result.stderr
    assert snapshot(copy / "corpus") == before


@pytest.mark.parametrize(
    ("rows", "line", "says"),
    [
        (["c1,speed,perhaps,ana,x"], 2, "decision 'perhaps'"),
        (["{c},speed,yes,ana,x", ",speed,no,ana,x"], 3, "needs a comment_id"),
        (["{c},speed,yes,ana,x", "{c},speed,no,bo,y"], 3, "already decided"),
    ],
    ids=["bad-decision", "no-comment", "twice"],
)
def test_a_broken_reviews_file_stops_the_analysis_at_its_line(copy, rows, line, says):
    comment = sheet(copy, "speed")[0]["comment_id"]
    path = copy / "corpus" / "labels" / "reviews.csv"
    body = "\n".join(r.format(c=comment) for r in rows)
    path.write_text(f"comment_id,theme_id,decision,reviewer,decided_at\n{body}\n", "utf-8")
    before = snapshot(copy / "build")
    result = Cli(copy)("analyse")
    assert result.exit_code == 1
    assert f"{path}:{line}:" in result.stderr and says in result.stderr
    assert snapshot(copy / "build") == before


def test_decisions_rename_merge_and_drop_discovered_themes(copy):
    first, second, third = discovered(copy)[:3]
    members = {t: set(outcomes(copy, t)) for t in (first, second, third)}
    (copy / "corpus" / "decisions.yml").write_text(
        f"version: 1\nrename:\n  {first}: Our tech stack\nmerge:\n  {second}: [{third}]\n",
        "utf-8",
    )
    result = Cli(copy)("analyse")
    assert result.exit_code == 0, result.output
    themes = {t["theme"]["id"]: t["theme"] for t in findings(copy)["themes"]}
    assert themes[first]["label"] == "Our tech stack"
    assert third not in themes and second in themes
    assert set(outcomes(copy, second)) == members[second] | members[third]
    assert findings(copy)["parameters"]["shaping"] == {"decisions": 2, "reviews": 0}

    (copy / "corpus" / "decisions.yml").write_text(f"drop:\n  - {first}\n", "utf-8")
    assert Cli(copy)("analyse").exit_code == 0
    assert first not in {t["theme"]["id"] for t in findings(copy)["themes"]}
    assert not outcomes(copy, first)


def test_a_decision_naming_a_theme_the_analysis_lacks_is_a_warning(copy):
    (copy / "corpus" / "decisions.yml").write_text("version: 1\ndrop:\n  - d-gone\n", "utf-8")
    result = Cli(copy)("analyse")
    assert result.exit_code == 0, result.output
    assert "decisions.yml:3: drop names theme 'd-gone'" in result.stderr


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("version: 1\nrenme:\n  d-x: Y\n", 2, "unknown key 'renme'"),
        ("version: 2\n", 1, "unknown version"),
        ("merge:\n  d-x: [d-x]\n", 2, "merged into itself"),
        ("drop: d-x\n", 1, "'drop' must be a list"),
        ("rename:\n  d-x: A\n  d-x: B\n", 3, "already in a rename entry"),
        ("merge:\n  d-x: [d-y]\n  d-z: [d-x]\n", 3, "receives a merge"),
        ("rename: [\n", 2, "not valid YAML"),
    ],
    ids=["unknown-key", "version", "self-merge", "drop-scalar", "twice", "chain", "yaml"],
)
def test_a_broken_decisions_file_names_its_line_and_changes_nothing(copy, text, line, says):
    path = copy / "corpus" / "decisions.yml"
    path.write_text(text, "utf-8")
    before = snapshot(copy)
    result = Cli(copy)("analyse")
    assert result.exit_code == 1
    assert f"{path}:{line}" in result.stderr and says in result.stderr
    assert snapshot(copy) == before


def test_promote_drafts_a_taxonomy_theme_from_a_discovered_one(copy):
    theme_id = discovered(copy)[0]
    item = next(t for t in findings(copy)["themes"] if t["theme"]["id"] == theme_id)
    taxonomy = copy / "corpus" / "taxonomy.yml"
    old = taxonomy.read_text("utf-8")
    result = Cli(copy)("promote", theme_id, "--id", "tech-stack")
    assert result.exit_code == 0, result.output
    assert "added theme tech-stack" in result.stdout
    new = taxonomy.read_text("utf-8")
    assert new.startswith(old.rstrip("\n"))  # the researcher's file, comments and all, kept
    entry = load_taxonomy(taxonomy).theme("tech-stack")
    assert entry.label == item["theme"]["label"]
    assert item["theme"]["key_terms"][0] in entry.description
    assert list(entry.examples) == [q["text"] for q in item["quotes"]]
    decisions = (copy / "corpus" / "decisions.yml").read_text("utf-8")
    assert decisions == f"version: 1\npromote:\n  {theme_id}: tech-stack\n"

    assert Cli(copy)("analyse").exit_code == 0
    themes = {t["theme"]["id"]: t["theme"]["kind"] for t in findings(copy)["themes"]}
    assert themes["tech-stack"] == "seeded" and theme_id not in themes

    again = Cli(copy)("promote", "speed")
    assert again.exit_code == 1 and "already in the taxonomy" in again.stderr


def test_promote_refuses_a_bad_id_and_changes_nothing(copy):
    before = snapshot(copy / "corpus")
    result = Cli(copy)("promote", discovered(copy)[0], "--id", "Not An Id")
    assert result.exit_code == 1 and "is not a theme id" in result.stderr
    taken = Cli(copy)("promote", discovered(copy)[0], "--id", "silos")
    assert taken.exit_code == 1 and "already a theme 'silos'" in taken.stderr
    assert snapshot(copy / "corpus") == before


def _outcome(comment: str, theme: str, confidence: float, status: str = ASSIGNED):
    return Assignment(comment, theme, status, confidence, (Evidence("model", "m", confidence),))


def test_shape_merges_to_the_stronger_outcome_and_warns_of_stale_verdicts():
    themes = [Theme(t, t.upper(), "discovered", "") for t in ("d-a", "d-b")]
    comments = [_outcome("c1", "d-a", 0.6), _outcome("c1", "d-b", 0.9), _outcome("c2", "d-b", 0.7)]
    quotes = {
        "d-a": (Quote("a quote", "c1", "c1:0", "t", None, None, 0, 7, 0.6),),
        "d-b": (Quote("b quote", "c2", "c2:0", "t", None, None, 0, 7, 0.7),),
    }
    shaping = Shaping(
        decisions=(Decision("merge", "d-b", "d-a", "decisions.yml:2"),),
        verdicts=(
            Verdict("c2", "d-b", "no", "ana", AT, "reviews.csv:2"),  # follows the merge
            Verdict("c9", "d-a", "yes", "ana", AT, "reviews.csv:3"),
        ),
    )
    shaped = shape(themes, comments, [], quotes, shaping, {"c1", "c2"}, quotes_max=3)
    assert [t.id for t in shaped.themes] == ["d-a"]
    assert [(a.unit_id, a.theme_id, a.confidence) for a in shaped.comments] == [("c1", "d-a", 0.9)]
    assert [q.comment_id for q in shaped.quotes["d-a"]] == ["c1"]
    assert shaped.warnings == (
        "reviews.csv:3: the review names comment 'c9', which this analysis does not have, "
        "so it is not applied (delete the row, or review the theme again)",
    )
