"""Votes and opinion groups: planted structure is recovered, files are read strictly, and a
Polis conversation's site says how its groups voted."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from tests.conftest import FIXTURES, Cli, snapshot
from themesite.analyse.findings import findings_from_json, findings_to_json
from themesite.analyse.opinions import GroupSettings, form_groups
from themesite.analyse.quotes import Candidate, choose_quotes
from themesite.analyse.records import CONSENSUS, DIVISIVE, REJECTED, Statement
from themesite.analyse.votes import tally, thread_opinions, verdict, wilson
from themesite.errors import InputError
from themesite.ingest.decode import decode_source
from themesite.ingest.records import Comment, Thread
from themesite.ingest.store import read_threads
from themesite.ingest.vote_matrix import _csv_matrix, read_matrix
from themesite.ingest.votes import Ballots, parse_ballots

POLIS = FIXTURES / "polis"
SEATTLE = POLIS / "15-per-hour-seattle"


def _thread(comments: int, thread_id: str = "t") -> Thread:
    return Thread(
        id=thread_id,
        title="Planted",
        source="planted/comments.csv",
        source_sha256="0" * 64,
        format="polis-export",
        published=None,
        byline=None,
        article=(),
        questions=(),
        declared_comments=None,
        comments=tuple(
            Comment(
                id=f"c{i}",
                position=i,
                author=str(i),
                role=None,
                age=None,
                timestamp=None,
                reply_to=None,
                title=None,
                paragraphs=(f"Statement {i}.",),
                line_start=i + 2,
                line_end=i + 2,
                source_id=str(i),
            )
            for i in range(comments)
        ),
        highlights=(),
        ledger=(),
    )


#: Planted comments: 0-11 group A agrees and B disagrees, 12-16 both agree, 17-19 both
#: disagree, 20-29 a coin toss for everyone.
DIVIDING, AGREED, REJECTED_BY_ALL, NOISE = range(12), range(12, 17), range(17, 20), range(20, 30)


def planted(seed: int = 0, sizes: tuple[int, int] = (70, 50)) -> tuple[Ballots, np.ndarray]:
    """A vote matrix with two groups, each participant seeing 70% of the comments."""
    rng = np.random.default_rng(seed)
    truth = np.repeat([0, 1], sizes)
    agree_probability = np.full((2, 30), 0.5)
    agree_probability[0, DIVIDING.start : DIVIDING.stop] = 0.9
    agree_probability[1, DIVIDING.start : DIVIDING.stop] = 0.1
    agree_probability[:, AGREED.start : AGREED.stop] = 0.92
    agree_probability[:, REJECTED_BY_ALL.start : REJECTED_BY_ALL.stop] = 0.06
    chance = agree_probability[truth]
    votes = np.where(rng.random(chance.shape) < chance, 1.0, -1.0)
    votes[rng.random(votes.shape) < 0.08] = 0.0  # some passes
    votes[rng.random(votes.shape) < 0.3] = np.nan  # not seen
    return from_matrix(_thread(30), votes), truth


def from_matrix(thread: Thread, votes: np.ndarray) -> Ballots:
    """Ballots of a participant x comment matrix (NaN: not seen)."""
    voter, comment = np.nonzero(~np.isnan(votes))
    return Ballots(
        thread_id=thread.id,
        source="planted/participants-votes.csv",
        participants=tuple(str(i) for i in range(votes.shape[0])),
        comments=tuple(c.id for c in thread.comments),
        voter=voter.astype(np.int32),
        comment=comment.astype(np.int32),
        vote=votes[voter, comment].astype(np.int8),
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_groups_are_recovered(seed):
    ballots, truth = planted(seed)
    space, groups = form_groups(ballots, set(), GroupSettings())
    assert space.k == len(groups) == 2 and space.placed == len(truth)
    found = {p: g.id for g in groups for p in g.participants}
    assert adjusted_rand_score(truth, [found[p] for p in ballots.participants]) >= 0.9
    assert len(groups[0].participants) >= len(groups[1].participants)  # A is the larger


def test_planted_consensus_and_divisive_comments_are_flagged():
    ballots, _ = planted(3)
    opinions = thread_opinions(_thread(30), ballots, GroupSettings())
    verdicts = {int(c.comment_id[1:]): c.votes.verdict for c in opinions.comments}
    assert all(verdicts[i] == DIVISIVE for i in DIVIDING)
    assert all(verdicts[i] == CONSENSUS for i in AGREED)
    assert all(verdicts[i] == REJECTED for i in REJECTED_BY_ALL)
    assert sum(verdicts[i] != "" for i in NOISE) <= 1
    assert opinions.opposed() >= {f"c{i}" for i in REJECTED_BY_ALL}


def test_grouping_is_deterministic_and_ignores_rejected_comments():
    ballots, _ = planted(4)
    first = form_groups(ballots, set(), GroupSettings())
    assert form_groups(ballots, set(), GroupSettings()) == first
    space, _ = form_groups(ballots, {"c0", "c1"}, GroupSettings())
    assert space.comments == 28


def test_too_few_participants_get_no_groups():
    ballots, _ = planted(5, sizes=(5, 4))
    space, groups = form_groups(ballots, set(), GroupSettings())
    assert groups == () and space.k == 0 and space.placed == 9


def test_wilson_interval():
    share = wilson(8, 10)
    assert share.value == 0.8 and share.low == pytest.approx(0.4902, abs=1e-3)
    assert share.high == pytest.approx(0.9433, abs=1e-3)
    assert wilson(0, 0) == wilson(0, -1)
    assert (wilson(0, 0).low, wilson(0, 0).high) == (0.0, 1.0)


def test_verdict_needs_clear_majorities():
    strong, weak, against = tally(45, 3, 2), tally(6, 4, 0), tally(4, 40, 6)
    assert verdict([strong, strong]) == CONSENSUS
    assert verdict([strong, weak]) == ""  # 60% of 10 is no clear majority
    assert verdict([strong, against]) == DIVISIVE
    assert verdict([against, against]) == REJECTED
    assert verdict([strong]) == ""  # one group: nothing to compare


def test_matrix_and_log_give_the_same_votes(project):
    """The fixture conversation publishes both; the log's last votes are the matrix."""
    assert Cli(project)("add", str(SEATTLE)).exit_code == 0
    (thread,) = read_threads(project / "corpus" / "threads")
    matrix = parse_ballots(
        thread, "s/participants-votes.csv", (SEATTLE / "participants-votes.csv").read_bytes()
    )
    log = parse_ballots(thread, "s/votes.csv", (SEATTLE / "votes.csv").read_bytes())
    rows = {p: i for i, p in enumerate(log.participants)}
    voters = [i for i, p in enumerate(matrix.participants) if p in rows]
    assert len(voters) >= 0.95 * len(log.participants)
    a = matrix.matrix()[voters]
    b = log.matrix()[[rows[matrix.participants[i]] for i in voters]]
    both = ~np.isnan(a) & ~np.isnan(b)
    assert both.sum() > 1000 and (a[both] == b[both]).mean() >= 0.99


