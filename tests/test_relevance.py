"""Search that finds what people mean (issue 12): relevance order, typos, words that find
nothing, English words, the zero-result page."""
import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup

from app.directory.browse import SearchFilters, find_public
from app.models import Category, Listing, Region
from app.operations.migrate import migrate_database, runner

pytestmark = pytest.mark.usefixtures("db")
OLD = dt.datetime(2024, 1, 1)


def titles(text, **filters):
    return [x.title for x in find_public(SearchFilters(q=text, **filters), 50).items]


def category(slug):
    return Category.get(Category.slug == slug).id


def add(make_listing, n, title, description, slug="menjahit", updated_at=None, **extra):
    """A listing of a client of its own; `updated_at` older first to beat 'newest first'."""
    listing = make_listing(title=title, description=description, category_id=category(slug),
                           client_full_name=f"Klien Uji Nomor {n}",
                           client_register_number=f"PB-{n:03d}/2025", display_name=f"Klien {n}",
                           contact_name=f"Klien {n}", phone=f"0812-3456-{n:04d}", **extra)
    if updated_at:
        Listing.update(updated_at=updated_at).where(Listing.id == listing.id).execute()
    return listing


def test_title_with_the_word_as_typed_ranks_above_stem_and_body(make_listing):
    add(make_listing, 1, "Jahit Kebaya", "Kebaya pesta.", updated_at=OLD)  # oldest
    add(make_listing, 2, "Penjahit Pakaian", "Baju dan celana.")  # a stem in the title
    add(make_listing, 3, "Permak Celana", "Juga menerima jahitan baju.")  # in the body
    assert titles("jahit") == ["Jahit Kebaya", "Penjahit Pakaian", "Permak Celana"]


def test_description_outranks_a_category_keyword(make_listing):
    """`lipa saqbe` is a keyword of every craft; the one that says it comes first."""
    add(make_listing, 1, "Tenun Sarung Sutra Mandar", "Sarung sutra (lipa saqbe) tenun tangan.",
        slug="kerajinan", updated_at=OLD)
    add(make_listing, 2, "Anyaman Bambu dan Rotan", "Bakul dan tikar.", slug="kerajinan")
    add(make_listing, 3, "Souvenir Pernikahan Unik", "Gantungan kunci.", slug="kerajinan")
    assert titles("lipa saqbe")[0] == "Tenun Sarung Sutra Mandar"


def test_shorter_title_first_among_equals_then_newest(make_listing):
    add(make_listing, 1, "Bengkel Las", "Pagar.", slug="las", updated_at=OLD)
    add(make_listing, 2, "Bengkel Las Pak Amir Jaya Abadi", "Pagar.", slug="las")
    older = add(make_listing, 3, "Bengkel Las Dua", "Pagar.", slug="las",
                updated_at=OLD - dt.timedelta(days=1))
    add(make_listing, 4, "Bengkel Las Tiga", "Pagar.", slug="las", updated_at=OLD)
    found = titles("bengkel las")
    assert found[0] == "Bengkel Las" and found[-1] == "Bengkel Las Pak Amir Jaya Abadi"
    assert found[1:3] == ["Bengkel Las Tiga", older.title]  # equal: the newer first


@pytest.mark.parametrize("typed, meant, title", [
    ("jaht", "jahit", "Jahit Kebaya"), ("laundri", "laundry", "Laundry Kiloan Bersih"),
    ("bengkle motor", "bengkel motor", "Bengkel Motor Jaya"),
    ("pengelasaan", "pengelasan", "Jasa Pengelasan Pagar")])  # 11 letters: two edits allowed
