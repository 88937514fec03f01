"""Turn evidence into theme assignments with a calibrated confidence.

Rules alone miss paraphrases ("IT is judged on uptime, marketing on basket size"
without the word "metrics"), and a theme written only in words has no rules at all.
So each theme gets a classifier trained by weak supervision:

- positives: statements where the theme's patterns match, and the theme's example
  statements from the taxonomy;
- negatives: the theme's counter-examples, the other themes' examples, and statements
  no pattern of this theme matches;
- features: TF-IDF over content lemmas (uni- and bigrams) shared by all themes;
- confidence: the classifier's probability after sigmoid calibration
  (`CalibratedClassifierCV`, fixed folds), so 0.8 means "80% of statements scored like
  this carry the theme's evidence".

A statement is assigned a theme at `assign_threshold`, or at `ambiguous_threshold`
when one of the theme's patterns matches it (the researcher's own evidence needs only
the model's assent); below that it is ambiguous. A pattern match never falls below
ambiguous, so rule evidence is never silently dropped. A comment takes the strongest
outcome of its statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from themesite.analyse.features import FIT_SAMPLE, Terms, count_terms, sample_rows, tfidf
from themesite.analyse.nlp import Hit
from themesite.analyse.records import AMBIGUOUS, ASSIGNED, Assignment, Evidence, Statement
from themesite.analyse.taxonomy import Taxonomy

#: Examples are written by the researcher: they count more than one weak label.
EXAMPLE_WEIGHT = 3.0
#: A statement this similar (cosine) to one of a theme's examples is a weak positive.
EXAMPLE_MATCH = 0.35
#: Calibration needs a few positives in every fold; below that the (class-balanced)
#: classifier's own probability is used.
MIN_POSITIVES_PER_FOLD = 2


@dataclass(frozen=True)
class AssignSettings:
    assign_threshold: float = 0.5
    ambiguous_threshold: float = 0.3
    seed: int = 13
    regularization: float = 4.0  # LogisticRegression C


@dataclass(frozen=True)
class ThemeTexts:
    """Lemmas of the taxonomy's own texts, produced by the same pipeline as the corpus."""

    examples: dict[str, list[tuple[str, tuple[str, ...]]]]
    counter_examples: dict[str, list[tuple[str, ...]]]

    def all_examples(self) -> list[tuple[str, tuple[str, ...]]]:
        """(theme id, lemmas) of every example, theme by theme."""
        return [(t, lem) for t, items in self.examples.items() for _, lem in items]


def term_rows(statements: Sequence[Statement], texts: ThemeTexts) -> list[tuple[str, ...]]:
    """The lemmas whose terms the models count: the statements, then the examples."""
    return [s.lemmas for s in statements] + [lem for _, lem in texts.all_examples()]