@pytest.mark.parametrize(
    ("name", "data", "line", "what"),
    [
        (
            "participants-votes.csv",
            b"participant,group-id,0,1\n1,0,1,yes\n",
            2,
            "'yes' is not a vote",
        ),
        ("participants-votes.csv", b"participant,0,1\n1,1\n", 2, "2 fields"),
        ("participants-votes.csv", b"group-id,0,1\n0,1,1\n", 1, "no participant column"),
        ("participants-votes.csv", b"participant,0\n1,1\n1,-1\n", None, "more than one row"),
        ("votes.csv", b"timestamp,comment-id,voter-id,vote\nsoon,0,1,1\n", 2, "timestamp"),
        ("votes.csv", b"timestamp,comment-id,voter-id,vote\n1,0,1,2\n", 2, "'2' is not a vote"),
        ("votes.csv", b"", None, "empty"),
        ("votes.csv", b"comment-id,voter-id,vote\n0,1,\n", 2, "'' is not a vote"),
        ("participants-votes.csv", b'participant,0\n"1"," yes"\n', 2, "' yes' is not a vote"),
    ],
)
def test_broken_vote_files_name_file_and_line(name, data, line, what):
    with pytest.raises(InputError) as caught:
        parse_ballots(_thread(2), f"conv/{name}", data)
    assert caught.value.line == line and what in str(caught.value)
    assert str(caught.value).startswith(f"conv/{name}" + (f":{line}" if line else ""))


