"""Which clusters become themes, and why the others do not.

A theme is a group a reader can check: several statements from several comments and
voices, found again when the statements are resampled (`choose.cluster_stability`), and
about something other than one repeated text or one name. Every dropped cluster gets a
reason the Method page shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from themesite.analyse.discovery.choose import MIN_CLUSTER_STABILITY
from themesite.analyse.discovery.steps import Member, spellings
from themesite.wording import count

#: A cluster whose typical members are mostly one text (a signature, a test string
#: pasted many times) is boilerplate, not a theme.
MIN_DISTINCT = 0.5
#: A cluster whose leading term is a name found in this share of its members is held
#: together by that name ("County", "San Juan"), not by what is said about it.
NAME_SHARE = 0.6
#: A term written capitalised in this share of its occurrences inside sentences is a name.
NAME_CAPITALISED = 0.8


@dataclass(frozen=True)
class Cluster:
    label: int
    size: int  # statements the final model put in it
    members: tuple[Member, ...]  # those typical of it, most typical first
    coherence: float  # mean cosine of the members to their centroid
    stability: float  # mean best Jaccard overlap with the resampled fits' clusters


def voices(members: Sequence[Member]) -> int:
    """Distinct authors, counting every comment without one as a voice of its own: an
    author cannot be told apart from another where none is named."""
    named = {m.author for m in members if m.author}
    return len(named) + len({m.comment_id for m in members if not m.author})


def spread_reason(cluster: Cluster, settings) -> str | None:
    """Why a cluster is too small, too narrow or too unstable to be a theme, if it is."""
    members = cluster.members
    counts = {
        "typical members": (len(members), settings.min_size),
        "comments": (len({m.comment_id for m in members}), settings.min_comments),
        "voices": (voices(members), settings.min_authors),
    }
    for what, (have, need) in counts.items():
        if have < need:
            return f"{have} {what}, fewer than {need}"
    if cluster.stability < MIN_CLUSTER_STABILITY:
        return (
            f"found again by only {cluster.stability:.0%} of its members in resampled "
            f"clusterings (at least {MIN_CLUSTER_STABILITY:.0%} needed)"
        )
    texts = [_plain(text) for text in spellings(members)]
    if texts and len(set(texts)) < MIN_DISTINCT * len(texts):
        return f"{len(set(texts))} distinct texts in {count(len(texts), 'statement')}: boilerplate"
    return None


def junk_reason(term: str, texts: Sequence[str]) -> str | None:
    """Why a cluster whose leading key term is `term` is held together by a name only, if
    it is; `texts` are its most typical members."""
    pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
    share = sum(1 for text in texts if pattern.search(text)) / len(texts) if texts else 0.0
    if share >= NAME_SHARE and is_name(term, texts):
        return f"held together by the name {term!r} ({share:.0%} of its statements)"
    return None


def is_name(term: str, texts: Sequence[str]) -> bool:
    """Whether `term` is written as a name ("County", "San Juan") where it occurs inside a
    sentence; all-capital acronyms ("EU", "STV") name things people discuss and are not."""
    pattern = re.compile(rf"(?<![.!?] )(?<=\S )\b{re.escape(term)}\b", re.IGNORECASE)
    written = [m.group(0) for text in texts for m in pattern.finditer(text)]
    titled = [w for w in written if all(p[:1].isupper() and not p.isupper() for p in w.split())]
    return len(written) >= 2 and len(titled) >= NAME_CAPITALISED * len(written)


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
