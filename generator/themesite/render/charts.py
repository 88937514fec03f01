"""Static SVG charts, drawn at build time: no script, no CDN, the same bytes every build.

Labels are XML-escaped corpus or taxonomy text; every chart has a <title> and <desc>
for screen readers, and its page shows the same numbers as a table beside it.

An SVG with a viewBox scales its text with its width, so sizes are chosen for the
narrowest column the site promises to read well in (PHONE_COLUMN_PX, a 390 px phone):
the prevalence chart is drawn narrow enough that its text stays at or above
MIN_TEXT_PX there; a heatmap's grid cannot shrink that far, so it stops shrinking at
MIN_TEXT_PX (a min-width) and scrolls inside its figure instead. Labels are shortened
at word boundaries only, so a theme name is never cut mid-word.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

MIN_TEXT_PX, PHONE_COLUMN_PX = 11, 358
SEEDED_COLOUR, DISCOVERED_COLOUR = "#3f51b5", "#009688"
#: Average advance of a character of the page's sans-serif font, in ems: an estimate
#: that sizes label margins (a generous one, so labels are not clipped).
CHAR_EM = 0.56

#: 14 px text in a 420-unit viewBox renders at 14 * 358 / 420 = 11.9 px on a phone.
BAR_FONT, BAR_CHART_WIDTH, BAR_HEIGHT, ROW_HEIGHT, VALUE_ROOM = 14, 420, 12, 46, 96


def prevalence_chart(rows: Sequence[tuple[str, str, float, int]]) -> str:
    """Bars under their labels: (label, kind, share of comments, comments) per theme.

    Each label gets the chart's whole width (less the value) instead of a column beside
    its bar, which is what keeps the chart narrow; the faint track behind a bar is 100%.
    """
    width, height = BAR_CHART_WIDTH, len(rows) * ROW_HEIGHT + 4
    limit = int((width - VALUE_ROOM) / (BAR_FONT * CHAR_EM))
    parts = [
        _open("ts-prevalence", width, height),
        '<title id="ts-prevalence-title">Theme prevalence</title>',
        '<desc id="ts-prevalence-desc">Share of analysed comments assigned each theme; '
        "seeded themes in blue, discovered themes in teal.</desc>",
    ]
    for i, (label, kind, share, comments) in enumerate(rows):
        y = i * ROW_HEIGHT
        colour = SEEDED_COLOUR if kind == "seeded" else DISCOVERED_COLOUR
        parts += [
            f'<text x="0" y="{y + 15}" font-size="{BAR_FONT}" fill="currentColor">'
            f"{escape(_short(label, limit))}</text>",
            f'<text x="{width}" y="{y + 15}" text-anchor="end" font-size="{BAR_FONT}" '
            f'fill="currentColor">{share * 100:.0f}% ({comments})</text>',
            f'<rect x="0" y="{y + 22}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="currentColor" fill-opacity="0.08"/>',
            f'<rect x="0" y="{y + 22}" width="{max(share * width, 1):.1f}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"/>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


CELL, HEAT_FONT, ROW_LIMIT, COLUMN_LIMIT, SLANT = 34, 13, 42, 24, 55


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
    row_labels = [_short(row, ROW_LIMIT) for row in rows]
    column_labels = [_short(column, COLUMN_LIMIT) for column in columns]
    left = 12 + _text_width(row_labels)
    slanted = _text_width(column_labels)
    top = 12 + math.ceil(slanted * math.sin(math.radians(SLANT)))
    right = max(0, math.ceil(slanted * math.cos(math.radians(SLANT))) - CELL // 2) + 8
    width = left + CELL * len(columns) + right
    height = top + CELL * len(rows) + 10
    parts = [
        _open(chart_id, width, height, min_width=math.ceil(width * MIN_TEXT_PX / HEAT_FONT)),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for j, column in enumerate(column_labels):
        x = left + j * CELL + CELL / 2
        parts.append(
            f'<text transform="translate({x:.1f},{top - 6}) rotate(-{SLANT})" '
            f'font-size="{HEAT_FONT}" fill="currentColor">{escape(column)}</text>'
        )
    for i, (row, cells) in enumerate(zip(row_labels, values, strict=True)):
        y = top + i * CELL
        parts.append(
            f'<text x="{left - 8}" y="{y + CELL / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="{HEAT_FONT}" fill="currentColor">{escape(row)}</text>'
        )
        for j, value in enumerate(cells):
            x = left + j * CELL
            opacity = 0.08 + 0.92 * value / peak if value else 0.03
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" '
                f'fill="{SEEDED_COLOUR}" fill-opacity="{opacity:.2f}"/>'
            )
            if value:
                colour = "#ffffff" if value / peak > 0.5 else "currentColor"
                parts.append(
                    f'<text x="{x + CELL / 2 - 1:.1f}" y="{y + CELL / 2 + 4:.1f}" '
                    f'text-anchor="middle" font-size="{HEAT_FONT}" fill="{colour}">{value}</text>'
                )
    parts.append("</svg>")
    return "\n".join(parts)


def _open(chart_id: str, width: int, height: int, min_width: int | None = None) -> str:
    """The <svg> tag: drawn at its own size, shrunk by CSS (max-width) only down to min_width."""
    style = f' style="min-width: {min_width}px"' if min_width else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}"{style} role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="ts-svg">'
    )


def _text_width(labels: Sequence[str]) -> int:
    return math.ceil(max((len(label) for label in labels), default=0) * HEAT_FONT * CHAR_EM)


def _short(label: str, limit: int) -> str:
    """`label` in at most `limit` characters, cut at a space (mid-word only for one long word)."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if label[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" /,;:-") + "…"