def test_votes_on_unknown_comments_are_reported_not_fatal():
    ballots = parse_ballots(
        _thread(2), "c/participants-votes.csv", b"participant,0,1,7\n1,1,-1,1\n"
    )
    assert ballots.matrix().tolist() == [[1.0, -1.0]]
    assert ballots.warnings and "1 comment(s) not in the corpus" in ballots.warnings[0]


def test_quotes_put_opposed_comments_last():
    def candidate(i: int, score: float) -> Candidate:
        text = f"This is statement number {i} and it is long enough."
        statement = Statement(f"c{i}:0", f"c{i}", "t", str(i), 0, len(text), text, ())
        return Candidate(statement, score)

    candidates = [candidate(1, 0.9), candidate(2, 0.5), candidate(3, 0.4)]
    texts = {c.statement.comment_id: c.statement.text for c in candidates}
    chosen = choose_quotes(candidates, texts, {}, 2, frozenset({"c1"}))
    assert [q.comment_id for q in chosen] == ["c2", "c3"]
    chosen = choose_quotes(candidates, texts, {}, 3, frozenset({"c1"}))
    assert [q.comment_id for q in chosen] == ["c2", "c3", "c1"]


@pytest.fixture
def seattle_site(polis_build):
    return polis_build


def test_findings_carry_groups_and_theme_votes(seattle_site):
    text = (seattle_site / "build" / "findings.json").read_text("utf-8")
    data = json.loads(text)
    groups = data["opinion_groups"]
    assert len(groups) >= 2 and all(g["id"] and g["participants"] for g in groups)
    placed = {p for g in groups for p in g["participants"]}
    assert len(placed) == sum(len(g["participants"]) for g in groups) == 138
    voted = [t for t in data["themes"] if t["comments"]]
    assert voted and all(t["votes"]["groups"] for t in voted)
    findings = findings_from_json(text)
    assert findings_to_json(findings) == text
    assert findings_from_json(findings_to_json(findings)) == findings  # records, not dicts
    assert findings.opinion_spaces[0].title == "$15/hour"


def test_site_shows_how_groups_voted(seattle_site):
    site = seattle_site / "site"
    thread = next((site / "threads").glob("15-hour-*.html")).read_text("utf-8")
    assert "Opinion groups" in thread and "<svg" in thread and "Group A" in thread
    theme = (site / "themes" / "automation.html").read_text("utf-8")
    assert "How participants voted" in theme and "Everyone who voted" in theme
    home = (site / "index.html").read_text("utf-8")
    assert "Where people agree" in home and "Where they split" in home
    assert "Agreed by " in home
    method = (site / "method.html").read_text("utf-8")
    assert "adjusted Rand" in method and "participants-votes.csv" in method
    downloads = site / "downloads"
    for name in ("votes-comments.csv", "votes-themes.csv", "opinion-groups.csv"):
        assert (downloads / name).stat().st_size > 100


def test_opposed_quotes_are_labelled(seattle_site):
    data = json.loads((seattle_site / "build" / "findings.json").read_text("utf-8"))
    votes = {c["comment_id"]: c["votes"]["overall"] for c in data["comment_votes"]}
    quoted = [q for t in data["themes"] for q in t["quotes"]]
    opposed = [
        q for q in quoted if votes[q["comment_id"]]["disagree"] > votes[q["comment_id"]]["agree"]
    ]
    for theme in data["themes"]:
        ids = [q["comment_id"] for q in theme["quotes"]]
        flags = [votes[c]["disagree"] > votes[c]["agree"] for c in ids]
        assert flags == sorted(flags)  # opposed ones only after all the others
    if opposed:
        pages = " ".join(
            p.read_text("utf-8") for p in (seattle_site / "site" / "themes").glob("*.html")
        )
        assert "More voters disagreed than agreed." in pages


