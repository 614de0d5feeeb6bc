"""A metric of an entity over time, drawn as a line chart (SVG or PNG) with matplotlib (the ``plot`` extra).

The points come from :func:`mlkg.query.metric_series`: an endpoint's online metric or drift value, a model's
evaluations across its versions. Points without a time are placed by their training step when every point has one.
matplotlib is imported only here, with its non-interactive Agg backend, so nothing opens a window.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from .errors import MlkgError

FORMATS = ("svg", "png")


def metric_chart(points: Sequence[Any], *, title: str, metric: str, fmt: str = "svg") -> bytes:
    """Draw ``points`` (rows with ``time``, ``step``, ``value``, ``source_name``) as one line per source.

    :raises MlkgError: if matplotlib is missing or there is nothing to draw.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    numeric = [p for p in points if isinstance(p.value, (int, float)) or type(p.value).__name__ == "Decimal"]
    if not numeric:
        raise MlkgError(f"no numeric values of {metric!r} to draw")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MlkgError("drawing a metric needs matplotlib: pip install 'mlkg[plot]'") from None
    by_time = all(p.time is not None for p in numeric)
    series: dict[str, list[tuple[Any, float]]] = {}
    for i, p in enumerate(numeric):
        x = p.time if by_time else (p.step if p.step is not None else i)
        series.setdefault(p.source_name or p.source, []).append((x, float(p.value)))
    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    try:
        for name, xy in sorted(series.items()):
            xy.sort(key=lambda t: t[0])
            ax.plot([x for x, _ in xy], [y for _, y in xy], marker="o", label=name)
        ax.set_title(title)
        ax.set_xlabel("time" if by_time else "step")
        ax.set_ylabel(metric)
        ax.grid(True, alpha=0.3)
        if len(series) > 1 or by_time:
            ax.legend(fontsize="small")
        fig.autofmt_xdate()
        buf = io.BytesIO()
        # no date in the SVG metadata, so the same data draws the same file
        fig.savefig(buf, format=fmt, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
        return buf.getvalue()
    finally:
        plt.close(fig)