#: Group colours of the opinion map, told apart by shape too (for readers who cannot
#: tell the colours apart): a group's points and its legend entry share both.
GROUP_COLOURS = ("#3f51b5", "#e65100", "#009688", "#8e24aa", "#6d4c41")
GROUP_SHAPES = ("circle", "square", "diamond", "triangle", "cross")
MAP_WIDTH, MAP_HEIGHT, MAP_FONT, LEGEND_ROW = 420, 300, 14, 22


def opinion_map(
    chart_id: str,
    points: Sequence[tuple[float, float]],
    point_groups: Sequence[str],
    groups: Sequence[str],
) -> str:
    """Participants on the two principal components of their votes, one mark per person,
    coloured and shaped by group; the axes cross at the average participant."""
    legend = LEGEND_ROW * len(groups) + 8
    width, height = MAP_WIDTH, MAP_HEIGHT + legend
    xs, ys = [p[0] for p in points] or [0.0], [p[1] for p in points] or [0.0]
    reach = max(max(map(abs, xs)), max(map(abs, ys)), 1e-9)
    scale = (min(width, MAP_HEIGHT) / 2 - 12) / reach
    cx, cy = width / 2, MAP_HEIGHT / 2
    parts = [
        _open(chart_id, width, height),
        f'<title id="{chart_id}-title">Opinion groups</title>',
        f'<desc id="{chart_id}-desc">{len(points)} participants placed by how they voted: '
        "people close together voted alike. The groups' sizes are in the table below.</desc>",
        f'<line x1="0" y1="{cy}" x2="{width}" y2="{cy}" stroke="currentColor" '
        'stroke-opacity="0.2"/>',
        f'<line x1="{cx}" y1="0" x2="{cx}" y2="{MAP_HEIGHT}" stroke="currentColor" '
        'stroke-opacity="0.2"/>',
    ]
    style = {g: i % len(GROUP_COLOURS) for i, g in enumerate(groups)}
    for (x, y), group in zip(points, point_groups, strict=True):
        parts.append(_mark(style[group], cx + x * scale, cy - y * scale, 3.0, "0.55"))
    for i, group in enumerate(groups):
        y = MAP_HEIGHT + 8 + i * LEGEND_ROW
        parts += [
            _mark(style[group], 8, y + 8, 5.0, "1"),
            f'<text x="22" y="{y + 13}" font-size="{MAP_FONT}" fill="currentColor">'
            f"{escape(_short(group, 40))}</text>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _mark(style: int, x: float, y: float, r: float, opacity: str) -> str:
    colour, shape = GROUP_COLOURS[style], GROUP_SHAPES[style]
    paint = f'fill="{colour}" fill-opacity="{opacity}"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" {paint}/>'
    if shape == "cross":
        a, b = f"{x - r:.1f},{y - r:.1f}", f"{x + r:.1f},{y + r:.1f}"
        c, d = f"{x + r:.1f},{y - r:.1f}", f"{x - r:.1f},{y + r:.1f}"
        stroke = f'stroke="{colour}" stroke-opacity="{opacity}" stroke-width="2"'
        return f'<path d="M{a}L{b}M{c}L{d}" {stroke}/>'
    corners = {
        "square": ((-1, -1), (1, -1), (1, 1), (-1, 1)),
        "diamond": ((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)),
        "triangle": ((0, -1.3), (1.2, 1), (-1.2, 1)),
    }[shape]
    drawn = " ".join(f"{x + dx * r:.1f},{y + dy * r:.1f}" for dx, dy in corners)
    return f'<polygon points="{drawn}" {paint}/>'
