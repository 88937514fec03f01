"""Name a group of statements by its most distinctive terms, in the words people wrote.

Class-based TF-IDF (each group one document, as in BERTopic) times each term's
rarity in general English (smooth inverse frequency a / (a + p(word)), with spaCy's
word probabilities), so that "need" or "sounds like" cannot name a theme. The scores
need only per-group sums of binary term counts, which partitions add up exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

#: The `a` of smooth inverse frequency: "need" weighs a tenth of "budget".
SIF = 1e-4
#: Spellings for a theme's key terms are read from its most typical statements.
SPELLING_MEMBERS = 500
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


class WordRarity:
    """Smooth inverse frequency of words in general English, from spaCy's lexeme_prob table.

    Loaded once per analysis and shared by discovery and theme naming; not cached for
    the process, because the table costs about 290 MB.
    """

    def __init__(self) -> None:
        from themesite.analyse.nlp import lookup_table

        self.logprob: dict[str, float] = lookup_table("lexeme_prob")

    def weights(self, vocabulary: np.ndarray) -> np.ndarray:
        """One weight per term (a product over the words of a phrase)."""
        if not len(vocabulary):
            return np.ones(0)
        words = {w for term in vocabulary for w in term.split()}
        weight = {w: SIF / (SIF + float(np.exp(self.logprob.get(w, -20.0)))) for w in words}
        return np.array([np.prod([weight[w] for w in term.split()]) for term in vocabulary])


def name_groups(
    per_class: np.ndarray,
    vocabulary: np.ndarray,
    weights: np.ndarray,
    spellings: Sequence[Sequence[str]],
    top: int,
) -> list[list[str]]:
    """The top terms of each group; `per_class` holds, for each group and then for the
    statements in none, how many of their statements have each term; `spellings` are
    texts of each group's most typical statements.

    A term must occur in two members; a phrase takes the place of a word it mostly carries.
    """
    from themesite.analyse.nlp import lookup_table

    sizes = per_class.sum(axis=1, keepdims=True)
    idf = np.log1p(sizes.mean() / np.maximum(per_class.sum(axis=0), 1))
    scores = per_class / np.maximum(sizes, 1) * idf * weights
    column = {str(term): i for i, term in enumerate(vocabulary)}
    lemma_of = lookup_table("lemma_lookup")
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
        names.append(_written(chosen, texts, lemma_of))
    return names


def _written(terms: Sequence[str], texts: Sequence[str], lemma_of) -> list[str]:
    """Each lemma as the members most often wrote it ("datum" -> "data", "cio" -> "CIO")."""
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        for word in WORD.findall(text):
            lemma = "IT" if word == "IT" else lemma_of.get(word.lower(), word.lower()).lower()
            spellings.setdefault(lemma, Counter())[word] += 1

    def form(lemma: str) -> str:
        written = spellings.get(lemma)
        if not written:
            return lemma
        word = min(written, key=lambda w: (-written[w], w))
        return word.lower() if word.istitle() and len(word) > 1 else word

    return [" ".join(form(lemma) for lemma in term.split()) for term in terms]
