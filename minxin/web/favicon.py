from pathlib import Path

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Our own 32×32 icon (the brand mark's red disc), shipped with the static files.
_ICON = Path(__file__).resolve().parent / "static" / "web" / "favicon.ico"


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico at the root whatever the page links; answer it directly."""
    return HttpResponse(_ICON.read_bytes(), content_type="image/x-icon")
