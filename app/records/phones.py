"""Phone numbers as Indonesians write them: parse, normalise, link."""
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType

from app.web.i18n import translate

MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class PhoneError(ValueError):
    pass


@dataclass
class Phone:
    e164: str  # +6281234567890
    is_mobile: bool


def parse_phone(text: str) -> Phone:
    """Parse `0812-3456-7890`, `+62 812 …` or `62812…`; raise PhoneError (translated)."""
    raw = (text or "").strip()
    if not raw:
        raise PhoneError(translate("Nomor telepon wajib diisi."))
    if raw.startswith("62") and not raw.startswith("+"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "ID")
    except NumberParseException:
        raise PhoneError(translate(
            "Nomor telepon tidak dikenali. Contoh: 0812-3456-7890.")) from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(translate("Nomor telepon tidak valid. Periksa lagi jumlah angkanya."))
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        is_mobile=phonenumbers.number_type(number) in MOBILE_TYPES,
    )


@lru_cache(maxsize=4096)  # every result card formats one
def display_phone(e164: str) -> str:
    """Format as people read it at home: 0812-3456-7890."""
    if not e164:
        return ""
    if e164.startswith("+62") and e164[3:].isdigit():
        # Stored numbers are E.164 already (parse_phone): building the number directly
        # skips parsing, more than half of the ~35 µs a card's phone used to cost.
        number = PhoneNumber(country_code=62, national_number=int(e164[3:]))
    else:
        number = phonenumbers.parse(e164, "ID")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def whatsapp_url(e164: str, message: str = "") -> str:
    link = "https://wa.me/" + e164.lstrip("+")
    return link + ("?text=" + quote(message) if message else "")


def tel_url(e164: str) -> str:
    return "tel:" + e164
