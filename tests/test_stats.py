"""Counting views and contact taps: aggregate, bots and prefetches left out, atomic."""
import threading

import pytest
from bs4 import BeautifulSoup

from app.db import database
from app.directory import stats
from app.models import DailyStat, Listing

PHONE = ("Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/120.0.6099.144 Mobile Safari/537.36")
CUBOT = ("Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/119.0 Mobile Safari/537.36")
OPERA_MINI = ("Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 "
              "Version/12.16")
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0 A",
    "TelegramBot (like TwitterBot)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; Baiduspider/2.0)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp)",
    "Google Web Preview",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.0.0 Safari/537.36",
    "",
]


def counts(listing_id):
    """Return {day: (views, whatsapp, phone)} of a listing."""
    with database.connection_context():
        return {r.day: (r.views, r.whatsapp_taps, r.phone_taps)
                for r in DailyStat.select().where(DailyStat.listing == listing_id)}


def get(client, url, agent=PHONE, **headers):
    return client.get(url, headers={"User-Agent": agent, **headers})


@pytest.fixture
def listing(make_listing):
    return make_listing()


def detail(listing):
    return f"/jasa/{listing.id}-penjahit-pakaian"


def test_detail_view_counts_one_on_todays_row(client, listing):
    assert counts(listing.id) == {}
    assert get(client, detail(listing)).status_code == 200
    assert counts(listing.id) == {stats.today(): (1, 0, 0)}
    get(client, detail(listing))
    get(client, detail(listing), OPERA_MINI)
    assert counts(listing.id) == {stats.today(): (3, 0, 0)}


def test_slug_redirect_is_not_a_view(client, listing):
    assert get(client, f"/jasa/{listing.id}").status_code == 301
    assert counts(listing.id) == {}


def test_whatsapp_redirect_counts_and_goes_to_wa_me(client, listing):
    response = get(client, f"/jasa/{listing.id}/wa")
    assert response.status_code == 302
    assert response.location.startswith("https://wa.me/6281234567890?text=Halo")
    assert "Penjahit%20Pakaian" in response.location
    assert response.headers["Cache-Control"] == "no-store"
    assert counts(listing.id) == {stats.today(): (0, 1, 0)}


def test_phone_redirect_counts_and_goes_to_tel(client, listing):
    response = get(client, f"/jasa/{listing.id}/telepon")
    assert response.status_code == 302 and response.location == "tel:+6281234567890"
    get(client, f"/jasa/{listing.id}/telepon")
    assert counts(listing.id) == {stats.today(): (0, 0, 2)}


def test_redirect_target_never_comes_from_the_request(client, listing):
    for query in ("?next=https://evil.example", "?url=https://evil.example",
                  "?text=Penipuan"):
        response = get(client, f"/jasa/{listing.id}/wa{query}")
        assert response.location.startswith("https://wa.me/6281234567890?text=Halo")
        assert "evil" not in response.location and "Penipuan" not in response.location


def test_landline_has_no_whatsapp_redirect(client, make_listing):
    landline = make_listing(phone="(0428) 21234")
    assert get(client, f"/jasa/{landline.id}/wa").status_code == 404
    assert get(client, f"/jasa/{landline.id}/telepon").location == "tel:+6242821234"
    assert counts(landline.id) == {stats.today(): (0, 0, 1)}


def test_unpublished_listing_is_404_and_not_counted(client, make_listing):
    draft = make_listing(publish=False, title="Kue Basah")
    for url in (f"/jasa/{draft.id}", f"/jasa/{draft.id}-kue-basah", f"/jasa/{draft.id}/wa",
                f"/jasa/{draft.id}/telepon", "/jasa/99999/wa", "/jasa/99999/telepon"):
        assert get(client, url).status_code == 404, url
    assert counts(draft.id) == {}


