"""/sematkan: search and results for another site's <iframe>, framable only by this site
and the sites the office names; every other page stays unframable."""
import pytest
from bs4 import BeautifulSoup

from app import create_app
from app.db import database
from app.models import Category


@pytest.fixture
def two_trades(make_listing, app):
    with app.app_context(), database.connection_context():
        las = Category.get(Category.slug == "las").id
    tailor = make_listing(title="Penjahit Pakaian")
    welder = make_listing(title="Las Pagar", category_id=las, client_full_name="Budi Santoso Wibowo",
                          client_register_number="PB-9/2025", description="Las pagar besi.")
    return tailor, welder


def test_embed_shows_search_and_results_without_the_sites_frame(client, two_trades):
    answer = client.get("/sematkan")
    assert answer.status_code == 200
    page = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    assert page.select_one("form.search")["action"] == "/sematkan"
    assert page.select_one("header.top") is None and page.select_one("footer.foot") is None
    titles = [a.get_text() for a in page.select(".cards h3 a")]
    assert sorted(titles) == ["Las Pagar", "Penjahit Pakaian"]
    # A listing's own page may not be framed: links open outside the frame.
    assert all(a.get("target") == "_blank" for a in page.select(".cards a"))
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    text = answer.get_data(as_text=True)
    assert "Rudi Hartono" not in text and "PB-123" not in text and "RAHASIA" not in text


def test_embed_keeps_the_public_filters(client, two_trades):
    page = BeautifulSoup(client.get("/sematkan?kategori=las").get_data(as_text=True), "html.parser")
    assert [a.get_text() for a in page.select(".cards h3 a")] == ["Las Pagar"]
    fragment = client.get("/sematkan?q=jahit", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Penjahit Pakaian" in fragment.get_data(as_text=True)


def test_by_default_only_this_site_may_frame_it(client, two_trades):
    answer = client.get("/sematkan")
    assert "frame-ancestors 'self';" in answer.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in answer.headers
    for url in ("/", "/?q=jahit", f"/jasa/{two_trades[0].id}", "/kategori/las", "/masuk"):
        other = client.get(url, follow_redirects=True)
        assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"], url
        assert other.headers["X-Frame-Options"] == "DENY", url


def test_the_office_names_the_sites_that_may_frame_it(tmp_path, database_url, two_trades):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "other"), "DATABASE_URL": database_url,
                      "TESTING": True, "SECRET_KEY": "test",
                      "EMBED_ORIGINS": "https://bapaspolewali.id, http://192.168.1.10:8080/ "
                                       "javascript:alert(1) 'unsafe-inline' *"})
    csp = app.test_client().get("/sematkan").headers["Content-Security-Policy"]
    assert ("frame-ancestors 'self' https://bapaspolewali.id http://192.168.1.10:8080;"
            in csp)
    assert "javascript" not in csp and "unsafe-inline" not in csp and " *" not in csp
    assert "frame-ancestors 'none'" in app.test_client().get("/").headers["Content-Security-Policy"]


def test_hostile_filters_get_a_page_not_an_error(client, two_trades):
    for query in ("q=%3Cscript%3E", "kategori=%27%20OR%201%3D1", "hal=-1", "kecamatan=" + "9" * 40):
        answer = client.get("/sematkan?" + query)
        assert answer.status_code == 200, query
        assert "<script>" not in answer.get_data(as_text=True)
