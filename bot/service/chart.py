"""Draw a timeline as a PNG: articles per week stacked by outlet, key stories marked and labelled.

matplotlib with the Agg backend, through ``Figure`` and ``FigureCanvasAgg`` directly (no pyplot):
no display, no global figure state, safe to call from worker threads; a fixed figure size and dpi.
Why matplotlib: stacked areas, date axes and text placement are what it does well. Each outlet is
one step-shaped polygon over the weekly grid, so the artists do not grow with the weeks drawn: a
10,000-article, three-year timeline draws in about 0.2 s (``bench/follow_cost.py``).
"""

from __future__ import annotations

import io

from bot.service.timeline import OTHER, Timeline, short_title, week_of

WIDTH_PX, HEIGHT_PX, DPI = 1200, 600, 100
# Okabe-Ito: distinguishable with the common colour-vision deficiencies; "other" is grey.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
OTHER_COLOUR = "#9E9E9E"


def render_png(timeline: Timeline, *, width_px: int = WIDTH_PX, height_px: int = HEIGHT_PX, dpi: int = DPI) -> bytes:
    """The chart as PNG bytes of exactly ``width_px`` x ``height_px`` pixels."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    counts = timeline.counts
    if not counts.weeks:
        axes.text(0.5, 0.5, f"No dated articles on “{short_title(timeline.topic, 80)}”", ha="center", va="center")
        axes.set_axis_off()
    else:
        # One filled step polygon per outlet over the weekly grid (``stackplot`` with ``step``), not a
        # bar per outlet and week: ~950 rectangles made 10,000 articles take ~1 s to draw, six
        # polygons take a few ms. The last week is closed by repeating it one week on.
        weeks = np.asarray(date2num(counts.weeks), dtype=np.float64)
        x = np.append(weeks, weeks[-1] + 7.0)
        layers = np.array([counts.counts[o] + [counts.counts[o][-1]] for o in counts.outlets], dtype=np.float64)
        colours = [
            OTHER_COLOUR if o == OTHER else PALETTE[min(i, len(PALETTE) - 1)] for i, o in enumerate(counts.outlets)
        ]
        axes.stackplot(x, layers, labels=counts.outlets, colors=colours, step="post", linewidth=0)
        totals = layers.sum(axis=0)
        top = float(totals.max()) or 1.0
        axes.set_xlim(x[0], x[-1])
        axes.set_ylim(0, top * 1.45 + 1)  # room above the steps for the labels
        position = {week: n for n, week in enumerate(counts.weeks)}
        days = [float(date2num(item.published)) for item in timeline.key]
        heights = [float(totals[position[week_of(item.published)]]) for item in timeline.key]
        axes.scatter(days, heights, marker="v", color="#222222", s=25, zorder=3)
        for n, (item, day, height) in enumerate(zip(timeline.key, days, heights)):
            axes.annotate(
                f"{item.published.isoformat()} {short_title(item.title, 40)}",
                xy=(day, height),
                xytext=(day, top * (1.08 + 0.09 * (n % 4)) + 0.5),
                fontsize=7,
                ha="center",
                arrowprops={"arrowstyle": "-", "color": "#444444", "linewidth": 0.6},
            )
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("articles per week")
        axes.legend(loc="upper left", fontsize=8, ncols=min(len(counts.outlets), 6), frameon=False)
        axes.spines[["top", "right"]].set_visible(False)
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    since = f" since {timeline.since.isoformat()}" if timeline.since else ""
    axes.set_title(f"Coverage of “{short_title(timeline.topic, 80)}”{since}: {len(timeline.items)} articles")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
