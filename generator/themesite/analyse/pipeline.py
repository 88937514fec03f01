"""The spaCy pipeline: any language spaCy has, with no download.

`blank:xx` is `spacy.blank("xx")`, the rule-based sentencizer, and a lookup lemmatizer
over that language's `spacy-lookups-data` table (lemmas in lower case, with a per-word
cache: the same lemmas as spaCy's lookup mode, faster, and case-insensitive so
"Requests" and "requests" agree). Stop words are always the language's own. A trained
pipeline is used instead when it is installed and named in the config.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing

from spacy.language import Language
from spacy.tokens import Doc

from themesite.errors import ThemesiteError

BLANK = "blank:en"
LEMMAS = "themesite_lemmas"
LOGGER = logging.getLogger("themesite")


def lookup_table(name: str, lang: str = "en") -> dict | None:
    """A table of `spacy-lookups-data` for `lang` as a plain dict keyed by word, or None
    when the package has no such table for that language.

    spaCy's `load_lookups` re-keys every entry by its string hash, which costs about
    four times the reading (2.5 s for the million words of `lexeme_prob`).
    """
    import spacy
    from catalogue import RegistryError
    from spacy.util import load_language_data

    try:
        path = spacy.registry.lookups.get(lang).get(name)
    except RegistryError:
        return None
    return load_language_data(path) if path else None


class LemmaTable:
    """A word's lower-case lookup lemma: the table's entry for the word in lower case,
    else for the word as written (German nouns are listed capitalised only: "Häuser"),
    else the word in lower case. Trying lower case first keeps "Requests" and "requests"
    together wherever the table allows. With no table, every lemma is the lower case."""

    def __init__(self, lang: str) -> None:
        table = _lemma_lookup(lang)
        self.found = table is not None
        self.table: dict = table or {}
        self.cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        lemma = self.cache.get(word)
        if lemma is None:
            lower = word.lower()
            entry = self.table.get(lower) or self.table.get(word) or lower
            # Some tables (French) list every lemma of a word; spaCy takes the first.
            lemma = self.cache[word] = (entry if isinstance(entry, str) else entry[0]).lower()
        return lemma


@functools.lru_cache(maxsize=2)
def _lemma_lookup(lang: str) -> dict | None:
    """Read once per process: theme naming needs the table again for every theme, and the
    German one takes a third of a second to read. Never modified."""
    return lookup_table("lemma_lookup", lang)


class LookupLemmas:
    """The pipeline component: every token's lemma from a `LemmaTable`."""

    def __init__(self, lang: str) -> None:
        self.lemma_of = LemmaTable(lang)
        if not self.lemma_of.found and multiprocessing.parent_process() is None:
            _notice_no_lemmas(lang)

    def __call__(self, doc: Doc) -> Doc:
        lemma_of = self.lemma_of
        for token in doc:
            token.lemma_ = lemma_of(token.text)
        return doc


@functools.cache
def _notice_no_lemmas(lang: str) -> None:
    """Once per language and process, and only in the main process: the pipeline is
    built in every worker and more than once per analysis, but one notice is enough."""
    LOGGER.warning(
        "spacy-lookups-data has no lemma table for %r, so each word's lemma is its lower-case "
        "form (for real lemmas, install a trained spaCy pipeline for the language and set "
        "'analyse: pipeline' to its name)",
        lang,
    )


@Language.factory(LEMMAS)
def _make_lemmas(nlp: Language, name: str) -> LookupLemmas:
    return LookupLemmas(nlp.lang)


def build_pipeline(name: str = BLANK) -> Language:
    """`blank:CODE` (sentencizer and lookup lemmas for spaCy's language CODE) or an
    installed trained pipeline; a name that is neither is a one-line error."""
    import spacy

    if name.startswith("blank:"):
        nlp = spacy.blank(_language_code(name))
        nlp.add_pipe("sentencizer")
        nlp.add_pipe(LEMMAS)
        return nlp
    if not name.strip() or name != name.strip() or name == "blank" or ":" in name:
        raise _malformed(name)
    try:
        return spacy.load(name, exclude=["ner", "textcat"])
    except OSError as exc:
        raise ThemesiteError(
            f"the spaCy pipeline {name!r} is not installed",
            f"install it (e.g. pip install {name}) or set 'analyse: pipeline: {BLANK}'",
        ) from exc


def _language_code(name: str) -> str:
    """The code of a `blank:` name, checked against the languages spaCy has."""
    import pkgutil

    import spacy.lang

    code = name.removeprefix("blank:")
    if not code.isalpha() or not code.islower():
        raise _malformed(name)
    codes = sorted(m.name for m in pkgutil.iter_modules(spacy.lang.__path__) if m.ispkg)
    if code not in codes:
        raise ThemesiteError(
            f"spaCy has no language {code!r} (analyse: pipeline: {name})",
            f"use blank:CODE with one of spaCy's language codes: {', '.join(codes)}",
        )
    return code


def _malformed(name: str) -> ThemesiteError:
    return ThemesiteError(
        f"the spaCy pipeline name {name!r} is malformed",
        "write blank:CODE with a spaCy language code, such as blank:de, or the name of an "
        "installed trained pipeline, such as de_core_news_sm",
    )
