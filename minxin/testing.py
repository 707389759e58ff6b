"""A small, fully known city for tests: built through the services, not fixtures files.

    市 (320900000000) ── 东城区 (320902) ── 东一街道 ── 东一社区 ── 网格1
                    │                  └─ 东二镇   ── 东二村
                    └─ 西城区 (320903) ── 西一街道 ── 西一社区
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field

from minxin.core.identity import id_check_digit

from minxin.org import services as org
from minxin.org.models import Area, AreaLevel, Role, Staff, Unit, UnitKind

PASSWORD = "Minxin-Test-2026"
# Tests that move through the lifecycle freeze the clock here: a Monday inside a year
# whose holiday calendar is seeded (a 60-day clock must not run into an unseeded year).
START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
_serial = itertools.count(1)


def valid_id(birth: str = "19800101", region: str = "320902") -> str:
    """A fresh ID number with a correct GB 11643 check digit."""
    first17 = f"{region}{birth}{next(_serial) % 1000:03d}"
    return first17 + id_check_digit(first17)


def person(name="张三", **kw) -> dict:
    return {"name": name, "address": "示范市东城区东一街道1号", "id_number": valid_id(), "phone": "13912345678", **kw}


@dataclass
class TestCity:
    areas: dict[str, Area] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)


def build_test_city() -> TestCity:
    c = TestCity()
    a = c.areas
    a["city"] = org.create_area(code="320900000000", name="示范市", level=AreaLevel.CITY)
    a["east"] = org.create_area(code="320902000000", name="东城区", level=AreaLevel.COUNTY, parent=a["city"])
    a["west"] = org.create_area(code="320903000000", name="西城区", level=AreaLevel.COUNTY, parent=a["city"])
    a["east1"] = org.create_area(code="320902001000", name="东一街道", level=AreaLevel.TOWNSHIP, parent=a["east"])
    a["east2"] = org.create_area(code="320902101000", name="东二镇", level=AreaLevel.TOWNSHIP, parent=a["east"])
    a["west1"] = org.create_area(code="320903001000", name="西一街道", level=AreaLevel.TOWNSHIP, parent=a["west"])
    a["east1v"] = org.create_area(code="320902001001", name="东一社区", level=AreaLevel.VILLAGE, parent=a["east1"])
    a["east2v"] = org.create_area(code="320902101201", name="东二村", level=AreaLevel.VILLAGE, parent=a["east2"])
    a["west1v"] = org.create_area(code="320903001001", name="西一社区", level=AreaLevel.VILLAGE, parent=a["west1"])
    a["grid1"] = org.create_area(code="320902001001001", name="东一社区第1网格", level=AreaLevel.GRID, parent=a["east1v"])

    u = c.units
    u["city_bureau"] = org.create_unit(code="B-CITY", name="示范市信访局", kind=UnitKind.PETITION_BUREAU, area=a["city"])
    u["east_bureau"] = org.create_unit(code="B-EAST", name="东城区信访局", kind=UnitKind.PETITION_BUREAU, area=a["east"], parent=u["city_bureau"])
    u["west_bureau"] = org.create_unit(code="B-WEST", name="西城区信访局", kind=UnitKind.PETITION_BUREAU, area=a["west"], parent=u["city_bureau"])
    u["city_housing"] = org.create_unit(code="G-CITY-HOUSING", name="示范市住房和城乡建设局", kind=UnitKind.GOVERNMENT, area=a["city"], domains="房地产、城乡建设")
    u["east_housing"] = org.create_unit(code="G-EAST-HOUSING", name="东城区住房和城乡建设局", kind=UnitKind.GOVERNMENT, area=a["east"], parent=u["city_housing"], domains="房地产、城乡建设")
    u["east_hr"] = org.create_unit(code="G-EAST-HR", name="东城区人力资源和社会保障局", kind=UnitKind.GOVERNMENT, area=a["east"], domains="劳动关系、社会保障")
    u["east_legal"] = org.create_unit(code="L-EAST", name="东城区委政法委员会", kind=UnitKind.POLITICAL_LEGAL, area=a["east"])
    u["east_discipline"] = org.create_unit(code="D-EAST", name="东城区纪委监委", kind=UnitKind.DISCIPLINE, area=a["east"])
    u["east1_office"] = org.create_unit(code="T-EAST1", name="东一街道办事处", kind=UnitKind.TOWNSHIP, area=a["east1"], parent=u["east_bureau"])
    u["west1_office"] = org.create_unit(code="T-WEST1", name="西一街道办事处", kind=UnitKind.TOWNSHIP, area=a["west1"], parent=u["west_bureau"])
    u["grid1_unit"] = org.create_unit(code="W-GRID1", name="东一社区第1网格", kind=UnitKind.GRID, area=a["grid1"], parent=u["east1_office"])

    s = c.staff

    def add(key, unit_key, roles, name):
        s[key] = org.create_staff(username=key, password=PASSWORD, unit=u[unit_key], roles=roles, full_name=name)

    add("city_registrar", "city_bureau", [Role.REGISTRAR], "市登记员")
    add("city_leader", "city_bureau", [Role.REVIEWER], "市局领导")
    add("city_supervisor", "city_bureau", [Role.SUPERVISOR], "市督办员")
    add("city_analyst", "city_bureau", [Role.ANALYST], "市分析员")
    add("city_admin", "city_bureau", [Role.ADMIN], "市系统管理员")
    add("east_registrar", "east_bureau", [Role.REGISTRAR], "东城登记员")
    add("east_leader", "east_bureau", [Role.REVIEWER], "东城局领导")
    add("west_registrar", "west_bureau", [Role.REGISTRAR], "西城登记员")
    add("east_housing_handler", "east_housing", [Role.HANDLER], "东城住建办理人")
    add("east_housing_leader", "east_housing", [Role.REVIEWER], "东城住建领导")
    add("city_housing_handler", "city_housing", [Role.HANDLER], "市住建办理人")
    add("east_hr_handler", "east_hr", [Role.HANDLER], "东城人社办理人")
    add("east_legal_handler", "east_legal", [Role.HANDLER], "东城政法办理人")
    add("east_discipline_handler", "east_discipline", [Role.HANDLER], "东城纪委办理人")
    add("east1_handler", "east1_office", [Role.HANDLER], "东一街道办理人")
    add("west1_handler", "west1_office", [Role.HANDLER], "西一街道办理人")
    add("grid1_worker", "grid1_unit", [Role.GRID_WORKER], "东一第1网格网格员")
    return c


def make_case(city: TestCity, *, area: str, registering_unit: str, current_unit: str | None = None, category: str = "complaint", accused_unit: str | None = None, number: str | None = None):
    """A bare case row for read-side tests (scoping, lists); lifecycle tests use the services."""
    import secrets

    from minxin.cases.models import Case, CaseRouting
    from minxin.core import clock

    now = clock.now()
    case = Case.objects.create(
        number=number or f"T{secrets.token_hex(5)}",
        query_code=secrets.token_hex(6),
        channel="visit",
        category=category,
        subject="测试事项",
        content="测试内容",
        area=city.areas[area],
        received_at=now,
        registered_at=now,
        registering_unit=city.units[registering_unit],
        current_unit=city.units[current_unit] if current_unit else None,
        accused_unit=city.units[accused_unit] if accused_unit else None,
    )
    if current_unit:
        CaseRouting.objects.create(case=case, unit=city.units[current_unit], kind="transfer", at=now)
    return case