def test_a_mistyped_word_is_corrected_and_said(app, make_listing, typed, meant, title):
    add(make_listing, 1, "Jahit Kebaya", "Kebaya pesta.")
    add(make_listing, 2, "Laundry Kiloan Bersih", "Cuci setrika.", slug="laundry")
    add(make_listing, 3, "Bengkel Motor Jaya", "Servis motor.", slug="bengkel-motor")
    add(make_listing, 4, "Jasa Pengelasan Pagar", "Pagar besi.", slug="las")
    assert titles(typed)[0] == title
    page = BeautifulSoup(app.test_client().get("/", query_string={"q": typed}).text,
                         "html.parser")
    said = page.select_one("#results .searched")
    assert "Menampilkan hasil untuk" in said.text and said.strong.text == meant
    exact = app.test_client().get(said.a["href"].replace("?", "/?", 1)).text
    assert title not in exact and "Belum ada jasa yang cocok" in exact  # as typed: nothing


def test_an_abbreviation_is_written_out(make_listing):
    add(make_listing, 1, "Kue Ulang Tahun Dapur Ibu", "Pesanan untuk pesta.", slug="kue")
    add(make_listing, 2, "Kue Kering Lebaran", "Nastar.", slug="kue")
    assert titles("kue ultah")[0] == "Kue Ulang Tahun Dapur Ibu"


def test_a_correction_never_reveals_unpublished_or_hidden_text(app, make_listing):
    add(make_listing, 1, "Penjahit Pakaian", "Baju.")
    add(make_listing, 2, "Laundry Kiloan Bersih", "Cuci setrika.", slug="laundry",
        publish=False)  # a draft
    add(make_listing, 3, "Permak Jeans", "Celana.", service_area="Desa Rahasiamukti",
        region_id=Region.get(Region.kecamatan == "Tinambung").id,
        consent_scope_area=False)  # the consent does not show the area
    from app.directory import vocabulary
    words = vocabulary.current().frequency
    assert "laundry" not in words and "rahasiamukti" not in words and "tinambung" not in words
    assert "penjahit" in words and "jeans" in words
    for typed in ("laundri", "rahasiamukt", "tinambng"):
        assert titles(typed) == []
        assert find_public(SearchFilters(q=typed), 20).searched is None
        text = app.test_client().get("/", query_string={"q": typed}).text
        assert "Menampilkan hasil untuk" not in text
    # Published, the draft's words become public words, and the correction appears.
    Listing.update(is_published=True).where(Listing.title == "Laundry Kiloan Bersih").execute()
    assert titles("laundri") == ["Laundry Kiloan Bersih"]


def test_words_that_find_nothing_are_left_out_and_named(app, make_listing):
    add(make_listing, 1, "Servis TV dan Radio", "Televisi tabung dan LED.",
        slug="servis-elektronik")
    assert titles("tv rusak") == ["Servis TV dan Radio"]
    page = BeautifulSoup(app.test_client().get("/?q=tv+rusak").text, "html.parser")
    said = page.select_one("#results .searched").text
    assert "rusak" in said and "dilewati" in said
    assert page.select_one("#results .searched strong").text == "tv"


def test_when_the_words_together_find_nothing_the_least_telling_are_left_out(app, make_listing):
    add(make_listing, 1, "Bengkel Las Listrik", "Las pagar dan teralis.", slug="las")
    add(make_listing, 2, "Tukang Kayu Panggilan", "Kusen dan lemari.", slug="tukang-kayu")
    add(make_listing, 3, "Pangkas Rambut Pak Udin", "Cukur rambut pria.", slug="pangkas-rambut",
        region_id=Region.get(Region.kecamatan == "Polewali").id,
        service_area="Polewali dan sekitarnya")
    add(make_listing, 4, "Servis TV dan Radio", "Televisi tabung dan LED yang rusak.",
        slug="servis-elektronik")
    # Each word finds something, but no listing holds both: a generic word goes first...
    assert titles("tukang las") == ["Bengkel Las Listrik"]
    # ...then a place name (the region filters are for places)...
    assert titles("cukur rambut wonomulyo") == ["Pangkas Rambut Pak Udin"]
    page = BeautifulSoup(app.test_client().get("/?q=tukang+las").text, "html.parser")
    said = page.select_one("#results .searched").text
    assert "tukang" in said and "dilewati" in said
    assert titles("tukang las", exact=True) == []  # "Cari persis" searches as typed