def test_listing_hidden_after_publication_stops_counting(client, listing):
    get(client, f"/jasa/{listing.id}/wa")
    with database.connection_context():
        Listing.update(is_published=False).where(Listing.id == listing.id).execute()
    assert get(client, f"/jasa/{listing.id}/wa").status_code == 404
    assert counts(listing.id) == {stats.today(): (0, 1, 0)}


@pytest.mark.parametrize("agent", BOTS)
def test_bots_are_served_but_not_counted(client, listing, agent):
    assert get(client, detail(listing), agent).status_code == 200
    assert get(client, f"/jasa/{listing.id}/wa", agent).status_code == 302
    assert get(client, f"/jasa/{listing.id}/telepon", agent).status_code == 302
    assert counts(listing.id) == {}


@pytest.mark.parametrize("agent", [PHONE, CUBOT, OPERA_MINI])
def test_people_are_counted(agent):
    assert not stats.is_bot(agent)


def test_head_requests_are_not_counted(client, listing):
    assert client.head(detail(listing), headers={"User-Agent": PHONE}).status_code == 200
    assert client.head(f"/jasa/{listing.id}/wa", headers={"User-Agent": PHONE}).status_code == 302
    assert counts(listing.id) == {}


@pytest.mark.parametrize("header", [{"Purpose": "prefetch"}, {"Sec-Purpose": "prefetch"},
                                    {"Sec-Purpose": "prefetch;prerender"},
                                    {"X-Moz": "prefetch"}, {"X-Purpose": "preview"}])
def test_prefetches_are_not_counted(client, listing, header):
    assert get(client, detail(listing), **header).status_code == 200
    assert counts(listing.id) == {}


def test_a_revalidated_view_still_counts(client, listing):
    first = get(client, detail(listing))
    again = get(client, detail(listing), **{"If-None-Match": first.headers.get("ETag", "x")})
    assert again.status_code in (200, 304)
    assert counts(listing.id) == {stats.today(): (2, 0, 0)}


def test_pages_link_to_the_counting_redirects(client, listing):
    soup = BeautifulSoup(get(client, detail(listing)).text, "html.parser")
    assert soup.select_one("a.wa")["href"] == f"/jasa/{listing.id}/wa"
    assert soup.select_one(f'a[href="/jasa/{listing.id}/telepon"]')
    assert not soup.select('a[href^="tel:"]')
    card = BeautifulSoup(get(client, "/?q=jahit").text, "html.parser").select_one(".card a.wa")
    assert card["href"] == f"/jasa/{listing.id}/wa" and card["rel"] == ["nofollow"]


def test_only_aggregate_counts_are_stored(db):
    columns = {c.name for c in database.get_columns("daily_stat")}
    assert columns == {"id", "listing_id", "day", "views", "whatsapp_taps", "phone_taps"}


def test_concurrent_taps_are_all_counted(app, listing):
    def tap():
        with app.app_context(), database.connection_context():
            for _ in range(25):
                assert stats.record(listing.id, "whatsapp")
    threads = [threading.Thread(target=tap) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts(listing.id) == {stats.today(): (0, 200, 0)}


def test_row_labels_follow_the_language(app, listing):
    """The labels stats makes ("Lainnya", "Tanpa kecamatan") are in the requester's language."""
    rows = [stats.Row(f"K{k}", stats.Totals(1, 1, 0)) for k in range(12)]
    assert stats.fold_rest(rows, 10)[-1].label == "Lainnya (3)"  # outside a request: Indonesian
    with database.connection_context():
        Listing.update(region=None).where(Listing.id == listing.id).execute()
        stats.record(listing.id, "whatsapp")
    today = stats.today()
    with app.test_request_context(headers={"Cookie": "lang=en"}), database.connection_context():
        assert stats.fold_rest(rows, 10)[-1].label == "Others (3)"
        assert [r.label for r in stats.by_kecamatan(today, today)] == ["No district"]
    with app.test_request_context(), database.connection_context():
        assert [r.label for r in stats.by_kecamatan(today, today)] == ["Tanpa kecamatan"]
