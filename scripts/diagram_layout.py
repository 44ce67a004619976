"""SVG rendering for scripts/diagram.py: a deterministic grid layout, no third-party packages.

Columns are account stages, boxes inside are stacks; cross-account arrows leave a stack box sideways
into the gutter between columns, climb to their own horizontal track above the columns and drop onto
the target account's header. Every coordinate is an integer computed from the content only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT, LINE, PAD, GAP, MARGIN = 12, 16, 10, 12, 20
HEADER_H, TRACK, SLOT, INSET = 42, 18, 10, 8
GRANT_COLOUR, USE_COLOUR = "#b03a2e", "#1f5fa8"
STAGE_FILLS = {"SharedServices": "#ece4f7", "DataLake": "#e2f2e4", "DataScience": "#e3edf9", "Test": "#fbf1d9"}
STAGE_FILLS |= {"Production": "#f9e1df"}
SUBTITLE = (
    "Generated from the synthesized cloud assembly by scripts/diagram.py; do not edit. Arrows to the right run"
    " above the accounts, arrows to the left below them."
)


@dataclass(frozen=True)
class Stack:
    path: str  # displayName, e.g. "DataLake/FeatureStore"
    name: str  # "FeatureStore"
    stack_name: str  # deployed CloudFormation stack name
    protected: bool  # terminationProtection: stateful
    lines: tuple[str, ...]  # resource summary; lines starting with two spaces are indented


@dataclass(frozen=True)
class Stage:
    name: str
    account: str
    region: str
    stacks: tuple[Stack, ...]


@dataclass(frozen=True)
class Arrow:
    source: str  # stack path
    target: str  # stage name
    label: str
    grant: bool  # True: the stack grants the target account access (principal, share); False: it uses a resource there


def text_width(text: str, size: int = FONT, bold: bool = False) -> int:
    """A generous estimate for a sans-serif font (no font metrics without third-party packages)."""
    return math.ceil(len(text) * size * (0.7 if bold else 0.6))


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _text(x: int, y: int, text: str, extra: str = "") -> str:
    return f'<text x="{x}" y="{y}"{extra}>{escape(text)}</text>'


def _stack_height(stack: Stack) -> int:
    return 2 * PAD + LINE * (2 + len(stack.lines)) - 4


@dataclass
class _Route:
    arrow: Arrow
    src_col: int
    dst_col: int
    track: int = 0
    port_y: int = 0
    edge_x: int = 0
    gutter_x: int = 0
    drop_x: int = 0

    @property
    def top(self) -> bool:
        """Arrows to the right use the band above the columns, arrows to the left the band below."""
        return self.dst_col > self.src_col


def render_svg(stages: Sequence[Stage], arrows: Sequence[Arrow], title: str) -> str:
    col_of = {stack.path: i for i, stage in enumerate(stages) for stack in stage.stacks}
    stage_col = {stage.name: i for i, stage in enumerate(stages)}
    routes = [_Route(a, col_of[a.source], stage_col[a.target]) for a in arrows if a.target in stage_col]
    routes = [r for r in routes if r.src_col != r.dst_col]
    for band in (True, False):  # per band, short spans take the tracks next to the columns: nested spans do not cross
        ranked = sorted((r for r in routes if r.top == band), key=lambda r: abs(r.dst_col - r.src_col))
        for track, r in enumerate(ranked):
            r.track = track
    n_top = sum(1 for r in routes if r.top)

    widths = [_column_width(stage) for stage in stages]
    gutters = [max(48, 2 * GAP + SLOT * (1 + sum(1 for r in routes if _gutter(r) == g))) for g in range(len(stages))]
    xs = [MARGIN + sum(widths[:i]) + sum(gutters[:i]) for i in range(len(stages))]
    header_top = 64 + (n_top + 1) * TRACK

    out: list[str] = []
    boxes: dict[str, tuple[int, int, int, int]] = {}
    bottoms = []
    for i, stage in enumerate(stages):
        y = header_top + HEADER_H + GAP
        for stack in stage.stacks:
            boxes[stack.path] = (xs[i] + INSET, y, widths[i] - 2 * INSET, _stack_height(stack))
            y += _stack_height(stack) + GAP
        bottoms.append(y)
        out += _column(stage, xs[i], header_top, widths[i], y - header_top)
        out += [_stack(stack, *boxes[stack.path]) for stack in stage.stacks]

    base = max(bottoms, default=header_top)
    _place(routes, boxes, xs, widths)
    for r in sorted(routes, key=lambda r: (not r.top, -r.track)):  # far tracks first: near labels drawn on top
        track_y = header_top - (r.track + 1) * TRACK if r.top else base + (r.track + 1) * TRACK
        out += _arrow(r, track_y, header_top - 1 if r.top else bottoms[r.dst_col] + 1)

    legend, height = _legend(stages, arrows, MARGIN, base + (len(routes) - n_top + 1) * TRACK + GAP)
    width = max(xs[-1] + widths[-1] + MARGIN if stages else 0, 760)
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' font-family="Helvetica, Arial, sans-serif" font-size="{FONT}" fill="#24292f">',
        "<defs>",
        *(
            f'<marker id="head-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
            f' orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for kind, colour in (("grant", GRANT_COLOUR), ("use", USE_COLOUR))
        ),
        "</defs>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        _text(MARGIN, 26, title, ' font-size="16" font-weight="bold"'),
        _text(MARGIN, 46, SUBTITLE, ' fill="#57606a"'),
    ]
    return "\n".join([*head, *out, *legend, "</svg>", ""])


def _column_width(stage: Stage) -> int:
    texts = [text_width(stage.name, 13, True), text_width(f"{stage.account} · {stage.region}")]
    for stack in stage.stacks:
        texts.append(text_width(stack.name, bold=True) + text_width("protected", 11) + PAD)
        texts.append(text_width(stack.stack_name, 11))
        texts += [text_width(line.strip()) + (12 if line.startswith("  ") else 0) for line in stack.lines]
    return max(max(texts, default=0) + 2 * (PAD + INSET), 200)


def _gutter(route: _Route) -> int:
    """Arrows to the right leave through the gutter right of their column, arrows to the left through the left one."""
    return route.src_col if route.dst_col > route.src_col else route.src_col - 1


def _place(routes: list[_Route], boxes: dict[str, tuple[int, int, int, int]], xs: list[int], widths: list[int]) -> None:
    """Ports, gutter slots and drop points: the farther the track from the columns, the nearer its gutter slot."""
    groups: dict[tuple[str, bool], list[_Route]] = {}
    for r in routes:
        groups.setdefault((r.arrow.source, r.top), []).append(r)
    for (source, top), group in groups.items():
        x, y, w, h = boxes[source]
        step = min(9, (h - 24) // len(group))
        for j, r in enumerate(sorted(group, key=lambda r: -r.track if top else r.track)):
            r.port_y, r.edge_x = y + 18 + step * j, x + w if top else x
    for g in {_gutter(r) for r in routes}:
        for j, r in enumerate(sorted((r for r in routes if _gutter(r) == g and r.top), key=lambda r: -r.track)):
            r.gutter_x = xs[g] + widths[g] + GAP + SLOT * j
        for j, r in enumerate(sorted((r for r in routes if _gutter(r) == g and not r.top), key=lambda r: -r.track)):
            r.gutter_x = xs[g + 1] - GAP - SLOT * j
    for col, top in {(r.dst_col, r.top) for r in routes}:
        incoming = sorted((r for r in routes if r.dst_col == col and r.top == top), key=lambda r: r.track)
        if not top:  # from the right: the deepest track drops leftmost
            incoming.reverse()
        for j, r in enumerate(incoming):
            r.drop_x = xs[col] + widths[col] * (j + 1) // (len(incoming) + 1)


def _column(stage: Stage, x: int, y: int, w: int, h: int) -> list[str]:
    fill = next((c for prefix, c in STAGE_FILLS.items() if stage.name.startswith(prefix)), "#eef1f4")
    return [
        f'<g class="stage" data-stage="{_attr(stage.name)}" data-account="{stage.account}">',
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="#f6f8fa" stroke="#8c959f"/>',
        f'<rect x="{x}" y="{y}" width="{w}" height="{HEADER_H}" rx="8" fill="{fill}" stroke="#8c959f"/>',
        _text(x + PAD, y + 18, stage.name, ' font-size="13" font-weight="bold"'),
        _text(x + PAD, y + 34, f"{stage.account} · {stage.region}", ' fill="#57606a"'),
        "</g>",
    ]


def _stack(stack: Stack, x: int, y: int, w: int, h: int) -> str:
    border = ' stroke="#24292f" stroke-width="3"' if stack.protected else ' stroke="#8c959f" stroke-width="1"'
    parts = [
        f'<g class="stack" data-stack="{_attr(stack.path)}" data-protected="{str(stack.protected).lower()}">',
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="#ffffff"{border}/>',
        _text(x + PAD, y + PAD + 12, stack.name, ' font-weight="bold"'),
        _text(x + PAD, y + PAD + 12 + LINE, stack.stack_name, ' font-size="11" fill="#57606a"'),
    ]
    if stack.protected:
        parts.append(
            _text(
                x + w - PAD,
                y + PAD + 12,
                "protected",
                ' class="protected" font-size="11" text-anchor="end" fill="#b03a2e" font-weight="bold"',
            )
        )
    for k, line in enumerate(stack.lines):
        indent = 12 if line.startswith("  ") else 0
        parts.append(_text(x + PAD + indent, y + PAD + 12 + LINE * (k + 2), line.strip()))
    return "\n".join([*parts, "</g>"])


def _arrow(r: _Route, track_y: int, end_y: int) -> list[str]:
    kind, colour = ("grant", GRANT_COLOUR) if r.arrow.grant else ("use", USE_COLOUR)
    dash = "" if r.arrow.grant else ' stroke-dasharray="6 3"'
    d = f"M{r.edge_x},{r.port_y} H{r.gutter_x} V{track_y} H{r.drop_x} V{end_y}"
    label_w = text_width(r.arrow.label)
    label_x = r.gutter_x + 6 if r.top else r.gutter_x - 6
    box_x = label_x - 2 if r.top else label_x - label_w - 2
    return [
        f'<g class="arrow" data-from="{_attr(r.arrow.source)}" data-to="{_attr(r.arrow.target)}" data-kind="{kind}">',
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.5"{dash} marker-end="url(#head-{kind})"/>',
        f'<rect x="{box_x}" y="{track_y - 15}" width="{label_w + 4}" height="13" fill="#ffffff" fill-opacity="0.85"/>',
        _text(
            label_x,
            track_y - 4,
            r.arrow.label,
            f' class="label" text-anchor="{"start" if r.top else "end"}" fill="{colour}"',
        ),
        "</g>",
    ]


def _legend(stages: Sequence[Stage], arrows: Sequence[Arrow], x: int, y: int) -> tuple[list[str], int]:
    accounts = {stage.name: stage.account for stage in stages}
    out = [
        '<g class="legend">',
        _text(x, y + 12, "Legend", ' font-weight="bold"'),
        f'<rect x="{x}" y="{y + 22}" width="40" height="18" rx="4" fill="#ffffff" stroke="#8c959f"/>',
        _text(x + 50, y + 35, "stack"),
        f'<rect x="{x + 110}" y="{y + 22}" width="40" height="18" rx="4" fill="#ffffff" stroke="#24292f"'
        ' stroke-width="3"/>',
        _text(x + 160, y + 35, "stateful stack (termination protection on)"),
        f'<path d="M{x},{y + 56} H{x + 40}" stroke="{GRANT_COLOUR}" stroke-width="1.5" marker-end="url(#head-grant)"/>',
        _text(x + 50, y + 60, "grants the target account access (trust or resource policy, LF grant, portfolio share)"),
        f'<path d="M{x},{y + 76} H{x + 40}" stroke="{USE_COLOUR}" stroke-width="1.5" stroke-dasharray="6 3"'
        ' marker-end="url(#head-use)"/>',
        _text(x + 50, y + 80, "uses a resource in the target account (role to assume, catalog, bucket, image)"),
        _text(x, y + 108, "Cross-account references (stack grants/uses account: reasons)", ' font-weight="bold"'),
    ]
    y += 108
    for a in arrows:
        y += LINE
        verb = "grants" if a.grant else "uses"
        line = f"{a.source} {verb} {a.target} ({accounts.get(a.target, '?')}): {a.label}"
        out.append(_text(x, y, line, f' fill="{GRANT_COLOUR if a.grant else USE_COLOUR}"'))
    if not arrows:
        out.append(_text(x, y + LINE, "none found"))
        y += LINE
    out.append("</g>")
    return out, y + 2 * GAP
