"""The public blueprint's forms."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app.records.problem_reports import CONTACT_MAX, NOTE_MAX, REASONS
from app.web.forms import BaseForm


class ProblemReportForm(BaseForm):
    """*Laporkan masalah*: what is wrong with a listing; no account, nothing else kept."""
    reason = RadioField(_l("Apa masalahnya?"),
                        choices=[SelectChoice(k, _l(label)) for k, label in REASONS.items()],
                        validators=[InputRequired(_l("Pilih alasan laporan."))])
    note = TextAreaField(_l("Catatan (boleh kosong)"), validators=[
        Length(max=NOTE_MAX, message=_l("Paling banyak %(max)d karakter.", max=NOTE_MAX))],
        render_kw={"maxlength": NOTE_MAX, "rows": 4})
    contact = StringField(_l("Nomor atau email Anda, bila petugas boleh menghubungi (boleh kosong)"),
                          validators=[Length(max=CONTACT_MAX, message=_l(
                              "Paling banyak %(max)d karakter.", max=CONTACT_MAX))],
                          render_kw={"maxlength": CONTACT_MAX, "autocomplete": "off"})
    # A honeypot: hidden from people (CSS and aria-hidden); a bot that fills it is ignored.
    website = StringField("Website", render_kw={"tabindex": "-1", "autocomplete": "off"})
