"""Issue 10, point 8: photos sized for their slot, and never kept in caches once hidden."""
import io
from pathlib import Path

from bs4 import BeautifulSoup
from PIL import Image

from app.db import database
from app.models import Listing

CARD_MAX_BYTES = 15 * 1024


def camera_photo(size=(1600, 1200)) -> bytes:
    """A photo that compresses like a real one does (grain everywhere), with GPS in EXIF."""
    image = Image.merge("RGB", [Image.effect_noise(size, 60) for _ in range(3)])
    exif = Image.Exif()
    exif[0x010F] = "KameraMerek"
    exif[0x8825] = {1: "S", 2: (3.0, 25.0, 10.0), 3: "E", 4: (119.0, 20.0, 5.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def busy_photo() -> bytes:
    """Grain coarse enough to survive shrinking to a thumbnail: the hardest card to fit."""
    grain = Image.merge("RGB", [Image.effect_noise((400, 300), 60) for _ in range(3)])
    buffer = io.BytesIO()
    grain.resize((1600, 1200), Image.NEAREST).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def _srcset(attr: str) -> dict[int, str]:
    """{width: url} of a srcset attribute."""
    out = {}
    for part in attr.split(","):
        url, width = part.split()
        out[int(width.rstrip("w"))] = url
    return out


def _detail(client, listing):
    page = client.get(f"/jasa/{listing.id}-penjahit-pakaian")
    assert page.status_code == 200
    return BeautifulSoup(page.text, "html.parser")


def test_detail_photo_offers_320_640_1200_in_webp_and_jpeg(client, make_listing):
    listing = make_listing(photo=camera_photo())
    soup = _detail(client, listing)
    img = soup.select_one("picture img.photo")
    webp = soup.select_one('picture source[type="image/webp"]')
    assert img["sizes"] and webp["sizes"] == img["sizes"]
    for srcset, fmt in ((img["srcset"], "JPEG"), (webp["srcset"], "WEBP")):
        sizes = _srcset(srcset)
        assert sorted(sizes) == [320, 640, 1200]
        for width, url in sizes.items():
            served = client.get(url)
            assert served.status_code == 200, url
            image = Image.open(io.BytesIO(served.data))
            assert (image.format, image.width) == (fmt, width)
            assert len(image.getexif()) == 0 and b"KameraMerek" not in served.data
    # A phone 360 px wide at 2x needs the 640 file, a fifth of the 1200 JPEG or less.
    small = client.get(_srcset(webp["srcset"])[640]).data
    full = client.get(_srcset(img["srcset"])[1200]).data
    assert len(small) * 3 < len(full)
    assert client.get(img["src"]).status_code == 200  # browsers without srcset


def test_portrait_photo_is_never_upscaled(client, make_listing):
    listing = make_listing(photo=camera_photo((900, 1600)))
    img = _detail(client, listing).select_one("img.photo")
    sizes = _srcset(img["srcset"])
    assert sorted(sizes) == [320, 640, int(img["width"])]
    widest = Image.open(io.BytesIO(client.get(sizes[int(img["width"])]).data))
    assert widest.size == (int(img["width"]), int(img["height"]))


def test_card_thumbnails_weigh_at_most_15_kb(client, make_listing):
    make_listing(photo=busy_photo())
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    img = soup.select_one("li.card img")
    assert img["loading"] == "lazy" and img["width"] and img["height"]
    jpeg = client.get(img["src"])
    assert Image.open(io.BytesIO(jpeg.data)).format == "JPEG"
    assert len(jpeg.data) <= CARD_MAX_BYTES, len(jpeg.data)
    webp = client.get(soup.select_one('li.card picture source[type="image/webp"]')["srcset"])
    assert Image.open(io.BytesIO(webp.data)).format == "WEBP"
    assert len(webp.data) <= CARD_MAX_BYTES, len(webp.data)


def test_photos_revalidate_so_an_unpublished_one_is_gone_on_the_next_view(
        client, make_listing):
    listing = make_listing(photo=camera_photo())
    soup = _detail(client, listing)
    source = soup.select_one("picture source")
    urls = [soup.select_one("img.photo")["src"],
            *(_srcset(source["srcset"]).values() if source else [])]
    etags = {}
    for url in urls:
        served = client.get(url)
        assert "no-cache" in served.headers["Cache-Control"], url
        assert "max-age" not in served.headers["Cache-Control"]
        etags[url] = served.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etags[url]})
        assert again.status_code == 304 and again.data == b""  # unchanged: no bytes again
    with database.connection_context():
        Listing.update(is_published=False).where(Listing.id == listing.id).execute()
    for url in urls:
        assert client.get(url, headers={"If-None-Match": etags[url]}).status_code == 404


def test_sizes_follow_consent_and_publication(client, make_listing):
    listing = make_listing(photo=camera_photo(), consent_scope_photo=False)
    with database.connection_context():
        name = Listing.get_by_id(listing.id).photo
    stem = name.rsplit(".", 1)[0]
    for url in (f"/foto/{stem}-640.webp", f"/foto/{stem}-320.jpg", f"/foto/{name}"):
        assert client.get(url).status_code == 404
    assert client.get("/foto/x-640.webp").status_code == 404
    assert client.get(f"/foto/{stem}-999.webp").status_code == 404


def test_sizes_of_older_photos_are_made_on_first_request(app, client, make_listing):
    listing = make_listing(photo=camera_photo())
    sizes = Path(app.config["UPLOAD_DIR"] + "-sizes")
    with database.connection_context():
        name = Listing.get_by_id(listing.id).photo
    stem = name.rsplit(".", 1)[0]
    for made in sizes.glob(f"{stem}-*"):
        made.unlink()  # as a photo saved before sizes existed
    served = client.get(f"/foto/{stem}-640.webp")
    assert served.status_code == 200
    assert Image.open(io.BytesIO(served.data)).size[0] == 640
    assert (sizes / f"{stem}-640.webp").exists()  # stored, not made again


def test_removing_a_photo_removes_its_sizes(app, client, auth, make_listing):
    from conftest import form_payload
    listing = make_listing(photo=camera_photo())
    folder = Path(app.config["UPLOAD_DIR"])
    with database.connection_context():
        stem = Listing.get_by_id(listing.id).photo.rsplit(".", 1)[0]
        payload = form_payload(remove_photo=True, version=str(listing.version))
    sizes = Path(app.config["UPLOAD_DIR"] + "-sizes")
    files = list(folder.glob(f"{stem}*")) + list(sizes.glob(f"{stem}*"))
    assert len(files) == 7  # photo, thumbnail, 5 sizes
    auth.login()
    saved = client.post(f"/admin/jasa/{listing.id}/ubah", data=payload)
    assert saved.status_code == 303
    assert not any(f.exists() for f in files)
