"""The analyse stage in order.

statements -> evidence -> assignments -> discovered themes -> quotes -> findings.

`analyse` is a pure function of the corpus, the taxonomy and the config (no file
I/O but the optional NLP cache, which only saves work), so two runs on the same
inputs give identical findings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from themesite import __version__
from themesite.analyse.assign import (
    AssignSettings,
    ThemeTexts,
    aggregate_comments,
    assign_statements,
    term_rows,
)
from themesite.analyse.cache import NlpCache
from themesite.analyse.discover import DiscoverSettings, WordRarity, discover_themes, key_terms
from themesite.analyse.features import count_terms, tfidf
from themesite.analyse.findings import UnitInfo, build_findings
from themesite.analyse.nlp import build_pipeline, feature_lemmas
from themesite.analyse.quotes import Candidate, choose_quotes
from themesite.analyse.records import (
    ASSIGNED,
    SEEDED,
    Assignment,
    Evidence,
    Findings,
    Statement,
    Theme,
)
from themesite.analyse.statements import NlpSettings, Unit, extract_statements
from themesite.analyse.taxonomy import Taxonomy
from themesite.config import AnalyseConfig
from themesite.ingest.records import Thread
from themesite.parallel import cores


@dataclass(frozen=True)
class Analysis:
    findings: Findings
    #: comment id -> themes whose patterns match it: the patterns-only baseline.
    pattern_themes: dict[str, set[str]]
    #: Texts that went through the NLP, and texts whose NLP results came from the cache.
    processed: int = 0
    cached: int = 0


def analyse(
    threads: Sequence[Thread],
    taxonomy: Taxonomy,
    config: AnalyseConfig,
    progress: Callable[[int], None] | None = None,
    cache: NlpCache | None = None,
) -> Analysis:
    """Findings of the corpus under the taxonomy; `cache` only saves work, never changes them."""
    nlp = build_pipeline(config.pipeline)
    units, infos, texts, roles, excluded = _units(threads, config.include_articles)
    nlp_settings = NlpSettings(config.pipeline, config.batch_size, cores(config.processes))
    extracted = extract_statements(units, taxonomy, nlp_settings, cache, progress)
    statements = extracted.statements
    with _one_thread():
        terms, themes, statement_outcomes, diagnostics = _themes(
            nlp, statements, extracted.hits, taxonomy, config
        )
    statement_outcomes.sort(key=lambda a: (a.unit_id, a.theme_id))
    comment_outcomes = aggregate_comments(statement_outcomes)
    quotes = _quotes(statements, statement_outcomes, themes, texts, roles, config.quotes_max, terms)
    parameters = {
        "themesite": __version__,
        "pipeline": config.pipeline,
        "pipes": list(nlp.pipe_names),
        "seed": config.seed,
        "assign_threshold": config.assign_threshold,
        "ambiguous_threshold": config.ambiguous_threshold,
        "include_articles": config.include_articles,
        "quotes_max": config.quotes_max,
        "taxonomy": taxonomy.path,
        "taxonomy_sha256": taxonomy.sha256,
        "discovery": diagnostics,
    }
    findings = build_findings(
        themes,
        comment_outcomes,
        statement_outcomes,
        quotes,
        infos,
        excluded,
        len(statements),
        parameters,
        threads=len(threads),
    )
    pattern_themes: dict[str, set[str]] = {}
    for statement_id, statement_hits in extracted.hits.items():
        comment_id = statement_id.rsplit(":", 1)[0]
        pattern_themes.setdefault(comment_id, set()).update(h.theme_id for h in statement_hits)
    return Analysis(
        findings=findings,
        pattern_themes=pattern_themes,
        processed=extracted.processed,
        cached=len(units) - extracted.processed,
    )


def _one_thread():
    """One thread in every native library the models use: many small fits run faster so on
    a small machine, and the results cannot depend on how many cores it has. The
    libraries are loaded first, as a limit only reaches those already loaded."""
    import sklearn.cluster  # noqa: F401  (OpenMP)
    import sklearn.decomposition  # noqa: F401  (BLAS, LAPACK)

    return threadpool_limits(1)


def _themes(nlp, statements, hits, taxonomy: Taxonomy, config: AnalyseConfig):
    """Seeded themes assigned by the models, then discovered ones, with their outcomes."""
    settings = AssignSettings(
        assign_threshold=config.assign_threshold,
        ambiguous_threshold=config.ambiguous_threshold,
        seed=config.seed,
    )
    theme_texts = _theme_texts(nlp, taxonomy)
    terms = count_terms(term_rows(statements, theme_texts))
    statement_outcomes = assign_statements(statements, hits, taxonomy, theme_texts, settings, terms)
    rarity = WordRarity()
    themes = _seeded_themes(taxonomy, statements, statement_outcomes, rarity, terms)
    diagnostics: dict[str, object] = {}
    if config.discover:
        explained = {a.unit_id for a in statement_outcomes if a.status == ASSIGNED}
        discovered, diagnostics = discover_themes(
            statements, explained, DiscoverSettings(seed=config.seed), rarity, terms
        )
        for found in discovered:
            themes.append(found.theme)
            statement_outcomes += [
                Assignment(
                    sid,
                    found.theme.id,
                    ASSIGNED,
                    round(score, 4),
                    (Evidence("cluster", ", ".join(found.theme.key_terms[:5]), round(score, 4)),),
                )
                for sid, score in found.members
            ]
    return terms, themes, statement_outcomes, diagnostics


def _units(threads: Sequence[Thread], include_articles: bool):
    """Comments to analyse (articles too if asked), and what findings need to know of them."""
    units, infos, texts, roles = [], [], {}, {}
    excluded = 0
    for thread in sorted(threads, key=lambda t: t.id):
        pieces = [(c.id, c.author, c.role, c.text, c.excluded) for c in thread.comments]
        if include_articles and thread.article:
            pieces.append(
                (
                    f"a{hashlib.sha256(thread.id.encode()).hexdigest()[:12]}",
                    None,
                    "article",
                    "\n\n".join(thread.article),
                    None,
                )
            )
        for unit_id, author, role, text, is_excluded in pieces:
            if is_excluded:
                excluded += 1
                continue
            units.append(Unit(unit_id, thread.id, author, text))
            infos.append(
                UnitInfo(unit_id, thread.id, thread.title, author, role, len(text.split()))
            )
            texts[unit_id] = text
            roles[unit_id] = role
    return units, infos, texts, roles, excluded


def _theme_texts(nlp, taxonomy: Taxonomy) -> ThemeTexts:
    """Examples (or, for a theme with none, its description's sentences) and counter-examples."""
    examples = {}
    for theme in taxonomy.themes:
        written = list(theme.examples) or [s.text for s in nlp(theme.description).sents]
        examples[theme.id] = [(text, feature_lemmas(nlp(text))) for text in written]
    counters = {
        t.id: [feature_lemmas(nlp(text)) for text in t.counter_examples] for t in taxonomy.themes
    }
    return ThemeTexts(examples=examples, counter_examples=counters)


def _seeded_themes(taxonomy, statements, outcomes, rarity, terms) -> list[Theme]:
    """Taxonomy themes, with key terms from what commenters wrote (class-based TF-IDF)."""
    by_id = {s.id: s for s in statements}
    members: dict[str, list[Statement]] = {t.id: [] for t in taxonomy.themes}
    for item in outcomes:
        if item.status == ASSIGNED:
            members[item.theme_id].append(by_id[item.unit_id])
    found_terms = key_terms(statements, [members[t.id] for t in taxonomy.themes], rarity, 8, terms)
    return [
        Theme(t.id, t.label, SEEDED, t.description, key_terms=tuple(found), parent=t.parent)
        for t, found in zip(taxonomy.themes, found_terms, strict=True)
    ]


#: Statements of a theme considered for its quotes: the best scored.
QUOTE_CANDIDATES = 2_000


def _quotes(statements, outcomes, themes, texts, roles, limit, terms):
    """Quotes per theme, scored by confidence x typicality (cosine to the theme's centroid)."""
    if not statements:
        return {}
    index = {s.id: i for i, s in enumerate(statements)}
    (matrix,) = tfidf(terms.counts[: len(statements)])
    members: dict[str, list[Assignment]] = {}
    for item in outcomes:
        if item.status == ASSIGNED:
            members.setdefault(item.theme_id, []).append(item)
    quotes = {}
    for theme in themes:
        items = members.get(theme.id, [])
        if not items:
            continue
        rows = np.array([index[a.unit_id] for a in items])
        centroid = np.asarray(matrix[rows].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid) or 1.0
        typicality = (matrix[rows] @ (centroid / norm)).ravel()
        scores = np.array([a.confidence for a in items]) * typicality
        # The best-scored statements of a large theme are enough to choose a few quotes
        # from; ties keep statement order, as `items` is sorted by statement id.
        best = np.argsort(-scores, kind="stable")[:QUOTE_CANDIDATES]
        candidates = [Candidate(statements[rows[i]], float(scores[i])) for i in sorted(best)]
        quotes[theme.id] = choose_quotes(candidates, texts, roles, limit)
    return quotes
