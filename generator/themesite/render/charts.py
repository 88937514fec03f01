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
        text = _short(label, 42)
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


CELL, ROW_LABEL, COLUMN_LABEL = 34, 300, 150


def heatmap(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[int]],
) -> str:
    """A matrix of counts: darker cells hold more; every cell also shows its number."""
    peak = max((v for row in values for v in row), default=0) or 1
    width = ROW_LABEL + CELL * len(columns) + COLUMN_LABEL  # room for the slanted last label
    height = COLUMN_LABEL + CELL * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="ts-svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for j, column in enumerate(columns):
        x = ROW_LABEL + j * CELL + CELL / 2
        parts.append(
            f'<text transform="translate({x:.1f},{COLUMN_LABEL - 6}) rotate(-55)" '
            f'font-size="12" fill="currentColor">{escape(_short(column, 24))}</text>'
        )
    for i, (row, cells) in enumerate(zip(rows, values, strict=True)):
        y = COLUMN_LABEL + i * CELL
        parts.append(
            f'<text x="{ROW_LABEL - 8}" y="{y + CELL / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="12" fill="currentColor">{escape(_short(row, 42))}</text>'
        )
        for j, value in enumerate(cells):
            x = ROW_LABEL + j * CELL
            opacity = 0.08 + 0.92 * value / peak if value else 0.03
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" '
                f'fill="{SEEDED_COLOUR}" fill-opacity="{opacity:.2f}"/>'
            )
            if value:
                colour = "#ffffff" if value / peak > 0.5 else "currentColor"
                parts.append(
                    f'<text x="{x + CELL / 2 - 1:.1f}" y="{y + CELL / 2 + 4:.1f}" '
                    f'text-anchor="middle" font-size="11" fill="{colour}">{value}</text>'
                )
    parts.append("</svg>")
    return "\n".join(parts)


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