def test_a_broken_votes_file_fails_the_build_and_keeps_the_site(seattle_site, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(seattle_site, root)
    before = snapshot(root / "site")
    votes = root / "corpus" / "raw" / "15-per-hour-seattle" / "participants-votes.csv"
    lines = votes.read_text("utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",maybe"
    votes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = Cli(root)("build")
    assert result.exit_code == 1
    message = result.output.strip().splitlines()
    assert len(message) == 1 and "participants-votes.csv:4" in message[0]
    assert "'maybe' is not a vote" in message[0]
    assert snapshot(root / "site") == before


def test_an_export_with_vote_counts_shows_them_without_groups(project):
    rows = ["author,text,Agrees,Disagrees"]
    for i in range(12):
        agree, disagree = (40, 3) if i % 3 else (2, 30)
        rows.append(
            f"p{i},Statement {i} says that public transport needs more money.,{agree},{disagree}"
        )
    (project / "incoming.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli = Cli(project)
    assert cli("add", str(project / "incoming.csv")).exit_code == 0
    result = cli("build")
    assert result.exit_code == 0, result.output
    data = json.loads((project / "build" / "findings.json").read_text("utf-8"))
    assert data["opinion_groups"] == [] and data["opinion_spaces"] == []
    votes = [c["votes"] for c in data["comment_votes"]]
    assert len(votes) == 12 and all(v["groups"] == {} and v["verdict"] == "" for v in votes)
    assert sorted({(v["overall"]["agree"], v["overall"]["disagree"]) for v in votes}) == [
        (2, 30),
        (40, 3),
    ]
    site = project / "site"
    thread = next((site / "threads").glob("*.html")).read_text("utf-8")
    assert "Agreed by 40, disagreed by 3" in thread and "More voters disagreed" in thread
    assert "Opinion groups" not in thread
    assert (site / "downloads" / "votes-comments.csv").exists()
    assert not (site / "downloads" / "opinion-groups.csv").exists()
    assert "Where people agree" not in (site / "index.html").read_text("utf-8")


def test_a_corpus_without_votes_has_no_vote_sections(seed_build):
    data = json.loads((seed_build / "build" / "findings.json").read_text("utf-8"))
    assert data["opinion_groups"] == data["comment_votes"] == []
    assert all(t["votes"] is None for t in data["themes"])
    pages = [p.read_text("utf-8") for p in (seed_build / "site").rglob("*.html")]
    assert not any("How participants voted" in p or "ts-votes" in p for p in pages)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "0", "1"]),
            st.lists(st.sampled_from(["", "", "", "1", "-1", "0", " 1"]), min_size=4, max_size=4),
        ),
        min_size=1,
        max_size=12,
    ),
    st.booleans(),
)
def test_both_matrix_readers_agree(rows, crlf):
    """The bytes reader takes unquoted files; the csv reader every file: same votes."""
    lines = ["participant,group-id,n-votes,0,1,2,9"]
    lines += [f"{i},{group},4," + ",".join(cells) for i, (group, cells) in enumerate(rows)]
    text = decode_source((("\r\n" if crlf else "\n").join(lines) + "\n").encode(), "m.csv")
    columns = {"0": 0, "1": 1, "2": 2}
    fast = read_matrix("m.csv", text, columns)
    slow = _csv_matrix("m.csv", text, columns)
    assert (fast.participants, fast.groups, fast.unknown_columns) == (
        slow.participants,
        slow.groups,
        slow.unknown_columns,
    )

    def entries(found):
        return sorted(zip(*(x.tolist() for x in found.entries), strict=True))

    assert entries(fast) == entries(slow)


def test_a_rebuild_with_votes_is_byte_identical(polis_build, tmp_path):
    root = shutil.copytree(polis_build, tmp_path / "again")
    shutil.rmtree(root / "site")
    shutil.rmtree(root / "build")
    assert Cli(root)("build").exit_code == 0
    assert snapshot(root / "site") == snapshot(polis_build / "site")


def test_positions_are_the_exact_principal_components():
    """The randomized SVD of the sparse centred votes gives the PCA of the filled matrix."""
    from themesite.analyse.opinions import principal_positions

    ballots, _ = planted(6)
    shape = (len(ballots.participants), len(ballots.comments))
    points, explained = principal_positions(ballots.voter, ballots.comment, ballots.vote, shape, 13)
    dense = ballots.matrix()
    filled = np.where(np.isnan(dense), np.nanmean(dense, axis=0), dense)
    centred = filled - filled.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    for i in range(2):
        assert abs(np.corrcoef(points[:, i], u[:, i] * s[i])[0, 1]) > 0.9999
    assert explained == pytest.approx(s[:2] ** 2 / (s**2).sum(), rel=1e-4)
