"""Assemble the `Findings` record: what the site reports, computed once, in one place.

Counts are over comments (the unit a reader sees) and are always of comments whose
comment-level status is *assigned*; ambiguous outcomes are reported separately in
the coverage figures rather than counted as findings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import orjson

from themesite.analyse.records import (
    AMBIGUOUS,
    ASSIGNED,
    Assignment,
    CommentVotes,
    Evidence,
    Findings,
    OpinionGroup,
    OpinionSpace,
    Profile,
    Quote,
    Share,
    Tally,
    Theme,
    ThemeFindings,
    ThemeScores,
    VoteSummary,
)


@dataclass(frozen=True)
class UnitInfo:
    """What findings need to know about one analysed comment."""

    comment_id: str
    thread_id: str
    thread_title: str
    author: str | None
    role: str | None
    words: int


def confidence_summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    q = np.quantile(np.array(values, dtype=float), [0.0, 0.25, 0.5, 0.75, 1.0])
    keys = ("min", "q1", "median", "q3", "max")
    summary = {k: round(float(v), 4) for k, v in zip(keys, q, strict=True)}
    summary["mean"] = round(float(np.mean(values)), 4)
    return summary


def build_findings(
    themes: Sequence[Theme],
    comment_assignments: Sequence[Assignment],
    statement_assignments: Sequence[Assignment],
    quotes: Mapping[str, tuple[Quote, ...]],
    units: Sequence[UnitInfo],
    excluded: int,
    statements: int,
    parameters: dict[str, object],
    threads: int | None = None,
    scores: ThemeScores | None = None,
) -> Findings:
    """`threads` counts every thread in the corpus, with or without analysed comments."""
    threads = len({u.thread_id for u in units}) if threads is None else threads
    info = {u.comment_id: u for u in units}
    assigned: dict[str, list[Assignment]] = defaultdict(list)
    by_comment: dict[str, set[str]] = defaultdict(set)
    ambiguous_comments: set[str] = set()
    for item in comment_assignments:
        if item.status == ASSIGNED:
            assigned[item.theme_id].append(item)
            by_comment[item.unit_id].add(item.theme_id)
        elif item.status == AMBIGUOUS:
            ambiguous_comments.add(item.unit_id)
    statement_counts = Counter(a.theme_id for a in statement_assignments if a.status == ASSIGNED)
    theme_findings = []
    for theme in themes:
        items = assigned.get(theme.id, [])
        comment_ids = {a.unit_id for a in items}
        co = Counter(other for cid in comment_ids for other in by_comment[cid] if other != theme.id)
        theme_findings.append(
            ThemeFindings(
                theme=theme,
                comments=len(comment_ids),
                contributors=len({info[c].author for c in comment_ids if info[c].author}),
                threads=tuple(sorted({info[c].thread_id for c in comment_ids})),
                statements=statement_counts.get(theme.id, 0),
                confidence=confidence_summary([a.confidence for a in items]),
                quotes=quotes.get(theme.id, ()),
                co_occurring=tuple(sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    assigned_comments = set(by_comment)
    coverage = {
        "assigned": len(assigned_comments),
        "ambiguous": len(ambiguous_comments - assigned_comments),
        "unassigned": len(info) - len(assigned_comments | ambiguous_comments),
        "excluded": excluded,
    }
    return Findings(
        themes=tuple(theme_findings),
        comment_assignments=tuple(comment_assignments),
        statement_assignments=tuple(statement_assignments),
        coverage=coverage,
        contributors=_profiles(units, by_comment, lambda u: u.author, lambda u: u.author),
        threads=_profiles(units, by_comment, lambda u: u.thread_id, lambda u: u.thread_title),
        corpus={
            "threads": threads,
            "threads_with_comments": len({u.thread_id for u in units}),
            "comments": len(units),
            "excluded_comments": excluded,
            "statements": statements,
            "contributors": len({u.author for u in units if u.author}),
            "words": sum(u.words for u in units),
        },
        scores=scores,
        parameters=parameters,
    )


def _profiles(units, by_comment, key, label) -> tuple[Profile, ...]:
    groups: dict[str, list[UnitInfo]] = defaultdict(list)
    for unit in units:
        if key(unit):
            groups[key(unit)].append(unit)
    profiles = []
    for group_id, members in sorted(groups.items()):
        themes = Counter(t for u in members for t in by_comment.get(u.comment_id, ()))
        profiles.append(
            Profile(
                id=group_id,
                label=label(members[0]),
                comments=len(members),
                themes=dict(sorted(themes.items())),
            )
        )
    return tuple(profiles)


def findings_bytes(findings: Findings) -> bytes:
    """Deterministic JSON in UTF-8: fields in record order, dict keys sorted, rounded
    floats. Bytes, as they are written: at 100k comments the document is 190 MB, and
    each conversion to text and back held another copy."""
    options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    return orjson.dumps(findings, option=options) + b"\n"


def findings_to_json(findings: Findings) -> str:
    """`findings_bytes` as text."""
    return findings_bytes(findings).decode("utf-8")


def findings_from_json(text: str) -> Findings:
    """Typed records back from `findings_to_json`, so exports never work on loose dicts."""
    data = orjson.loads(text)

    def assignment(a: dict) -> Assignment:
        return Assignment(**{**a, "evidence": tuple(Evidence(**e) for e in a["evidence"])})

    themes = tuple(
        ThemeFindings(
            **{
                **t,
                "theme": Theme(**{**t["theme"], "key_terms": tuple(t["theme"]["key_terms"])}),
                "threads": tuple(t["threads"]),
                "quotes": tuple(Quote(**q) for q in t["quotes"]),
                "co_occurring": tuple(tuple(pair) for pair in t["co_occurring"]),
                "votes": _votes(t.get("votes")),
            }
        )
        for t in data["themes"]
    )
    return Findings(
        themes=themes,
        comment_assignments=tuple(map(assignment, data["comment_assignments"])),
        statement_assignments=tuple(map(assignment, data["statement_assignments"])),
        coverage=data["coverage"],
        contributors=tuple(Profile(**p) for p in data["contributors"]),
        threads=tuple(Profile(**p) for p in data["threads"]),
        corpus=data["corpus"],
        parameters=data["parameters"],
        scores=_scores(data.get("scores")),
        opinion_groups=tuple(
            OpinionGroup(**{**g, "participants": tuple(g["participants"])})
            for g in data.get("opinion_groups", ())
        ),
        opinion_spaces=tuple(_space(s) for s in data.get("opinion_spaces", ())),
        comment_votes=tuple(
            CommentVotes(**{**c, "votes": _votes(c["votes"])})
            for c in data.get("comment_votes", ())
        ),
    )


def _tally(data: dict) -> Tally:
    return Tally(
        **{
            **data,
            "agree_share": Share(**data["agree_share"]),
            "disagree_share": Share(**data["disagree_share"]),
        }
    )


def _votes(data: dict | None) -> VoteSummary | None:
    if data is None:
        return None
    groups = {k: _tally(v) for k, v in data["groups"].items()}
    return VoteSummary(_tally(data["overall"]), groups, data["verdict"])


def _space(data: dict) -> OpinionSpace:
    return OpinionSpace(
        **{
            **data,
            "explained": tuple(data["explained"]),
            "points": tuple(tuple(p) for p in data["points"]),
            "point_groups": tuple(data["point_groups"]),
            "warnings": tuple(data["warnings"]),
        }
    )


def _scores(data: dict | None) -> ThemeScores | None:
    if data is None:
        return None
    return ThemeScores(
        themes=tuple(data["themes"]),
        comments=tuple(data["comments"]),
        confidence=tuple(map(tuple, data["confidence"])),
        similarity=tuple(map(tuple, data["similarity"])),
    )


def theme_scores(themes: Sequence[str], found: Sequence[tuple[list[str], np.ndarray]]):
    """The `ThemeScores` of every part's comment scores (None without seeded themes)."""
    comments = [c for ids, _ in found for c in ids]
    if not themes or not comments:
        return None
    table = np.concatenate([scores for ids, scores in found if ids], axis=0)
    order = np.argsort(np.array(comments, dtype=object), kind="stable")

    def rounded(layer: int):
        return tuple(tuple(round(float(v), 4) for v in table[i, :, layer]) for i in order)

    return ThemeScores(tuple(themes), tuple(comments[i] for i in order), rounded(0), rounded(1))
