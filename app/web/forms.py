"""Forms shared by every blueprint."""
from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A button-only action (publish, confirm, make a backup): just the CSRF token."""
