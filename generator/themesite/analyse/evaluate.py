"""Agreement between the pipeline's comment-level themes and a human coding file.

The coding file is a CSV with `comment_id` and `themes` (theme ids separated by `;`,
empty for none); other columns (a coder's note) are ignored. Only the comments the
file codes are compared, for the themes the taxonomy defines. A coding file outlives
the corpus it was made for (a project is copied, a source re-added): rows naming a
comment or a theme that no longer exists are reported as warnings and left out, and the
rest still count. The same figures are
computed for a patterns-only baseline (a comment has a theme when any of its
patterns match), so the value the model adds is visible.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from themesite.errors import InputError
from themesite.progress import QUIET, Progress

#: The model under the taxonomy without its patterns: what descriptions and examples alone find.
WORDS_ONLY = "model, words only"
#: The model with the other folds' coded comments as examples of their themes.
FOLDS = 5
WITH_LABELS = f"model + coded comments as examples ({FOLDS}-fold)"
WORDS_WITH_LABELS = f"words only + coded comments as examples ({FOLDS}-fold)"
#: Stale rows reported one by one; the rest of them in one summary line.
SHOWN_WARNINGS = 10
HOW_TO_CODE = (
    "write one: a CSV with columns comment_id,themes[,note] (theme ids separated by ';', "
    "comment ids from 'themesite export comments'; see corpus/labels/README.md), saved "
    "there or passed with --labels FILE"
)


@dataclass(frozen=True)
class ThemeScore:
    theme_id: str
    support: int  # comments the human coded with the theme
    predicted: int
    precision: float
    recall: float
    f1: float
    kappa: float


@dataclass(frozen=True)
class Agreement:
    name: str
    comments: int
    themes: tuple[ThemeScore, ...]
    micro: dict[str, float]
    macro: dict[str, float]
    kappa: float  # Cohen's kappa over every (comment, theme) decision


@dataclass(frozen=True)
class Coding:
    """What a coding file says about this corpus under this taxonomy."""

    labels: dict[str, set[str]]  # comment id -> coded theme ids
    rows: int  # coded comments in the file, in the corpus or not
    warnings: tuple[str, ...]  # "path:line: ..." for each row that no longer applies


def read_labels(path: Path, comment_ids: set[str], theme_ids: set[str]) -> Coding:
    """The coding of the comments and themes that exist; a row naming others is a warning
    (the row is left out, or only its unknown themes are), a malformed file an error."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(path, f"cannot read the coding file: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"comment_id", "themes"} <= set(reader.fieldnames):
            raise InputError(
                path, "the coding file needs 'comment_id' and 'themes' columns", line=1
            )
        labels: dict[str, set[str]] = {}
        seen: set[str] = set()
        stale: list[str] = []
        for row in reader:
            line = reader.line_num
            comment_id = (row["comment_id"] or "").strip()
            if not comment_id:
                raise InputError(path, "the row has no comment_id", line=line, hint=HOW_TO_CODE)
            if comment_id in seen:
                raise InputError(path, f"comment {comment_id} is coded twice", line=line)
            seen.add(comment_id)
            themes = {t.strip() for t in (row["themes"] or "").split(";") if t.strip()}
            if comment_id not in comment_ids:
                stale.append(
                    f"{path}:{line}: comment {comment_id!r} is not in the corpus, so its "
                    "coding is left out (recode it, or delete the row)"
                )
                continue
            unknown = themes - theme_ids
            if unknown:
                stale.append(
                    f"{path}:{line}: theme id(s) {', '.join(sorted(unknown))} are not in the "
                    "taxonomy, so the comment is compared on its other themes only"
                )
            labels[comment_id] = themes & theme_ids
    return Coding(labels=labels, rows=len(seen), warnings=_summarised(path, stale))


def _summarised(path: Path, warnings: list[str]) -> tuple[str, ...]:
    """The first warnings one by one, then how many more: a coding file made for another
    corpus would otherwise print a line for every row."""
    if len(warnings) <= SHOWN_WARNINGS:
        return tuple(warnings)
    more = len(warnings) - SHOWN_WARNINGS
    return (
        *warnings[:SHOWN_WARNINGS],
        f"{path}: {more} more row(s) name comments or themes that no longer exist",
    )


