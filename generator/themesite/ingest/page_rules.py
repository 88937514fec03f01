"""Line rules shared by the page layouts: datelines, bylines, names, comment headers.

Kept as small named predicates so each parser reads as a description of its page,
and so the chrome a parser recognises is listed in one visible place.
"""

from __future__ import annotations

import re
from datetime import datetime

_MONTH_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? (\d{1,2}), (\d{4})\b"
)
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ]
    )
    for name in names
}
# A dateline is short: "June 25, 2012" or "News Feature | May 23, 2016".
_DATELINE_MAX = 60

COUNT = re.compile(r"^\s*(\d[\d,]*)\s+Comments?\s*$", re.IGNORECASE)
AGE = re.compile(
    r"^\s*(?:(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago|just now)\s*$",
    re.IGNORECASE,
)
ROLE = re.compile(
    r"^\s*(?:[A-Z][\w-]*\s+)?(?:Member|Editor|Moderator|Author|Staff|Admin|Guest|Contributor|BrainTrust)\s*$"
)
REPLY = re.compile(r"^\s*Reply to\s+(.+?)\s*$")
BYLINE = re.compile(r"^\s*By\s+(\S.*?)\s*$")
PHOTO = re.compile(r"^\s*Photo(?: credit)?:\s*\S")
SHARE = re.compile(r"^\s*Share:\s*\S")
QUESTIONS_PREFIX = re.compile(r"^\s*DISCUSSION QUESTIONS?:\s*", re.IGNORECASE)
QUESTION = re.compile(r"[^?]*\?")

#: Comment-list furniture under the "N Comments" line (wpDiscuz sort and feedback controls).
COMMENT_CONTROLS = frozenset(
    {"oldest", "newest", "most voted", "newest most voted", "inline feedbacks", "view all comments"}
)


def is_heading(text: str, heading: str) -> bool:
    return text.strip().casefold() == heading.casefold()


def dateline(text: str) -> str | None:
    """ISO date of a short dateline, or None when the line is not one."""
    if len(text.strip()) > _DATELINE_MAX:
        return None
    match = _MONTH_DATE.search(text)
    if not match:
        return None
    month, day, year = _MONTHS[match.group(1)], int(match.group(2)), int(match.group(3))
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None


_NAME_PARTICLES = frozenset(
    {"de", "da", "van", "von", "der", "del", "la", "le", "di", "du", "bin", "al", "and"}
)
_NAME_SUFFIXES = frozenset({"ii", "iii", "iv", "jr", "jr.", "sr", "sr.", "phd", "phd.", "cmc"})


def name_shaped(text: str) -> bool:
    """A line that reads like a person's name: a few capitalised words, initials, suffixes.

    Used only where the layout gives no stronger cue (a lone author line with no
    role or age below it), so it errs on the side of refusing.
    """
    words = text.split()
    if not 1 <= len(words) <= 6 or text.rstrip().endswith((":", "?", "!", ";")):
        return False
    for word in words:
        bare = word.rstrip(",")
        if bare.casefold() in _NAME_SUFFIXES or bare in _NAME_PARTICLES:
            continue
        if not bare[:1].isupper() or any(ch.isdigit() for ch in bare):
            return False
    return True


def split_questions(text: str) -> list[str]:
    """'Q1? Q2?' -> ['Q1?', 'Q2?'], each a verbatim substring; text without '?' stays whole."""
    body = QUESTIONS_PREFIX.sub("", text, count=1).strip()
    found = [q.strip() for q in QUESTION.findall(body) if q.strip()]
    rest = QUESTION.sub("", body).strip()
    return found + ([rest] if rest else []) if found else [body]
