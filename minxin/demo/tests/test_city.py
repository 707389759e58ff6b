import random

from django.contrib.auth import get_user_model

from minxin.cases.models import Domain
from minxin.demo.city import CITY_CODE, DEMO_PASSWORD, FULL_CITY, SMALL_CITY, build_city
from minxin.org import services as org
from minxin.org.models import Area, AreaLevel, Role, Staff, StaffRole, Unit, UnitKind


def _expected_path(area: Area) -> str:
    parent = Area.objects.get(pk=area.parent_id) if area.parent_id else None
    return f"{parent.path if parent else '/'}{area.pk}/"


def test_bulk_built_area_paths_match_what_create_area_produces(db):
    build_city(random.Random(1), SMALL_CITY)
    for area in Area.objects.all():
        assert area.path == _expected_path(area)
        assert area.depth == (Area.objects.get(pk=area.parent_id).depth + 1 if area.parent_id else 0)
    # An area added afterwards through the service fits the same tree: the service and the bulk builder agree.
    village = Area.objects.filter(level=AreaLevel.VILLAGE).order_by("code").first()
    grid = org.create_area(code=village.code + "901", name="新增网格", level=AreaLevel.GRID, parent=village)
    assert grid.path == f"{village.path}{grid.pk}/"
    assert Area.objects.within(Area.objects.get(code=CITY_CODE)).count() == Area.objects.count()


def test_full_city_has_about_six_counties_sixty_townships_six_hundred_villages(db):
    build_city(random.Random(1), FULL_CITY)
    counts = {level: Area.objects.filter(level=level).count() for level in AreaLevel.values}
    assert counts[AreaLevel.CITY] == 1
    assert counts[AreaLevel.COUNTY] == 6
    assert counts[AreaLevel.TOWNSHIP] == 60
    assert counts[AreaLevel.VILLAGE] == 600
    assert 100 <= counts[AreaLevel.GRID] <= 1500
    assert all(len(code) == 15 for code in Area.objects.filter(level=AreaLevel.GRID).values_list("code", flat=True))
    assert all(len(code) == 12 for code in Area.objects.exclude(level=AreaLevel.GRID).values_list("code", flat=True))

    city_and_county = Unit.objects.exclude(kind=UnitKind.TOWNSHIP).exclude(area__level=AreaLevel.TOWNSHIP).exclude(code__startswith="QH-P-").exclude(code__startswith="QH-N-")
    assert 70 <= city_and_county.count() <= 90
    assert Unit.objects.filter(code__startswith="QH-P-").count() == Unit.objects.filter(code__startswith="QH-N-").count() == 14
    assert Unit.objects.filter(kind=UnitKind.TOWNSHIP).count() == 60
    assert Unit.objects.filter(kind=UnitKind.PETITION_BUREAU, area__level=AreaLevel.TOWNSHIP).count() == 60
    assert 300 <= Staff.objects.count() <= 450


def test_units_have_their_superior_and_known_domains(db):
    build_city(random.Random(1), SMALL_CITY)
    domain_names = set(Domain.objects.values_list("name", flat=True))
    for unit in Unit.objects.select_related("parent__area", "area"):
        for domain in filter(None, unit.domains.split("、")):
            assert domain in domain_names, (unit.name, domain)
        if unit.code.startswith("QH-N-"):
            assert unit.parent is None and unit.domains == ""
        elif unit.code.startswith("QH-P-"):
            assert unit.parent.code.startswith("QH-N-") and unit.parent.kind == unit.kind and unit.domains == ""
        elif unit.area.level == AreaLevel.CITY:
            # Every city body, the 信访局 included, has its provincial 上一级 (复查/复核, Art. 35-36).
            assert unit.parent.code.startswith("QH-P-") and unit.parent.kind == unit.kind
        elif unit.kind == UnitKind.TOWNSHIP or unit.area.level == AreaLevel.TOWNSHIP:
            assert unit.parent.kind == UnitKind.PETITION_BUREAU and unit.parent.area_id == unit.area.parent_id
        else:
            assert unit.parent.area.level == AreaLevel.CITY and unit.parent.kind == unit.kind
    local = Unit.objects.filter(kind=UnitKind.GOVERNMENT).exclude(code__startswith="QH-P-").exclude(code__startswith="QH-N-")
    assert local.exclude(domains="").count() == local.count()


def test_every_role_has_a_demo_account_that_logs_in_with_the_demo_password(db, client):
    build_city(random.Random(1), SMALL_CITY)
    # 网格员 accounts come with the grid demo's grid units (minxin/grid/demo.py, minxin/grid/tests/test_demo.py).
    assert set(StaffRole.objects.values_list("role", flat=True)) == set(Role.values) - {Role.GRID_WORKER}
    for username in ["city_registrar", "city_leader", "city_supervisor", "city_analyst", "city_handler", "county1_registrar", "city_housing_handler", "county1_housing_leader", "county1_town01_handler"]:
        assert Staff.objects.filter(user__username=username).exists(), username
    admin = get_user_model().objects.get(username="city_admin")
    assert admin.is_staff and admin.is_superuser and admin.staff.has_role(Role.ADMIN)
    assert client.login(username="county1_registrar", password=DEMO_PASSWORD)
    client.logout()
    assert client.login(username="city_admin", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
