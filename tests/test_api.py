"""The open-data API (/api/v1): valid against its own OpenAPI description, nothing
internal in it, only listings whose consent opens them to other sites, filters, paging,
CORS, bad input answered in Indonesian, and a CSV of the same rows."""
import csv
import datetime as dt
import io
import json

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from app.db import database
from app.models import Category, Listing, Region, Unit

INTERNAL = ("PB-123/2025", "Rudi Hartono Saputra", "RAHASIA-CATATAN-INTERNAL", "1990-05-17",
            "17-05-1990", "Andi Petugas", "F-01/2026")
GOOD_URLS = ("/api/v1/", "/api/v1/services", "/api/v1/services?q=jahit&per_page=1&page=1",
             "/api/v1/services?category=menjahit&kabupaten=Polewali%20Mandar",
             "/api/v1/taxonomy_terms", "/api/v1/taxonomy_terms?page=2&per_page=10",
             "/api/v1/regions", "/api/v1/organizations", "/api/v1/openapi.json",
             "/api/v1/services.csv")


@pytest.fixture
def spec(client):
    # openapi-core reads JSON itself; the CSV is checked as the text it is.
    config = Config(extra_media_type_deserializers={"text/csv": lambda b: b.decode("utf-8-sig")})
    return OpenAPI.from_dict(client.get("/api/v1/openapi.json").get_json(), config=config)


def checked(client, spec, url, **kwargs):
    """GET `url` and validate the request and the answer against the OpenAPI document."""
    response = client.get(url, **kwargs)
    request = WerkzeugOpenAPIRequest(response.request)
    spec.validate_response(request, WerkzeugOpenAPIResponse(response))
    return response


def ids(response) -> list[str]:
    return [s["id"] for s in response.get_json()["contents"]]


def csv_rows(response) -> list[dict]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def edit(app, listing_id, **changes):
    with app.app_context(), database.connection_context():
        Listing.update(**changes).where(Listing.id == listing_id).execute()


def test_the_description_is_valid_openapi(spec, client):
    spec.check_spec()
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    for path in ("/services", "/services/{id}", "/services.csv", "/taxonomy_terms",
                 "/regions", "/organizations"):
        assert path in document["paths"]


def test_every_answer_validates_against_the_description(client, spec, make_listing):
    make_listing()
    make_listing(title="Servis HP", consent_scope_area=False, contact_relation="petugas",
                 contact_name="Petugas Jaga", phone="0428-21234", price_hint="",
                 working_hours="")
    for url in GOOD_URLS:
        response = checked(client, spec, url)
        assert response.status_code == 200, url
        spec.validate_request(WerkzeugOpenAPIRequest(response.request))
    service = client.get("/api/v1/services").get_json()["contents"][0]
    checked(client, spec, f"/api/v1/services/{service['id']}")
    for url in ("/api/v1/services/99999", "/api/v1/services?page=abc",
                "/api/v1/services?category=tidak-ada"):
        assert checked(client, spec, url).status_code in (400, 404)


def test_a_service_is_shaped_after_hsds(client, make_listing):
    listing = make_listing()
    service = client.get(f"/api/v1/services/{listing.id}").get_json()
    assert service["id"] == str(listing.id) and service["name"] == "Penjahit Pakaian"
    assert service["url"] == f"http://localhost/jasa/{listing.id}-penjahit-pakaian"
    assert service["status"] == "active"
    assert service["phones"] == [{"id": f"{listing.id}-telepon", "service_id": str(listing.id),
                                  "number": "+6281234567890", "type": "cell",
                                  "description": "Telepon dan WhatsApp"}]
    area = service["service_areas"][0]
    assert area["name"] == "Wonomulyo, Polewali Mandar" and area["x_kecamatan_code"]
    term = service["attributes"][0]["taxonomy_term"]
    assert term["code"] == "menjahit" and term["taxonomy"] == "raja-kemas-kategori"
    assert service["schedules"][0]["description"] == "Senin–Sabtu 08.00–17.00"
    assert service["cost_options"][0]["amount_description"] == "mulai Rp25.000"
    assert service["contacts"][0]["name"] == "Pak Rudi"
    assert service["x_last_confirmed"] == dt.date.today().isoformat()
    assert dt.datetime.fromisoformat(service["last_modified"]).tzinfo is not None
    assert service["organization"]["name"] == "Bapas Kelas II Polewali"


def test_nothing_internal_in_any_answer(app, client, make_listing):
    listing = make_listing()
    make_listing(title="Servis HP", contact_relation="petugas", contact_name="Petugas Jaga")
    urls = list(GOOD_URLS) + [f"/api/v1/services/{listing.id}",
                              "/api/v1/services.csv?q=jahit", "/api/v1/services?q=Rudi"]
    for url in urls:
        text = client.get(url).get_data(as_text=True)
        for secret in INTERNAL:
            assert secret not in text, f"{secret} in {url}"
    service = client.get(f"/api/v1/services/{listing.id}").get_json()
    for key in ("client", "client_id", "register_number", "birth_date", "internal_notes",
                "full_name", "consent", "version", "is_published", "channels"):
        assert key not in json.dumps(list(service)), key