def assign_statements(
    statements: Sequence[Statement],
    hits: dict[str, list[Hit]],
    taxonomy: Taxonomy,
    texts: ThemeTexts,
    settings: AssignSettings,
    terms: Terms | None = None,
) -> list[Assignment]:
    """Statement-level assignments for every theme of the taxonomy.

    `terms` are the counts of `term_rows(statements, texts)`, when already counted.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    if not statements:
        return []
    all_examples = texts.all_examples()
    counters = [(t, lem) for t, items in texts.counter_examples.items() for lem in items]
    terms = terms or count_terms(term_rows(statements, texts))
    x_corpus, x_counters = tfidf(terms.counts, terms.transform([lem for _, lem in counters]))
    x_statements = x_corpus[: len(statements)]
    x_examples = x_corpus[len(statements) :]
    example_sim = _example_similarity(x_statements, x_examples)
    # Fit on a sample of a large corpus (a random sample keeps the label balance, which
    # the calibration learns); every statement is then scored.
    fit_rows = sample_rows(len(statements), FIT_SAMPLE, settings.seed)
    outcomes: list[Assignment] = []
    for theme in taxonomy.themes:
        hit_labels: dict[int, list[str]] = {}
        for row, statement in enumerate(statements):
            found = hits.get(statement.id)
            if found:
                mine = sorted({h.pattern for h in found if h.theme_id == theme.id})
                if mine:
                    hit_labels[row] = mine
        own = np.array([t == theme.id for t, _ in all_examples], dtype=bool)
        near = example_sim[:, own].max(axis=1) >= EXAMPLE_MATCH if own.any() else 0
        has_pattern = np.zeros(len(statements), dtype=bool)
        has_pattern[list(hit_labels)] = True
        y_weak = (has_pattern | near).astype(int)[fit_rows]
        blocks = [x_statements[fit_rows], x_examples]
        labels = [y_weak, own.astype(int)]
        weights = [np.ones(len(fit_rows)), np.full(len(all_examples), EXAMPLE_WEIGHT)]
        if x_counters is not None:
            blocks.append(x_counters)
            labels.append(np.zeros(len(counters), dtype=int))
            weights.append(
                np.array([EXAMPLE_WEIGHT if t == theme.id else 1.0 for t, _ in counters])
            )
        x_train = sparse.vstack(blocks).tocsr()
        y_train = np.concatenate(labels)
        w_train = np.concatenate(weights)
        positives = int(y_train.sum())
        if positives == 0:
            continue
        model = LogisticRegression(
            C=settings.regularization,
            class_weight="balanced",
            max_iter=2000,
            random_state=settings.seed,
        )
        folds = min(3, len(y_train) - positives)
        if positives >= MIN_POSITIVES_PER_FOLD * folds and folds >= 2:
            model = CalibratedClassifierCV(
                model,
                method="sigmoid",
                cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=settings.seed),
            )
        model.fit(x_train, y_train, sample_weight=w_train)
        probabilities = model.predict_proba(x_statements)[:, 1]
        own_examples = [i for i, (t, _) in enumerate(all_examples) if t == theme.id]
        # Only a statement with a pattern, or one the model scores at least ambiguous,
        # can have an outcome.
        for row in np.flatnonzero(has_pattern | (probabilities >= settings.ambiguous_threshold)):
            outcome = _outcome(
                statements[row],
                theme.id,
                float(probabilities[row]),
                hit_labels.get(row, []),
                _best_example(example_sim, row, own_examples, texts.examples[theme.id]),
                settings,
            )
            if outcome:
                outcomes.append(outcome)
    return outcomes


def _example_similarity(x_statements, x_examples) -> np.ndarray:
    """Cosine similarity statement x example (TF-IDF rows are already L2-normalized)."""
    if x_examples.shape[0] == 0:
        return np.zeros((x_statements.shape[0], 0), dtype=np.float32)
    return (x_statements @ x_examples.T).toarray()


def _best_example(sim: np.ndarray, row: int, columns: list[int], examples) -> Evidence | None:
    if not columns:
        return None
    scores = sim[row, columns]
    best = int(np.argmax(scores))
    if scores[best] <= 0:
        return None
    offset = columns[best] - columns[0]
    return Evidence("example", examples[offset][0], round(float(scores[best]), 4))


def _outcome(
    statement: Statement,
    theme_id: str,
    probability: float,
    patterns: list[str],
    example: Evidence | None,
    settings: AssignSettings,
) -> Assignment | None:
    confidence = round(probability, 4)
    # A pattern is the researcher's own evidence: it needs only the model's assent
    # (the ambiguous threshold), where the model alone needs the assign threshold.
    threshold = settings.ambiguous_threshold if patterns else settings.assign_threshold
    if confidence >= threshold:
        status = ASSIGNED
    elif confidence >= settings.ambiguous_threshold or patterns:
        status = AMBIGUOUS
    else:
        return None
    evidence = [Evidence("pattern", p, 1.0) for p in patterns]
    if example is not None:
        evidence.append(example)
    evidence.append(Evidence("model", "calibrated logistic regression on lemma TF-IDF", confidence))
    return Assignment(statement.id, theme_id, status, confidence, tuple(evidence))


def aggregate_comments(statement_assignments: Sequence[Assignment]) -> list[Assignment]:
    """A comment carries a theme as strongly as its strongest statement does."""
    best: dict[tuple[str, str], Assignment] = {}
    for item in statement_assignments:
        comment_id = item.unit_id.rsplit(":", 1)[0]
        key = (comment_id, item.theme_id)
        current = best.get(key)
        if current is None or item.confidence > current.confidence:
            best[key] = item
    comments = []
    for (comment_id, theme_id), item in sorted(best.items()):
        evidence = tuple(
            Evidence(
                e.kind, f"{item.unit_id}: {e.detail}" if e.kind == "pattern" else e.detail, e.score
            )
            for e in item.evidence
        )
        comments.append(Assignment(comment_id, theme_id, item.status, item.confidence, evidence))
    return comments
