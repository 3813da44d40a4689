"""Absolute links never trust the Host header (issue 10, point 3): with
RAJA_KEMAS_PUBLIC_URL every absolute URL uses it, an unknown Host gets 400, and with
nothing set a first run still works on localhost and on `serve --host`'s address."""
import re
import xml.etree.ElementTree as ET

import pytest
import waitress
from bs4 import BeautifulSoup
from conftest import PASSWORD, listing_data
from test_sharing import SITEMAP_NS, decode_svg, detail_url, meta

from app import create_app
from app.db import database
from app.models import Unit, User
from app.records.listings import save_listing
from app.security.accounts import create_user

PUBLIC = "https://jasa.bapaspolewali.id"
LAN = "192.168.1.10:8080"
EVIL = "evil.example"


def make_app(tmp_path, database_url):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                      "DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context(), database.connection_context():
        create_user(Unit.select().first(), "admin", PASSWORD, "superadmin", "Andi Petugas")
    return app


@pytest.fixture
def app(tmp_path, database_url, monkeypatch):
    """The app as an office deploys it: a public address, and the LAN address trusted too."""
    monkeypatch.setenv("RAJA_KEMAS_PUBLIC_URL", PUBLIC + "/")
    monkeypatch.setenv("RAJA_KEMAS_TRUSTED_HOSTS", "192.168.1.10, kantor-bapas")
    return make_app(tmp_path, database_url)


@pytest.fixture
def bare_app(tmp_path, database_url, monkeypatch):
    """The app on a first run: nothing set."""
    monkeypatch.delenv("RAJA_KEMAS_PUBLIC_URL", raising=False)
    monkeypatch.delenv("RAJA_KEMAS_TRUSTED_HOSTS", raising=False)
    return make_app(tmp_path, database_url)


def listing_in(app):
    """A published listing, saved as the admin would (conftest's make_listing, for `app`)."""
    with app.test_request_context(), database.connection_context():
        user = User.get(User.username == "admin")
        return save_listing(None, None, listing_data(), user)


def public_paths(listing) -> list[str]:
    return ["/", "/kategori/menjahit", "/sitemap.xml", "/robots.txt", detail_url(listing),
            f"/jasa/{listing.id}/selebaran", f"/jasa/{listing.id}/kartu.png",
            "/kategori/menjahit/selebaran", "/kiosk", "/kiosk/panel", "/api/v1/",
            "/api/v1/services", f"/api/v1/services/{listing.id}", "/api/v1/services.csv",
            "/api/v1/organizations", "/api/v1/openapi.json", "/masuk"]


def assert_refused(client, paths):
    for path in paths:
        for _ in range(2):  # the second time too: no cache may keep a page for that Host
            response = client.get(path, headers={"Host": EVIL})
            assert response.status_code == 400, path
            assert EVIL not in response.get_data(as_text=True), path
            assert "alamat resmi" in response.get_data(as_text=True), path
            assert response.headers["Cache-Control"] == "no-store", path
            if path.startswith("/api/"):
                assert response.json["error"].startswith("Situs ini tidak melayani"), path


def test_with_the_setting_an_unknown_host_gets_400(app, client, make_listing):
    assert_refused(client, public_paths(make_listing()))


def test_without_the_setting_an_unknown_host_gets_400(bare_app):
    assert_refused(bare_app.test_client(), public_paths(listing_in(bare_app)))


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>&]+", text)