def test_consent_scope_decides_contact_and_area(app, client, make_listing):
    listing = make_listing(consent_scope_name=False, consent_scope_area=False)
    with app.app_context(), database.connection_context():
        wonomulyo = Region.get(Region.kecamatan == "Wonomulyo").code
    service = client.get(f"/api/v1/services/{listing.id}").get_json()
    assert service["contacts"] == [] and service["service_areas"] == []
    assert "Pak Rudi" not in json.dumps(service) and "Wonomulyo" not in json.dumps(service)
    assert service["phones"][0]["number"] == "+6281234567890"  # the phone is in scope
    narrowed = client.get(f"/api/v1/services?kecamatan={wonomulyo}").get_json()
    assert narrowed["total_items"] == 0  # a hidden area cannot be found by filtering either


def test_only_listings_open_to_other_sites(app, client, make_listing):
    shown = make_listing(title="Penjahit Terbuka")
    draft = make_listing(title="Penjahit Draf", publish=False)
    no_search = make_listing(title="Penjahit Tanpa Mesin Pencari",
                             consent_channel_search=False)
    no_website = make_listing(title="Penjahit Tanpa Situs", consent_channel_website=False,
                              publish=False)
    withdrawn = make_listing(title="Penjahit Ditarik")
    from app.models import User
    from app.records.consent import withdraw
    with app.test_request_context(), database.connection_context():
        withdraw(withdrawn.client, User.get(User.username == "admin"))
    gone = make_listing(title="Penjahit Terhapus")
    edit(app, gone.id, deleted_at=dt.datetime.now())
    listed = ids(client.get("/api/v1/services?per_page=100"))
    assert listed == [str(shown.id)]
    for hidden in (draft, no_search, no_website, withdrawn, gone):
        response = client.get(f"/api/v1/services/{hidden.id}")
        assert response.status_code == 404
        assert response.get_json()["error"].startswith("Jasa tidak ditemukan")
    assert [r["id"] for r in csv_rows(client.get("/api/v1/services.csv"))] == [str(shown.id)]


def test_filters(app, client, make_listing):
    sewing = make_listing()
    with app.app_context(), database.connection_context():
        other_category = Category.get(Category.slug != "menjahit")
        other_region = Region.get((Region.kabupaten != "Polewali Mandar"))
        wonomulyo = Region.get(Region.kecamatan == "Wonomulyo")
    barber = make_listing(title="Pangkas Rambut Pak Budi", category_id=other_category.id,
                          description="Potong rambut pria", region_id=other_region.id)
    everything = ids(client.get("/api/v1/services"))
    assert set(everything) == {str(sewing.id), str(barber.id)}
    assert ids(client.get("/api/v1/services?q=menjahit")) == [str(sewing.id)]
    assert ids(client.get("/api/v1/services?search=jahit")) == [str(sewing.id)]
    assert ids(client.get(f"/api/v1/services?category={other_category.slug}")) == [str(barber.id)]
    assert ids(client.get("/api/v1/services",
                          query_string={"kabupaten": other_region.kabupaten})) == [str(barber.id)]
    assert ids(client.get(f"/api/v1/services?kecamatan={wonomulyo.code}")) == [str(sewing.id)]
    assert ids(client.get("/api/v1/services?unit=bapas-polewali")) == everything
    csv_ids = [r["id"] for r in csv_rows(client.get(
        f"/api/v1/services.csv?category={other_category.slug}"))]
    assert csv_ids == [str(barber.id)]


def test_paging(client, make_listing):
    made = [make_listing(title=f"Penjahit {n}") for n in range(5)]
    first = client.get("/api/v1/services?per_page=2").get_json()
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"],
            first["first_page"], first["last_page"], first["empty"]) == (5, 3, 1, 2, True,
                                                                         False, False)
    last = client.get("/api/v1/services?per_page=2&page=3").get_json()
    assert last["size"] == 1 and last["last_page"] and not last["first_page"]
    beyond = client.get("/api/v1/services?per_page=2&page=4").get_json()
    assert beyond["empty"] and beyond["contents"] == [] and beyond["total_items"] == 5
    pages = [ids(client.get(f"/api/v1/services?per_page=2&page={n}")) for n in (1, 2, 3)]
    assert sorted(sum(pages, [])) == sorted(str(x.id) for x in made)


