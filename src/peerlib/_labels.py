"""Where the labels of a network figure go: whole (wrapped, never cut) and clear of each other
and of the nodes, placed after the seeded layout, the same way every run.

Each label is wrapped to a few words a line, then tried at places around its node (above, below,
beside, at the corners), a step further out each round, and takes the first place where its box
overlaps no node and no label placed before it and stays inside the plot; labels of bigger nodes
are placed first. Widths are estimated from the characters (the house font at its size); the
browser test measures the drawn labels.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from ._table_layout import text_width

__all__ = ["LINE_HEIGHT", "Placed", "place_labels", "wrap"]

#: Inter's characters are a little wider than the estimate's reference font.
_WIDTH_FACTOR = 1.15
LINE_HEIGHT = 1.25
_GAP = 5.0  # px between a node and its label, and around every label box
_ROUNDS = 14


@dataclass(frozen=True)
class Placed:
    """Where a label's text starts (data units: the middle of its top edge; Vega's
    ``baseline="top"``, which places several lines predictably) and its text, lines joined
    by ``\\n``; for a label that
    had to move away from its node, ``leader`` is the line (x, y, x2, y2, data units) from the
    node's edge to the label's box that ties them together."""

    x: float
    y: float
    text: str
    leader: tuple[float, float, float, float] | None = None


Box = tuple[float, float, float, float]  # left, top, right, bottom (px)


def _overlap(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def wrap(label: str, width: int = 22) -> str:
    """``label`` in lines of at most ``width`` characters, broken at spaces only (never cut,
    never hyphenated; a longer word has a line of its own).

    >>> wrap("Self-disclosure of an illness and recovery story")
    'Self-disclosure of an\\nillness and recovery\\nstory'
    """
    lines = textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) or label


def place_labels(
    xs: Sequence[float],
    ys: Sequence[float],
    radii: Sequence[float],
    labels: Sequence[str],
    *,
    extent: float,
    size: float,
    font_size: float,
    wrap_at: int = 22,
) -> list[Placed]:
    """Place one label per node.

    Parameters
    ----------
    xs, ys
        Node positions in data units; the plot shows ``[-extent, extent]`` on both axes in a
        square of ``size`` pixels (y upwards).
    radii
        Each node's radius in pixels.
    labels
        Each node's label.
    font_size
        In pixels.

    Returns
    -------
    list of Placed
        In the nodes' order.

    Examples
    --------
    >>> a, b = place_labels([0, 0.01], [0, 0], [5, 5], ["one", "two"], extent=1, size=400,
    ...                     font_size=10)
    >>> (a.x, a.y) != (b.x, b.y)  # two nodes side by side: their labels do not share a place
    True
    """
    scale = size / (2 * extent)

    def to_px(x: float, y: float) -> tuple[float, float]:
        return (x + extent) * scale, (extent - y) * scale

    def to_data(px: float, py: float) -> tuple[float, float]:
        return round(px / scale - extent, 3), round(extent - py / scale, 3)

    centres = [to_px(x, y) for x, y in zip(xs, ys, strict=True)]
    nodes: list[Box] = [
        (cx - r, cy - r, cx + r, cy + r) for (cx, cy), r in zip(centres, radii, strict=True)
    ]
    texts = [wrap(label, wrap_at) for label in labels]
    sizes = []
    for text in texts:
        lines = text.split("\n")
        width = max(text_width(line) for line in lines) * font_size * _WIDTH_FACTOR
        sizes.append((width, len(lines) * font_size * LINE_HEIGHT))
    placed: dict[int, Box] = {}
    result: dict[int, Placed] = {}
    order = sorted(range(len(texts)), key=lambda i: (-radii[i], i))
    for i in order:
        (cx, cy), r, (w, h) = centres[i], radii[i], sizes[i]
        best: tuple[float, Box, int] | None = None
        for step in range(_ROUNDS):
            reach = r + _GAP + step * (h + _GAP)
            for dx, dy in _DIRECTIONS:
                px = cx + dx * (reach + w / 2 if dx else 0)
                py = cy + dy * (reach + h / 2 if dy else 0)
                box = (px - w / 2 - _GAP, py - h / 2 - _GAP, px + w / 2 + _GAP, py + h / 2 + _GAP)
                outside = max(0.0, -box[0]) + max(0.0, box[2] - size) + max(0.0, -box[1])
                outside += max(0.0, box[3] - size)
                cost = outside * 1000 + sum(_overlap(box, other) for other in placed.values())
                cost += sum(_overlap(box, node) for node in nodes)
                if best is None or cost < best[0]:
                    best = (cost, box, step)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        box, step = best[1], best[2]
        placed[i] = box
        lx, ly = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        x, y = to_data(lx, box[1] + _GAP)
        leader = None
        if step > 0:
            start = to_data(*_towards((cx, cy), (lx, ly), r))
            leader = (*start, *to_data(*_box_edge((lx, ly), (cx, cy), w, h)))
        result[i] = Placed(x, y, texts[i], leader)
    return [result[i] for i in range(len(texts))]


def _towards(
    start: tuple[float, float], end: tuple[float, float], by: float
) -> tuple[float, float]:
    """The point ``by`` pixels from ``start`` towards ``end``."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    return start[0] + dx / length * by, start[1] + dy / length * by


def _box_edge(
    centre: tuple[float, float], towards: tuple[float, float], width: float, height: float
) -> tuple[float, float]:
    """Where the line from a box's centre towards a point leaves the box (and its gap)."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    half_w, half_h = width / 2 + _GAP, height / 2 + _GAP
    scale = min(half_w / abs(dx) if dx else float("inf"), half_h / abs(dy) if dy else float("inf"))
    return centre[0] + dx * scale, centre[1] + dy * scale


# above, below, right, left, then the corners, then between them
_DIRECTIONS = (
    (0, -1),
    (0, 1),
    (1, 0),
    (-1, 0),
    (1, -1),
    (-1, -1),
    (1, 1),
    (-1, 1),
    (0.5, -1),
    (-0.5, -1),
    (0.5, 1),
    (-0.5, 1),
    (1, -0.5),
    (-1, -0.5),
    (1, 0.5),
    (-1, 0.5),
)