@pytest.mark.parametrize("lang", ["id", "en"])
def test_english_words_find_indonesian_listings(app, make_listing, lang):
    add(make_listing, 1, "Penjahit Pakaian", "Baju dan celana.")
    add(make_listing, 2, "Pangkas Rambut Pak Udin", "Potong rambut pria.", slug="pangkas-rambut")
    add(make_listing, 3, "Las Pagar dan Teralis", "Pagar besi.", slug="las")
    add(make_listing, 4, "Bengkel Motor Jaya", "Servis motor.", slug="bengkel-motor")
    public = app.test_client()
    public.get(f"/bahasa/{lang}")
    for typed, title in [("tailor", "Penjahit Pakaian"), ("haircut", "Pangkas Rambut Pak Udin"),
                         ("welding", "Las Pagar dan Teralis"),
                         ("motorbike repair", "Bengkel Motor Jaya")]:
        page = BeautifulSoup(public.get("/", query_string={"q": typed}).text, "html.parser")
        assert [a.text.strip() for a in page.select("#results .card h2, #results .card h3")
                ][:1] == [title] or title in page.select_one("#results").text, (lang, typed)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_placeholder_example_finds_something(app, make_listing, lang):
    add(make_listing, 1, "Penjahit Pakaian", "Baju dan celana.")
    add(make_listing, 2, "Pangkas Rambut Pak Udin", "Potong rambut pria.", slug="pangkas-rambut")
    add(make_listing, 3, "Las Pagar dan Teralis", "Pagar besi.", slug="las")
    public = app.test_client()
    public.get(f"/bahasa/{lang}")
    placeholder = BeautifulSoup(public.get("/").text, "html.parser").select_one("#q")["placeholder"]
    examples = [w.strip() for w in re.sub(r"^(mis\.|e\.g\.)\s*", "", placeholder).split(",")]
    assert len(examples) == 3, placeholder
    for example in examples:
        page = BeautifulSoup(public.get("/", query_string={"q": example}).text, "html.parser")
        assert page.select("#results .card"), (lang, example)


def test_migration_0010_gives_existing_categories_english_words(make_listing):
    add(make_listing, 1, "Penjahit Pakaian", "Baju dan celana.")
    # As a database made before 0010: not applied, no English words, none in the index.
    history = runner().History
    history.delete().where(history.name == "0010_category_english_keywords").execute()
    Category.update(keywords_en="").execute()
    from app.directory.search import rebuild_all
    rebuild_all()
    assert titles("tailor") == []
    assert migrate_database() == ["0010_category_english_keywords"]
    assert "tailor" in Category.get(Category.slug == "menjahit").keywords_en
    assert titles("tailor") == ["Penjahit Pakaian"]


def test_zero_result_page_offers_categories_and_searches_that_find(app, make_listing):
    add(make_listing, 1, "Penjahit Pakaian", "Baju dan celana.")
    add(make_listing, 2, "Bengkel Motor Jaya", "Servis motor.", slug="bengkel-motor")
    public = app.test_client()
    page = BeautifulSoup(public.get("/?q=qqxxzz").text, "html.parser")
    help_ = page.select_one("#results .zero-help")
    categories = [a["href"] for a in help_.select("a[href^='/kategori/']")]
    assert categories and set(categories) <= {"/kategori/menjahit", "/kategori/bengkel-motor"}
    searches = [a for a in help_.select("a[href^='?']")]
    assert searches
    for link in searches:
        found = BeautifulSoup(public.get("/" + link["href"]).text, "html.parser")
        assert found.select("#results .card"), link["href"]


def test_a_category_without_words_lists_newest_first(make_listing):
    add(make_listing, 1, "Jahit", "Baju.", updated_at=OLD)
    add(make_listing, 2, "Penjahit Pakaian Pria dan Wanita", "Baju.")
    assert titles("", category="menjahit") == ["Penjahit Pakaian Pria dan Wanita", "Jahit"]