def agreement(
    name: str,
    human: Mapping[str, set[str]],
    predicted: Mapping[str, set[str]],
    theme_ids: Iterable[str],
) -> Agreement:
    from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

    themes = sorted(theme_ids)
    comments = sorted(human)
    truth = [[int(t in human[c]) for t in themes] for c in comments]
    guess = [[int(t in predicted.get(c, set())) for t in themes] for c in comments]
    scores = []
    for j, theme in enumerate(themes):
        column_true = [row[j] for row in truth]
        column_pred = [row[j] for row in guess]
        p, r, f, _ = precision_recall_fscore_support(
            column_true, column_pred, average="binary", zero_division=0
        )
        scores.append(
            ThemeScore(
                theme_id=theme,
                support=sum(column_true),
                predicted=sum(column_pred),
                precision=round(float(p), 4),
                recall=round(float(r), 4),
                f1=round(float(f), 4),
                kappa=round(_kappa(column_true, column_pred), 4),
            )
        )
    averages = {}
    for average in ("micro", "macro"):
        p, r, f, _ = precision_recall_fscore_support(truth, guess, average=average, zero_division=0)
        averages[average] = {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
        }
    flat_true = [v for row in truth for v in row]
    flat_pred = [v for row in guess for v in row]
    kappa = (
        float(cohen_kappa_score(flat_true, flat_pred))
        if len(set(flat_true + flat_pred)) > 1
        else 1.0
    )
    return Agreement(
        name=name,
        comments=len(comments),
        themes=tuple(scores),
        micro=averages["micro"],
        macro=averages["macro"],
        kappa=round(kappa, 4),
    )


def _kappa(truth: list[int], guess: list[int]) -> float:
    from sklearn.metrics import cohen_kappa_score

    if len(set(truth) | set(guess)) < 2:
        return 1.0  # both say "never": perfect, if uninformative, agreement
    return float(cohen_kappa_score(truth, guess))


def label_examples(
    labels: Mapping[str, set[str]], texts: Mapping[str, str]
) -> dict[str, list[str]]:
    """Theme id -> the texts of the comments coded with it, in comment id order."""
    examples: dict[str, list[str]] = {}
    for comment_id in sorted(labels):
        for theme_id in sorted(labels[comment_id]):
            examples.setdefault(theme_id, []).append(texts[comment_id])
    return examples


def folds(comment_ids: Iterable[str]) -> list[set[str]]:
    """The coded comments in FOLDS folds, dealt out in id order (ids are hashes)."""
    ordered = sorted(comment_ids)
    return [set(ordered[i::FOLDS]) for i in range(FOLDS)]


def evaluate_analysis(
    analysis, labels_path: Path, comment_ids: set[str], words_only=None, cross_validated=()
) -> dict:
    """Score an analysis and its patterns-only baseline (and, if given, the analysis
    under the taxonomy without patterns, and the k-fold themes of each coded comment
    learnt from the others) against a coding file.

    The report has `labels` (the file), `results` (one agreement per scorer),
    `warnings` (rows of the file that no longer apply, each `path:line: ...`) and
    `note`: why there are no results, when there is nothing to compare (no taxonomy
    theme, or no coded comment in the corpus), else None.
    """
    from dataclasses import asdict

    seeded = [t.theme.id for t in analysis.findings.themes if t.theme.kind == "seeded"]
    coding = read_labels(labels_path, comment_ids, set(seeded))
    human = coding.labels
    note = None
    results = []
    if not seeded:
        note = "the taxonomy has no themes (discovered themes only), so there is nothing to compare"
    elif not human:
        note = (
            f"none of the {coding.rows} coded comment(s) is in the corpus, so there is "
            "nothing to compare (code comments from 'themesite export comments')"
        )
    else:
        results = [
            agreement("model", human, _assigned(analysis, seeded), seeded),
            agreement("patterns only", human, analysis.pattern_themes, seeded),
        ]
        if words_only is not None:
            results.append(agreement(WORDS_ONLY, human, _assigned(words_only, seeded), seeded))
        for name, found in cross_validated:
            results.append(agreement(name, human, found, seeded))
    return {
        "labels": str(labels_path),
        "results": [asdict(r) for r in results],
        "warnings": list(coding.warnings),
        "note": note,
    }


