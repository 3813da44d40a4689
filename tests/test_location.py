"""Reading a business's place from what an officer pastes (issue 13.3): map links of
Google Maps and OpenStreetMap, geo: links, decimal and degree coordinates; refused with a
clear message when it cannot be read offline, is not a place, or lies outside Sulawesi Barat."""
from decimal import Decimal

import pytest

from app.records.location import LocationError, Place, parse

BARBERSHOP = Place(Decimal("-3.4123"), Decimal("119.3456"))


@pytest.mark.parametrize("text", [
    "-3.4123, 119.3456",
    "-3.4123 119.3456",
    "  -3.4123,119.3456  ",
    "geo:-3.4123,119.3456",
    "geo:-3.4123,119.3456?z=17",
    "https://www.google.com/maps/@-3.4123,119.3456,17z",
    "https://www.google.com/maps/place/Pangkas+Rambut+Pak+Rudi/@-3.4123,119.3456,17z/data=!3m1",
    "https://www.google.com/maps?q=-3.4123,119.3456",
    "https://maps.google.com/?q=-3.4123%2C119.3456",
    "https://www.google.com/maps/search/?api=1&query=-3.4123,119.3456",
    "https://www.openstreetmap.org/#map=17/-3.4123/119.3456",
    "https://www.openstreetmap.org/?mlat=-3.4123&mlon=119.3456#map=17/-3.4123/119.3456",
    "www.openstreetmap.org/?mlat=-3.4123&mlon=119.3456",
])
def test_each_format_gives_the_place(text):
    assert parse(text) == BARBERSHOP


def test_a_google_place_link_gives_the_pin_not_the_middle_of_the_map():
    link = ("https://www.google.com/maps/place/Bengkel/@-3.40,119.30,15z/data=!3m1!4b1!4m6"
            "!3m5!1s0x2d:0x1!8m2!3d-3.4123!4d119.3456")
    assert parse(link) == BARBERSHOP


def test_an_osm_marker_wins_over_the_map_view():
    assert parse("https://www.openstreetmap.org/?mlat=-3.4123&mlon=119.3456"
                 "#map=12/-3.0/119.0") == BARBERSHOP


def test_degrees_minutes_seconds():
    place = parse("3°24'44\"S 119°20'44\"E")
    assert place.text() == "-3.412222, 119.345556"
    assert parse("3°24′44″S, 119°20′44″E") == place


@pytest.mark.parametrize("town, text", [
    ("Polewali", "-3.4167, 119.3333"), ("Mamuju", "-2.6786, 118.8867"),
    ("Mamasa", "-2.9381, 119.3704"), ("Majene", "-3.5403, 118.9707"),
    ("Pasangkayu", "-1.1710, 119.3820"), ("Tobadak, Mamuju Tengah", "-2.0500, 119.2870"),
])
def test_every_kabupaten_of_the_province_is_inside(town, text):
    assert parse(text) is not None, town


def test_empty_is_no_place():
    assert parse("") is None and parse("   ") is None and parse(None) is None


def test_the_stored_text_and_links():
    assert BARBERSHOP.text() == "-3.4123, 119.3456"
    assert BARBERSHOP.geo_url("Pak Rudi & Anak") == (
        "geo:-3.4123,119.3456?q=-3.4123,119.3456(Pak%20Rudi%20%26%20Anak)")
    assert BARBERSHOP.map_url() == ("https://www.openstreetmap.org/?mlat=-3.4123&mlon=119.3456"
                                    "#map=17/-3.4123/119.3456")


@pytest.mark.parametrize("link", ["https://maps.app.goo.gl/AbCdEf12345", "maps.app.goo.gl/x1",
                                  "https://goo.gl/maps/AbCdEf", "https://g.co/kgs/AbC"])
def test_short_links_are_refused_with_a_way_out(link):
    with pytest.raises(LocationError, match="Tautan pendek Google Maps") as refused:
        parse(link)
    assert "-3.4123, 119.3456" in str(refused.value)  # how to write it instead


@pytest.mark.parametrize("text", [
    "-6.2000, 106.8166",  # Jakarta
    "-5.1477, 119.4327",  # Makassar, Sulawesi Selatan
    "-4.0135, 119.6255",  # Pare-Pare, Sulawesi Selatan
    "https://www.google.com/maps/@-0.8917,131.3200,15z",  # Papua
])
def test_outside_the_province_is_refused(text):
    with pytest.raises(LocationError, match="di luar Sulawesi Barat"):
        parse(text)


def test_swapped_or_unsigned_coordinates_get_a_hint():
    with pytest.raises(LocationError, match="tertukar"):
        parse("119.3456, -3.4123")
    with pytest.raises(LocationError, match="tanda minus"):
        parse("3.4123, 119.3456")


@pytest.mark.parametrize("text", [
    "Pangkas rambut dekat pasar", "https://www.google.com/maps/place/Pasar+Wonomulyo",
    "https://example.com/?q=hello", "<script>alert(1)</script>", "'; DROP TABLE listing;--",
    "nan, nan", "inf, inf", "1e999, 1e999", "-3.4123", "-3.4123, 119.3456, 12", "\x00\x01",
    "°°°", "javascript:alert(1)", "geo:abc", "http://[::1", "https://[-3.4123,119.3456",
])
def test_nonsense_is_refused_in_indonesian(text):
    with pytest.raises(LocationError, match="Lokasi tidak dikenali"):
        parse(text)


def test_a_very_long_text_is_refused():
    with pytest.raises(LocationError, match="Terlalu panjang"):
        parse("https://www.google.com/maps/@-3.4123,119.3456,17z/" + "a" * 600)
