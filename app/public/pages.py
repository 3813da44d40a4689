"""Plain public pages: the privacy policy."""
from flask import current_app, render_template
from flask_babel import gettext

from app.public import bp
from app.records.consent import CHANNELS, SCOPES
from app.web.i18n import N_

NEVER_PUBLIC = [
    N_("tindak pidana, putusan, lama hukuman dan nomor register"),
    N_("NIK dan nama lengkap sesuai KTP (tidak pernah di alamat halaman, judul atau gambar)"),
    N_("jenis dan tanggal bimbingan, serta catatan Pembimbing Kemasyarakatan"),
    N_("keterangan kesehatan dan keluarga"),
    N_("alamat rumah (paling rinci: kecamatan, dan hanya bila klien setuju)"),
    N_("data di dalam foto (lokasi GPS, merek kamera, waktu pemotretan)"),
    N_("apa pun tentang klien yang berusia di bawah 18 tahun (UU 11/2012)"),
]


def data_protection_officer() -> dict:
    """Return who answers privacy questions: the settings, else the office itself."""
    cfg = current_app.config
    return {"name": cfg["DPO_NAME"] or gettext("Pejabat Pelindungan Data Pribadi %(office)s",
                                                     office=cfg["OFFICE_NAME"]),
            "email": cfg["DPO_EMAIL"] or cfg["OFFICE_EMAIL"],
            "phone": cfg["DPO_PHONE"] or cfg["OFFICE_PHONE"],
            "address": cfg["OFFICE_ADDRESS"]}


@bp.route("/kebijakan-privasi")
def privacy():
    """Explain what is published, why, for how long, and how to withdraw."""
    page = render_template("public/privacy.html", scopes=SCOPES, channels=CHANNELS,
                           never_public=NEVER_PUBLIC, dpo=data_protection_officer(),
                           text_version=current_app.config["CONSENT_TEXT_VERSION"])
    return page, 200, {"Cache-Control": "public, max-age=3600"}
