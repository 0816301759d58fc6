"""Summaries and markdown: median [min-max], ratios, the targets of the issues.

A *table* is a dict ``{"title", "columns", "rows", "notes"}``; ``columns`` is
a list of ``(header, key, format)`` and each row a dict holding those keys
(a missing or None value prints as an empty cell). ``markdown(table)`` renders
it; the JSON report stores the same dicts.
"""

import math

import numpy as np

# (name, description, threshold, "max" if the measured value must stay at or
# below the threshold, "min" if at or above)
TARGETS = (
    (
        "issue 2",
        "loss_and_gradients / inline numpy, 784-512-512-10 batch 256 float64",
        1.15,
        "max",
    ),
    ("issue 3", "pymlp fit / scikit-learn, digits (W1), float64", 0.6, "max"),
    (
        "issue 3",
        "pymlp fit / PyTorch default Adam, 784-512-512-10 (W2), float64",
        1.0,
        "max",
    ),
    (
        "issue 3",
        "pymlp fit / PyTorch default Adam, 784-512-512-10 (W2), float32",
        1.0,
        "max",
    ),
    ("issue 4", "legacy / compat step time, 2-4-2 (W3)", 300.0, "min"),
    ("issue 4", "legacy / compat step time, 2-4-4-2 (W3)", 1000.0, "min"),
)


def spread(values):
    """(median, min, max) of a list of numbers; NaNs when it is empty."""
    values = [v for v in values if v is not None]
    if not values:
        return math.nan, math.nan, math.nan
    return float(np.median(values)), float(min(values)), float(max(values))


def timing_row(system, values, scale, baseline=None):
    """A row with ``median``, ``range`` and ``ratio`` (to ``baseline``'s median).

    ``values`` are seconds; ``scale`` turns them into the table's unit.
    """
    median, low, high = spread(values)
    row = {
        "system": system,
        "median": median * scale,
        "range": f"[{_number(low * scale)}–{_number(high * scale)}]",
        "samples": len(values),
    }
    if baseline is not None and baseline > 0 and not math.isnan(median):
        row["ratio"] = median / baseline
    return row


def _number(value):
    """A number with three significant digits, no exponent for usual sizes."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    magnitude = abs(value)
    if magnitude >= 100 or magnitude == 0:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _cell(value, fmt):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if fmt == "num":
        return _number(value)
    if fmt == "ratio":
        return f"{value:.2f}×" if value < 100 else f"{value:.0f}×"
    if fmt == "pct":
        return f"{100 * value:.0f}%"
    if fmt == "acc":
        return f"{value:.3f}"
    return str(value)


def markdown(table):
    """The table as GitHub markdown, title and notes included."""
    headers = [header for header, _, _ in table["columns"]]
    lines = [f"### {table['title']}", ""]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join(" --- " for _ in headers) + "|")
    for row in table["rows"]:
        cells = [_cell(row.get(key), fmt) for _, key, fmt in table["columns"]]
        lines.append("| " + " | ".join(cells) + " |")
    if table.get("notes"):
        lines.append("")
    lines += [f"- {note}" for note in table.get("notes", [])]
    return "\n".join(lines) + "\n"


def target_table(measured):
    """The issue targets against ``measured``: {description: value or None}."""
    rows = []
    for issue, description, threshold, kind in TARGETS:
        value = measured.get(description)
        if value is None:
            verdict = "not measured"
        elif kind == "max":
            verdict = "met" if value <= threshold else "missed"
        else:
            verdict = "met" if value >= threshold else "missed"
        bound = f"≤ {threshold:g}" if kind == "max" else f"≥ {threshold:g}"
        rows.append(
            {
                "issue": issue,
                "target": description,
                "bound": bound,
                "measured": value,
                "verdict": verdict,
            }
        )
    return {
        "title": "Targets",
        "columns": [
            ("issue", "issue", "str"),
            ("target", "target", "str"),
            ("bound", "bound", "str"),
            ("measured", "measured", "num"),
            ("verdict", "verdict", "str"),
        ],
        "rows": rows,
        "notes": ["ratios of medians from the tables above"],
    }
