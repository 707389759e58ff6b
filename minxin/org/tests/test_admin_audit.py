"""The admin site writes the organisation through the services (same checks) and every
organisation, staff, role, account and token change lands in the security audit chain."""

import pytest

from minxin.accounts.audit import verify
from minxin.accounts.models import SecurityAction, SecurityEvent
from minxin.api.tokens import issue_token, revoke_token
from minxin.org import services
from minxin.org.models import Area, AreaLevel, Role, Staff, Unit, UnitKind


@pytest.fixture
def root(city):
    return services.create_staff(
        username="root", password="Root-Strong-Pass-2026", unit=city.units["city_bureau"], roles=[Role.ADMIN], is_superuser=True
    )


@pytest.fixture
def admin_client(client, root):
    client.force_login(root.user)
    return client


def last(action):
    return SecurityEvent.objects.filter(action=action).order_by("-seq").first()


def test_admin_cannot_save_a_malformed_area_code(admin_client, city):
    area = city.areas["east1"]
    response = admin_client.post(f"/admin/org/area/{area.pk}/change/", {"code": "3209-bad", "name": "东一街道", "parent": area.parent_id})
    assert response.status_code == 200
    assert "应为12位数字" in response.content.decode()
    area.refresh_from_db()
    assert area.code == "320902001000"
    assert last(SecurityAction.AREA_CHANGED) is None


def test_admin_rename_goes_through_the_service_and_is_audited(admin_client, city, root):
    area = city.areas["east1"]
    response = admin_client.post(f"/admin/org/area/{area.pk}/change/", {"code": area.code, "name": "东一新街道", "parent": area.parent_id})
    assert response.status_code == 302
    event = last(SecurityAction.AREA_CHANGED)
    assert (event.actor, event.target_label, event.payload["changes"]) == ("root", "东一新街道", {"name": ["东一街道", "东一新街道"]})


def test_admin_add_area_with_a_grid_code_of_the_wrong_length_is_refused(admin_client, city):
    response = admin_client.post("/admin/org/area/add/", {"code": "320902001001", "name": "网格X", "level": AreaLevel.GRID, "parent": city.areas["east1v"].pk})
    assert "应为15位数字" in response.content.decode()
    assert not Area.objects.filter(name="网格X").exists()


def test_admin_unit_checks_duplicate_codes_and_parent_loops(admin_client, city):
    bureau, east = city.units["city_bureau"], city.units["east_bureau"]
    form = {"code": "B-EAST", "name": "重复", "kind": UnitKind.GOVERNMENT, "area": city.areas["east"].pk, "is_active": "on"}
    assert "已存在" in admin_client.post("/admin/org/unit/add/", form).content.decode()
    loop = {"code": bureau.code, "name": bureau.name, "kind": bureau.kind, "area": bureau.area_id, "parent": east.pk, "is_active": "on"}
    assert "会形成环" in admin_client.post(f"/admin/org/unit/{bureau.pk}/change/", loop).content.decode()
    bureau.refresh_from_db()
    assert bureau.parent_id is None


def test_admin_adds_staff_through_the_service_with_password_rules(admin_client, city):
    form = {"username": "new_clerk", "full_name": "新人", "password": "123", "unit": city.units["east_bureau"].pk, "title": "", "roles": [Role.REGISTRAR]}
    weak = admin_client.post("/admin/org/staff/add/", form)
    assert "密码" in weak.content.decode() and not Staff.objects.filter(user__username="new_clerk").exists()
    ok = admin_client.post("/admin/org/staff/add/", {**form, "password": "Qiang-Mima-2026-xf"})
    assert ok.status_code == 302
    staff = Staff.objects.get(user__username="new_clerk")
    assert staff.role_codes == {Role.REGISTRAR}
    assert staff.user.password.split("$")[0] in {"md5", "argon2"}
    event = last(SecurityAction.STAFF_CREATED)
    assert (event.actor, event.username, event.payload["roles"]) == ("root", "new_clerk", [Role.REGISTRAR])


