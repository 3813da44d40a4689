"""Opening hours as data: parsing what officers write, open-now in WITA across midnight,
and the shapes other systems read (HSDS schedules, schema.org)."""
import datetime as dt

import pytest

from app.records import hours as h

WITA = h.WITA


def at(weekday: int, clock: str) -> dt.datetime:
    """A moment in WITA: weekday 0 = Monday (2026-11-30 was a Monday)."""
    hour, minute = map(int, clock.split(":"))
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=WITA) + dt.timedelta(days=weekday)


@pytest.mark.parametrize("text, lines", [
    ("Senin–Sabtu 08.00–17.00", ["Senin–Sabtu 08.00–17.00"]),
    ("Setiap hari 06.00–22.00", ["Senin–Minggu 06.00–22.00"]),
    ("senin-jumat 8-16, sabtu 08.00-12.00", ["Senin–Jumat 08.00–16.00", "Sabtu 08.00–12.00"]),
    ("Setiap hari 06.00–22.00, Minggu 08.00–12.00",
     ["Senin–Sabtu 06.00–22.00", "Minggu 08.00–12.00"]),
    ("Senin, Rabu, Jumat 09.00–15.00", ["Senin 09.00–15.00", "Rabu 09.00–15.00",
                                        "Jumat 09.00–15.00"]),
    ("Sabtu 08.00–12.00 dan 13.00–17.00", ["Sabtu 08.00–12.00, 13.00–17.00"]),
    ("Jumat–Minggu 19.00–02.00", ["Jumat–Minggu 19.00–02.00"]),
    ("Jum'at 13:30 s.d. 17:00", ["Jumat 13.30–17.00"]),
    ("08.00–17.00", ["Senin–Minggu 08.00–17.00"]),
    ("24 jam", ["24 jam"]),
    ("Buka 24 Jam setiap hari", ["24 jam"]),
    ("Dengan janji", ["Dengan janji"]),
    ("Pesan H-1", ["Dengan janji"]),
    ("Panggilan", ["Dengan janji"]),
])
def test_what_officers_write_is_read(text, lines):
    assert h.describe(h.parse_text(text)) == lines


@pytest.mark.parametrize("text", ["", "Senin–Sabtu", "Setiap pagi", "Musim tanam dan panen",
                                  "Senin 25.00–26.00", "Senin 08.00–08.00", "Senin 08.00–17.00 kecuali libur 3",
                                  "kadang-kadang 8-17 kalau tidak hujan tanggal 5"])
def test_what_cannot_be_read_is_left_as_text(text):
    assert h.parse_text(text) is None


def test_json_round_trip():
    hours = h.parse_text("Senin–Jumat 08.00–16.00, Sabtu 19.00–24.00")
    again = h.Hours.from_json(hours.to_json())
    assert again == hours and h.describe(again) == ["Senin–Jumat 08.00–16.00", "Sabtu 19.00–24.00"]
    assert h.Hours.from_json("") is None


@pytest.mark.parametrize("moment, expected", [
    (at(0, "07:59"), False), (at(0, "08:00"), True), (at(0, "16:59"), True),
    (at(0, "17:00"), False), (at(5, "10:00"), True), (at(6, "10:00"), False),
])
def test_open_now_on_a_weekday_schedule(moment, expected):
    assert h.is_open(h.parse_text("Senin–Sabtu 08.00–17.00"), moment) is expected


@pytest.mark.parametrize("moment, expected", [
    (at(4, "18:59"), False), (at(4, "23:30"), True), (at(5, "01:59"), True),
    (at(5, "02:00"), False), (at(0, "01:00"), True),  # Sunday night runs into Monday
    (at(1, "01:00"), False), (at(3, "23:00"), False),
])
def test_open_now_across_midnight(moment, expected):
    assert h.is_open(h.parse_text("Jumat–Minggu 19.00–02.00"), moment) is expected


def test_open_now_is_asked_in_wita_whatever_the_servers_zone():
    hours = h.parse_text("Setiap hari 08.00–17.00")
    utc_morning = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.timezone.utc)  # 08.30 WITA
    assert h.is_open(hours, utc_morning)
    assert not h.is_open(hours, dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc))


def test_always_and_appointment():
    assert h.is_open(h.parse_text("24 jam"), at(2, "03:00"))
    assert not h.is_open(h.parse_text("Dengan janji"), at(2, "10:00"))
    assert not h.is_open(None, at(2, "10:00"))


def test_slots_split_at_midnight():
    assert h.slots(h.parse_text("Minggu 22.00–01.30")) == [(0, 0, 90), (6, 1320, 1440)]
    assert h.slots(h.parse_text("Sabtu 20.00–24.00")) == [(5, 1200, 1440)]
    assert len(h.slots(h.parse_text("24 jam"))) == 7


def test_quick_editor_same_hours_then_exceptions():
    hours = h.same_every_day("08:00", "17:00", range(7), "Sabtu 08.00–12.00\nMinggu tutup")
    assert h.describe(hours) == ["Senin–Jumat 08.00–17.00", "Sabtu 08.00–12.00"]
    with pytest.raises(h.HoursError):
        h.same_every_day("08:00", "08:00", range(7))
    with pytest.raises(h.HoursError):
        h.same_every_day("08:00", "17:00", range(7), "kadang tutup")


def test_hsds_and_schema_org_shapes():
    hours = h.parse_text("Senin–Jumat 08.00–16.00, Sabtu 08.00–12.00")
    assert h.hsds_schedules(hours) == [
        {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "08:00", "closes_at": "16:00"},
        {"freq": "WEEKLY", "byday": "SA", "opens_at": "08:00", "closes_at": "12:00"}]
    spec = h.opening_hours_specification(hours)
    assert spec[0]["dayOfWeek"] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    assert spec[1] == {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Saturday"],
                       "opens": "08:00", "closes": "12:00"}
    assert h.opening_hours_specification(h.parse_text("Dengan janji")) == []
