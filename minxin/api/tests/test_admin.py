import pytest
from django.contrib.auth import get_user_model

from minxin.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_administrator_can_list_and_revoke_tokens_but_not_see_or_add_them(client, city, token_for):
    raw = token_for("east_registrar")
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert ApiToken.objects.get().prefix in html and raw not in html
    assert client.get("/admin/api/apitoken/add/").status_code == 403

    token = ApiToken.objects.get()
    response = client.post(
        "/admin/api/apitoken/", {"action": "revoke_selected", "_selected_action": [token.pk]}, follow=True
    )
    assert "已吊销1个令牌" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
