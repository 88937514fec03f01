"""The spaCy side of the analysis: pipeline, statements with offsets, and pattern evidence.

The default pipeline needs no download: `spacy.blank("en")`, the rule-based
sentencizer, and a lookup lemmatizer over the `spacy-lookups-data` table (lemmas in
lower case, with a per-word cache: the same lemmas as spaCy's lookup mode, faster,
and case-insensitive so "Requests" and "requests" agree). A trained pipeline is used
instead when it is installed and named in the config.

Docs are processed with `nlp.pipe` in batches and reduced at once to compact
`Statement`s and pattern hits, so no list of Docs is ever held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from themesite.analyse.records import Statement
from themesite.analyse.taxonomy import Taxonomy
from themesite.errors import ThemesiteError

BLANK = "blank:en"
LEMMAS = "themesite_lemmas"
#: Statements shorter than this many words are joined to the sentence before them.
MIN_STATEMENT_WORDS = 4


class LookupLemmas:
    """Lower-case lookup lemmas with a per-word cache (spaCy's lookup table, used directly)."""

    def __init__(self) -> None:
        from spacy.lookups import load_lookups

        self.table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self.cache: dict[str, str] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache = self.cache
        for token in doc:
            lower = token.lower_
            lemma = cache.get(lower)
            if lemma is None:
                lemma = cache[lower] = self.table.get(lower, lower).lower()
            token.lemma_ = lemma
        return doc


@Language.factory(LEMMAS)
def _make_lemmas(nlp: Language, name: str) -> LookupLemmas:
    return LookupLemmas()


def build_pipeline(name: str = BLANK) -> Language:
    import spacy

    if name == BLANK:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe(LEMMAS)
        return nlp
    try:
        return spacy.load(name, exclude=["ner", "textcat"])
    except OSError as exc:
        raise ThemesiteError(
            f"the spaCy pipeline {name!r} is not installed",
            f"install it (e.g. pip install {name}) or set 'analyse: pipeline: {BLANK}'",
        ) from exc


@dataclass(frozen=True)
class Hit:
    theme_id: str
    pattern: str
    start: int  # character offsets in the analysed text
    end: int


class PatternMatcher:
    """The taxonomy's phrases (on lemmas and on lower case) and token patterns, in one pass."""

    def __init__(self, nlp: Language, taxonomy: Taxonomy) -> None:
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab)
        self.labels: dict[int, tuple[str, str]] = {}
        for theme in taxonomy.themes:
            for phrase in theme.phrases:
                key = self._key(nlp, theme.id, f"phrase: {phrase}")
                self.lemma.add(key, [nlp(phrase)])
                self.lower.add(key, [nlp.make_doc(phrase)])
            for pattern in theme.tokens:
                key = self._key(nlp, theme.id, f"tokens: {list(pattern)}")
                self.tokens.add(key, [list(pattern)])

    def _key(self, nlp: Language, theme_id: str, label: str) -> str:
        key = f"{theme_id}|{label}"
        self.labels[nlp.vocab.strings.add(key)] = (theme_id, label)
        return key

    def __call__(self, doc: Doc) -> list[Hit]:
        found = {
            (match_id, start, end)
            for matcher in (self.lemma, self.lower, self.tokens)
            if len(matcher)
            for match_id, start, end in matcher(doc)
        }
        hits = []
        for match_id, start, end in sorted(found):
            theme_id, label = self.labels[match_id]
            span = doc[start:end]
            hits.append(Hit(theme_id, label, span.start_char, span.end_char))
        return sorted(set(hits), key=lambda h: (h.start, h.theme_id, h.pattern))


def feature_lemmas(doc: Doc | Iterable) -> tuple[str, ...]:
    """Content lemmas for the models; 'IT' the department is kept, 'it' the pronoun is not."""
    lemmas = []
    for token in doc:
        if token.text in ("IT", "IT’s", "IT's"):
            lemmas.append("IT")
        elif token.is_alpha and not token.is_stop and len(token.text) > 1:
            lemmas.append(token.lemma_.lower())
    return tuple(lemmas)


def split_statements(
    doc: Doc, comment_id: str, thread_id: str, author: str | None
) -> list[Statement]:
    """Sentences, also broken at line breaks; very short pieces join the one before."""
    pieces: list[tuple[int, int]] = []
    for sentence in doc.sents:
        start = sentence.start_char
        text = sentence.text
        offset = 0
        for line in text.split("\n"):
            if line.strip():
                lead = len(line) - len(line.lstrip())
                pieces.append((start + offset + lead, start + offset + len(line.rstrip())))
            offset += len(line) + 1
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        words = sum(1 for t in doc.char_span(start, end, alignment_mode="expand") if t.is_alpha)
        same_line = merged and "\n" not in doc.text[merged[-1][1] : start]
        if merged and same_line and words < MIN_STATEMENT_WORDS:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    statements = []
    for index, (start, end) in enumerate(merged):
        span = doc.char_span(start, end, alignment_mode="expand")
        statements.append(
            Statement(
                id=f"{comment_id}:{index}",
                comment_id=comment_id,
                thread_id=thread_id,
                author=author,
                start=start,
                end=end,
                text=doc.text[start:end],
                lemmas=feature_lemmas(span),
            )
        )
    return statements


@dataclass(frozen=True)
class Unit:
    """One text to analyse: a comment body with the ids its statements inherit."""

    comment_id: str
    thread_id: str
    author: str | None
    text: str


def analyse_units(
    nlp: Language, matcher: PatternMatcher, units: Iterable[Unit], batch_size: int = 256
) -> Iterator[tuple[Unit, list[Statement], dict[str, list[Hit]]]]:
    """Stream (unit, its statements, pattern hits by statement id); Docs are dropped at once."""
    units = iter(units)
    pending: list[Unit] = []

    def texts() -> Iterator[str]:
        for unit in units:
            pending.append(unit)
            yield unit.text

    for doc in nlp.pipe(texts(), batch_size=batch_size):
        unit = pending.pop(0)
        statements = split_statements(doc, unit.comment_id, unit.thread_id, unit.author)
        by_statement: dict[str, list[Hit]] = {}
        for hit in matcher(doc):
            for statement in statements:
                if statement.start <= hit.start < statement.end:
                    by_statement.setdefault(statement.id, []).append(hit)
        yield unit, statements, by_statement
