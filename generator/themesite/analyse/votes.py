"""How comments and themes were voted, overall and by each opinion group.

A share is of the participants who saw a comment (agreed, disagreed or passed), with
a 95% Wilson interval for one comment; for a theme, votes are pooled over its
comments and the interval comes from resampling those comments (a participant votes
on many of them, so the votes are not independent draws; the comments are).

One rule, the same for a comment and for a theme, says what the groups' votes add up
to, so a reader can check every flag against the shares shown beside it:

- a group *agrees* when the lower end of its agree share's interval is above 50%,
  and *disagrees* when the lower end of its disagree share's interval is;
- **consensus**: every group agrees; **rejected**: every group disagrees;
- **divisive**: one group agrees while another's agree share is surely below 50%
  (the upper end of its interval), or one disagrees while another's disagree share is.

Without opinion groups (counts from a CSV export, no vote matrix) only the overall
tally is known and no verdict is given.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from themesite.analyse.opinions import GroupSettings, form_groups
from themesite.analyse.records import (
    ASSIGNED,
    CONSENSUS,
    DIVISIVE,
    REJECTED,
    CommentVotes,
    Findings,
    OpinionGroup,
    OpinionSpace,
    Share,
    Tally,
    VoteSummary,
)
from themesite.ingest.formats.export_table import fold_column
from themesite.ingest.records import Comment, Thread
from themesite.ingest.votes import Ballots

#: The two-sided 95% normal quantile.
Z = 1.959964
#: Resamples of a theme's comments for its intervals.
BOOTSTRAP = 1_000
#: Comment attributes read as vote counts where a conversation has no vote matrix
#: (first name found wins; names folded as export columns are): Polis's comments.csv
#: and exports with such columns.
VOTE_ATTRIBUTES = {
    "agree": ("agrees", "agree", "agree_count", "agree_votes"),
    "disagree": ("disagrees", "disagree", "disagree_count", "disagree_votes"),
    "passed": ("passes", "pass", "pass_count", "pass_votes"),
}


@dataclass(frozen=True)
class Opinions:
    """Everything the votes of a corpus say, before themes are known."""

    groups: tuple[OpinionGroup, ...] = ()
    spaces: tuple[OpinionSpace, ...] = ()
    comments: tuple[CommentVotes, ...] = ()

    @classmethod
    def join(cls, parts: Iterable[Opinions]) -> Opinions:
        """One corpus's opinions from its threads' (given in thread id order)."""
        ordered = list(parts)
        return cls(
            tuple(g for o in ordered for g in o.groups),
            tuple(s for o in ordered for s in o.spaces),
            tuple(c for o in ordered for c in o.comments),
        )

    def opposed(self) -> frozenset[str]:
        """Comments more voters disagreed with than agreed with: never typical of a theme."""
        return frozenset(c.comment_id for c in self.comments if opposed(c.votes.overall))


def wilson(successes: int, total: int) -> Share:
    """`successes / total` with its Wilson score interval ([0, 1] when nobody voted)."""
    (share,) = wilson_shares(np.array([successes]), np.array([total]))
    return share


def wilson_shares(successes: np.ndarray, totals: np.ndarray) -> list[Share]:
    """`wilson` for many counts at once (a conversation's comments, one group)."""
    n = np.maximum(totals, 1).astype(np.float64)
    p = successes / n
    denominator = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denominator
    half = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denominator
    low = np.where(totals > 0, np.maximum(0.0, centre - half), 0.0)
    high = np.where(totals > 0, np.minimum(1.0, centre + half), 1.0)
    columns = (np.round(np.where(totals > 0, p, 0.0), 4), np.round(low, 4), np.round(high, 4))
    return [Share(*values) for values in zip(*(c.tolist() for c in columns), strict=True)]


def tally(agree: int, disagree: int, passed: int) -> Tally:
    (found,) = tallies(np.array([agree]), np.array([disagree]), np.array([passed]))
    return found


def tallies(agree: np.ndarray, disagree: np.ndarray, passed: np.ndarray) -> list[Tally]:
    """One `Tally` per position of the count arrays."""
    seen = agree + disagree + passed
    agreed, disagreed = wilson_shares(agree, seen), wilson_shares(disagree, seen)
    rows = zip(agree.tolist(), disagree.tolist(), passed.tolist(), seen.tolist(), strict=True)
    return [Tally(*row, a, d) for row, a, d in zip(rows, agreed, disagreed, strict=True)]


def opposed(votes: Tally) -> bool:
    return votes.disagree > votes.agree


def verdict(groups: Sequence[Tally]) -> str:
    """CONSENSUS, REJECTED, DIVISIVE or "" for these groups' tallies (see the module)."""
    if len(groups) < 2:
        return ""
    agrees = [g.agree_share.low > 0.5 for g in groups]
    disagrees = [g.disagree_share.low > 0.5 for g in groups]
    if all(agrees):
        return CONSENSUS
    if all(disagrees):
        return REJECTED
    if any(agrees) and any(g.agree_share.high < 0.5 for g in groups):
        return DIVISIVE
    if any(disagrees) and any(g.disagree_share.high < 0.5 for g in groups):
        return DIVISIVE
    return ""


def thread_opinions(thread: Thread, ballots: Ballots | None, settings: GroupSettings) -> Opinions:
    """A conversation's groups and per-comment votes: from its ballots when it has them,
    from vote-count attributes otherwise."""
    if ballots is None:
        return Opinions(comments=tuple(_from_attributes(thread)))
    excluded = {c.id for c in thread.comments if c.excluded}
    space, groups = form_groups(ballots, excluded, settings, thread.title)
    return Opinions(groups, (space,), tuple(_from_ballots(ballots, groups, excluded)))


def _from_ballots(
    ballots: Ballots, groups: Sequence[OpinionGroup], excluded: set[str]
) -> list[CommentVotes]:
    row = {p: i for i, p in enumerate(ballots.participants)}
    member = np.full(len(ballots.participants), -1)
    for g, group in enumerate(groups):
        member[[row[p] for p in group.participants]] = g
    width = len(ballots.comments)
    overall_votes = tallies(*_counts(ballots.comment, ballots.vote, width))
    in_group = member[ballots.voter]
    by_group = {}
    for g, group in enumerate(groups):
        mine = in_group == g
        by_group[group.id] = tallies(*_counts(ballots.comment[mine], ballots.vote[mine], width))
    found = []
    for column, comment_id in enumerate(ballots.comments):
        overall = overall_votes[column]
        if comment_id in excluded or overall.seen == 0:
            continue
        per_group = {g.id: by_group[g.id][column] for g in groups}
        summary = VoteSummary(overall, per_group, verdict(list(per_group.values())))
        found.append(CommentVotes(comment_id, ballots.thread_id, summary))
    return found


def _counts(comment: np.ndarray, vote: np.ndarray, width: int):
    """Agree, disagree and pass counts per comment column."""
    return tuple(np.bincount(comment[vote == code], minlength=width) for code in (1, -1, 0))


def _from_attributes(thread: Thread) -> list[CommentVotes]:
    found = []
    for comment in thread.comments:
        counts = _attribute_counts(comment)
        if counts is not None and not comment.excluded and sum(counts) > 0:
            found.append(CommentVotes(comment.id, thread.id, VoteSummary(tally(*counts), {})))
    return found


def _attribute_counts(comment: Comment) -> tuple[int, int, int] | None:
    """(agree, disagree, passed) from the comment's attributes; None without agree and
    disagree counts written as whole numbers."""
    folded = {fold_column(name): value for name, value in comment.attributes.items()}
    values = []
    for names in VOTE_ATTRIBUTES.values():
        text = next((folded[n] for n in names if n in folded), "")
        values.append(int(text) if text.strip().isdigit() else None)
    agree, disagree, passed = values
    if agree is None or disagree is None:
        return None
    return agree, disagree, passed or 0


def with_votes(findings: Findings, opinions: Opinions, settings: GroupSettings) -> Findings:
    """The findings with the opinions and each theme's pooled vote summary."""
    if not opinions.comments and not opinions.spaces:
        return findings
    seed = settings.seed
    by_comment = {c.comment_id: c for c in opinions.comments}
    members: dict[str, list[str]] = {}
    for item in findings.comment_assignments:
        if item.status == ASSIGNED and item.unit_id in by_comment:
            members.setdefault(item.theme_id, []).append(item.unit_id)
    themes = tuple(
        replace(
            found,
            votes=theme_votes(
                [by_comment[c] for c in sorted(members.get(found.theme.id, ()))],
                opinions.groups,
                _seed(seed, found.theme.id),
            ),
        )
        for found in findings.themes
    )
    return replace(
        findings,
        themes=themes,
        opinion_groups=opinions.groups,
        opinion_spaces=opinions.spaces,
        comment_votes=opinions.comments,
        parameters={**findings.parameters, "opinion_groups": asdict(settings)},
    )


def _seed(seed: int, theme_id: str) -> list[int]:
    return [seed, zlib.crc32(theme_id.encode("utf-8"))]


def theme_votes(
    comments: Sequence[CommentVotes], groups: Sequence[OpinionGroup], seed: Sequence[int]
) -> VoteSummary | None:
    """Votes pooled over a theme's comments, overall and for each group that saw them."""
    if not comments:
        return None
    draws = None
    if len(comments) > 1:
        rng = np.random.default_rng(list(seed))
        draws = rng.integers(0, len(comments), size=(BOOTSTRAP, len(comments)))
    overall = _pooled([c.votes.overall for c in comments], draws)
    threads = {c.thread_id for c in comments}
    per_group = {}
    for group in groups:
        if group.thread_id in threads:
            tallies = [c.votes.groups.get(group.id) for c in comments]
            per_group[group.id] = _pooled([t or tally(0, 0, 0) for t in tallies], draws)
    return VoteSummary(overall, per_group, verdict(list(per_group.values())))


def _pooled(tallies: Sequence[Tally], draws: np.ndarray | None) -> Tally:
    agree = sum(t.agree for t in tallies)
    disagree = sum(t.disagree for t in tallies)
    pooled = tally(agree, disagree, sum(t.passed for t in tallies))
    if draws is None:
        return pooled
    counts = np.array([[t.agree, t.disagree, t.seen] for t in tallies], dtype=np.float64)
    sums = counts[draws].sum(axis=1)
    seen = np.maximum(sums[:, 2], 1)
    return replace(
        pooled,
        agree_share=_interval(pooled.agree_share.value, sums[:, 0] / seen),
        disagree_share=_interval(pooled.disagree_share.value, sums[:, 1] / seen),
    )


def _interval(value: float, resampled: np.ndarray) -> Share:
    low, high = np.quantile(resampled, [0.025, 0.975])
    return Share(value, round(float(low), 4), round(float(high), 4))
