"""Static SVG charts, drawn at build time: no script, no CDN, the same bytes every build.

Labels are XML-escaped corpus or taxonomy text; every chart has a <title> and <desc>
for screen readers, and its page shows the same numbers as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 22, 8, 300, 360, 70
SEEDED_COLOUR, DISCOVERED_COLOUR = "#3f51b5", "#009688"


def prevalence_chart(rows: Sequence[tuple[str, str, float, int]]) -> str:
    """Horizontal bars: (label, kind, share of comments, comments) per theme."""
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP + 20
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="ts-prevalence-title ts-prevalence-desc" '
        f'class="ts-svg">',
        '<title id="ts-prevalence-title">Theme prevalence</title>',
        '<desc id="ts-prevalence-desc">Share of analysed comments assigned each theme; '
        "seeded themes in blue, discovered themes in teal.</desc>",
    ]
    for i, (label, kind, share, comments) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        colour = SEEDED_COLOUR if kind == "seeded" else DISCOVERED_COLOUR
        text = label if len(label) <= 42 else label[:41] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="currentColor">{escape(text)}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(share * BAR_WIDTH, 1):.1f}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + max(share * BAR_WIDTH, 1) + 6:.1f}" y="{y + 16}" '
            f'font-size="13" fill="currentColor">{share * 100:.0f}% ({comments})</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
