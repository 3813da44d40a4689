"""Server-rendered SVG charts: well-formed, labelled, one bar per item."""
import datetime as dt
import re
import xml.etree.ElementTree as ET

from app.directory.stats import Row, Totals
from app.office import charts
from app.office.charts import Series

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
    from app.office.reports import Impact
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
    from app.office.reports import Impact
    start = dt.date(2026, 11, 1)
    places = [Row(f"Kecamatan {k}", Totals(10, 16 - k, 0), ("Polewali Mandar",))
              for k in range(15)]
    impact = Impact(None, start, dt.date(2026, 11, 30), Totals(), [], [(start, Totals())],
                    [], [], places, published=0, clients=0)
    root = parse(charts.impact_charts(impact)["kecamatan"])
    assert len(bars(root)) == 10
    assert "Lainnya (6)" in texts(root) and str(sum(16 - k for k in range(9, 15))) in texts(root)


# --- languages: the dashboard's charts follow the `lang` cookie ---------------------------

def dashboard_svgs(client, auth, language=None):
    """Return the dashboard's charts, parsed, keyed by their id (`dash-...`)."""
    if language:
        client.set_cookie("lang", language)
    auth.login()
    page = client.get("/admin/")
    assert page.status_code == 200
    roots = [parse(svg) for svg in re.findall(r"<svg.*?</svg>", page.text, re.S)]
    return {root.get("id"): root for root in roots if root.get("id", "").startswith("dash-")}


def tips(root) -> list[str]:
    return [t.text for t in root.iterfind(".//s:circle/s:title", NS)]


def title(root) -> str:
    return root.find("s:title", NS).text


def test_dashboard_charts_are_indonesian_by_default(client, auth):
    drawn = dashboard_svgs(client, auth)
    assert title(drawn["dash-views-daily"]) == "Jasa dilihat per hari"
    assert title(drawn["dash-contacts-monthly"]) == "Kontak per bulan"
    months = texts(drawn["dash-views-monthly"]) + texts(drawn["dash-contacts-monthly"])
    assert "Agu" in months or "Mei" in months  # every other month of the last 12 is labelled
    assert "Agu: 0 kali dilihat" in tips(drawn["dash-views-monthly"])  # every month has a tip
    assert charts.EMPTY in texts(drawn["dash-views-daily"])  # no counts yet
    assert "Telepon" in texts(drawn["dash-contacts-monthly"])  # the legend
    assert "sampai" in drawn["dash-views-daily"].find("s:desc", NS).text


def test_dashboard_charts_are_english_with_the_lang_cookie(client, auth):
    drawn = dashboard_svgs(client, auth, "en")
    assert title(drawn["dash-views-daily"]) == "Service views per day"
    assert title(drawn["dash-contacts-daily"]) == "Contacts per day (WhatsApp and phone)"
    assert title(drawn["dash-top"]) == "Most contacted services"
    assert title(drawn["dash-contacts-monthly"]) == "Contacts per month"
    months = texts(drawn["dash-views-monthly"]) + texts(drawn["dash-contacts-monthly"])
    assert "Aug" in months or "May" in months
    assert not {"Agu", "Des", "Mei", "Okt"} & set(months)
    assert "Aug: 0 views" in tips(drawn["dash-views-monthly"])
    assert "No data for this period yet." in texts(drawn["dash-views-daily"])
    assert "Phone" in texts(drawn["dash-contacts-monthly"])
    for root in drawn.values():
        words = title(root) + " " + root.find("s:desc", NS).text + " " + " ".join(texts(root))
        for indonesian in ("Kontak", "dilihat", "sampai", "Belum ada", "Telepon", "Agustus"):
            assert indonesian not in words, (root.get("id"), indonesian)


def test_impact_charts_in_english_inside_an_english_request(app):
    from app.office.reports import Impact
    start = dt.date(2026, 8, 1)
    daily = [(start + dt.timedelta(days=k), Totals(k, k % 3, k % 2)) for k in range(31)]
    monthly = [(dt.date(2025 + (m > 4), (m + 7) % 12 + 1, 1), Totals(m * 10, m, 1))
               for m in range(1, 13)]  # September 2025 to August 2026
    rows = [Row("Penjahit", Totals(30, 5, 2), ("Menjahit", "Wonomulyo"))]
    impact = Impact(None, start, dt.date(2026, 8, 31), Totals(465, 30, 15), daily, monthly,
                    rows, rows, rows, published=1, clients=1)
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        drawn = charts.impact_charts(impact, "en")
        assert charts.number(1234567) == "1,234,567"
    desc = drawn["views_daily"]
    assert "<title id=\"en-views-daily-t\">Service views per day</title>" in desc
    assert "1 August 2026 to 31 August 2026" in desc and "Highest: 30 on 31 August 2026." in desc
    assert "Aug" in texts(parse(drawn["views_monthly"]))
    assert "August 2026: WhatsApp 12, phone 1" in drawn["contacts_monthly"]
    assert "Penjahit (Menjahit · Wonomulyo): WhatsApp 5, phone 2, views 30" in drawn["top"]
    with app.test_request_context():  # no cookie, no Accept-Language: Indonesian
        indonesian = charts.impact_charts(impact, "id")
    assert "Agustus 2026: 12 WhatsApp, 1 telepon" in indonesian["contacts_monthly"]
    assert "Agu" in texts(parse(indonesian["views_monthly"]))
