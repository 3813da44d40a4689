"""Camera-like JPEG photos for the bench scripts, made with Pillow alone.

A real photo's bytes come from edges (objects) and texture (fabric, leaves, walls) at
every scale; these pictures have both: shapes with soft edges over fractal ("1/f") value
noise, plus a little sensor grain. At 1600x1200 and JPEG quality 85 they weigh about
250-330 KB, like a phone photo, so the thumbnails cut from them weigh what real ones do.
Deterministic for a given `random.Random`.
"""
import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageOps


def _noise(rng: random.Random, w: int, h: int) -> Image.Image:
    return Image.frombytes("L", (w, h), rng.randbytes(w * h))


def _fractal(rng: random.Random, w: int, h: int, persistence: float) -> Image.Image:
    """Value noise summed over octaves, each `persistence` times weaker than the last."""
    size, amp, total = 3, 1.0, 1.0
    img = _noise(rng, size, max(1, size * h // w)).resize((w, h), Image.BICUBIC)
    while size * 2 <= w:
        size *= 2
        amp *= persistence
        layer = _noise(rng, size, max(1, size * h // w)).resize((w, h), Image.BICUBIC)
        img = Image.blend(img, layer, amp / (total + amp))
        total += amp
    return img


def synthetic_photo(rng: random.Random, size=(1600, 1200), quality: int = 85,
                    persistence: float = 0.9, shapes: int = 40) -> bytes:
    """Return the bytes of one camera-like JPEG of `size`."""
    w, h = size
    scene = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(scene)
    for _ in range(shapes):
        x, y = rng.randrange(w), rng.randrange(h)
        dx, dy = rng.randrange(w // 20, w // 3), rng.randrange(h // 20, h // 3)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.rectangle if rng.random() < 0.5 else draw.ellipse
        shape((x, y, x + dx, y + dy), fill=colour)
    scene = scene.filter(ImageFilter.GaussianBlur(1.2))
    texture = _fractal(rng, w, h, persistence)
    image = Image.blend(scene, Image.merge("RGB", [texture] * 3), 0.45)
    image = ImageOps.autocontrast(image, cutoff=1)
    grain = Image.merge("RGB", [_noise(rng, w, h) for _ in range(3)])
    image = Image.blend(image, grain, 0.03)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
