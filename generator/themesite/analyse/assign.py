"""Turn evidence into theme assignments with a confidence.

A theme the researcher gave patterns for is learnt by weak supervision, as rules alone
miss paraphrases ("IT is judged on uptime, marketing on basket size" without the word
"metrics"):

- positives: statements where the theme's patterns match, statements that say most of
  one of the theme's examples, and the examples themselves;
- negatives: the theme's counter-examples, the other themes' examples, and statements
  no pattern of this theme matches;
- features: TF-IDF over content lemmas (uni- and bigrams) shared by all themes;
- confidence: the classifier's probability after sigmoid calibration
  (`CalibratedClassifierCV`, fixed folds), so 0.8 means "80% of statements scored like
  this carry the theme's evidence".

Such a statement is assigned the theme at `assign_threshold`, or at
`ambiguous_threshold` when one of the theme's patterns matches it (the researcher's own
evidence needs only the model's assent); below that it is ambiguous. A pattern match
never falls below ambiguous, so rule evidence is never silently dropped.

A theme written in words only (label, description, examples) has no rules to learn
from: weak labels from its own words were too few to train on. It is scored zero-shot
by `similarity.py`: a statement is assigned its most similar theme when that theme's
score beats most of what random words score for it and stands clearly above the next
theme; a close second, or a score only somewhat above chance, is ambiguous.

A comment takes the strongest outcome of its statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from themesite.analyse.features import Idf, Vocabulary
from themesite.analyse.parts import Part, with_outcomes
from themesite.analyse.records import AMBIGUOUS, ASSIGNED, Assignment, Evidence, Statement
from themesite.analyse.similarity import Profiles, scores
from themesite.analyse.taxonomy import Taxonomy, TaxonomyError

#: Examples are written by the researcher: they count more than one weak label.
EXAMPLE_WEIGHT = 3.0
#: A statement that says at least this share of one of a theme's examples (its terms,
#: weighted by rarity) is a weak positive.
EXAMPLE_MATCH = 0.5
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


@dataclass(frozen=True)
class AssignInputs:
    """What every partition needs to score its statements, computed once and broadcast."""

    idf: Idf  # over the statements and the examples
    x_examples: sparse.csr_matrix  # TF-IDF rows of every example, theme by theme
    w_examples: sparse.csr_matrix  # each example's terms weighted by IDF, summing to 1
    example_themes: tuple[str, ...]  # the theme of each example row
    texts: ThemeTexts
    theme_ids: tuple[str, ...]
    settings: AssignSettings
    pattern_themes: frozenset[str]  # learnt from their patterns; the others zero-shot
    profiles: Profiles | None = None  # the zero-shot scorer, once built


def assign_inputs(
    idf: Idf, vocabulary: Vocabulary, texts: ThemeTexts, taxonomy: Taxonomy, settings
) -> AssignInputs:
    examples = texts.all_examples()
    counts = vocabulary.count([lem for _, lem in examples])
    return AssignInputs(
        idf=idf,
        x_examples=idf.tfidf(counts),
        w_examples=_term_shares(counts, idf),
        example_themes=tuple(t for t, _ in examples),
        texts=texts,
        theme_ids=tuple(t.id for t in taxonomy.themes),
        settings=settings,
        pattern_themes=frozenset(t.id for t in taxonomy.themes if t.phrases or t.tokens),
    )


def _evidence(part: Part, inputs: AssignInputs, rows: np.ndarray):
    """TF-IDF rows, example coverage, pattern labels per theme and weak labels
    (pattern or a close example) of some rows of a part."""
    assert part.counts is not None
    x = inputs.idf.tfidf(part.counts[rows])
    coverage = _example_coverage(part.counts[rows], inputs.w_examples)
    patterns: dict[str, dict[int, list[str]]] = {t: {} for t in inputs.theme_ids}
    for index, row in enumerate(rows):
        for hit in part.hits.get(part.statements[row].id, ()):
            patterns[hit.theme_id].setdefault(index, []).append(hit.pattern)
    weak = np.zeros((len(rows), len(inputs.theme_ids)), dtype=bool)
    example_themes = np.array(inputs.example_themes, dtype=object)
    for column, theme_id in enumerate(inputs.theme_ids):
        own = example_themes == theme_id
        if own.any():
            weak[:, column] = coverage[:, own].max(axis=1) >= EXAMPLE_MATCH
        weak[list(patterns[theme_id]), column] = True
        patterns[theme_id] = {i: sorted(set(found)) for i, found in patterns[theme_id].items()}
    return x, coverage, patterns, weak


def training_rows(part: Part, rows: np.ndarray, inputs: AssignInputs):
    """Features and weak labels (one column per theme) of the part's rows in the sample."""
    x, _, _, weak = _evidence(part, inputs, rows)
    return x, weak


