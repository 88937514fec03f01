"""The analyse stage in order.

statements -> vocabulary -> assignments -> discovered themes -> key terms -> quotes ->
findings.

`analyse` is a pure function of the corpus, the taxonomy and the config, whichever
engine holds the corpus's partitions (no file I/O but the optional NLP cache, which
only saves work), so two runs on the same inputs give identical findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

from themesite import __version__
from themesite.analyse.assign import (
    AssignSettings,
    ThemeTexts,
    aggregate_comments,
    assign_inputs,
    assign_part,
    fit_models,
    training_rows,
)
from themesite.analyse.continuity import Continuity, members_of, retirements, stable_ids
from themesite.analyse.discovery import MAX_FEATURES, DiscoverSettings, discover_themes
from themesite.analyse.encoder import load_encoder
from themesite.analyse.engine import Engine
from themesite.analyse.features import (
    FIT_SAMPLE,
    Idf,
    Vocabulary,
    bigram_keys,
    binary,
    document_frequency,
    merge_vocabulary,
    sample_rows,
    select_columns,
    split_rows,
    word_set,
)
from themesite.analyse.findings import build_findings, theme_scores
from themesite.analyse.naming import SPELLING_MEMBERS, WordRarity, name_groups
from themesite.analyse.nlp import STANCE_LEMMAS, feature_lemmas
from themesite.analyse.parts import (
    Part,
    bigrams_of,
    comment_scores_of,
    outcomes_of,
    pattern_themes_of,
    renamed_outcomes,
    size_of,
    statement_df,
    summary_of,
    with_counts,
    words_of,
)
from themesite.analyse.pipeline import build_pipeline
from themesite.analyse.quotes import representative_quotes
from themesite.analyse.records import ASSIGNED, SEEDED, Findings, Theme
from themesite.analyse.shaping import NO_SHAPING, Shaping, shape
from themesite.analyse.similarity import (
    PASSAGE_WORDS,
    SimilaritySettings,
    ThemeWords,
    build_profiles,
)
from themesite.analyse.snapshot import Snapshot, ThemeRecord
from themesite.analyse.taxonomy import Taxonomy
from themesite.config import AnalyseConfig
from themesite.progress import QUIET, Progress

#: Where a description's cue phrases end.
CUE_BREAKS = frozenset({",", ";", ":", ".", "!", "?"})


@dataclass(frozen=True)
class Analysis:
    findings: Findings
    #: comment id -> themes whose patterns match it: the patterns-only baseline.
    pattern_themes: dict[str, set[str]]
    #: Texts that went through the NLP, and texts whose NLP results came from the cache.
    processed: int = 0
    cached: int = 0
    #: Decisions and reviews that name themes or comments this analysis does not have.
    warnings: tuple[str, ...] = ()
    #: How the discovered themes kept their ids and which theme URLs retired.
    continuity: Continuity | None = None


def analyse(
    engine: Engine,
    taxonomy: Taxonomy,
    config: AnalyseConfig,
    opposed: frozenset[str] = frozenset(),
    progress: Progress = QUIET,
    shaping: Shaping = NO_SHAPING,
    previous: Snapshot | None = None,
) -> Analysis:
    """Findings of the corpus held by `engine` (its statements extracted) under the taxonomy;
    `opposed` comments (more voters disagreed than agreed) are quoted only when a theme
    has no other; discovered themes keep the ids of the `previous` build's record; the
    researcher's decisions and reviews (`shaping`) are applied to the themes found before
    anything is counted."""
    progress.step("analyse: vocabulary and term counts")
    nlp = build_pipeline(config.pipeline)
    theme_texts = _theme_texts(nlp, taxonomy)
    examples = [lem for _, lem in theme_texts.all_examples()]
    vocabulary = _vocabulary(engine, examples)
    engine.update(with_counts, vocabulary)
    sizes = engine.collect(size_of)
    df = np.sum(engine.collect(statement_df), axis=0)
    zero_shot = SimilaritySettings(seed=config.seed)
    with _one_thread():
        settings = AssignSettings(
            assign_threshold=config.assign_threshold,
            ambiguous_threshold=config.ambiguous_threshold,
            seed=config.seed,
        )
        progress.step("analyse: fitting a model per theme")
        example_counts = vocabulary.count(examples)
        idf = Idf.of(df + document_frequency(example_counts), sum(sizes) + len(examples))
        inputs = assign_inputs(idf, vocabulary, theme_texts, taxonomy, settings)
        fit_rows = split_rows(sample_rows(sum(sizes), FIT_SAMPLE, config.seed), sizes)
        sample = engine.collect(training_rows, inputs, each=fit_rows)
        x_sample = sparse.vstack([x for x, _ in sample]).tocsr()
        weak_sample = np.vstack([w for _, w in sample])
        models = fit_models(x_sample, weak_sample, inputs, vocabulary)
        if taxonomy.themes:
            statements = engine.collect(sample_statements, each=fit_rows)
            profiles = build_profiles(
                _theme_words(nlp, taxonomy),
                vocabulary,
                idf,
                (
                    sparse.vstack([c for c, _, _ in statements]).tocsr(),
                    [t for _, texts, _ in statements for t in texts],
                    [lem for _, _, lemmas in statements for lem in lemmas],
                ),
                zero_shot,
                load_encoder(config.encoder) if config.encoder else None,
            )
            inputs = replace(inputs, profiles=profiles)
        progress.step("analyse: assigning themes")
        engine.update(assign_part, inputs, models)
        rarity = WordRarity(nlp.lang)
        themes = _seeded_themes(engine, taxonomy, vocabulary, df, rarity)
        diagnostics: dict[str, object] = {}
        continuity = stable_ids((), previous)
        if config.discover:
            progress.step("analyse: discovering themes")
            discovered, diagnostics = discover_themes(
                engine, vocabulary, DiscoverSettings(seed=config.seed), rarity
            )
            found, continuity = _stable_ids(engine, [d.theme for d in discovered], previous)
            themes += found
    del rarity
    progress.step("analyse: choosing quotes and counting")
    quotes = representative_quotes(engine, Idf.of(df, sum(sizes)), config.quotes_max, opposed)
    statement_outcomes = sorted(
        (a for part in engine.collect(outcomes_of) for a in part),
        key=lambda a: (a.unit_id, a.theme_id),
    )
    summaries = engine.collect(summary_of)
    pattern_themes: dict[str, set[str]] = {}
    for found in engine.collect(pattern_themes_of):
        pattern_themes.update(found)
    parameters = {
        "themesite": __version__,
        "pipeline": config.pipeline,
        "pipes": list(nlp.pipe_names),
        "seed": config.seed,
        "assign_threshold": config.assign_threshold,
        "ambiguous_threshold": config.ambiguous_threshold,
        "include_articles": config.include_articles,
        "quotes_max": config.quotes_max,
        "encoder": config.encoder or None,
        "zero_shot": asdict(zero_shot),
        "taxonomy": taxonomy.path or None,
        "taxonomy_sha256": taxonomy.sha256,
        # 0: every theme is discovered (the site says so).
        "taxonomy_themes": len(taxonomy.themes),
        "discovery": diagnostics,
    }
    processed = sum(s[4] for s in summaries)
    infos = [info for s in summaries for info in s[0]]
    shaped = shape(
        themes,
        aggregate_comments(statement_outcomes),
        statement_outcomes,
        quotes,
        shaping,
        {info.comment_id for info in infos},
        config.quotes_max,
    )
    if shaping:
        parameters["shaping"] = {
            "decisions": len(shaping.decisions),
            "reviews": len(shaping.verdicts),
        }
    findings = build_findings(
        shaped.themes,
        shaped.comments,
        shaped.statements,
        shaped.quotes,
        infos,
        sum(s[2] for s in summaries),
        sum(s[3] for s in summaries),
        parameters,
        threads=sum(s[1] for s in summaries),
        scores=theme_scores([t.id for t in taxonomy.themes], engine.collect(comment_scores_of)),
    )
    retired = retirements(
        previous, continuity, members_of(findings.comment_assignments), shaping.moved()
    )
    return Analysis(
        findings=findings,
        pattern_themes=pattern_themes,
        processed=processed,
        cached=len(infos) - processed,
        warnings=shaped.warnings,
        continuity=replace(continuity, retired=retired),
    )


def _stable_ids(
    engine: Engine, found: list[Theme], previous: Snapshot | None
) -> tuple[list[Theme], Continuity]:
    """The discovered themes under their stable ids (see `analyse.continuity`), and the
    engine's outcomes renamed to match, so every later step sees only stable ids."""
    outcomes = [a for part in engine.collect(outcomes_of) for a in part]
    members = members_of(aggregate_comments(outcomes))
    universe = frozenset(i.comment_id for s in engine.collect(summary_of) for i in s[0])
    records = [
        ThemeRecord(
            t.id, t.label, t.kind, tuple(t.key_terms), tuple(sorted(members.get(t.id, ()))), ()
        )
        for t in found
    ]
    continuity = stable_ids(records, previous, universe)
    if any(k != v for k, v in continuity.mapping.items()):
        engine.update(renamed_outcomes, continuity.mapping)
    return [replace(t, id=continuity.stable(t.id)) for t in found], continuity


