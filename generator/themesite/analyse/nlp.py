"""The spaCy side of the analysis: statements with offsets, and pattern evidence.

The pipeline itself (any language, no download) is built in `pipeline.py`.

Docs are processed with `nlp.pipe` in batches and reduced at once to compact
`Statement`s and pattern hits, so no list of Docs is ever held.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from themesite.analyse.records import Statement
from themesite.analyse.taxonomy import Taxonomy

#: Statements shorter than this many words are joined to the sentence before them.
MIN_STATEMENT_WORDS = 4


@dataclass(frozen=True)
class Hit:
    theme_id: str
    pattern: str
    start: int  # character offsets in the analysed text
    end: int


#: A token pattern's needs: for each token it must match at least once, the attribute
#: (LEMMA or LOWER) and the values it accepts there.
Needs = tuple[tuple[int, frozenset[int]], ...]
_NEED_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER}


class PatternMatcher:
    """The taxonomy's phrases (on lemmas and on lower case) and token patterns, in one pass.

    The token `Matcher` is the costly part (on the seeds' ten patterns, most of the NLP
    floor), and most texts hold none of the words a pattern needs: it runs only on a Doc
    where some pattern finds each of its required words, which gives the same matches.
    """

    def __init__(self, nlp: Language, taxonomy: Taxonomy) -> None:
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokens = Matcher(nlp.vocab)
        self.labels: dict[int, tuple[str, str]] = {}
        self.needs: list[Needs] = []
        for theme in taxonomy.themes:
            for phrase in theme.phrases:
                key = self._key(nlp, theme.id, f"phrase: {phrase}")
                self.lemma.add(key, [nlp(phrase)])
                self.lower.add(key, [nlp.make_doc(phrase)])
            for pattern in theme.tokens:
                key = self._key(nlp, theme.id, f"tokens: {list(pattern)}")
                self.tokens.add(key, [list(pattern)])
                self.needs.append(required_words(pattern, nlp.vocab.strings))

    def _key(self, nlp: Language, theme_id: str, label: str) -> str:
        key = f"{theme_id}|{label}"
        self.labels[nlp.vocab.strings.add(key)] = (theme_id, label)
        return key

    def may_match(self, doc: Doc) -> bool:
        """Whether some token pattern finds every word it requires in `doc`."""
        if not self.needs:
            return False
        if any(not needs for needs in self.needs):
            return True
        words = doc.to_array([LEMMA, LOWER])
        present = {LEMMA: set(words[:, 0].tolist()), LOWER: set(words[:, 1].tolist())}
        return any(
            all(not values.isdisjoint(present[attr]) for attr, values in needs)
            for needs in self.needs
        )

    def __call__(self, doc: Doc) -> list[Hit]:
        matchers = [m for m in (self.lemma, self.lower) if len(m)]
        if self.may_match(doc):
            matchers.append(self.tokens)
        found = {
            (match_id, start, end) for matcher in matchers for match_id, start, end in matcher(doc)
        }
        hits = []
        for match_id, start, end in sorted(found):
            theme_id, label = self.labels[match_id]
            span = doc[start:end]
            hits.append(Hit(theme_id, label, span.start_char, span.end_char))
        return sorted(set(hits), key=lambda h: (h.start, h.theme_id, h.pattern))


def required_words(pattern, strings) -> Needs:
    """The words a token pattern cannot match without: each token that must occur at
    least once (no operator, "+", or a count from 1) and names its LEMMA or LOWER, as
    one value or an IN list, gives (attribute, the values' hashes)."""
    needs = []
    for token in pattern:
        if not _must_occur(token.get("OP")):
            continue
        for key, value in token.items():
            attr = _NEED_ATTRS.get(key.upper())
            if attr is None:
                continue
            if isinstance(value, str):
                values = [value]
            elif isinstance(value, dict) and set(value) == {"IN"}:
                values = [v for v in value["IN"] if isinstance(v, str)]
                if len(values) != len(value["IN"]):
                    continue
            else:
                continue
            needs.append((attr, frozenset(strings.add(v) for v in values)))
    return tuple(needs)


def _must_occur(op: str | None) -> bool:
    if op is None or op == "+":
        return True
    if op.startswith("{") and op.endswith("}"):
        low = op[1:-1].split(",")[0].strip()
        return low.isdigit() and int(low) >= 1
    return False  # "?", "*", "!" (a token that must not be the word)


#: What one text reduces to, in plain tuples so it pickles small and caches as is:
#: statements as (start, end, content lemmas) and pattern hits as
#: (statement index, theme id, pattern, start, end), character offsets into the text.
StatementSpan = tuple[int, int, tuple[str, ...]]
PatternHit = tuple[int, str, str, int, int]
DocResult = tuple[tuple[StatementSpan, ...], tuple[PatternHit, ...]]

_ATTRS = ["IDX", "LENGTH", "SENT_START", "IS_ALPHA", "IS_STOP", "LEMMA", "ORTH"]

#: Lemmas every language's stop list holds but a claim turns on: "IT is not a partner"
#: and "IT is a partner" must not reduce to the same words. Kept as content lemmas.
STANCE_LEMMAS = {
    "en": (
        "not",
        "no",
        "never",
        "without",
        "nor",
        "none",
        "nothing",
        "nobody",
        "neither",
        "should",
        "must",
        "only",
        "against",
    ),
    "de": (
        "nicht",
        "kein",
        "nie",
        "niemals",
        "ohne",
        "weder",
        "nichts",
        "sollen",
        "müssen",
        "nur",
        "gegen",
    ),
    "fr": (
        "ne",
        "pas",
        "non",
        "jamais",
        "sans",
        "aucun",
        "rien",
        "personne",
        "devoir",
        "seulement",
        "contre",
    ),
    "es": ("no", "nunca", "sin", "ni", "ninguno", "nada", "nadie", "deber", "solo", "contra"),
    "it": ("non", "mai", "senza", "né", "nessuno", "niente", "dovere", "solo", "contro"),
    "nl": ("niet", "geen", "nooit", "zonder", "noch", "niets", "moeten", "alleen", "tegen"),
    "pt": ("não", "nunca", "sem", "nem", "nenhum", "nada", "dever", "só", "contra"),
}


def it_forms(lang: str) -> tuple[str, ...]:
    """How English writes 'IT' the department, which its stop list would drop as 'it' the
    pronoun; other languages have no such clash (German 'IT' is no stop word)."""
    return ("IT", "IT’s", "IT's") if lang == "en" else ()


def feature_lemmas(doc: Doc | Span) -> tuple[str, ...]:
    """Content lemmas for the models: no stop words but the stance words; in English,
    'IT' the department is kept, 'it' the pronoun is not."""
    lang = doc.doc.lang_ if isinstance(doc, Span) else doc.lang_
    forms = it_forms(lang)
    stance = frozenset(STANCE_LEMMAS.get(lang, ()))
    lemmas = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.text in forms:
            lemmas.append("IT")
        elif lemma in stance or (token.is_alpha and not token.is_stop and len(token.text) > 1):
            lemmas.append(lemma)
    return stance_last(lemmas, stance)


def stance_last(lemmas, stance: frozenset[str]) -> tuple[str, ...]:
    """The content lemmas in order, then the stance words: a statement's words are its
    topic's bigrams as if the stop list had dropped the stance words (discovery and naming
    leave stance words out and see the same terms), and the stance words still count."""
    kept = [x for x in lemmas if x]
    return tuple([x for x in kept if x not in stance] + [x for x in kept if x in stance])


class DocReducer:
    """Reduce a processed Doc to its statements and pattern hits, reading token attributes
    as arrays (one pass in C) rather than token by token."""

    def __init__(self, nlp: Language, matcher: PatternMatcher) -> None:
        self.strings = nlp.vocab.strings
        self.matcher = matcher
        self.it_forms = np.array(
            [self.strings.add(form) for form in it_forms(nlp.lang)], dtype=np.uint64
        )
        self.stance_text = frozenset(STANCE_LEMMAS.get(nlp.lang, ()))
        self.stance = np.array(
            [self.strings.add(lemma) for lemma in self.stance_text], dtype=np.uint64
        )
        self.lemma_text: dict[int, str] = {}

    def __call__(self, doc: Doc) -> DocResult:
        if not len(doc):
            return (), ()
        table = doc.to_array(_ATTRS)
        starts = table[:, 0].astype(np.int64)
        ends = starts + table[:, 1].astype(np.int64)
        alpha = table[:, 3] == 1
        is_it = np.isin(table[:, 6], self.it_forms)
        stance = np.isin(table[:, 5], self.stance)
        content = is_it | stance | (alpha & (table[:, 4] == 0) & (table[:, 1] > 1))
        lemmas = self._lemmas(table[:, 5], content, is_it)
        sentence_starts = np.flatnonzero(table[:, 2] == 1)
        if not len(sentence_starts) or sentence_starts[0] != 0:
            sentence_starts = np.concatenate([[0], sentence_starts])
        spans = _pieces(doc.text, starts, ends, sentence_starts, alpha)
        statements = []
        for start, end in spans:
            first = int(np.searchsorted(ends, start, side="right"))
            last = int(np.searchsorted(starts, end, side="left"))
            statements.append((start, end, stance_last(lemmas[first:last], self.stance_text)))
        hits = []
        for hit in self.matcher(doc):
            for index, (start, end, _) in enumerate(statements):
                if start <= hit.start < end:
                    hits.append((index, hit.theme_id, hit.pattern, hit.start, hit.end))
        return tuple(statements), tuple(hits)

    def _lemmas(self, hashes: np.ndarray, content: np.ndarray, is_it: np.ndarray) -> list[str]:
        known = self.lemma_text
        out = [""] * len(hashes)
        for i in np.flatnonzero(content):
            if is_it[i]:
                out[i] = "IT"
                continue
            key = int(hashes[i])
            text = known.get(key)
            if text is None:
                text = known[key] = sys.intern(self.strings[key].lower())
            out[i] = text
        return out


def _pieces(text: str, starts, ends, sentence_starts, alpha) -> list[tuple[int, int]]:
    """Sentences, also broken at line breaks; very short pieces join the one before."""
    pieces: list[tuple[int, int]] = []
    bounds = list(sentence_starts) + [len(starts)]
    for first, stop in zip(bounds, bounds[1:], strict=False):
        start, end = int(starts[first]), int(ends[stop - 1])
        offset = start
        for line in text[start:end].split("\n"):
            if line.strip():
                lead = len(line) - len(line.lstrip())
                pieces.append((offset + lead, offset + len(line.rstrip())))
            offset += len(line) + 1
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        first = int(np.searchsorted(ends, start, side="right"))
        last = int(np.searchsorted(starts, end, side="left"))
        words = int(alpha[first:last].sum())
        same_line = merged and "\n" not in text[merged[-1][1] : start]
        if merged and same_line and words < MIN_STATEMENT_WORDS:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def statements_of(
    result: DocResult, text: str, comment_id: str, thread_id: str, author: str | None
) -> tuple[list[Statement], dict[str, list[Hit]]]:
    """The Statement records of one text and its pattern hits by statement id.

    Lemmas are interned: a large corpus holds millions of them, but only thousands of
    distinct words, and results arrive from other processes as separate copies.
    """
    spans, found = result
    statements = [
        Statement(
            f"{comment_id}:{i}",
            comment_id,
            thread_id,
            author,
            a,
            b,
            text[a:b],
            tuple(map(sys.intern, lemmas)),
        )
        for i, (a, b, lemmas) in enumerate(spans)
    ]
    hits: dict[str, list[Hit]] = {}
    for index, theme_id, pattern, start, end in found:
        hits.setdefault(statements[index].id, []).append(Hit(theme_id, pattern, start, end))
    return statements, hits


def reduce_texts(
    nlp: Language, reducer: DocReducer, texts: Iterable[str], batch_size: int = 256
) -> Iterator[DocResult]:
    """Stream the compact result of each text; Docs are dropped at once."""
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield reducer(doc)