def _assigned(analysis, theme_ids: list[str]) -> dict[str, set[str]]:
    from themesite.analyse.records import ASSIGNED

    found: dict[str, set[str]] = {}
    for item in analysis.findings.comment_assignments:
        if item.status == ASSIGNED and item.theme_id in theme_ids:
            found.setdefault(item.unit_id, set()).add(item.theme_id)
    return found


def evaluate_project(
    project,
    config,
    labels_path: Path | None,
    taxonomy_path: Path | None,
    progress: Progress = QUIET,
) -> dict:
    """Run the analysis and score it, the patterns-only baseline and the model without
    patterns (themes as written in words) against the coding file.

    The researcher's reviews and decisions (`themesite review`) are left out: a review
    overrides the model for its comment, so scoring with them would count the
    reviewer's agreement with the coder as the model's. For the same reason the analysis
    is written to build/findings.json only in a project without them, where it is the
    one `themesite analyse` would write."""
    from dataclasses import replace

    from themesite.build import project_taxonomy, run_analysis, write_findings
    from themesite.ingest.store import read_threads
    from themesite.review.apply import project_shaping

    labels = labels_path or project.resolve(config.labels)
    if not labels.is_file():  # before minutes of analysis
        raise InputError(labels, "there is no coding file", hint=HOW_TO_CODE)
    threads = read_threads(project.threads)
    taxonomy = project_taxonomy(project, config, taxonomy_path)
    analysis = run_analysis(project, config, taxonomy, progress.within("model · "), threads)
    if not project_shaping(project):
        write_findings(project, analysis)
    words_only = None
    if taxonomy.themes:
        # No NLP cache: it holds one taxonomy's pattern hits, and this run would empty it.
        words_only = run_analysis(
            project,
            replace(config, discover=False, cache=False),
            taxonomy.without_patterns(),
            progress.within("words only · "),
            threads,
        )
    comment_ids = {c.id for t in threads for c in t.comments}
    cross_validated = []
    coding = read_labels(labels, comment_ids, {t.id for t in taxonomy.themes})
    if taxonomy.themes and len(coding.labels) >= FOLDS:
        for name, themes in (
            (WITH_LABELS, taxonomy),
            (WORDS_WITH_LABELS, taxonomy.without_patterns()),
        ):
            runs = progress.within(f"{name.split(' (')[0]} · ")
            found = _cross_validated(project, config, themes, threads, coding.labels, runs)
            cross_validated.append((name, found))
    return evaluate_analysis(analysis, labels, comment_ids, words_only, cross_validated)


def _cross_validated(
    project, config, taxonomy, threads, labels, progress: Progress = QUIET
) -> dict[str, set[str]]:
    """Each coded comment's themes from an analysis that had the other folds' coded
    comments as examples of their themes (never its own coding): labels used for
    training, scored honestly."""
    from dataclasses import replace

    from themesite.build import run_analysis

    texts = {c.id: c.text for t in threads for c in t.comments}
    found: dict[str, set[str]] = {}
    for number, held in enumerate(folds(labels), 1):
        train = {c: themes for c, themes in labels.items() if c not in held}
        fold = run_analysis(
            project,
            # No NLP cache: a words-only taxonomy's would empty the project's.
            replace(config, discover=False, cache=False),
            taxonomy.with_examples(label_examples(train, texts)),
            progress.within(f"fold {number}/{FOLDS} · "),
            threads,
        )
        seeded = [t.id for t in taxonomy.themes]
        found.update({c: t for c, t in _assigned(fold, seeded).items() if c in held})
    return found