def fit_models(
    x_sample: sparse.csr_matrix,
    weak_sample: np.ndarray,
    inputs: AssignInputs,
    vocabulary: Vocabulary,
) -> dict[str, object]:
    """One calibrated classifier per theme, from a sample of statements (a random sample
    keeps the label balance the calibration learns) plus the taxonomy's examples."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    settings = inputs.settings
    counters = [(t, lem) for t, items in inputs.texts.counter_examples.items() for lem in items]
    x_counters = inputs.idf.tfidf(vocabulary.count([lem for _, lem in counters]))
    models = {}
    for column, theme_id in enumerate(inputs.theme_ids):
        if theme_id not in inputs.pattern_themes:
            continue
        # An example of several themes (a coded comment) is a positive of each of them,
        # never a negative of one.
        texts = {text for text, _ in inputs.texts.examples[theme_id]}
        own = np.array(
            [t == theme_id or text in texts for t, text in _example_texts(inputs)], dtype=bool
        )
        x_train = sparse.vstack([x_sample, inputs.x_examples, x_counters]).tocsr()
        y_train = np.concatenate(
            [weak_sample[:, column].astype(int), own.astype(int), np.zeros(len(counters), int)]
        )
        w_train = np.concatenate(
            [
                np.ones(x_sample.shape[0]),
                np.full(len(own), EXAMPLE_WEIGHT),
                [EXAMPLE_WEIGHT if t == theme_id else 1.0 for t, _ in counters],
            ]
        )
        positives = int(y_train.sum())
        if positives == 0:
            continue
        if positives == len(y_train):
            raise TaxonomyError(
                f"theme {theme_id!r}: its patterns match every one of the "
                f"{x_sample.shape[0]} statements sampled, so nothing tells it apart",
                "make its patterns more specific, or add counter_examples",
            )
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
        models[theme_id] = model.fit(x_train, y_train, sample_weight=w_train)
    return models


def _example_texts(inputs: AssignInputs) -> list[tuple[str, str]]:
    """(theme id, text) of every example row, in row order."""
    return [(t, text) for t, items in inputs.texts.examples.items() for text, _ in items]


def assign_part(part: Part, inputs: AssignInputs, models: dict[str, object]) -> Part:
    """The part with every statement's outcome for each seeded theme."""
    settings = inputs.settings
    rows = np.arange(len(part.statements))
    if not len(rows):
        return part
    x, coverage, patterns, _ = _evidence(part, inputs, rows)
    outcomes = []
    similarity = confidence = None
    if inputs.profiles is not None:
        similarity, confidence = statement_scores(part, inputs)
        outcomes += _zero_shot(part, inputs, similarity, confidence)
    for column, theme_id in enumerate(inputs.theme_ids):
        model = models.get(theme_id)
        if model is None:
            continue
        probabilities = model.predict_proba(x)[:, 1]
        if confidence is not None:
            confidence[:, column] = probabilities
        own = [i for i, t in enumerate(inputs.example_themes) if t == theme_id]
        has_pattern = np.zeros(len(rows), dtype=bool)
        has_pattern[list(patterns[theme_id])] = True
        # Only a statement with a pattern, or one the model scores at least ambiguous,
        # can have an outcome.
        for row in np.flatnonzero(has_pattern | (probabilities >= settings.ambiguous_threshold)):
            outcome = _outcome(
                part.statements[row],
                theme_id,
                float(probabilities[row]),
                patterns[theme_id].get(row, []),
                _best_example(coverage, row, own, inputs.texts.examples[theme_id]),
                settings,
            )
            if outcome:
                outcomes.append(outcome)
    part = with_outcomes(part, outcomes)
    if confidence is None:
        return part
    return replace(part, scores=np.stack([confidence, similarity], axis=2).astype(np.float32))


