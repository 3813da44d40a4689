"""Server-rendered SVG charts: well-formed, labelled, one bar per item."""
import datetime as dt
import re
import xml.etree.ElementTree as ET

from app import charts
from app.charts import Series
from app.stats import Row, Totals

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iterfind(".//s:text", NS)]


def bars(root) -> list[ET.Element]:
    return [r for r in root.iterfind(".//s:rect", NS) if r.get("class") == "bar"]


def test_bar_chart_has_one_bar_per_category_and_its_labels():
    rows = [("Menjahit", [12], ""), ("Las & Bengkel <besi>", [7], ""), ("Pangkas Rambut", [3], "")]
    root = parse(charts.bar_chart("kat", "Kontak per kategori", "Tiga kategori", rows,
                                  [Series("Kontak", [])]))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(bars(root)) == 3
    labels = texts(root)
    for name in ("Menjahit", "Las & Bengkel <besi>", "Pangkas Rambut", "12", "7", "3"):
        assert name in labels
    widths = [float(b.get("width")) for b in bars(root)]
    assert widths == sorted(widths, reverse=True) and widths[0] == charts.WIDTH


def test_chart_is_accessible_and_responsive():
    root = parse(charts.bar_chart("x1", "Judul", "Keterangan", [("A", [1, 2], "tip")],
                                  [Series("WhatsApp", [], charts.WA), Series("Telepon", [])]))
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root.get("viewBox").startswith(f"0 0 {charts.WIDTH} ")
    title, desc = root.find("s:title", NS), root.find("s:desc", NS)
    assert title.text == "Judul" and desc.text == "Keterangan"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "WhatsApp" in texts(root) and "Telepon" in texts(root)  # the legend
    assert [b.find("s:title", NS).text for b in bars(root)] == ["tip", "tip"]
    assert "style" not in str(charts.bar_chart("x", "t", "d", [("A", [1], "")], [Series("a", [])]))


def test_column_chart_stacks_series_and_labels_every_nth_day():
    labels = [f"{d} Nov" for d in range(1, 31)]
    wa = [d % 3 for d in range(30)]
    phone = [1 if d % 5 == 0 else 0 for d in range(30)]
    root = parse(charts.column_chart("c", "Kontak per hari", "30 hari", labels,
                                     [Series("WhatsApp", wa, charts.WA), Series("Telepon", phone)],
                                     every=5))
    assert len(bars(root)) == sum(1 for v in wa if v) + sum(phone)
    for day in ("1 Nov", "6 Nov", "26 Nov"):
        assert day in texts(root)
    assert "2 Nov" not in texts(root)


def test_line_chart_has_a_point_per_value():
    values = [0, 3, 5, 2, 8, 1]
    root = parse(charts.line_chart("l", "Dilihat", "enam hari", list("abcdef"), values, "kali"))
    points = root.find(".//s:polyline", NS).get("points").split()
    assert len(points) == 6 and len(root.findall(".//s:circle", NS)) == 6
    assert "8" in texts(root)  # the axis maximum


def test_empty_charts_say_so():
    for svg in (charts.bar_chart("e", "t", "d", [], [Series("a", [])]),
                charts.column_chart("e", "t", "d", ["1", "2"], [Series("a", [0, 0])]),
                charts.line_chart("e", "t", "d", ["1", "2"], [0, 0], "kali")):
        assert charts.EMPTY in texts(parse(svg))


def test_numbers_are_written_the_indonesian_way():
    assert charts.number(1234567) == "1.234.567"
    root = parse(charts.bar_chart("n", "t", "d", [("A", [12345], "")], [Series("a", [])]))
    assert "12.345" in texts(root)


def test_impact_charts_are_all_well_formed():
    from app.reports import Impact
    start = dt.date(2026, 11, 1)
    daily = [(start + dt.timedelta(days=k), Totals(k, k % 3, k % 2)) for k in range(30)]
    monthly = [(dt.date(2026, m, 1), Totals(m * 10, m, 1)) for m in range(1, 13)]
    rows = [Row("Penjahit & Permak", Totals(30, 5, 2), ("Menjahit", "Wonomulyo")),
            Row("Las Pagar", Totals(20, 0, 0), ("Las", "Tinambung"))]
    impact = Impact(None, start, dt.date(2026, 11, 30), Totals(435, 29, 15), daily, monthly,
                    rows, rows, rows, published=2, clients=2)
    drawn = charts.impact_charts(impact, "t")
    assert set(drawn) == {"views_daily", "contacts_daily", "top", "categories", "kecamatan",
                          "views_monthly", "contacts_monthly"}
    ids = set()
    for svg in drawn.values():
        root = parse(svg)
        ids.add(root.get("id"))
        assert root.find("s:title", NS).text and root.find("s:desc", NS).text
    assert len(ids) == len(drawn)  # unique ids: several charts share one page
    top = parse(drawn["top"])
    assert "Penjahit & Permak" in texts(top) and "Las Pagar" not in texts(top)  # no contacts
    assert "Agu" in texts(parse(drawn["views_monthly"]))
    assert re.search(r"Tertinggi 29 pada", parse(drawn["views_daily"]).find("s:desc", NS).text)


def test_long_breakdowns_are_folded_into_lainnya():
    from app.reports import Impact
    start = dt.date(2026, 11, 1)
    places = [Row(f"Kecamatan {k}", Totals(10, 16 - k, 0), ("Polewali Mandar",))
              for k in range(15)]
    impact = Impact(None, start, dt.date(2026, 11, 30), Totals(), [], [(start, Totals())],
                    [], [], places, published=0, clients=0)
    root = parse(charts.impact_charts(impact)["kecamatan"])
    assert len(bars(root)) == 10
    assert "Lainnya (6)" in texts(root) and str(sum(16 - k for k in range(9, 15))) in texts(root)
