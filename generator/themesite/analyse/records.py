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
