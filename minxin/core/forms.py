"""Form behaviour shared by every page that takes typed text."""

from django.utils.translation import gettext_lazy as _

OVERLONG = _("最多%(limit_value)d个字，现有%(show_value)d个字，请删减")


class RefuseOverlongText:
    """Text over a field's limit is refused with the limit named, never cut.

    Django puts the limit into the HTML `maxlength` attribute, and a browser then
    drops whatever is typed or pasted beyond it without a word: a petition's last
    sentences would vanish unnoticed. So the attribute goes, and the server's check
    (which runs anyway) says the limit and how much was typed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = OVERLONG


def attach_errors(exc, form) -> None:
    """Service field errors next to their fields; the service's summary at the top of the form."""
    for name, messages in exc.fields.items():
        if name in form.fields and name not in form.errors:
            for m in messages:
                form.add_error(name, m)
    form.add_error(None, exc.message)


def refuse_on_form(exc, form) -> None:
    """A service's refusal on a page: a permission refusal is a 403; anything else goes back onto the form."""
    from django.core.exceptions import PermissionDenied

    from minxin.core import errors

    if isinstance(exc, errors.PermissionDenied):
        raise PermissionDenied(exc.message)
    attach_errors(exc, form)
