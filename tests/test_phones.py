"""Phone numbers as people write them."""
import pytest

from app.records.phones import PhoneError, display_phone, parse_phone, tel_url, whatsapp_url


@pytest.mark.parametrize("written", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890",
                                     "(0812) 3456 7890", "081234567890"])
def test_same_mobile_number(written):
    phone = parse_phone(written)
    assert phone.e164 == "+6281234567890"
    assert phone.is_mobile


def test_landline_is_not_mobile():
    phone = parse_phone("(0428) 21234")
    assert phone.e164 == "+6242821234"
    assert not phone.is_mobile


@pytest.mark.parametrize("bad", ["", "abc", "0812", "12", "+1 202 555 01999999"])
def test_bad_numbers_get_indonesian_message(bad):
    with pytest.raises(PhoneError) as exc:
        parse_phone(bad)
    assert "Nomor telepon" in str(exc.value)


def test_links_and_display():
    assert display_phone("+6281234567890") == "0812-3456-7890"
    assert tel_url("+6281234567890") == "tel:+6281234567890"
    url = whatsapp_url("+6281234567890", "Halo, jasa jahit?")
    assert url == "https://wa.me/6281234567890?text=Halo%2C%20jasa%20jahit%3F"