def _vocabulary(engine: Engine, examples: Sequence[tuple[str, ...]]) -> Vocabulary:
    """Every word and bigram of the statements and the taxonomy's examples: words from
    each part first, then bigram keys over the shared word list."""
    words = merge_vocabulary([*engine.collect(words_of), word_set(examples)])
    bigrams = np.unique(
        np.concatenate(
            [*engine.collect(bigrams_of, words), bigram_keys(words, examples), np.zeros(0, int)]
        ).astype(np.int64)
    )
    return Vocabulary(words, bigrams)


def _one_thread():
    """One thread in every native library the models use: many small fits run faster so on
    a small machine, and the results cannot depend on how many cores it has. The
    libraries are loaded first, as a limit only reaches those already loaded."""
    import sklearn.cluster  # noqa: F401  (OpenMP)
    import sklearn.decomposition  # noqa: F401  (BLAS, LAPACK)

    return threadpool_limits(1)


def _theme_texts(nlp, taxonomy: Taxonomy) -> ThemeTexts:
    """Examples and counter-examples. A theme without patterns or without examples also
    gets its description's phrases as examples: a description is written as a list of
    cues ("departmental silos, disconnects, separate or shadow teams"), and each cue
    is something a statement can say, where the whole paragraph is not."""
    examples = {}
    for theme in taxonomy.themes:
        written = list(theme.examples)
        if not written or not (theme.phrases or theme.tokens):
            written += description_cues(nlp(theme.description))
        examples[theme.id] = [(text, feature_lemmas(nlp(text))) for text in written]
    counters = {
        t.id: [feature_lemmas(nlp(text)) for text in t.counter_examples] for t in taxonomy.themes
    }
    return ThemeTexts(examples=examples, counter_examples=counters)


