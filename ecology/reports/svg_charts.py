"""Light charts for the Overview: plain SVG text, drawn in the browser with nothing to load.

The Overview is the page everyone lands on. Its plotly charts made the browser fetch and run
plotly.js (4.7 MB of JavaScript) before the page settled, and redraw every chart on every place
change; these SVG charts weigh a few kilobytes and draw at once. Each bar or point carries a
``<title>`` (the browser shows it on hover, screen readers read it) and the chart an
``aria-label``. The ICS maturity page draws its profile and history with them too; plotly
(``ecology.reports.charts``) is loaded only for a view the user asks for (the Overview's radar and
history, the investment scatter). Every text is escaped; sizes are in SVG user units, the chart
scales to its container's width.
"""

from __future__ import annotations

import html
import math
import textwrap

import pandas as pd

from ecology.analysis import maturity
from ecology.maps.palette import CYCLE, HIGHLIGHT, OKABE_ITO

FONT = "Source Sans, Source Sans Pro, Arial, Helvetica, sans-serif"
INK, GRID, MUTED, STRONG = "#31333F", "#DDDDDD", "#BBBBBB", OKABE_ITO[4]
WIDTH = 640
# Narrower than this the text would shrink below 11 px: on a phone the chart scrolls sideways in its box.
MIN_WIDTH = 520


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _text(x: float, y: float, words: str, *, anchor: str = "start", size: int = 13, weight: str = "normal",
          colour: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
            f'fill="{colour}">{html.escape(words)}</text>')


def _svg(height: float, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
            f'role="img" aria-label="{html.escape(title, quote=True)}" font-family="{FONT}" '
            f'style="max-width:{WIDTH * 1.4:.0f}px;min-width:{MIN_WIDTH}px;height:auto">{"".join(body)}</svg>')


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Return round tick values covering [low, high] (about ``count`` of them)."""
    span = (high - low) or 1.0
    step = 10 ** math.floor(math.log10(span / count))
    for factor in (1, 2, 2.5, 5, 10):
        if span / (step * factor) <= count:
            step *= factor
            break
    first = math.floor(low / step) * step
    if first > low:  # rounding of tiny values
        first -= step
    ticks = [first + i * step for i in range(int(math.ceil((high - first) / step)) + 1)]
    if ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def comparison_bars(frame: pd.DataFrame, *, value: str, label: str, title: str, marked: str | None,
                    unit: str = "") -> str:
    """Return horizontal bars, one per row of ``frame`` (its order), named by ``label``, the value
    printed at each bar's end; the row named ``marked`` in blue, the others grey; no bar when missing."""
    names = [str(v) for v in frame[label]]
    values = [None if pd.isna(v) else float(v) for v in frame[value]]
    known = [v for v in values if v is not None] or [0.0]
    low, high = min(0.0, min(known)), max(0.0, max(known)) or 1.0
    left, right, row, top = 200, WIDTH - 70, 26, 34
    scale = (right - left) / ((high - low) or 1.0)
    zero = left + (0 - low) * scale
    body = [_text(0, 18, title, size=15, weight="bold")]
    for index, (name, amount) in enumerate(zip(names, values)):
        y = top + index * row
        shown = name if len(name) <= 30 else name[:29] + "…"
        body.append(_text(left - 8, y + 17, shown, anchor="end", weight="bold" if name == marked else "normal"))
        if amount is None:
            body.append(_text(left + 4, y + 17, "no data", colour="#777777"))
            continue
        start, end = sorted((zero, zero + amount * scale))
        colour = STRONG if name == marked else MUTED
        printed = f"{_number(amount)}{unit}"
        body.append(f'<rect x="{start:.1f}" y="{y + 4}" width="{max(end - start, 1):.1f}" height="{row - 8}" '
                    f'fill="{colour}"><title>{html.escape(f"{name}: {printed}")}</title></rect>')
        body.append(_text(end + 5, y + 17, printed))
    body.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{top}" y2="{top + len(names) * row}" stroke="#888888"/>')
    return _svg(top + len(names) * row + 8, title, body)


