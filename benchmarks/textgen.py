"""Synthetic sentences, comments, articles, titles and people from the seed material.

Everything draws from one `random.Random`, so a seed gives the same text on every
machine. New words are coined at a rate that falls with the square root of the
swaps made so far, so the vocabulary grows with the corpus, sublinearly, as it does
in real text (Heaps' law).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from seedtext import SeedText, Template, words

#: Mean words per comment is about 100 with these settings (checked by `synth.py --stats`).
_LENGTH_MU, _LENGTH_SIGMA = 4.11, 0.85
_SWAP = 0.35  # chance that a swappable word is swapped
_COIN = 1.5  # new words ~ 2 * _COIN * sqrt(swaps)
_CONTINUE = 0.6  # chance the next sentence follows on in the same seed comment
_PARAGRAPH_BREAK = 0.3


_ONSETS = words("b br c ch cl cr d dr f fl g gr h j k l m n p pl pr r s sh st t tr v w z")
_VOWELS = words("a e i o u a e i o ea ou")
_CODAS = words("n r l s m nd st rt")

FIRST_NAMES = words(
    """Aaron Abigail Adam Aisha Alan Alicia Amy Ana Andrea Angela Anthony Arjun Barbara
Ben Beth Bill Carla Carlos Carol Catherine Chen Chris Claire Colin Craig Dana Daniel Deborah
Dennis Diane Doug Elena Emily Eric Fatima Frank Gail George Grace Greg Hannah Harold Helen
Hiro Ingrid Isaac Jack Jamal Jane Jason Jennifer Joan Jorge Julia Karen Keith Laura Leon Linda
Lucas Maria Mark Martin Maya Megan Michael Mina Nadia Neil Nora Omar Pat Paul Priya Rachel Raj
Ravi Rebecca Robert Rosa Ruth Sam Sandra Sara Scott Sean Sophie Stephen Susan Tara Tom Tony
Valerie Victor Wendy Yusuf Zoe"""
)
LAST_NAMES = words(
    """Abbott Adeyemi Alvarez Anderson Baker Banerjee Barnes Becker Bell Bishop Brooks
