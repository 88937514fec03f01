"""The researcher's judgement applied to an analysis: decisions on themes, verdicts on comments.

Two kinds of judgement outlive a rebuild, and both are applied here, after discovery and
before the findings are counted, so that every page and export agrees with them:

- *decisions* on whole themes (`corpus/decisions.yml`): rename one, merge some into one,
  drop one, or mark a discovered theme as promoted into the taxonomy (its outcomes then
  count for the taxonomy theme);
- *verdicts* on one comment and one theme (`corpus/labels/reviews.csv`): `yes` gives the
  comment the theme whatever the model said, `no` takes it away.

Verdicts also supervise the model (`supervised`): a `yes` comment is an example of its
theme, a `no` comment a counter-example, when it is short enough to be one claim
(`EXAMPLE_WORDS`); a longer comment is only overridden. Nothing here reads a file; a decision or a
verdict that names a theme or a comment the analysis no longer has is returned as a
warning naming its file and line, never dropped in silence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from themesite.analyse.records import ASSIGNED, Assignment, Evidence, Quote, Theme
from themesite.analyse.taxonomy import Taxonomy

YES = "yes"
NO = "no"
#: A reviewed comment longer than this is not made an example: a comment of several
#: paragraphs says several things, and on the seeds one of 150 words as an example of
#: 'speed' lowered every speed statement's confidence (11 comments assigned -> 8), where
#: a one-sentence example left it as it was (10).
EXAMPLE_WORDS = 60


@dataclass(frozen=True)
class Verdict:
    """A reviewer's answer for one comment and one theme, and where it is written."""

    comment_id: str
    theme_id: str
    decision: str  # YES or NO
    reviewer: str
    decided_at: str
    where: str  # "path:line"


@dataclass(frozen=True)
class Decision:
    """One entry of the decisions file: `action` on `theme_id` (see the module docstring)."""

    action: str  # "rename", "merge", "drop" or "promote"
    theme_id: str
    value: str = ""  # the new label (rename), the theme merged into (merge), the taxonomy id
    where: str = ""  # "path:line"


@dataclass(frozen=True)
class Shaping:
    decisions: tuple[Decision, ...] = ()
    verdicts: tuple[Verdict, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.decisions or self.verdicts)

    def aliases(self) -> dict[str, str]:
        """Theme id -> the id its outcomes now count for (merged or promoted themes)."""
        return {d.theme_id: d.value for d in self.decisions if d.action in ("merge", "promote")}

    def moved(self) -> dict[str, str]:
        """Theme id -> the theme whose page now shows it: merged and promoted themes to
        their target, dropped ones to none ("")."""
        drops = {d.theme_id: "" for d in self.decisions if d.action == "drop"}
        return {**drops, **self.aliases()}

    def resolved(self) -> list[Verdict]:
        """The verdicts, each naming the theme it now counts for."""
        aliases = self.aliases()
        return [replace(v, theme_id=aliases.get(v.theme_id, v.theme_id)) for v in self.verdicts]


#: A project with neither decisions nor reviews.
NO_SHAPING = Shaping()


@dataclass(frozen=True)
class Shaped:
    themes: list[Theme]
    comments: list[Assignment]
    statements: list[Assignment]
    quotes: dict[str, tuple[Quote, ...]]
    warnings: tuple[str, ...] = field(default=())


def supervised(taxonomy: Taxonomy, shaping: Shaping, texts: Mapping[str, str]) -> Taxonomy:
    """The taxonomy with every `yes` comment as an example of its theme and every `no`
    comment as a counter-example (verdicts on comments not in `texts` teach nothing)."""
    known = {t.id for t in taxonomy.themes}
    examples: dict[str, list[str]] = {}
    counters: dict[str, list[str]] = {}
    for verdict in sorted(shaping.resolved(), key=lambda v: (v.theme_id, v.comment_id)):
        text = texts.get(verdict.comment_id)
        if text is None or verdict.theme_id not in known or len(text.split()) > EXAMPLE_WORDS:
            continue
        target = examples if verdict.decision == YES else counters
        target.setdefault(verdict.theme_id, []).append(" ".join(text.split()))
    themes = []
    for theme in taxonomy.with_examples(
        {
            t: [x for x in items if x not in taxonomy.theme(t).examples]
            for t, items in examples.items()
        }
    ).themes:
        extra = tuple(x for x in counters.get(theme.id, ()) if x not in theme.counter_examples)
        themes.append(replace(theme, counter_examples=theme.counter_examples + extra))
    return replace(taxonomy, themes=tuple(themes))


