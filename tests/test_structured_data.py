"""schema.org JSON-LD on a listing's page: only with the consent's search-engine channel,
and only what the consent's scope shows."""
import json

from bs4 import BeautifulSoup

from app.db import database
from app.models import Client
from app.records import consent as consents


def jsonld(client, listing):
    page = BeautifulSoup(client.get(f"/jasa/{listing.id}-{listing.slug}").get_data(as_text=True),
                         "html.parser")
    blocks = page.select('script[type="application/ld+json"]')
    assert len(blocks) <= 1
    return json.loads(blocks[0].string) if blocks else None


def test_a_listing_search_engines_may_see_describes_itself(client, make_listing):
    listing = make_listing()
    data = jsonld(client, listing)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Service"
    assert data["name"] == "Penjahit Pakaian" and data["serviceType"] == "Menjahit & Permak"
    assert data["url"].endswith(f"/jasa/{listing.id}-{listing.slug}")
    provider = data["provider"]
    assert provider == {"@type": "LocalBusiness", "name": "Pak Rudi", "telephone": "+6281234567890",
                        "address": {"@type": "PostalAddress", "addressLocality": "Wonomulyo",
                                    "addressRegion": "Polewali Mandar", "addressCountry": "ID"},
                        # the listing's "Senin–Sabtu 08.00–17.00", read as data
                        "openingHoursSpecification": [{
                            "@type": "OpeningHoursSpecification",
                            "dayOfWeek": ["Monday", "Tuesday", "Wednesday", "Thursday",
                                          "Friday", "Saturday"],
                            "opens": "08:00", "closes": "17:00"}]}
    assert data["areaServed"] == "Wonomulyo dan sekitarnya"
    assert data["offers"]["description"] == "mulai Rp25.000"
    text = json.dumps(data)
    assert "Rudi Hartono" not in text and "PB-123" not in text and "RAHASIA" not in text


def test_no_jsonld_without_the_search_engine_channel(client, make_listing):
    assert jsonld(client, make_listing(consent_channel_search=False)) is None


def test_the_consent_scope_decides_what_is_in_it(client, make_listing):
    # (A published listing always shows a phone: publishing refuses one it may not show.)
    data = jsonld(client, make_listing(consent_scope_area=False, consent_scope_name=False,
                                       working_hours=""))  # hours: the test above
    assert data["provider"] == {"@type": "LocalBusiness", "name": "Penjahit Pakaian",
                                "telephone": "+6281234567890"}
    assert "areaServed" not in data and "Pak Rudi" not in json.dumps(data)


def test_withdrawing_the_consent_removes_it_on_the_next_request(app, client, make_listing):
    listing = make_listing()
    assert jsonld(client, listing) is not None
    with app.test_request_context(), database.connection_context():
        from app.models import User
        consents.withdraw(Client.get_by_id(listing.client_id), User.get(User.username == "admin"))
    assert client.get(f"/jasa/{listing.id}-{listing.slug}").status_code == 404


def test_text_cannot_break_out_of_the_script(client, make_listing):
    title = "Jahit </script><script>alert(1)</script> & 'kutip'"
    listing = make_listing(title=title)
    html = client.get(f"/jasa/{listing.id}-{listing.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert jsonld(client, listing)["name"] == title