def statement_scores(part: Part, inputs: AssignInputs) -> tuple[np.ndarray, np.ndarray]:
    """Every statement's zero-shot similarity to every theme, and its confidence.

    A comment of n statements has n chances to beat the null by luck, and takes its
    strongest statement: so a statement's share of null scores beaten counts to the
    power n (the chance that n random statements' best stays below it), and long
    comments need clearer statements than one-line ones.
    """
    assert part.counts is not None and inputs.profiles is not None
    found = scores(inputs.profiles, part.counts, [s.text for s in part.statements])
    per_comment = Counter(s.comment_id for s in part.statements)
    chances = np.array([per_comment[s.comment_id] for s in part.statements], dtype=np.float64)
    return found, inputs.profiles.confidence(found) ** chances[:, None]


def _zero_shot(
    part: Part, inputs: AssignInputs, similarity: np.ndarray, confidence: np.ndarray
) -> list[Assignment]:
    """Outcomes of the themes written in words only (see the module's docstring)."""
    profiles = inputs.profiles
    assert profiles is not None
    settings = profiles.settings
    columns = np.array(
        [i for i, t in enumerate(profiles.theme_ids) if t not in inputs.pattern_themes], int
    )
    if not len(columns) or not len(similarity):
        return []
    rows = np.arange(len(similarity))
    order = np.argsort(-similarity, axis=1, kind="stable")
    best = similarity[rows, order[:, 0]]
    second = similarity[rows, order[:, 1]] if similarity.shape[1] > 1 else np.zeros(len(rows))
    score, share = similarity[:, columns], confidence[:, columns]
    clear = (order[:, :1] == columns) & (best >= settings.margin * second)[:, None]
    assigned = clear & (share >= settings.assign_null)
    ambiguous = ~assigned & (score * settings.margin >= best[:, None])
    # Pairs in statement order, then theme order: the order outcomes are listed in.
    candidates = (share >= settings.ambiguous_null) & (score > 0) & (assigned | ambiguous)
    outcomes = []
    for row, at in zip(*np.nonzero(candidates), strict=True):
        value, beaten = round(float(score[row, at]), 4), round(float(share[row, at]), 4)
        evidence = (
            Evidence("similarity", "similarity to the words and examples", value),
            Evidence("null", "share of random-word themes this score beats", beaten),
        )
        status = ASSIGNED if assigned[row, at] else AMBIGUOUS
        theme_id = profiles.theme_ids[columns[at]]
        outcomes.append(Assignment(part.statements[row].id, theme_id, status, beaten, evidence))
    return outcomes


def _term_shares(counts: sparse.csr_matrix, idf: Idf) -> sparse.csr_matrix:
    """Each row's distinct terms weighted by IDF, scaled to sum to 1."""
    from sklearn.preprocessing import normalize

    present = (counts > 0).astype(np.float64)
    if not counts.shape[0]:
        return present.tocsr()  # a taxonomy with no examples: nothing to weigh
    return normalize(present.multiply(idf.weights).tocsr(), norm="l1")


def _example_coverage(counts: sparse.csr_matrix, w_examples: sparse.csr_matrix) -> np.ndarray:
    """How much of each example a statement says: the IDF-weighted share of the example's
    terms that the statement contains. Containment rather than cosine, because an example
    is one short claim and a statement often makes it among other things."""
    if w_examples.shape[0] == 0:
        return np.zeros((counts.shape[0], 0), dtype=np.float32)
    return ((counts > 0).astype(np.float64) @ w_examples.T).toarray()


def _best_example(coverage: np.ndarray, row: int, columns: list[int], examples) -> Evidence | None:
    if not columns:
        return None
    scores = coverage[row, columns]
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
        if current is None or _strength(item) > _strength(current):
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


def _strength(item: Assignment) -> tuple[bool, float]:
    """Assigned beats ambiguous, then the higher confidence."""
    return item.status == ASSIGNED, item.confidence