def maturity_bars(profile: pd.DataFrame, series: list[str], colours: list[str]) -> str:
    """Return bars of stage (0-4) per criterion (framework order), one bar per series (an ICS, its
    peers, the England median) in a group; a criterion not assessed keeps its row with no bar."""
    order = [c for c in dict.fromkeys(profile["Criterion"])]
    left, right, top = 230, WIDTH - 20, 40
    bar = 10 if len(series) > 2 else 14
    group = bar * len(series) + 10
    scale = (right - left) / 4
    body = []
    for stage in range(5):
        x = left + stage * scale
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{top + len(order) * group}" '
                    f'stroke="{GRID}"/>')
        body.append(_text(x, top - 10, str(stage), anchor="middle", size=12, colour="#777777"))
    stages = {(r["Series"], r["Criterion"]): r["Stage"] for r in profile.to_dict(orient="records")}
    for index, criterion in enumerate(order):
        y = top + index * group
        shown = criterion if len(criterion) <= 34 else criterion[:33] + "…"
        body.append(_text(left - 8, y + group / 2 + 4, shown, anchor="end", size=12))
        for n, (name, colour) in enumerate(zip(series, colours)):
            stage = stages.get((name, criterion))
            if stage is None or pd.isna(stage):
                continue
            tip = html.escape(f"{name}, {criterion}: {maturity.stage_label(stage)}")
            body.append(f'<rect x="{left}" y="{y + 5 + n * bar}" width="{max(float(stage) * scale, 1.5):.1f}" '
                        f'height="{bar - 2}" fill="{colour}"><title>{tip}</title></rect>')
    legend_y = top + len(order) * group + 18
    x = 0.0
    for name, colour in zip(series, colours):
        body.append(f'<rect x="{x:.0f}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        body.append(_text(x + 16, legend_y, name if len(name) <= 34 else name[:33] + "…", size=12))
        x += 30 + 7 * min(len(name), 34)
        if x > WIDTH - 150:
            x, legend_y = 0.0, legend_y + 18
    return _svg(legend_y + 10, "ICS maturity by criterion: stage 0 to 4", body)


def need_provision_scatter(table: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str,
                           highlight: str | None) -> str:
    """Return one point per area (``area_code``, ``area``) of ``x`` against ``y``; the ``highlight``
    area larger, outlined and named. Each point's title gives the area and both values."""
    data = table[["area_code", "area", x, y]].dropna(subset=[x, y])
    left, right, top, bottom = 64, WIDTH - 16, 16, 330
    x_ticks = _ticks(0.0, float(data[x].max()) if len(data) else 1.0)
    y_ticks = _ticks(float(data[y].min()) if len(data) else 0.0, float(data[y].max()) if len(data) else 1.0)

    def at_x(value: float) -> float:
        return left + (value - x_ticks[0]) / ((x_ticks[-1] - x_ticks[0]) or 1) * (right - left)

    def at_y(value: float) -> float:
        return bottom - (value - y_ticks[0]) / ((y_ticks[-1] - y_ticks[0]) or 1) * (bottom - top)

    body = []
    for tick in x_ticks:
        body.append(f'<line x1="{at_x(tick):.1f}" x2="{at_x(tick):.1f}" y1="{top}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(_text(at_x(tick), bottom + 16, _number(tick), anchor="middle", size=12, colour="#777777"))
    for tick in y_ticks:
        body.append(f'<line x1="{left}" x2="{right}" y1="{at_y(tick):.1f}" y2="{at_y(tick):.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, at_y(tick) + 4, _number(tick), anchor="end", size=12, colour="#777777"))
    body.append(_text((left + right) / 2, bottom + 36, x_title, anchor="middle"))
    body.append(f'<text transform="translate(14 {(top + bottom) / 2:.0f}) rotate(-90)" text-anchor="middle" '
                f'font-size="13" fill="{INK}">{html.escape(y_title)}</text>')
    chosen = None
    for row in data.itertuples(index=False):
        code, name, value_x, value_y = row
        tip = html.escape(f"{name}: {x_title} {_number(value_x)}, {y_title} {_number(value_y)}")
        if code == highlight:
            chosen = (name, at_x(value_x), at_y(value_y), tip)
            continue
        body.append(f'<circle cx="{at_x(value_x):.1f}" cy="{at_y(value_y):.1f}" r="4.5" fill="{OKABE_ITO[1]}" '
                    f'fill-opacity="0.75" stroke="#FFFFFF" stroke-width="0.5"><title>{tip}</title></circle>')
    if chosen is not None:
        name, cx, cy, tip = chosen
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="{OKABE_ITO[1]}" stroke="{HIGHLIGHT}" '
                    f'stroke-width="2.5"><title>{tip}</title></circle>')
        body.append(_text(min(cx + 12, right - 4), max(cy - 12, top + 12), name,
                          anchor="end" if cx + 12 > right - 120 else "start", weight="bold", colour=HIGHLIGHT))
    return _svg(bottom + 46, f"{y_title} against {x_title}, one point per area", body)


def _legend(series: list[str], colours: list[str], y: float, *, dashes: list[str] | None = None) -> tuple[list[str], float]:
    """Return legend entries (a swatch and a name each, wrapped across rows) from ``y`` down, and
    the y of the last row."""
    body, x = [], 0.0
    for index, (name, colour) in enumerate(zip(series, colours)):
        dash = (dashes or [""] * len(series))[index]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<line class="legend" x1="{x:.0f}" x2="{x + 16:.0f}" y1="{y - 4}" y2="{y - 4}" '
                    f'stroke="{colour}" stroke-width="3"{dashed}/>')
        body.append(_text(x + 20, y, name if len(name) <= 34 else name[:33] + "…", size=12))
        x += 34 + 7 * min(len(name), 34)
        if x > WIDTH - 150 and index < len(series) - 1:
            x, y = 0.0, y + 18
    return body, y


def maturity_radar(profile: pd.DataFrame, series: list[str], colours: list[str]) -> str:
    """Return each series' stage (0-4) round the criteria (framework order, clockwise from the
    top) as a closed line, the first series filled and drawn on top; a criterion not assessed is a
    gap in its line, never a zero."""
    order = [c for c in dict.fromkeys(profile["Criterion"])]
    centre_x, centre_y, radius = WIDTH / 2, 215, 140
    stages = {(r["Series"], r["Criterion"]): r["Stage"] for r in profile.to_dict(orient="records")}

    def point(index: int, stage: float) -> tuple[float, float]:
        angle = 2 * math.pi * index / len(order) - math.pi / 2
        return centre_x + radius * stage / 4 * math.cos(angle), centre_y + radius * stage / 4 * math.sin(angle)

    body = []
    for stage in range(1, 5):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, stage) for i in range(len(order))))
        body.append(f'<polygon points="{ring}" fill="none" stroke="{GRID}"/>')
        x, y = point(0, stage)
        body.append(_text(x + 4, y + 4, str(stage), size=11, colour="#777777"))
    for index, criterion in enumerate(order):
        x, y = point(index, 4)
        body.append(f'<line x1="{centre_x}" y1="{centre_y}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        label_x, label_y = point(index, 4.55)
        anchor = "middle" if abs(label_x - centre_x) < 20 else ("start" if label_x > centre_x else "end")
        for line, words in enumerate(textwrap.wrap(criterion, 20)[:2]):
            body.append(_text(label_x, label_y + line * 14 + (4 if line == 0 else 0), words, anchor=anchor, size=12))
    # The first series last, so it is drawn over the others.
    for rank, (name, colour) in reversed(list(enumerate(zip(series, colours)))):
        values = [stages.get((name, c)) for c in order]
        known = [v is not None and not pd.isna(v) for v in values]
        if rank == 0 and all(known):
            ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, float(v)) for i, v in enumerate(values)))
            body.append(f'<polygon points="{ring}" fill="{colour}" fill-opacity="0.15" stroke="none"/>')
        for index in range(len(order)):
            after = (index + 1) % len(order)
            if known[index] and known[after]:
                (x1, y1), (x2, y2) = point(index, float(values[index])), point(after, float(values[after]))
                body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                            f'stroke-width="{3 if rank == 0 else 2}"/>')
        for index, value in enumerate(values):
            if known[index]:
                x, y = point(index, float(value))
                tip = html.escape(f"{name}, {order[index]}: {maturity.stage_label(value)}")
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{tip}</title></circle>')
    legend, last_y = _legend(series, colours, centre_y + radius + 70)
    return _svg(last_y + 10, "ICS maturity round the criteria: stage 0 to 4", body + legend)


