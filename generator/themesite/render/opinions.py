"""Page contexts for votes: vote lines on quotes and comments, a theme's votes by opinion
group, the home page's "where people agree" and "where they split", and a
conversation's map of participants.

Every figure shown comes from `Findings` as computed in `analyse.votes`; this module
only chooses, orders and labels. A group is named "Group A" within its conversation,
and "Group A (its conversation)" where a site has several, so no label is ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup

from themesite.analyse.records import (
    CONSENSUS,
    DIVISIVE,
    REJECTED,
    CommentVotes,
    Findings,
    OpinionSpace,
    Tally,
    VoteSummary,
)
from themesite.analyse.votes import opposed, tally
from themesite.render.charts import opinion_map
from themesite.render.links import Link

#: Statements listed under "where people agree" and "where they split" on the home page.
LISTED = 10


@dataclass(frozen=True)
class VoteLine:
    """One comment's votes, as a quote card or a comment shows them."""

    overall: Tally
    opposed: bool  # more voters disagreed than agreed
    verdict: str


@dataclass(frozen=True)
class GroupRow:
    label: str
    participants: int
    tally: Tally


@dataclass(frozen=True)
class VoteTable:
    """How a comment or a theme was voted: overall, then group by group."""

    overall: Tally
    groups: tuple[GroupRow, ...]
    verdict: str


@dataclass(frozen=True)
class StatementRow:
    text: str
    source: Link
    votes: VoteTable


@dataclass(frozen=True)
class Agreement:
    """The home page's summary of the votes."""

    conversations: int
    groups: int
    placed: int
    voters: int
    consensus_themes: tuple[Link, ...]
    divisive_themes: tuple[Link, ...]
    rejected_themes: tuple[Link, ...]
    agreed: tuple[StatementRow, ...]
    split: tuple[StatementRow, ...]
    agreed_total: int
    split_total: int


@dataclass(frozen=True)
class OpinionMapView:
    """A conversation's participants on the vote map, and its groups."""

    space: OpinionSpace
    svg: Markup
    groups: tuple[GroupRow, ...]


class VoteViews:
    """Labels and lookups built once per site, shared by every page's context."""

    def __init__(self, findings: Findings, titles: Mapping[str, str]) -> None:
        self.findings = findings
        self.by_comment = {c.comment_id: c for c in findings.comment_votes}
        several = len(findings.opinion_spaces) > 1
        self.labels = {
            g.id: f"{g.label} ({titles.get(g.thread_id, g.thread_id)})" if several else g.label
            for g in findings.opinion_groups
        }
        self.short = {g.id: g.label for g in findings.opinion_groups}
        self.sizes = {g.id: len(g.participants) for g in findings.opinion_groups}

    def line(self, comment_id: str) -> VoteLine | None:
        found = self.by_comment.get(comment_id)
        if found is None:
            return None
        votes = found.votes
        return VoteLine(votes.overall, opposed(votes.overall), votes.verdict)

    def table(self, summary: VoteSummary | None, short: bool = False) -> VoteTable | None:
        """The summary's rows; `short` labels omit the conversation (one comment's groups
        are all of its own conversation)."""
        if summary is None:
            return None
        labels = self.short if short else self.labels
        rows = tuple(
            GroupRow(labels[g], self.sizes[g], tally) for g, tally in sorted(summary.groups.items())
        )
        return VoteTable(summary.overall, rows, summary.verdict)

    def map_of(self, thread_id: str) -> OpinionMapView | None:
        space = next((s for s in self.findings.opinion_spaces if s.thread_id == thread_id), None)
        if space is None or not space.k:
            return None
        groups = [g for g in self.findings.opinion_groups if g.thread_id == thread_id]
        names = {g.id: g.label for g in groups}
        rows = tuple(
            GroupRow(g.label, len(g.participants), _group_tally(self.findings, g.id))
            for g in groups
        )
        svg = opinion_map(
            f"ts-map-{thread_id}",
            space.points,
            [names[g] for g in space.point_groups],
            [g.label for g in groups],
        )
        return OpinionMapView(space, Markup(svg), rows)

    def agreement(
        self, theme_link: Callable[[str], Link], statement: Callable[[CommentVotes], StatementRow]
    ) -> Agreement | None:
        findings = self.findings
        if not findings.opinion_groups:
            return None
        voted = [c for c in findings.comment_votes if c.votes.groups]
        agreed = sorted(
            (c for c in voted if c.votes.verdict == CONSENSUS),
            key=lambda c: (-_lowest_agree(c.votes), c.comment_id),
        )
        split = sorted(
            (c for c in voted if c.votes.verdict == DIVISIVE),
            key=lambda c: (-_spread(c.votes), c.comment_id),
        )

        def themes(verdict: str) -> tuple[Link, ...]:
            return tuple(
                theme_link(t.theme.id)
                for t in findings.themes
                if t.votes is not None and t.votes.verdict == verdict
            )

        return Agreement(
            conversations=len(findings.opinion_spaces),
            groups=len(findings.opinion_groups),
            placed=sum(s.placed for s in findings.opinion_spaces),
            voters=sum(s.voters for s in findings.opinion_spaces),
            consensus_themes=themes(CONSENSUS),
            divisive_themes=themes(DIVISIVE),
            rejected_themes=themes(REJECTED),
            agreed=tuple(statement(c) for c in agreed[:LISTED]),
            split=tuple(statement(c) for c in split[:LISTED]),
            agreed_total=len(agreed),
            split_total=len(split),
        )


def _lowest_agree(votes: VoteSummary) -> float:
    return min(t.agree_share.value for t in votes.groups.values())


def _spread(votes: VoteSummary) -> float:
    shares = [t.agree_share.value for t in votes.groups.values()]
    return max(shares) - min(shares)


def _group_tally(findings: Findings, group_id: str) -> Tally:
    """Every vote the group cast on the conversation's analysed comments, pooled."""
    tallies = [
        c.votes.groups[group_id] for c in findings.comment_votes if group_id in c.votes.groups
    ]
    return tally(
        sum(t.agree for t in tallies),
        sum(t.disagree for t in tallies),
        sum(t.passed for t in tallies),
    )
