"""Issue 10.9: the kiosk shows only whole cards, whatever the length of titles and
descriptions, on a landscape (1920×1080) and a portrait (1080×1920) screen."""
import pytest
from browser_support import KIOSK, LiveServer, browser_app, photo_file, require_browser, screenshot

require_browser()
from conftest import PASSWORD, listing_data  # noqa: E402

from app.db import database  # noqa: E402
from app.models import Unit, User  # noqa: E402

PORTRAIT = {"width": 1080, "height": 1920}
LONG_TITLES = [
    "Las Pagar, Teralis, Kanopi, Pintu Besi dan Tralis Jendela Rumah Tinggal Murah",
    "Penjahit Pakaian Pria dan Wanita, Seragam Sekolah, Kebaya dan Permak Celana",
    "Servis Elektronik Televisi, Kulkas, Mesin Cuci, Pompa Air dan Kipas Angin Rusak",
    "Pangkas Rambut Pria, Anak-anak dan Orang Tua, Bisa Dipanggil ke Rumah Pelanggan",
    "Tukang Bangunan, Cor Lantai, Pasang Keramik, Plafon Gipsum dan Pengecatan Dinding",
]
DESCRIPTION = ("Dikerjakan rapi dan cepat oleh tukang berpengalaman lebih dari sepuluh tahun, "
               "bahan bisa dari pelanggan atau kami carikan di toko terdekat. ") * 8


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    from app.records import listings
    from app.security.accounts import create_user
    folder = tmp_path_factory.mktemp("kiosk-cards")
    app = browser_app(folder)
    with app.test_request_context(), database.connection_context():
        user = User.get_or_none(User.username == "admin") or create_user(
            Unit.get(), "admin", PASSWORD, "superadmin")
        photo = photo_file(folder).read_bytes()
        for n, title in enumerate(LONG_TITLES):
            listings.save_listing(None, None, listing_data(
                title=title, description=DESCRIPTION, client_full_name=f"Klien Nomor {n} Saja",
                display_name=f"Pak Nama Panggilan Yang Cukup Panjang {n}",
                service_area="Wonomulyo, Polewali, Matakali, Tapango dan sekitarnya",
                working_hours="Senin sampai Sabtu pukul 08.00–17.00, Minggu dengan janji"),
                user, photo if n == len(LONG_TITLES) - 1 else None)  # the first slide has one
    with LiveServer(app) as server:
        yield server


CARDS = """() => {
  const box = el => { const r = el.getBoundingClientRect();
    return {top: r.top, left: r.left, bottom: r.bottom, right: r.right}; };
  const name = el => el.className || el.tagName;
  return {
    view: {top: 0, left: 0, bottom: innerHeight, right: innerWidth},
    next: box(document.querySelector('.k-next')),
    main: box(document.querySelector('.k-main')),
    cards: [...document.querySelectorAll('.k-main, .k-qr, .k-next li, .k-main .k-phone')]
      .map(el => ({name: name(el), text: el.innerText.slice(0, 40), box: box(el)})),
    upcoming: [...document.querySelectorAll('.k-next li')].map(el => box(el)),
    // a box whose content runs past its edge: text drawn over other text, or clipped
    overflowing: [...document.querySelectorAll('.k-main, .k-main > *, .k-body, .k-body > div, .k-qr')]
      .filter(el => el.scrollHeight > el.clientHeight + 1).map(name),
  };
}"""


def inside(inner, outer):
    return (inner["top"] >= outer["top"] - 0.5 and inner["left"] >= outer["left"] - 0.5
            and inner["bottom"] <= outer["bottom"] + 0.5 and inner["right"] <= outer["right"] + 0.5)


def overlaps(a, b):
    return a["top"] < b["bottom"] and a["bottom"] > b["top"] and \
        a["left"] < b["right"] and a["right"] > b["left"]


@pytest.mark.parametrize("viewport, name", [(KIOSK, "landscape"), (PORTRAIT, "portrait")])
def test_only_whole_cards_are_shown(browser, kiosk, viewport, name):
    page = browser.new_page(viewport=viewport)
    try:
        page.goto(kiosk("/kiosk"))
        page.wait_for_selector(".k-next li")
        layout = page.evaluate(CARDS)
        screenshot(page, f"kiosk-long-{name}.png")
    finally:
        page.close()
    cut = []
    for card in layout["cards"]:
        # an upcoming card that its list hides entirely is not shown, so not cut either
        if "k-" not in card["name"] and not overlaps(card["box"], layout["next"]):
            continue
        clip = layout["main"] if card["name"] == "k-phone" else layout["view"]
        if not inside(card["box"], clip) or not inside(card["box"], layout["view"]):
            cut.append(f"{card['name']} {card['text']!r}: {card['box']}")
        elif "k-" not in card["name"] and not inside(card["box"], layout["next"]):
            cut.append(f"upcoming {card['text']!r} cut by its list: {card['box']}")
    assert not cut, "cards cut off:\n" + "\n".join(cut)
    assert layout["overflowing"] == [], "content runs out of its card"
    shown = [b for b in layout["upcoming"] if overlaps(b, layout["next"])]
    assert len(shown) >= 1, "no upcoming card is shown at all"
