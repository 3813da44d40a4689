"""Small server-rendered SVG charts: no JavaScript, readable on a 360 px phone.

Each chart scales to its box (viewBox, width 100%), names itself to screen readers
with <title>/<desc>, writes its numbers as text and gives every bar a tooltip.
Colours come from the site palette (static/css/app.css).
"""
from dataclasses import dataclass

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from app.web.i18n import N_, current_language, translate

INK, MUTED, GRID, TRACK = "#1c2430", "#5a6472", "#d9dee5", "#eef0f3"
BRAND, TINT, WA = "#0b5a7a", "#e3eff5", "#137a3a"
WIDTH = 320  # about 1:1 on a phone and in a third of the desktop page
FONT = 14
EMPTY = N_("Belum ada data untuk periode ini.")  # translated where drawn


@dataclass
class Series:
    name: str
    values: list
    colour: str = BRAND


def number(value) -> str:
    """Format a count in the current language: 1.234 (Indonesian), 1,234 (English)."""
    return format_decimal(value or 0, locale=current_language())


def _nice_max(value) -> int:
    """Return a round axis maximum at least `value` (1, 2, 4, 6, 8 or 10 times a power of 10)."""
    step = 1
    while True:
        for k in (1, 2, 4, 6, 8):
            if k * step >= value:
                return k * step
        step *= 10


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    cid = escape(chart_id)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" '
            f'viewBox="0 0 {WIDTH} {_fmt(height)}" width="100%" role="img" '
            f'aria-labelledby="{cid}-t {cid}-d" font-size="{FONT}" '
            f'preserveAspectRatio="xMidYMid meet">',
            f'<title id="{cid}-t">{escape(title)}</title>',
            f'<desc id="{cid}-d">{escape(desc)}</desc>']


def _text(x, y, content, anchor="start", fill=INK, size=None, weight=None) -> str:
    extra = ((f' font-size="{size}"' if size else "")
             + (f' font-weight="{weight}"' if weight else ""))
    return (f'<text x="{_fmt(x)}" y="{_fmt(y)}" text-anchor="{anchor}" fill="{fill}"{extra}>'
            f'{escape(content)}</text>')


def _rect(x, y, w, h, fill, tip="", cls="") -> str:
    inner = f"<title>{escape(tip)}</title>" if tip else ""
    klass = f' class="{cls}"' if cls else ""
    return (f'<rect{klass} x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(max(w, 0))}" '
            f'height="{_fmt(max(h, 0))}" fill="{fill}">{inner}</rect>')


def _legend(series: list[Series], y: float) -> list[str]:
    parts, x = [], 0.0
    for s in series:
        parts.append(_rect(x, y - 10, 11, 11, s.colour))
        parts.append(_text(x + 15, y, s.name, fill=INK))
        x += 15 + len(s.name) * 8 + 14
    return parts


def _close(parts: list[str]) -> Markup:
    return Markup("\n".join(parts + ["</svg>"]))


def _left_margin(ymax) -> int:
    """Room for the widest y-axis label ("2.000", "10.000") left of the plot."""
    return 14 + 7 * len(number(ymax))


