"""A listing saved without *Keterangan* still describes itself to search engines and
link previews: category, area and display name, only as far as the consent allows, in
the visitor's language (issue 10, point 11)."""
import pytest
from bs4 import BeautifulSoup
from test_sharing import INTERNAL, detail_url


def description(client, listing, language="id") -> str:
    client.set_cookie("lang", language)
    page = client.get(detail_url(listing))
    assert page.status_code == 200
    tag = BeautifulSoup(page.text, "html.parser").find("meta", attrs={"name": "description"})
    return tag["content"]


def test_without_keterangan_says_what_who_and_where(client, make_listing):
    listing = make_listing(description="")
    assert description(client, listing) == (
        "Jasa Menjahit & Permak oleh Pak Rudi di Wonomulyo, Polewali Mandar. "
        "Hubungi langsung lewat WhatsApp atau telepon.")
    assert description(client, listing, "en") == (
        "Menjahit & Permak service by Pak Rudi in Wonomulyo, Polewali Mandar. "
        "Contact them directly by WhatsApp or phone.")


@pytest.mark.parametrize("scope, expected", [
    ({"consent_scope_name": False},
     "Jasa Menjahit & Permak di Wonomulyo, Polewali Mandar."),
    ({"consent_scope_area": False}, "Jasa Menjahit & Permak oleh Pak Rudi."),
    ({"consent_scope_name": False, "consent_scope_area": False}, "Jasa Menjahit & Permak."),
])
def test_only_what_the_consent_lets_the_public_see(client, make_listing, scope, expected):
    listing = make_listing(description="", **scope)
    text = description(client, listing)
    assert text.startswith(expected)
    for secret in INTERNAL + ["Rudi Hartono"]:
        assert secret not in text
    if not scope.get("consent_scope_area", True):
        assert "Wonomulyo" not in text and "Polewali" not in text
    if not scope.get("consent_scope_name", True):
        assert "Pak Rudi" not in text


def test_a_written_keterangan_is_still_the_description(client, make_listing):
    listing = make_listing(description="Menjahit baju, permak celana, seragam sekolah.")
    assert description(client, listing) == "Menjahit baju, permak celana, seragam sekolah."
    assert description(client, listing, "en") == "Menjahit baju, permak celana, seragam sekolah."
