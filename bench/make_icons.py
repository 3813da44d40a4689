"""Draw the app icons (static/img/icon-192.png, icon-512.png, icon.svg).

    python bench/make_icons.py

The icons are full-bleed squares in the brand colour with the "RK" mark inside the
central 60 %, so Android may crop them to any mask shape (they double as maskable icons).
Run once after changing the design and commit the results; the app never runs this.
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND, ACCENT = "#0b5a7a", "#8fd0e8"
STATIC_IMG = Path(__file__).resolve().parent.parent / "static" / "img"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
<rect width="512" height="512" fill="{BRAND}"/>
<text x="256" y="300" text-anchor="middle" font-family="DejaVu Sans, Verdana, Arial, sans-serif"
 font-weight="700" font-size="190" fill="#fff">RK</text>
<rect x="166" y="336" width="180" height="22" rx="11" fill="{ACCENT}"/>
</svg>
"""


def draw_icon(size: int) -> Image.Image:
    """Draw the mark at 512 px and scale down, so small sizes match the large one."""
    big = Image.new("RGB", (512, 512), BRAND)
    draw = ImageDraw.Draw(big)
    font = ImageFont.truetype(BOLD, 190)
    draw.text((256, 300), "RK", font=font, fill="#ffffff", anchor="ms")
    draw.rounded_rectangle((166, 336, 346, 358), radius=11, fill=ACCENT)
    return big if size == 512 else big.resize((size, size), Image.LANCZOS)


def main():
    STATIC_IMG.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw_icon(size).save(STATIC_IMG / f"icon-{size}.png", optimize=True)
    (STATIC_IMG / "icon.svg").write_text(SVG, encoding="utf-8")
    print("wrote", *sorted(p.name for p in STATIC_IMG.glob("icon*")))


if __name__ == "__main__":
    main()