def _theme_words(nlp, taxonomy: Taxonomy) -> list[ThemeWords]:
    """Each theme's label and description as one text, and its examples: those longer
    than PASSAGE_WORDS as their sentences (the scorer keeps the one nearest the theme)."""

    def words(text: str) -> tuple[str, tuple[str, ...]]:
        return text, feature_lemmas(nlp(text))

    themes = []
    for theme in taxonomy.themes:
        same = theme.description.strip() in ("", theme.label.strip())
        definition = theme.label if same else f"{theme.label}. {theme.description}"
        short = [t for t in theme.examples if len(t.split()) <= PASSAGE_WORDS]
        long = [t for t in theme.examples if len(t.split()) > PASSAGE_WORDS]
        passages = [
            tuple(words(s.text.strip()) for s in nlp(text).sents if s.text.strip()) for text in long
        ]
        themes.append(
            ThemeWords(
                theme.id,
                words(definition),
                tuple(words(text) for text in short),
                tuple(p for p in passages if p),
            )
        )
    return themes


def sample_statements(part: Part, rows: np.ndarray):
    """Word counts, texts and lemmas of the part's statements in the sample."""
    assert part.counts is not None
    chosen = [part.statements[r] for r in rows]
    return part.counts[rows], [s.text for s in chosen], [s.lemmas for s in chosen]


def description_cues(doc) -> list[str]:
    """The description's clauses between punctuation marks that have a content word, in
    order and without repeats."""
    cues: list[str] = []
    start = 0
    for end in [*(t.i for t in doc if t.text in CUE_BREAKS), len(doc)]:
        clause = doc[start:end]
        if feature_lemmas(clause) and clause.text not in cues:
            cues.append(clause.text)
        start = end + 1
    return cues


def _seeded_themes(
    engine: Engine, taxonomy: Taxonomy, vocabulary: Vocabulary, df: np.ndarray, rarity
) -> list[Theme]:
    """Taxonomy themes, with key terms from what commenters wrote: each theme's assigned
    statements against all the others (class-based TF-IDF)."""
    columns, names = select_columns(
        df, vocabulary, 2, MAX_FEATURES, STANCE_LEMMAS.get(rarity.lang, ())
    )
    ids = [t.id for t in taxonomy.themes]
    found = engine.collect(theme_term_sums, columns, ids)
    total = np.sum([t for t, _, _ in found], axis=0)
    weights = rarity.weights(names)
    themes = []
    for i, theme in enumerate(taxonomy.themes):
        members = np.sum([m[i] for _, m, _ in found], axis=0)
        texts = [text for _, _, part_texts in found for text in part_texts[i]]
        per_class = np.vstack([members, total - members])
        (terms,) = name_groups(
            per_class, names, weights, [texts[:SPELLING_MEMBERS]], 8, rarity.lang
        )
        themes.append(
            Theme(theme.id, theme.label, SEEDED, theme.description, tuple(terms), theme.parent)
        )
    return themes


def theme_term_sums(part: Part, columns: np.ndarray, theme_ids: Sequence[str]):
    """How many of the part's statements have each term: all of them, and each theme's
    assigned ones; and the texts of each theme's first members (for spellings)."""
    assert part.counts is not None
    counts = binary(part.counts, columns)
    row = {s.id: i for i, s in enumerate(part.statements)}
    rows: dict[str, list[int]] = {t: [] for t in theme_ids}
    for item in part.outcomes:
        if item.status == ASSIGNED and item.theme_id in rows:
            rows[item.theme_id].append(row[item.unit_id])
    members = np.array(
        [np.asarray(counts[sorted(rows[t])].sum(axis=0)).ravel() for t in theme_ids]
    ).reshape(len(theme_ids), len(columns))
    texts = [
        [part.statements[r].text for r in sorted(rows[t])[:SPELLING_MEMBERS]] for t in theme_ids
    ]
    return np.asarray(counts.sum(axis=0)).ravel(), members, texts
