"""Search as the office needs it: affixes, prefixes, synonyms, ranking, hostile text."""
import datetime as dt

import pytest

from app.directory.browse import SearchFilters, find_public
from app.directory.search import match_expression
from app.models import Category, Listing

pytestmark = pytest.mark.usefixtures("db")


def titles(text, **filters):
    page = find_public(SearchFilters(q=text, **filters), 50)
    return [item.title for item in page.items]


@pytest.mark.parametrize("typed", ["jahit", "menjahit", "penjahit", "jahitan", "JAHIT", "Jähit"])
def test_affixes_case_and_accents(make_listing, typed):
    make_listing(title="Penjahit Pakaian")
    assert titles(typed) == ["Penjahit Pakaian"]


def test_prefix_while_typing(make_listing):
    make_listing(title="Bengkel Motor Pak Amir", category_id=Category.get(slug="bengkel-motor").id,
                 display_name="Pak Amir", description="Servis motor harian")
    assert titles("bengk") == ["Bengkel Motor Pak Amir"]
    assert titles("be") == ["Bengkel Motor Pak Amir"]


def test_synonyms_from_category_keywords(make_listing):
    make_listing(title="Potong Rambut Rapi", description="Model rambut pria",
                 category_id=Category.get(slug="pangkas-rambut").id)
    make_listing(title="Perbaikan Telepon Genggam", description="Ganti layar",
                 category_id=Category.get(slug="servis-elektronik").id)
    assert titles("cukur") == ["Potong Rambut Rapi"]
    assert titles("servis hp") == ["Perbaikan Telepon Genggam"]
    assert titles("barbershop") == ["Potong Rambut Rapi"]


def test_stemming_only_adds_matches(make_listing):
    """`pengelasan` stems to `kelas`; the word as written still matches."""
    make_listing(title="Jasa Pengelasan Pagar", category_id=Category.get(slug="las").id)
    assert titles("pengelasan") == ["Jasa Pengelasan Pagar"]
    assert titles("las") == ["Jasa Pengelasan Pagar"]  # via the category keyword


def test_region_names_match(make_listing):
    make_listing(title="Penjahit Pakaian")
    assert titles("penjahit wonomulyo") == ["Penjahit Pakaian"]
    assert titles("penjahit di wonomulyo") == ["Penjahit Pakaian"]


def test_title_matches_first_then_newest(make_listing):
    in_title = make_listing(title="Penjahit Seragam", description="Seragam sekolah")
    newer = make_listing(title="Permak Celana", description="Juga menerima jahitan baju",
                         display_name="Bu Sari", client_full_name="Sari Wulandari Putri")
    Listing.update(updated_at=dt.datetime(2020, 1, 1)).where(Listing.id == in_title.id).execute()
    assert titles("jahit") == ["Penjahit Seragam", "Permak Celana"]
    # with no words, the newest comes first
    assert titles("")[0] == newer.title


def test_filters(make_listing):
    from app.models import Region
    make_listing(title="Penjahit Pakaian")
    make_listing(title="Penjahit Majene", region_id=Region.get(kecamatan="Banggae").id,
                 client_full_name="Nur Aisyah Rahman", display_name="Bu Nur")
    assert titles("jahit", kabupaten="Majene") == ["Penjahit Majene"]
    assert titles("", kecamatan="76.04.03") == ["Penjahit Pakaian"]
    assert titles("", category="las") == []


@pytest.mark.parametrize("hostile", ['"', '*', 'AND (', 'jahit"', 'NEAR(jahit', "title:jahit",
                                     "jahit OR", "-jahit", "^jahit", "'; DROP TABLE listing;--",
                                     "x" * 5000, "jahit " * 1000, "\x00\x01", "{title}: jahit"],
                         ids=lambda text: repr(text[:20]))
def test_hostile_text_is_data_not_syntax(make_listing, hostile):
    make_listing(title="Penjahit Pakaian")
    found = titles(hostile)
    assert isinstance(found, list)
    assert Listing.select().count() == 1


def test_expression_quotes_every_word():
    expr = match_expression('jahit" OR *')
    assert expr == '("jahit") AND ("or" OR "or" *)'  # OR typed by a person is a word
    assert match_expression("!!! ***") is None