def test_admin_role_change_is_audited_and_the_admin_flag_follows(admin_client, city):
    staff = city.staff["east_registrar"]
    form = {"full_name": staff.user.first_name, "unit": staff.unit_id, "title": "", "is_active": "on", "roles": [Role.REGISTRAR, Role.ADMIN]}
    assert admin_client.post(f"/admin/org/staff/{staff.pk}/change/", form).status_code == 302
    staff.user.refresh_from_db()
    assert staff.user.is_staff
    event = last(SecurityAction.ROLES_CHANGED)
    assert (event.payload["from"], event.payload["to"]) == ([Role.REGISTRAR], sorted([Role.REGISTRAR, Role.ADMIN]))


def test_admin_cannot_delete_an_area_in_use(admin_client, city):
    area = city.areas["east"]
    admin_client.post(f"/admin/org/area/{area.pk}/delete/", {"post": "yes"})
    assert Area.objects.filter(pk=area.pk).exists()
    assert last(SecurityAction.AREA_DELETED) is None


def test_password_set_in_the_user_admin_is_audited(admin_client, city):
    user = city.staff["east_registrar"].user
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/password/", {"password1": "Another-Strong-2026", "password2": "Another-Strong-2026", "set_usable_password": "true"}
    )
    assert response.status_code == 302
    assert last(SecurityAction.PASSWORD_CHANGED).username == "east_registrar"


def test_services_audit_units_staff_and_tokens(city):
    actor = city.staff["city_admin"]
    unit = services.create_unit(code="G-NEW", name="新单位", kind=UnitKind.GOVERNMENT, area=city.areas["east"], actor=actor)
    services.update_unit(unit, code="G-NEW", name="新单位（更名）", kind=unit.kind, area=unit.area, parent=None, actor=actor)
    staff = services.update_staff(city.staff["east_registrar"], unit=city.units["east_bureau"], title="科员", actor=actor)
    token, _raw = issue_token(username="east_registrar", name="对接", actor=actor)
    revoke_token(prefix=token.prefix, actor=actor)
    kinds = list(SecurityEvent.objects.filter(actor="city_admin").order_by("seq").values_list("action", flat=True))
    assert kinds == [SecurityAction.UNIT_CREATED, SecurityAction.UNIT_CHANGED, SecurityAction.STAFF_CHANGED, SecurityAction.TOKEN_ISSUED, SecurityAction.TOKEN_REVOKED]
    assert staff.title == "科员" and Unit.objects.get(code="G-NEW").name == "新单位（更名）"
    assert verify() == []


def test_tokens_cannot_be_deleted_in_the_admin_only_revoked_with_an_audit_row(admin_client, city):
    token, _raw = issue_token(username="east_registrar", name="对接")
    url = f"/admin/api/apitoken/{token.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    response = admin_client.post("/admin/api/apitoken/", {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert token.__class__.objects.filter(pk=token.pk).exists()
    admin_client.post("/admin/api/apitoken/", {"action": "revoke_selected", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert last(SecurityAction.TOKEN_REVOKED).target_id == str(token.pk)


def test_group_permission_changes_in_the_admin_are_audited_as_role_changes(admin_client, city):
    from django.contrib.auth.models import Group, Permission

    perm = Permission.objects.get(codename="view_delivery", content_type__app_label="notify")
    response = admin_client.post("/admin/auth/group/add/", {"name": "收发记录查看", "permissions": [perm.pk]})
    assert response.status_code == 302
    group = Group.objects.get(name="收发记录查看")
    admin_client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "收发记录查看员", "permissions": [perm.pk]})
    admin_client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    rows = SecurityEvent.objects.filter(action=SecurityAction.ROLES_CHANGED, target_type__icontains="group").order_by("seq")
    assert [r.payload["admin"] == "deleted" for r in rows] == [False, False, True]
    assert verify() == []


def test_lifting_a_lockout_in_the_admin_is_audited(admin_client, city):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(username="east_registrar", ip_address="127.0.0.9", failures_since_start=9,
                                           user_agent="x", path_info="/login/", get_data="", post_data="")
    admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    row = last(SecurityAction.ACCOUNT_CHANGED)
    assert row.username == "east_registrar" and row.payload["unlocked"] is True