def maturity_history(history: pd.DataFrame) -> str:
    """Return one ICS's dated scores (``maturity.history``): stage 0-4 over time, a line with points
    per criterion (one colour each, dashed once the colours repeat); a withdrawn score ("not
    assessed") is a gap in its line. Each point's title gives the date, stage, kind, author and change."""
    order = [c for c in dict.fromkeys(history["Criterion"])]
    dates = pd.to_datetime(history["Date"])
    left, right, top, bottom = 40, WIDTH - 16, 16, 236
    first, last = dates.min(), dates.max()
    span = (last - first).total_seconds() or 1.0

    def at_x(when) -> float:
        if last == first:
            return (left + right) / 2
        return left + (when - first).total_seconds() / span * (right - left)

    def at_y(stage: float) -> float:
        return bottom - stage / 4 * (bottom - top)

    body = []
    for stage in range(5):
        body.append(f'<line x1="{left}" x2="{right}" y1="{at_y(stage):.1f}" y2="{at_y(stage):.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 8, at_y(stage) + 4, str(stage), anchor="end", size=12, colour="#777777"))
    ticks = sorted(set(dates.dt.to_period("M")))
    step = max(1, math.ceil(len(ticks) / 6))
    for month in ticks[::step]:
        x = at_x(max(month.to_timestamp(), first))
        # Kept inside the chart at either end.
        anchor = "end" if x > right - 30 else ("start" if x < left + 30 and last != first else "middle")
        body.append(_text(x, bottom + 18, month.strftime("%b %Y"), anchor=anchor, size=12, colour="#777777"))
    palette = [CYCLE[i % len(CYCLE)] for i in range(len(order))]
    dashes = ["" if i < len(CYCLE) else "6 4" for i in range(len(order))]
    # One pass over plain records: filtering the frame once per criterion cost 50 ms a chart.
    by_criterion: dict[str, list[dict]] = {c: [] for c in order}
    for record, when in zip(history[["Criterion", "Stage", "Kind", "By", "Change"]].to_dict(orient="records"),
                            dates):
        by_criterion[record["Criterion"]].append({**record, "when": when})
    for index, criterion in enumerate(order):
        points = [(at_x(r["when"]), None if pd.isna(r["Stage"]) else at_y(float(r["Stage"])), r)
                  for r in by_criterion[criterion]]
        dash = f' stroke-dasharray="{dashes[index]}"' if dashes[index] else ""
        for (x1, y1, _a), (x2, y2, _b) in zip(points, points[1:]):
            if y1 is not None and y2 is not None:
                body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                            f'stroke="{palette[index]}" stroke-width="2"{dash}/>')
        for x, y, row in points:
            if y is None:
                continue
            kind, author = ("" if pd.isna(row[k]) else str(row[k]) for k in ("Kind", "By"))
            tip = html.escape(f"{criterion}, {row['when']:%d %b %Y}: {maturity.stage_label(row['Stage'])}; "
                              f"{kind} by {author or 'unknown'} ({row['Change']})")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{palette[index]}"><title>{tip}</title>'
                        f'</circle>')
    legend, last_y = _legend(order, palette, bottom + 46, dashes=dashes)
    return _svg(last_y + 10, "Stage over time by criterion: 0 to 4", body + legend)
