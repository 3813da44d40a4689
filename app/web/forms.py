"""Forms shared by every blueprint. BaseForm, the base of every form: WTForms' own messages ("This field is required.", "Not a
valid date value.") in the request's language.

WTForms ships catalogues for many languages but not Indonesian, and Flask-WTF looks only
there; ours is app/translations/id/LC_MESSAGES/wtforms.po. English uses WTForms' own.
"""
from functools import cache

from babel.support import NullTranslations, Translations
from flask import has_request_context
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from app.web.i18n import TRANSLATIONS, current_language


@cache
def wtforms_catalogue(language: str) -> NullTranslations:
    """The WTForms messages for a language: ours first, else the ones WTForms ships."""
    ours = Translations.load(str(TRANSLATIONS), [language], domain="wtforms")
    if isinstance(ours, Translations):
        return ours
    return Translations.load(messages_path(), [language], domain="wtforms")


class FormMessages:
    """What WTForms calls `meta.get_translations()` for: gettext in the current language."""

    def _catalogue(self) -> NullTranslations:
        return wtforms_catalogue(current_language() if has_request_context() else "id")

    def gettext(self, string):
        return self._catalogue().ugettext(string)

    def ngettext(self, singular, plural, n):
        return self._catalogue().ungettext(singular, plural, n)


MESSAGES = FormMessages()


class BaseForm(FlaskForm):
    """FlaskForm (CSRF and all) whose built-in messages follow the visitor's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return MESSAGES


class EmptyForm(BaseForm):
    """A button-only action (publish, confirm, make a backup): just the CSRF token."""
