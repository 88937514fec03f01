"""The seed corpus as raw material for synthetic text: sentences as templates, word classes.

A synthetic comment is a recombination of seed sentences in which some words are
swapped for other corpus words of the same kind. Without a tagger, "the same kind"
is the word's suffix (-tion, -ment, -ive, -ly ...): a noun in -tions is swapped for
another noun in -tions, an adverb in -ly for another adverb, so the sentences stay
roughly grammatical while the texts never repeat.

Only words seen in lower case in the seeds can be swapped, which leaves names,
acronyms (IT, CMO) and brands as they are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
THREADS = REPO / "corpus" / "threads"


def words(text: str) -> tuple[str, ...]:
    """A word list written as one string."""
    return tuple(text.split())


#: Suffix classes, longest first within a family; a word belongs to the longest that fits.
SUFFIXES = (
    "ations", "ation", "itions", "ition", "tions", "tion", "sions", "sion",
    "ments", "ment", "nesses", "ness", "ities", "ity", "ships", "ship",
    "isms", "ism", "ances", "ance", "ences", "ence", "ologies", "ology", "ists", "ist",
    "ers", "ors", "ives", "ive", "ous", "able", "ible", "ful", "less", "ical", "ics", "ic",
    "ally", "ly", "izes", "ized", "ize", "al",
)  # fmt: skip
_MIN_LENGTH = 5
#: Words the suffix rule would misfile (pronouns, determiners, nouns in -ly, verbs in -al).
_KEEP = frozenset(
    words(
        """others other however never whether together ever every over under after
        family supply apply reply rely only early likely really italy july holy
        several whose those these there where their either neither rather further
        business various serious"""
    )
)

_WORD = re.compile(r"([A-Za-z]+)")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[•·\-*]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Template:
    """A sentence split into alternating non-word and word parts, and its swappable slots."""

    parts: tuple[str, ...]
    slots: tuple[tuple[int, int, bool], ...]  # (part index, class index, capitalised)
    words: int  # whitespace-separated words, unchanged by swaps
    text: str


@dataclass(frozen=True)
class SeedText:
    comments: list[list[Template]]  # sentences grouped by the seed comment they came from
    articles: list[Template]
    questions: list[Template]
    titles: list[Template]
    classes: list[list[str]]  # words per suffix class
    suffixes: list[str]
    names: list[str]  # seed author names

    @property
    def vocabulary(self) -> int:
        return sum(len(words) for words in self.classes)


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, list bullets dropped; short fragments are kept out."""
    text = " ".join(_BULLET.sub("", line).strip() for line in paragraph.splitlines())
    found = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if 3 <= len(piece.split()) <= 60 and not piece.startswith("By "):
            found.append(piece)
    return found


def _suffix_of(word: str) -> str | None:
    if len(word) < _MIN_LENGTH or word in _KEEP:
        return None
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return suffix
    return None


def load(threads_dir: Path = THREADS) -> SeedText:
    """Read the ingested seed threads and cut their text into templates."""
    comments: list[list[str]] = []
    articles: list[str] = []
    questions: list[str] = []
    titles: list[str] = []
    names: set[str] = set()
    for path in sorted(threads_dir.glob("*.json")):
        thread = json.loads(path.read_text(encoding="utf-8"))
        titles.append(thread["title"])
        questions.extend(q for q in thread["questions"] if q.endswith("?"))
        for paragraph in thread["article"]:
            articles.extend(sentences(paragraph))
        for comment in thread["comments"]:
            if comment["author"]:
                names.add(comment["author"])
            found = [s for p in comment["paragraphs"] for s in sentences(p)]
            if found:
                comments.append(found)
    questions += [s for c in comments for s in c if s.endswith("?") and len(s.split()) <= 25]
    lower = {w for text in _all(comments, articles, titles) for w in _WORD.findall(text)}
    lower = {w for w in lower if w.islower()}
    by_suffix: dict[str, list[str]] = {}
    for word in sorted(lower):
        if suffix := _suffix_of(word):
            by_suffix.setdefault(suffix, []).append(word)
    suffixes = sorted(s for s, words in by_suffix.items() if len(words) >= 2)
    classes = [by_suffix[s] for s in suffixes]
    index = {w: i for i, s in enumerate(suffixes) for w in by_suffix[s]}

    def template(text: str) -> Template:
        parts = tuple(_WORD.split(text))
        slots = []
        for i in range(1, len(parts), 2):
            word = parts[i]
            key = word.lower()
            if key in index and (word.islower() or word == key.capitalize()):
                slots.append((i, index[key], word[0].isupper()))
        return Template(parts, tuple(slots), len(text.split()), text)

    return SeedText(
        comments=[[template(s) for s in c] for c in comments],
        articles=[template(s) for s in articles],
        questions=[template(s) for s in dict.fromkeys(questions)],
        titles=[template(t) for t in titles],
        classes=classes,
        suffixes=suffixes,
        names=sorted(names),
    )


def _all(comments: list[list[str]], articles: list[str], titles: list[str]):
    for found in comments:
        yield from found
    yield from articles
    yield from titles
