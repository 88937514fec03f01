"""Typed records of the analyse stage: statements, evidence, assignments, themes, findings.

The unit of analysis is a `Statement` (a sentence, or a short run of sentences) that
always points back to its comment and character offsets, so every quote on the site
can be checked against the corpus. Comment-level outcomes aggregate statement-level
ones; both keep the evidence that produced them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ASSIGNED = "assigned"
AMBIGUOUS = "ambiguous"
SEEDED = "seeded"
DISCOVERED = "discovered"
#: Verdicts on votes across opinion groups (see `analyse.votes`).
CONSENSUS = "consensus"
REJECTED = "rejected"
DIVISIVE = "divisive"


@dataclass(frozen=True)
class Statement:
    id: str  # "<comment id>:<index>"
    comment_id: str
    thread_id: str
    author: str | None
    start: int  # character offsets into Comment.text
    end: int
    text: str
    lemmas: tuple[str, ...]  # lower-case content lemmas, the features every model uses


@dataclass(frozen=True)
class Evidence:
    """Why a theme was considered: a matched pattern or a similar example statement."""

    kind: str  # "pattern", "example" or "model"
    detail: str
    score: float


@dataclass(frozen=True)
class Assignment:
    """A theme outcome for one statement or one comment (`unit_id`)."""

    unit_id: str
    theme_id: str
    status: str  # ASSIGNED or AMBIGUOUS; unassigned units have no Assignment
    confidence: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Quote:
    text: str  # an exact substring of the comment's text
    comment_id: str
    statement_id: str
    thread_id: str
    author: str | None
    role: str | None
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Share:
    """A proportion of votes with its 95% interval."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Tally:
    """Votes on one comment, or pooled over a theme's comments, by one group or by all."""

    agree: int
    disagree: int
    passed: int
    seen: int  # agree + disagree + passed
    agree_share: Share  # of those who saw it
    disagree_share: Share


@dataclass(frozen=True)
class VoteSummary:
    """How a comment or a theme was voted: by everyone, by each opinion group (by id), and
    what that says across groups (CONSENSUS, REJECTED, DIVISIVE or "")."""

    overall: Tally
    groups: dict[str, Tally]
    verdict: str = ""


@dataclass(frozen=True)
class CommentVotes:
    comment_id: str
    thread_id: str
    votes: VoteSummary


@dataclass(frozen=True)
class OpinionGroup:
    """Participants of one conversation who vote alike; `participants` are the ids the
    vote export gives them."""

    id: str
    thread_id: str
    label: str
    participants: tuple[str, ...]


@dataclass(frozen=True)
class OpinionSpace:
    """One conversation's vote map: who could be placed, how the groups were chosen, and
    each placed participant's position (for the map) and group."""

    thread_id: str
    title: str  # the conversation's
    source: str  # the votes file, relative to corpus/raw
    participants: int  # rows of the vote file
    voters: int  # participants with at least one vote on an analysed comment
    placed: int
    min_votes: int
    comments: int  # comments voted on and not rejected by a moderator
    k: int = 0
    silhouettes: dict[str, float] = field(default_factory=dict)
    explained: tuple[float, ...] = ()  # variance share of the two components
    points: tuple[tuple[float, float], ...] = ()
    point_groups: tuple[str, ...] = ()
    #: Adjusted Rand index against the groups in the export (Polis's own), if it has them.
    reference_agreement: float | None = None
    #: What reading the votes file passed over (votes on comments not in the corpus).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    kind: str  # SEEDED or DISCOVERED
    description: str
    key_terms: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class ThemeFindings:
    theme: Theme
    comments: int
    contributors: int
    threads: tuple[str, ...]
    statements: int
    confidence: dict[str, float]  # min, quartiles, median, mean, max over assigned comments
    quotes: tuple[Quote, ...]
    co_occurring: tuple[tuple[str, int], ...]  # (theme id, comments sharing both)
    votes: VoteSummary | None = None  # pooled over its assigned comments that were voted on


@dataclass(frozen=True)
class Profile:
    """Theme counts for one contributor or one thread: theme id -> assigned comments."""

    id: str
    label: str
    comments: int
    themes: dict[str, int]


@dataclass(frozen=True)
class ThemeScores:
    """Every analysed comment's confidence and zero-shot similarity for every seeded
    theme, assigned or not, so a researcher can rank and review (rows follow `comments`,
    columns `themes`)."""

    themes: tuple[str, ...]
    comments: tuple[str, ...]
    confidence: tuple[tuple[float, ...], ...]
    similarity: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Findings:
    themes: tuple[ThemeFindings, ...]
    comment_assignments: tuple[Assignment, ...]
    statement_assignments: tuple[Assignment, ...]
    coverage: dict[str, int]  # comments: assigned, ambiguous, unassigned, excluded
    contributors: tuple[Profile, ...]
    threads: tuple[Profile, ...]
    corpus: dict[str, int]
    parameters: dict[str, object] = field(default_factory=dict)
    scores: ThemeScores | None = None
    opinion_groups: tuple[OpinionGroup, ...] = ()
    opinion_spaces: tuple[OpinionSpace, ...] = ()
    comment_votes: tuple[CommentVotes, ...] = ()