def test_every_absolute_link_uses_the_public_address(client, make_listing):
    """Asked through a trusted LAN address (or with a forged X-Forwarded-Host), every
    absolute link and QR code still points at RAJA_KEMAS_PUBLIC_URL."""
    listing = make_listing()
    page_url = PUBLIC + detail_url(listing)
    headers = {"Host": LAN, "X-Forwarded-Host": EVIL}  # no proxy is trusted by default

    def get(path):
        return client.get(path, headers=headers)

    sitemap = ET.fromstring(get("/sitemap.xml").data)
    locs = [loc.text for loc in sitemap.iter(SITEMAP_NS + "loc")]
    assert page_url in locs and all(loc.startswith(PUBLIC + "/") for loc in locs)
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in get("/robots.txt").text

    detail = BeautifulSoup(get(detail_url(listing)).text, "html.parser")
    assert detail.find("link", rel="canonical")["href"] == page_url
    assert meta(detail, "og:url") == page_url
    assert meta(detail, "og:image").startswith(PUBLIC + f"/jasa/{listing.id}/kartu.png")
    share = detail.find("a", href=re.compile(r"^https://wa\.me/\?text="))
    assert "jasa.bapaspolewali.id" in share["href"] and "192.168" not in share["href"]

    flyer = get(f"/jasa/{listing.id}/selebaran").text
    assert decode_svg(flyer[flyer.index("<svg"):flyer.index("</svg>") + 6]) == [page_url]
    assert page_url in BeautifulSoup(flyer, "html.parser").select_one("p.link").text
    sheet = get("/kategori/menjahit/selebaran").text
    assert decode_svg(sheet[sheet.index("<svg"):sheet.index("</svg>") + 6]) == [page_url]

    kiosk = get("/kiosk").text
    codes = [decode_svg(svg) for svg in re.findall(r"<svg.*?</svg>", kiosk, re.DOTALL)]
    assert [page_url] in codes and [PUBLIC + "/"] in codes

    info = get("/api/v1/").json
    assert info["openapi_url"] == PUBLIC + "/api/v1/openapi.json"
    assert get("/api/v1/services").json["contents"][0]["url"] == page_url
    assert get(f"/api/v1/services/{listing.id}").json["url"] == page_url
    assert page_url in get("/api/v1/services.csv").get_data(as_text=True)
    assert get("/api/v1/openapi.json").json["servers"][0]["url"] == PUBLIC + "/api/v1"
    assert get("/api/v1/organizations").json["contents"][0]["website"] == PUBLIC + "/"

    for path in public_paths(listing):
        text = get(path).get_data().decode("utf-8", "replace")  # the card is a PNG
        assert "192.168.1.10" not in text and EVIL not in text, path
        assert not [u for u in links_in(text) if u.startswith(("http://localhost",
                                                                 "http://192"))], path


def test_the_public_address_must_be_an_address(tmp_path, monkeypatch):
    monkeypatch.setenv("RAJA_KEMAS_PUBLIC_URL", "jasa.bapaspolewali.id/jasa")
    with pytest.raises(ValueError, match="RAJA_KEMAS_PUBLIC_URL harus berupa alamat lengkap"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test",
                    "DATABASE_URL": "sqlite:///" + (tmp_path / "t.db").as_posix()})


def test_first_run_works_on_localhost_and_127_0_0_1(bare_app):
    client = bare_app.test_client()
    sitemap = client.get("/sitemap.xml")  # the test client's own Host: localhost
    assert sitemap.status_code == 200 and "<loc>http://localhost/</loc>" in sitemap.text
    here = client.get("/robots.txt", headers={"Host": "127.0.0.1:8080"})
    assert here.status_code == 200 and "Sitemap: http://127.0.0.1:8080/sitemap.xml" in here.text
    assert client.get("/masuk", headers={"Host": "localhost:8080"}).status_code == 200


@pytest.mark.parametrize("bind, host", [("192.168.1.10", LAN), ("0.0.0.0", "127.0.0.1:8080")])
def test_serve_answers_on_the_address_it_listens_on(bare_app, monkeypatch, bind, host):
    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(kw))
    client = bare_app.test_client()
    assert client.get("/robots.txt", headers={"Host": "192.168.1.10:8080"}).status_code == 400
    result = bare_app.test_cli_runner().invoke(args=["serve", "--host", bind])
    assert result.exit_code == 0, result.output
    assert served["host"] == bind and "RAJA_KEMAS_PUBLIC_URL" in result.output
    robots = client.get("/robots.txt", headers={"Host": host})
    assert robots.status_code == 200 and f"Sitemap: http://{host}/sitemap.xml" in robots.text
    assert client.get("/robots.txt", headers={"Host": EVIL}).status_code == 400
