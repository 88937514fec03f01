"""Counts that agree in number: "1 thread", "3 threads", in templates and in Python alike.

The site is generated for corpora of any size, so a count of one is as likely as any
other; writing "1 threads" in a report reads as carelessness about the numbers.
Irregular forms are given by the caller ("person", "people"): guessing English plurals
from spelling would be wrong for some nouns and silent about it.
"""

from __future__ import annotations


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The word that agrees with `n`: `singular` for exactly one, else `plural_form`.

    Without `plural_form` the plural is `singular` + "s". The word may be a phrase whose
    last word is the noun ("more thread"), or a verb given in both forms ("carries", "carry").
    """
    if n == 1:
        return singular
    return plural_form if plural_form is not None else singular + "s"


def count(n: int, singular: str, plural_form: str | None = None) -> str:
    """`n` followed by the noun that agrees with it: the `count` filter of the templates.

    Registered under Jinja2's name `count` (its alias of `length`, which the templates
    do not use: they write `length`), so a template reads `{{ n|count("thread") }}`.
    """
    return f"{n} {plural(n, singular, plural_form)}"