def _axes(top, plot_h, left, ymax) -> list[str]:
    parts = []
    ticks = [0, ymax] + ([ymax // 2] if ymax % 2 == 0 and ymax >= 2 else [])
    for tick in sorted(set(ticks)):
        y = top + plot_h - tick / ymax * plot_h
        parts.append(f'<line x1="{left}" x2="{WIDTH}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 5, y + 4, number(tick), anchor="end", fill=MUTED, size=12))
    return parts


def _x_labels(labels, left, step, baseline, every) -> list[str]:
    """Label every `every`-th point; a negative `every` counts back from the last point."""
    n, k, parts = len(labels), abs(every), []
    for i, label in enumerate(labels):
        if label and (i if every > 0 else n - 1 - i) % k == 0:
            x = left + (i + 0.5) * step
            if x + len(label) * 3.5 <= WIDTH:  # a label running off the right edge is left out
                parts.append(_text(x, baseline, label, "middle", MUTED, size=12))
    return parts


def column_chart(chart_id: str, title: str, desc: str, labels: list[str],
                 series: list[Series], tips: list[str] | None = None, every: int = 1,
                 height: int = 210) -> Markup:
    """Draw stacked columns, one per label, with a legend when there are several series."""
    top, bottom = 26 if len(series) > 1 else 10, 22
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    ymax = _nice_max(max(totals, default=0) or 1)
    left = _left_margin(ymax)
    plot_h, n = height - top - bottom, max(len(labels), 1)
    step = (WIDTH - left) / n
    parts = _open(chart_id, title, desc, height) + _axes(top, plot_h, left, ymax)
    if len(series) > 1:
        parts += _legend(series, 14)
    for i, label in enumerate(labels):
        base, x = top + plot_h, left + i * step + step * 0.15
        for s in series:
            h = s.values[i] / ymax * plot_h
            if s.values[i]:
                tip = tips[i] if tips else f"{label}: {number(s.values[i])} {s.name}"
                parts.append(_rect(x, base - h, step * 0.7, h, s.colour, tip, "bar"))
            base -= h
    parts += _x_labels(labels, left, step, height - 6, every)
    if not any(totals):
        parts.append(_text(left + (WIDTH - left) / 2, top + plot_h / 2, translate(EMPTY),
                           "middle", MUTED))
    return _close(parts)


def line_chart(chart_id: str, title: str, desc: str, labels: list[str], values: list[int],
               name: str, every: int = 1, height: int = 190) -> Markup:
    """Draw one series as a line over a light area, a dot per point."""
    top, bottom = 10, 22
    ymax = _nice_max(max(values, default=0) or 1)
    left = _left_margin(ymax)
    plot_h, n = height - top - bottom, max(len(values), 1)
    step = (WIDTH - left) / n
    points = [(left + (i + 0.5) * step, top + plot_h - v / ymax * plot_h)
              for i, v in enumerate(values)]
    parts = _open(chart_id, title, desc, height) + _axes(top, plot_h, left, ymax)
    if points:
        line = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
        floor = _fmt(top + plot_h)
        parts.append(f'<polygon points="{_fmt(points[0][0])},{floor} {line} '
                     f'{_fmt(points[-1][0])},{floor}" fill="{TINT}"/>')
        parts.append(f'<polyline points="{line}" fill="none" stroke="{BRAND}" '
                     f'stroke-width="2.5" stroke-linejoin="round"/>')
        for (x, y), label, value in zip(points, labels, values):
            parts.append(f'<circle class="dot" cx="{_fmt(x)}" cy="{_fmt(y)}" r="3" '
                         f'fill="{BRAND}"><title>{escape(label)}: {number(value)} '
                         f'{escape(name)}</title></circle>')
    parts += _x_labels(labels, left, step, height - 6, every)
    if not any(values):
        parts.append(_text(left + (WIDTH - left) / 2, top + plot_h / 2, translate(EMPTY),
                           "middle", MUTED))
    return _close(parts)


def bar_chart(chart_id: str, title: str, desc: str, rows: list[tuple],
              series: list[Series]) -> Markup:
    """Draw one horizontal bar per row: (label, [value per series], tooltip), label above it.

    Labels sit on their own line so long names stay readable on a phone; the total is
    written at the right end of the line.
    """
    top = 24 if len(series) > 1 else 4
    row_h = 40
    height = top + max(len(rows), 1) * row_h + 4
    parts = _open(chart_id, title, desc, height)
    if len(series) > 1:
        parts += _legend(series, 14)
    biggest = max((sum(values) for _, values, _ in rows), default=0) or 1
    for i, (label, values, tip) in enumerate(rows):
        y = top + i * row_h
        total = sum(values)
        short = label if len(label) <= 34 else label[:32] + "…"
        parts.append(_text(0, y + 15, short))
        parts.append(_text(WIDTH, y + 15, number(total), "end", INK, weight="700"))
        parts.append(_rect(0, y + 22, WIDTH, 12, TRACK))
        x = 0.0
        for s, value in zip(series, values):
            w = value / biggest * WIDTH
            if value:
                parts.append(_rect(x, y + 22, w, 12, s.colour,
                                   tip or f"{label}: {number(value)} {s.name}", "bar"))
            x += w
    if not rows:
        parts.append(_text(WIDTH / 2, top + 24, translate(EMPTY), "middle", MUTED))
    return _close(parts)


def _date(day, pattern="d MMMM y") -> str:
    """A date, month or day name from Babel in the current language (Agu / Aug)."""
    from babel.dates import format_date
    return format_date(day, pattern, locale=current_language())


def _peak(points, value, label) -> str:
    best = max(points, key=value, default=None)
    if best is None or not value(best):
        return translate("Belum ada data.")
    return translate("Tertinggi %(count)s pada %(when)s.", count=number(value(best)),
                     when=label(best[0]))


def impact_charts(impact, prefix: str = "c") -> dict:
    """Draw the charts of an impact report (app.office.reports.Impact), keyed by name."""
    daily, monthly = impact.daily, impact.monthly
    period = translate("%(start)s sampai %(end)s", start=_date(impact.start),
                       end=_date(impact.end))
    day_labels = [_date(d, "d MMM") for d, _ in daily]
    month_labels = [_date(m, "LLL") for m, _ in monthly]
    month_span = translate("%(start)s sampai %(end)s", start=_date(monthly[0][0], "LLLL y"),
                           end=_date(monthly[-1][0], "LLLL y"))
    by_month = lambda d: _date(d, "LLLL y")  # noqa: E731
    wa_phone = [Series("WhatsApp", [], WA), Series(translate("Telepon"), [], BRAND)]
    viewed = translate("kali dilihat")

    def contacts(points):
        return [Series(s.name, [getattr(t, f) for _, t in points], s.colour)
                for s, f in zip(wa_phone, ("whatsapp", "phone"))]

    def tips(points, label):
        return [translate("%(when)s: %(whatsapp)s WhatsApp, %(phone)s telepon", when=label(d),
                          whatsapp=number(t.whatsapp), phone=number(t.phone))
                for d, t in points]

    def rows(items):
        from app.directory.stats import fold_rest  # a phone-sized chart: at most 10 bars
        return [(r.label, [r.totals.whatsapp, r.totals.phone],
                 translate("%(name)s: %(whatsapp)s WhatsApp, %(phone)s telepon, "
                           "%(views)s kali dilihat",
                           name=f"{r.label} ({r.detail})" if r.detail else r.label,
                           whatsapp=number(r.totals.whatsapp), phone=number(r.totals.phone),
                           views=number(r.totals.views)))
                for r in fold_rest([r for r in items if r.totals.contacts], 10)]

    def bars(name, title, items, some, none):
        """`some` and `none`: the description with and without contacts (%(period)s, %(items)s)."""
        drawn = rows(items)
        desc = (translate(some, period=period, items="; ".join(
            f"{label} {number(sum(v))}" for label, v, _ in drawn)) if drawn
            else translate(none, period=period))
        return bar_chart(f"{prefix}-{name}", title, desc, drawn, wa_phone)

    return {
        "views_daily": line_chart(
            f"{prefix}-views-daily", translate("Jasa dilihat per hari"),
            translate("Jumlah %(count)s kali dilihat, %(period)s.",
                      count=number(impact.totals.views), period=period)
            + " " + _peak(daily, lambda p: p[1].views, _date), day_labels,
            [t.views for _, t in daily], viewed, every=5),
        "contacts_daily": column_chart(
            f"{prefix}-contacts-daily", translate("Kontak per hari (WhatsApp dan telepon)"),
            translate("Jumlah %(count)s kontak, %(period)s.",
                      count=number(impact.totals.contacts), period=period)
            + " " + _peak(daily, lambda p: p[1].contacts, _date), day_labels, contacts(daily),
            tips(daily, _date), every=5),
        "top": bars("top", translate("Jasa paling banyak dihubungi"), impact.top,
                    N_("Kontak per jasa, %(period)s: %(items)s."),
                    N_("Belum ada kontak per jasa, %(period)s.")),
        "categories": bars("categories", translate("Kontak per kategori"), impact.categories,
                           N_("Kontak per kategori, %(period)s: %(items)s."),
                           N_("Belum ada kontak per kategori, %(period)s.")),
        "kecamatan": bars("kecamatan", translate("Kontak per kecamatan"), impact.kecamatan,
                          N_("Kontak per kecamatan, %(period)s: %(items)s."),
                          N_("Belum ada kontak per kecamatan, %(period)s.")),
        "views_monthly": line_chart(
            f"{prefix}-views-monthly", translate("Jasa dilihat per bulan"),
            translate("Dilihat per bulan, %(span)s.", span=month_span)
            + " " + _peak(monthly, lambda p: p[1].views, by_month),
            month_labels, [t.views for _, t in monthly], viewed, every=-2),
        "contacts_monthly": column_chart(
            f"{prefix}-contacts-monthly", translate("Kontak per bulan"),
            translate("Kontak per bulan, %(span)s.", span=month_span)
            + " " + _peak(monthly, lambda p: p[1].contacts, by_month),
            month_labels, contacts(monthly), tips(monthly, by_month), every=-2),
    }