Burke Campbell Carter Castillo Chang Clarke Coleman Cooper Cruz Daniels Delgado Dixon Doyle
Duncan Edwards Ellis Evans Fischer Fleming Foster Franklin Garcia Gibson Gordon Graham Grant
Greene Hall Hansen Harper Hayes Henderson Hoffman Holt Hughes Ibrahim Jensen Johnson Kaplan
Keller Kennedy Khan Kim Klein Kowalski Lambert Larsen Lee Lopez Lynch Malik Marshall Mason
Meyer Miller Mitchell Moreno Murphy Nakamura Nelson Novak Okafor Olsen Ortiz Palmer Patel
Perry Porter Quinn Ramirez Reed Reyes Richter Rivera Rossi Russell Sanders Schmidt Shah Silva
Singh Sullivan Tanaka Taylor Thompson Torres Turner Vargas Walsh Warren Weber Wong Young
Zimmerman"""
)
ROLES = (None, "Member", "Active Member", "Trusted Member", "Noble Member")
ROLE_WEIGHTS = (15, 45, 20, 10, 10)
JOB_TITLES = (
    "President",
    "Chief Executive Officer",
    "Chief Marketing Officer",
    "Chief Information Officer",
    "Principal",
    "Managing Partner",
    "Founder",
    "Retail Analyst",
    "VP of Technology",
    "Director of Insights",
    "Senior Consultant",
    "Chairman Emeritus",
    "Global Industry Architect",
    "Head of Strategy",
)
COMPANY_KINDS = ("Retail", "Group", "Partners", "Consulting", "Inc.", "Advisors", "Labs")


@dataclass(frozen=True)
class Author:
    name: str
    role: str | None
    repeats_name: bool  # the page writes the name twice in the comment header
    affiliation: str


@dataclass(frozen=True)
class Body:
    paragraphs: tuple[str, ...]
    sentences: tuple[str, ...]
    words: int


class TextMaker:
    def __init__(self, seeds: SeedText, rng: random.Random) -> None:
        self.seeds = seeds
        self.rng = rng
        self.classes = [list(words) for words in seeds.classes]
        self.known = {w for words in seeds.classes for w in words}
        self.swaps = 0
        self.coined = 0

    def word(self, suffix: str = "") -> str:
        """A pronounceable new word: one or two syllables, a closing consonant, the suffix."""
        rng = self.rng
        stem = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 2)))
        return stem + rng.choice(_CODAS) + suffix

    def _swap(self, cls: int) -> str:
        self.swaps += 1
        pool = self.classes[cls]
        if self.rng.random() < _COIN / math.sqrt(self.swaps):
            new = self.word(self.seeds.suffixes[cls])
            if new not in self.known:
                self.known.add(new)
                pool.append(new)
                self.coined += 1
                return new
        return pool[int(self.rng.random() * len(pool))]

    def sentence(self, template: Template, swap: float = _SWAP) -> str:
        if not template.slots:
            return template.text
        parts = list(template.parts)
        random_ = self.rng.random
        for index, cls, capital in template.slots:
            if random_() < swap:
                new = self._swap(cls)
                parts[index] = new.capitalize() if capital else new
        return "".join(parts)

    def comment(self) -> Body:
        """One sentence to several paragraphs, recombined from several seed comments."""
        rng = self.rng
        target = max(1.0, rng.lognormvariate(_LENGTH_MU, _LENGTH_SIGMA))
        sources = self.seeds.comments
        source = rng.choice(sources)
        position = rng.randrange(len(source))
        paragraphs: list[str] = []
        current: list[str] = []
        sentences: list[str] = []
        words = 0
        while words < target:
            template = source[position]
            text = self.sentence(template)
            current.append(text)
            sentences.append(text)
            words += template.words
            position += 1
            if position >= len(source) or rng.random() > _CONTINUE:
                source = rng.choice(sources)
                position = rng.randrange(len(source))
            if rng.random() < _PARAGRAPH_BREAK:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        return Body(tuple(paragraphs), tuple(sentences), words)

    def article(self) -> list[str]:
        """A few paragraphs that read on through the seed articles."""
        rng = self.rng
        pool = self.seeds.articles
        position = rng.randrange(len(pool))
        paragraphs = []
        for _ in range(rng.randint(3, 5)):
            sentences = []
            for _ in range(rng.randint(1, 4)):
                sentences.append(self.sentence(pool[position % len(pool)]))
                position += 1
            paragraphs.append(" ".join(sentences))
        return paragraphs

    def questions(self) -> list[str]:
        pool = self.seeds.questions
        return [self.sentence(t) for t in self.rng.sample(pool, self.rng.randint(1, 2))]

    def title(self) -> str:
        """A seed title, question or short sentence, with more words swapped than in comments."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.3:
            template = rng.choice(self.seeds.titles)
        elif kind < 0.6:
            template = rng.choice(self.seeds.questions)
        else:
            template = rng.choice([t for c in rng.sample(self.seeds.comments, 8) for t in c])
        words = self.sentence(template, swap=0.7).rstrip(".").split()
        return " ".join(words[:14])

    def company(self) -> str:
        return f"{self.word().capitalize()} {self.rng.choice(COMPANY_KINDS)}"


def make_authors(count: int, seeds: SeedText, rng: random.Random) -> list[Author]:
    """`count` distinct people, each with a stable role and affiliation; rank order = activity."""
    maker = TextMaker(seeds, rng)
    names: list[str] = []
    seen: set[str] = set()
    seed_names = list(seeds.names)
    rng.shuffle(seed_names)
    while len(names) < count:
        if seed_names and rng.random() < 0.1:
            name = seed_names.pop()
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            middle = f" {rng.choice('ABCDEFGHJKLMNPRSTW')}." if rng.random() < 0.15 else ""
            name = f"{first}{middle} {last}"
            if name in seen:
                name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        if name in seen:
            continue
        seen.add(name)
        names.append(name)
    return [
        Author(
            name=name,
            role=rng.choices(ROLES, ROLE_WEIGHTS)[0],
            repeats_name=rng.random() < 0.3,
            affiliation=f"{rng.choice(JOB_TITLES)}, {maker.company()}",
        )
        for name in names
    ]
