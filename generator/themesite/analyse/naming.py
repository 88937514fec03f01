"""Name a group of statements by its most distinctive terms, in the words people wrote.

Class-based TF-IDF (each group one document, as in BERTopic) times each term's
rarity in general use of the corpus's language (smooth inverse frequency
a / (a + p(word)), with spaCy's word probabilities), so that "need" or "sounds like"
cannot name a theme. The scores need only per-group sums of binary term counts, which
partitions add up exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from themesite.analyse.pipeline import LemmaTable

#: The `a` of smooth inverse frequency: "need" weighs a tenth of "budget".
SIF = 1e-4
#: Spellings for a theme's key terms are read from its most typical statements.
SPELLING_MEMBERS = 500
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


class WordRarity:
    """Smooth inverse frequency of words in general use of a language, from the
    `lexeme_prob` table of spacy-lookups-data, which only some languages have (English,
    German, Spanish, Greek).

    Without a table every weight is 1: plain class-based TF-IDF over lemmas the pipeline's
    stop words are already gone from. Both uses of the weights (discovery vectors, theme
    names) already multiply by the corpus's own inverse frequency, so a rarity estimated
    from the corpus counts that evidence twice, and measured it does not help: on the
    English seeds, where the table can be taken away, 25% of key-term words are among the
    2,000 commonest English words with the table, 62% with weights of 1 and 61% with
    smooth inverse frequency over the corpus's own word counts (which also costs a pass
    over the corpus). The German and French test corpora name their taxonomy theme with
    the same terms under all three.

    Loaded once per analysis and shared by discovery and theme naming; not cached for
    the process, because the English table costs about 290 MB.
    """

    def __init__(self, lang: str = "en") -> None:
        from themesite.analyse.pipeline import lookup_table

        self.lang = lang
        self.logprob: dict[str, float] | None = lookup_table("lexeme_prob", lang)

    def weights(self, vocabulary: np.ndarray) -> np.ndarray:
        """One weight per term (a product over the words of a phrase)."""
        if not len(vocabulary):
            return np.ones(0)
        if self.logprob is None:
            return np.ones(len(vocabulary))
        words = {w for term in vocabulary for w in term.split()}
        weight = {w: SIF / (SIF + float(np.exp(self.logprob.get(w, -20.0)))) for w in words}
        return np.array([np.prod([weight[w] for w in term.split()]) for term in vocabulary])


def name_groups(
    per_class: np.ndarray,
    vocabulary: np.ndarray,
    weights: np.ndarray,
    spellings: Sequence[Sequence[str]],
    top: int,
    lang: str = "en",
) -> list[list[str]]:
    """The top terms of each group; `per_class` holds, for each group and then for the
    statements in none, how many of their statements have each term; `spellings` are
    texts of each group's most typical statements, in the language `lang`.

    A term must occur in two members; a phrase takes the place of a word it mostly carries.
    """
    from themesite.analyse.nlp import it_forms
    from themesite.analyse.pipeline import LemmaTable

    sizes = per_class.sum(axis=1, keepdims=True)
    idf = np.log1p(sizes.mean() / np.maximum(per_class.sum(axis=0), 1))
    scores = per_class / np.maximum(sizes, 1) * idf * weights
    column = {str(term): i for i, term in enumerate(vocabulary)}
    lemma_of = LemmaTable(lang)
    names = []
    for c, texts in enumerate(spellings):
        chosen: list[str] = []
        for i in sorted(np.flatnonzero(per_class[c] >= 2), key=lambda i: (-scores[c, i], i)):
            term, words = str(vocabulary[i]), str(vocabulary[i]).split()
            if any(sorted(words) == sorted(t.split()) or term in t.split() for t in chosen):
                continue  # the same phrase reversed, or a word of a phrase ranked higher
            carried = [
                t for t in chosen if t in words and per_class[c, i] * 2 > per_class[c, column[t]]
            ]
            if carried:
                chosen = [term if t == carried[0] else t for t in chosen if t not in carried[1:]]
            else:
                chosen.append(term)
            if len(chosen) == top:
                break
        names.append(_written(chosen, texts, lemma_of, it_forms(lang)))
    return names


def _written(
    terms: Sequence[str], texts: Sequence[str], lemma_of: LemmaTable, kept: tuple[str, ...]
) -> list[str]:
    """Each lemma as the members most often wrote it ("datum" -> "data", "cio" -> "CIO"),
    with the pipeline's own lemma rule, so a German "Häuser" spells "haus"; `kept` are
    the forms the pipeline keeps as written ("IT")."""
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        for word in WORD.findall(text):
            lemma = word if word in kept else lemma_of(word)
            spellings.setdefault(lemma, Counter())[word] += 1

    def form(lemma: str) -> str:
        written = spellings.get(lemma)
        if not written:
            return lemma
        word = min(written, key=lambda w: (-written[w], w))
        return word.lower() if word.istitle() and len(word) > 1 else word

    return [" ".join(form(lemma) for lemma in term.split()) for term in terms]