def test_csv_has_the_same_rows_as_the_json_list(client, make_listing):
    make_listing()
    make_listing(title="=HYPERLINK(\"http://jahat.example\")", description="@SUM(A1)",
                 price_hint="-5 ribu", working_hours="+ setiap hari")
    listed = client.get("/api/v1/services?per_page=100").get_json()["contents"]
    response = client.get("/api/v1/services.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert b"\r\n" in response.get_data()
    rows = csv_rows(response)
    assert [r["id"] for r in rows] == [s["id"] for s in listed]
    by_id = {r["id"]: r for r in rows}
    for service in listed:
        row = by_id[service["id"]]
        assert row["url"] == service["url"]
        if not service["name"].startswith("="):
            assert row["name"] == service["name"]
    hostile = next(r for r in rows if "HYPERLINK" in r["name"])
    assert hostile["name"].startswith("'=") and hostile["description"] == "'@SUM(A1)"
    assert hostile["cost"] == "'-5 ribu" and hostile["schedule"] == "'+ setiap hari"
    assert hostile["phone_e164"] == "'+6281234567890"


@pytest.mark.parametrize("query", [
    "page=abc", "page=0", "page=-1", "page=1e3", "per_page=0", "per_page=1000",
    "per_page=x", "category=tidak-ada", "kecamatan=99.99.99", "kabupaten=Atlantis",
    "unit=tidak-ada", "q=" + "a" * 100_000, "page=" + "9" * 40, "page=²",
])
def test_bad_input_gets_a_400_in_indonesian(client, make_listing, query):
    make_listing()
    for path in ("/api/v1/services", "/api/v1/services.csv"):
        if path.endswith(".csv") and query.startswith(("page", "per_page")):
            continue  # the CSV has no pages
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert response.mimetype == "application/json"
        message = response.get_json()["error"]
        assert message and "Traceback" not in message and len(message) < 300
        assert any(word in message for word in ("harus", "tidak dikenal", "terlalu panjang"))
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_null_bytes_and_odd_paths_answer_json(client):
    for url, status in (("/api/v1/services?q=jahit%00las", 400),
                        ("/api/v1/services/abc", 404), ("/api/v1/tidak-ada", 404),
                        ("/api/v1/services/" + "9" * 40, 404)):
        response = client.get(url)
        assert response.status_code == status, url
        assert response.mimetype == "application/json" and response.get_json()["error"]
    assert "karakter nol" in client.get("/api/v1/services?q=a%00").get_json()["error"]


def test_writes_are_refused_with_405(client):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/services")
        assert response.status_code == 405 and response.get_json()["error"]
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_cors_cache_and_no_cookies(client, make_listing):
    make_listing()
    for url in GOOD_URLS:
        response = client.get(url, headers={"Origin": "https://direktori-lain.example"})
        assert response.headers["Access-Control-Allow-Origin"] == "*", url
        assert response.headers["Cache-Control"] == "public, max-age=60", url
        assert "Set-Cookie" not in response.headers, url
        assert not client.get_cookie("session"), url
        if not url.endswith(".csv"):
            assert response.mimetype == "application/json", url
    again = client.get("/api/v1/services",
                       headers={"If-None-Match": client.get("/api/v1/services").headers["ETag"]})
    assert again.status_code == 304 and again.headers["Access-Control-Allow-Origin"] == "*"


def test_options_preflight_for_get(client):
    response = client.options("/api/v1/services", headers={
        "Origin": "https://direktori-lain.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Accept, If-None-Match"})
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "POST" not in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "Accept, If-None-Match"
    assert "Set-Cookie" not in response.headers


def test_taxonomy_regions_and_organizations(app, client):
    terms = client.get("/api/v1/taxonomy_terms?per_page=100").get_json()
    with app.app_context(), database.connection_context():
        assert terms["total_items"] == Category.select().count()
        assert client.get("/api/v1/regions").get_json()["total_items"] == Region.select().count()
        unit = Unit.select().first()
    term = next(t for t in terms["contents"] if t["code"] == "menjahit")
    assert term["name"] and term["description"] and term["taxonomy"] == "raja-kemas-kategori"
    region = client.get("/api/v1/regions?per_page=100").get_json()["contents"][0]
    assert set(region) == {"code", "name", "kabupaten", "province", "label"}
    office = client.get("/api/v1/organizations").get_json()["contents"][0]
    assert office["id"] == str(unit.id) and office["name"] == unit.name
    assert office["website"] == "http://localhost/"
    assert office["addresses"][0]["address_1"] == unit.address


def test_many_units_filter_and_organizations(app, client, make_listing):
    home = make_listing()
    away = make_listing(title="Penjahit Mamuju")
    with app.app_context(), database.connection_context():
        mamuju = Unit.create(name="Bapas Kelas II Mamuju", slug="bapas-mamuju",
                             address="Jl. Ahmad Kirang, Mamuju", phone="0426-21234",
                             email="bapas.mamuju@example.go.id")
    edit(app, away.id, unit=mamuju.id)
    assert ids(client.get("/api/v1/services?unit=bapas-mamuju")) == [str(away.id)]
    assert ids(client.get("/api/v1/services?unit=bapas-polewali")) == [str(home.id)]
    service = client.get(f"/api/v1/services/{away.id}").get_json()
    assert service["organization"] == {"id": str(mamuju.id), "name": "Bapas Kelas II Mamuju"}
    offices = {o["id"]: o for o in client.get("/api/v1/organizations").get_json()["contents"]}
    office = offices[str(mamuju.id)]
    assert office["website"] == "http://localhost/u/bapas-mamuju/"
    assert office["email"] == "bapas.mamuju@example.go.id"
    assert office["phones"][0]["number"] == "+6242621234"