def shape(
    themes: Sequence[Theme],
    comments: Sequence[Assignment],
    statements: Sequence[Assignment],
    quotes: Mapping[str, tuple[Quote, ...]],
    shaping: Shaping,
    comment_ids: set[str],
    quotes_max: int,
) -> Shaped:
    """The analysis's themes and outcomes with the decisions, then the verdicts, applied."""
    if not shaping:
        return Shaped(list(themes), list(comments), list(statements), dict(quotes))
    warnings: list[str] = []
    present = {t.id for t in themes}
    labels: dict[str, str] = {}
    gone: set[str] = set()
    target: dict[str, str] = {}
    for decision in shaping.decisions:
        if decision.theme_id not in present:
            if decision.action != "promote":  # a promoted theme is expected to vanish
                warnings.append(
                    f"{decision.where}: {decision.action} names theme '{decision.theme_id}', "
                    "which this analysis did not find (delete the entry, or correct the id "
                    "from 'themesite export themes')"
                )
            continue
        if decision.action == "rename":
            labels[decision.theme_id] = decision.value
        elif decision.action == "drop":
            gone.add(decision.theme_id)
        elif decision.value in present:
            target[decision.theme_id] = decision.value
        else:
            warnings.append(
                f"{decision.where}: {decision.action} moves theme '{decision.theme_id}' into "
                f"'{decision.value}', which this analysis does not have (for promote: run "
                f"'themesite promote {decision.theme_id}'; for merge: correct the id)"
            )
    gone |= set(target)

    def kept(theme_id: str) -> str | None:
        theme_id = target.get(theme_id, theme_id)
        return None if theme_id in gone else theme_id

    shaped_themes = [
        replace(
            t,
            label=labels.get(t.id, t.label),
            parent=kept(t.parent) if t.parent else None,
        )
        for t in themes
        if t.id not in gone
    ]
    comment_outcomes = _moved(comments, kept)
    statement_outcomes = _moved(statements, kept)
    merged_quotes: dict[str, list[Quote]] = {}
    for theme_id in sorted(quotes):
        into = kept(theme_id)
        if into is not None:
            merged_quotes.setdefault(into, []).extend(quotes[theme_id])
    remaining = {t.id for t in shaped_themes}
    refused: set[tuple[str, str]] = set()
    confirmed: dict[tuple[str, str], Verdict] = {}
    for verdict in shaping.resolved():
        if verdict.comment_id not in comment_ids or verdict.theme_id not in remaining:
            what = (
                f"comment '{verdict.comment_id}'"
                if verdict.comment_id not in comment_ids
                else f"theme '{verdict.theme_id}'"
            )
            warnings.append(
                f"{verdict.where}: the review names {what}, which this analysis does not "
                "have, so it is not applied (delete the row, or review the theme again)"
            )
            continue
        key = (verdict.comment_id, verdict.theme_id)
        if verdict.decision == YES:
            confirmed[key] = verdict
        else:
            refused.add(key)
    comment_outcomes = [
        a for a in comment_outcomes if (a.unit_id, a.theme_id) not in refused | set(confirmed)
    ]
    comment_outcomes += [_confirmed(v) for v in confirmed.values()]
    statement_outcomes = [
        a for a in statement_outcomes if (_comment(a.unit_id), a.theme_id) not in refused
    ]
    final_quotes = {}
    for theme_id, items in merged_quotes.items():
        chosen = [q for q in items if (q.comment_id, theme_id) not in refused]
        if len(chosen) > quotes_max:  # themes merged: their best quotes, best first
            chosen = sorted(chosen, key=lambda q: (-q.score, q.statement_id))[:quotes_max]
        final_quotes[theme_id] = tuple(chosen)
    return Shaped(
        themes=shaped_themes,
        comments=sorted(comment_outcomes, key=lambda a: (a.unit_id, a.theme_id)),
        statements=sorted(statement_outcomes, key=lambda a: (a.unit_id, a.theme_id)),
        quotes=final_quotes,
        warnings=tuple(warnings),
    )


def _comment(unit_id: str) -> str:
    return unit_id.rsplit(":", 1)[0]


def _moved(outcomes: Sequence[Assignment], kept) -> list[Assignment]:
    """Outcomes under the theme each now counts for; where two meet, the stronger stays."""
    best: dict[tuple[str, str], Assignment] = {}
    for item in outcomes:
        theme_id = kept(item.theme_id)
        if theme_id is None:
            continue
        moved = replace(item, theme_id=theme_id)
        key = (item.unit_id, theme_id)
        current = best.get(key)
        if current is None or _strength(moved) > _strength(current):
            best[key] = moved
    return list(best.values())


def _strength(item: Assignment) -> tuple[bool, float]:
    return item.status == ASSIGNED, item.confidence


def _confirmed(verdict: Verdict) -> Assignment:
    detail = f"yes by {verdict.reviewer} at {verdict.decided_at}"
    return Assignment(
        verdict.comment_id,
        verdict.theme_id,
        ASSIGNED,
        1.0,
        (Evidence("review", detail, 1.0),),
    )
