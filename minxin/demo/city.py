"""The fictitious demo city 青禾市: its area tree, units and demo staff.

Area codes start with 99, a province code that does not exist (GB/T 2260 stops at 82),
so neither the codes nor the ID numbers derived from them can belong to a real place
or person. Areas are bulk-inserted one level at a time; `path` and `depth` are then
filled exactly as `org.services.create_area` fills them ("/<parent path>/<pk>/").
"""

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from minxin.org.models import Area, AreaLevel, Role, Staff, StaffRole, Unit, UnitKind

CITY_CODE = "990100000000"
CITY_NAME = "青禾市"
CODE_PREFIX = "QH"
# The level above the city. The area tree starts at the city, so the province is not an
# area: its bodies are units placed at the city's area with codes under PROVINCE_PREFIX.
# They exist so every city body has a 上一级 and 复查/复核 (Art. 35-36) can reach every
# level; they carry no 主管领域, so routing never proposes them for first handling.
PROVINCE_NAME = "禾川省"
PROVINCE_PREFIX = f"{CODE_PREFIX}-P-"
# Above the province, the national bodies: a 复查 decided by a provincial body (of a city
# body's opinion) names its 复核 body there (Art. 36). Same placement, never routed to.
NATION_PREFIX = f"{CODE_PREFIX}-N-"
EXTERNAL_PREFIXES = (PROVINCE_PREFIX, NATION_PREFIX)
DEMO_PASSWORD = "minxin-demo-2026"  # demo only: printed by `manage.py demo_logins`, never use in production

# (key, name, is_district)
COUNTIES = [
    ("county1", "禾城区", True),
    ("county2", "青湖区", True),
    ("county3", "望川区", True),
    ("county4", "栖梧县", False),
    ("county5", "鹿鸣县", False),
    ("county6", "澄沙县", False),
]

# key, name suffix (after the area name), domains (cases.Domain names), at county level too
DEPARTMENTS = [
    ("housing", "住房和城乡建设局", "房地产、城乡建设", True),
    ("hr", "人力资源和社会保障局", "劳动关系、社会保障", True),
    ("education", "教育局", "教育医疗", True),
    ("health", "卫生健康委员会", "教育医疗", True),
    ("environment", "生态环境局", "环境保护", True),
    ("resources", "自然资源和规划局", "国土资源", True),
    ("police", "公安局", "公安政法", True),
    ("agriculture", "农业农村局", "农业农村", True),
    ("market", "市场监督管理局", "商贸旅游", False),
    ("transport", "交通运输局", "交通运输", False),
    ("finance", "地方金融管理局", "金融", False),
]

_PLACE_CHARS = "安宝碧昌长澄崇大丹东凤福富高广桂和河红华槐惠吉嘉金锦静康兰乐黎莲良林柳龙芦鹿罗梅明南宁平浦七清庆瑞三沙山上石双顺松泰桃田望文西溪仙祥新杏兴秀阳杨永玉元云枣樟振正中竹紫"
_STREET_TAILS = ["路", "门", "桥", "湖", "园", "塘", "坊", "岗"]
_TOWN_TAILS = ["桥", "口", "集", "铺", "庄", "港", "湾", "店", "坝", "岭"]
_VILLAGE_TAILS = ["村", "庄村", "湾村", "冲村", "塘村", "岗村", "圩村", "楼村", "店村", "坪村"]
_COMMUNITY_TAILS = ["社区", "苑社区", "里社区", "园社区", "坊社区", "新村社区"]


@dataclass(frozen=True)
class CitySize:
    counties: int = 6
    townships_per_county: int = 10
    villages_per_township: int = 10
    # Share of villages (communities first) that are split into 网格.
    grid_share: float = 0.3
    grids_per_village: int = 4


FULL_CITY = CitySize()
SMALL_CITY = CitySize(counties=3, townships_per_county=3, villages_per_township=4, grids_per_village=2)


def demo_city_exists() -> bool:
    return Area.objects.filter(code=CITY_CODE).exists()


def _unique_name(rng: random.Random, used: set[str], tails: list[str], length: int = 2) -> str:
    while True:
        name = "".join(rng.choice(_PLACE_CHARS) for _ in range(length)) + rng.choice(tails)
        if name not in used:
            used.add(name)
            return name


def _insert_level(rows: list[Area]) -> list[Area]:
    """Insert one level, then give each row the path and depth create_area would give it."""
    created = Area.objects.bulk_create(rows)
    for area in created:
        parent = area.parent
        area.path = f"{parent.path if parent else '/'}{area.pk}/"
        area.depth = parent.depth + 1 if parent else 0
    Area.objects.bulk_update(created, ["path", "depth"], batch_size=500)
    return created


def build_areas(rng: random.Random, size: CitySize) -> Area:
    city = _insert_level([Area(code=CITY_CODE, name=CITY_NAME, level=AreaLevel.CITY, path="", depth=0)])[0]
    counties = [
        Area(code=f"9901{i + 2:02d}000000", name=name, level=AreaLevel.COUNTY, parent=city, path="")
        for i, (_key, name, _d) in enumerate(COUNTIES[: size.counties])
    ]
    counties = _insert_level(counties)

    used: set[str] = set()
    townships = []
    for county, (_k, _n, is_district) in zip(counties, COUNTIES, strict=False):
        streets = size.townships_per_county if is_district else max(1, size.townships_per_county // 4)
        for j in range(size.townships_per_county):
            if j < streets:  # 街道 codes 001-099, 镇 100-199, 乡 200-299 (统计用区划代码 convention)
                code, name = f"{county.code[:6]}{j + 1:03d}000", _unique_name(rng, used, _STREET_TAILS) + "街道"
            elif j % 4 == 3:
                code, name = f"{county.code[:6]}{200 + j:03d}000", _unique_name(rng, used, _TOWN_TAILS) + "乡"
            else:
                code, name = f"{county.code[:6]}{100 + j:03d}000", _unique_name(rng, used, _TOWN_TAILS) + "镇"
            townships.append(Area(code=code, name=name, level=AreaLevel.TOWNSHIP, parent=county, path=""))
    townships = _insert_level(townships)

    villages = []
    for town in townships:
        urban = town.name.endswith("街道")
        for k in range(size.villages_per_township):
            # 居委会 (社区) 001-199, 村委会 200-399
            if urban or k < 2:
                code, name = f"{town.code[:9]}{k + 1:03d}", _unique_name(rng, used, _COMMUNITY_TAILS)
            else:
                code, name = f"{town.code[:9]}{200 + k:03d}", _unique_name(rng, used, _VILLAGE_TAILS)
            villages.append(Area(code=code, name=name, level=AreaLevel.VILLAGE, parent=town, path=""))
    villages = _insert_level(villages)

    grids = []
    for village in villages:
        if village.name.endswith("社区") and rng.random() < size.grid_share * 2:
            for g in range(size.grids_per_village):
                grids.append(
                    Area(code=f"{village.code}{g + 1:03d}", name=f"{village.name}第{g + 1}网格", level=AreaLevel.GRID, parent=village, path="")
                )
    _insert_level(grids)
    return city


@dataclass
class _UnitSpec:
    key: str
    code: str
    name: str
    kind: str
    area: Area
    parent_key: str | None = None
    domains: str = ""
    short_name: str = ""
    doc_code: str = ""  # 机关代字 in the unit's 文号


# 机关代字 of the departments, after the area's own (e.g. 禾城住建〔2026〕…).
_DEPARTMENT_CODES = {
    "housing": "住建", "hr": "人社", "education": "教", "health": "卫健", "environment": "环", "resources": "自然资源",
    "police": "公", "agriculture": "农", "market": "市监", "transport": "交", "finance": "金融",
}


# Provincial names of the city departments (省 uses 厅 where the city has 局).
_PROVINCE_DEPARTMENT = {
    "housing": "住房和城乡建设厅", "hr": "人力资源和社会保障厅", "education": "教育厅", "health": "卫生健康委员会",
    "environment": "生态环境厅", "resources": "自然资源厅", "police": "公安厅", "agriculture": "农业农村厅",
    "market": "市场监督管理局", "transport": "交通运输厅", "finance": "地方金融管理局",
}


_NATION_DEPARTMENT = {
    "housing": "住房和城乡建设部", "hr": "人力资源和社会保障部", "education": "教育部", "health": "国家卫生健康委员会",
    "environment": "生态环境部", "resources": "自然资源部", "police": "公安部", "agriculture": "农业农村部",
    "market": "国家市场监督管理总局", "transport": "交通运输部", "finance": "国家金融监督管理总局",
}


def external_specs(city: Area) -> list[_UnitSpec]:
    """National, then provincial bodies (parents first), all placed at the city's area."""
    p = PROVINCE_NAME
    specs = [
        _UnitSpec("nation_bureau", f"{NATION_PREFIX}B", "国家信访局", UnitKind.PETITION_BUREAU, city, doc_code="国信"),
        _UnitSpec("nation_legal", f"{NATION_PREFIX}L", "中央政法委员会", UnitKind.POLITICAL_LEGAL, city, doc_code="中政法"),
        _UnitSpec("nation_discipline", f"{NATION_PREFIX}D", "中央纪委国家监委", UnitKind.DISCIPLINE, city, doc_code="中纪"),
    ]
    for key, _suffix, _domains, _c in DEPARTMENTS:
        specs.append(_UnitSpec(f"nation_{key}", f"{NATION_PREFIX}G-{key.upper()}", _NATION_DEPARTMENT[key], UnitKind.GOVERNMENT, city,
                                doc_code="国" + _DEPARTMENT_CODES[key]))
    specs += [
        _UnitSpec("province_bureau", f"{PROVINCE_PREFIX}B", f"{p}信访局", UnitKind.PETITION_BUREAU, city, "nation_bureau", short_name="省信访局", doc_code="川信"),
        _UnitSpec("province_legal", f"{PROVINCE_PREFIX}L", f"中共{p}委政法委员会", UnitKind.POLITICAL_LEGAL, city, "nation_legal", short_name="省委政法委", doc_code="川政法"),
        _UnitSpec("province_discipline", f"{PROVINCE_PREFIX}D", f"{p}纪委监委", UnitKind.DISCIPLINE, city, "nation_discipline", short_name="省纪委监委", doc_code="川纪"),
    ]
    for key, _suffix, _domains, _c in DEPARTMENTS:
        specs.append(_UnitSpec(f"province_{key}", f"{PROVINCE_PREFIX}G-{key.upper()}", f"{p}{_PROVINCE_DEPARTMENT[key]}", UnitKind.GOVERNMENT, city, f"nation_{key}",
                               doc_code="川" + _DEPARTMENT_CODES[key]))
    return specs


def is_external(unit: Unit) -> bool:
    return unit.is_external


def unit_specs(city: Area) -> list[_UnitSpec]:
    counties = list(Area.objects.filter(parent=city).order_by("code"))
    specs = external_specs(city) + [
        _UnitSpec("city_bureau", f"{CODE_PREFIX}-B-CITY", f"{CITY_NAME}信访局", UnitKind.PETITION_BUREAU, city, "province_bureau", short_name="市信访局", doc_code="青信"),
        _UnitSpec("city_legal", f"{CODE_PREFIX}-L-CITY", f"中共{CITY_NAME}委政法委员会", UnitKind.POLITICAL_LEGAL, city, "province_legal", domains="公安政法", short_name="市委政法委", doc_code="青政法"),
        _UnitSpec("city_discipline", f"{CODE_PREFIX}-D-CITY", f"{CITY_NAME}纪委监委", UnitKind.DISCIPLINE, city, "province_discipline", domains="纪检监察", short_name="市纪委监委", doc_code="青纪"),
    ]
    for key, suffix, domains, _c in DEPARTMENTS:
        specs.append(_UnitSpec(f"city_{key}", f"{CODE_PREFIX}-G-CITY-{key.upper()}", f"{CITY_NAME}{suffix}", UnitKind.GOVERNMENT, city, f"province_{key}", domains=domains,
                               doc_code="青" + _DEPARTMENT_CODES[key]))
    for (ckey, cname, _d), county in zip(COUNTIES, counties, strict=False):
        n = ckey.removeprefix("county")
        place = cname[:2]  # 禾城区 -> 禾城
        specs += [
            _UnitSpec(f"{ckey}_bureau", f"{CODE_PREFIX}-B-C{n}", f"{cname}信访局", UnitKind.PETITION_BUREAU, county, "city_bureau", doc_code=f"{place}信"),
            _UnitSpec(f"{ckey}_legal", f"{CODE_PREFIX}-L-C{n}", f"中共{cname}委政法委员会", UnitKind.POLITICAL_LEGAL, county, "city_legal", "公安政法", doc_code=f"{place}政法"),
            _UnitSpec(f"{ckey}_discipline", f"{CODE_PREFIX}-D-C{n}", f"{cname}纪委监委", UnitKind.DISCIPLINE, county, "city_discipline", "纪检监察", doc_code=f"{place}纪"),
        ]
        for key, suffix, domains, at_county in DEPARTMENTS:
            if at_county:
                specs.append(
                    _UnitSpec(f"{ckey}_{key}", f"{CODE_PREFIX}-G-C{n}-{key.upper()}", f"{cname}{suffix}", UnitKind.GOVERNMENT, county, f"city_{key}", domains,
                              doc_code=place + _DEPARTMENT_CODES[key])
                )
        for t, town in enumerate(Area.objects.filter(parent=county).order_by("code"), start=1):
            office = "街道办事处" if town.name.endswith("街道") else "人民政府"
            tname = town.name.removesuffix("街道") + "街道办事处" if office == "街道办事处" else f"{town.name}人民政府"
            tplace = town.name.removesuffix("街道")
            specs.append(_UnitSpec(f"{ckey}_town{t:02d}", f"{CODE_PREFIX}-T-{town.code[:9]}", tname, UnitKind.TOWNSHIP, town, f"{ckey}_bureau",
                                   doc_code=tplace + ("街" if office == "街道办事处" else "政")))
            specs.append(
                _UnitSpec(f"{ckey}_town{t:02d}_bureau", f"{CODE_PREFIX}-BT-{town.code[:9]}", f"{town.name}信访办", UnitKind.PETITION_BUREAU, town, f"{ckey}_bureau",
                          doc_code=f"{tplace}信")
            )
    return specs


def build_units(city: Area) -> dict[str, Unit]:
    specs = unit_specs(city)
    units: dict[str, Unit] = {}
    # Parents come before children in `specs`, so one pass can resolve them; rows go in
    # level by level so each parent has its pk.
    for level_keys in (
        [s for s in specs if s.key.startswith("nation_")],
        [s for s in specs if s.key.startswith("province_")],
        [s for s in specs if s.area.level == AreaLevel.CITY and not s.key.startswith(("nation_", "province_"))],
        [s for s in specs if s.area.level == AreaLevel.COUNTY],
        [s for s in specs if s.area.level == AreaLevel.TOWNSHIP],
    ):
        rows = [
            Unit(code=s.code, name=s.name, short_name=s.short_name, kind=s.kind, area=s.area, parent=units.get(s.parent_key), domains=s.domains,
                 doc_code=s.doc_code, is_external=s.key.startswith(("nation_", "province_")))
            for s in level_keys
        ]
        for s, row in zip(level_keys, Unit.objects.bulk_create(rows), strict=True):
            units[s.key] = row
    return units


# Staff: (unit key pattern, username suffix, roles, title)
_BUREAU_ROLES = [
    ("registrar", [Role.REGISTRAR], "登记员"),
    ("handler", [Role.HANDLER], "办理人"),
    ("leader", [Role.REVIEWER], "局领导"),
    ("supervisor", [Role.SUPERVISOR], "督办员"),
    ("analyst", [Role.ANALYST], "分析员"),
]
_UNIT_ROLES = [("handler", [Role.HANDLER], "办理人"), ("leader", [Role.REVIEWER], "分管领导")]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国文博志成海峰亮东"
_GIVEN_F = "芳娜敏静丽艳娟霞秀英华慧巧美玲婷雪琳晶燕红梅莉兰凤洁琴云莹倩颖欣怡佳"


def person_name(rng: random.Random, *, male: bool) -> str:
    chars = _GIVEN_M if male else _GIVEN_F
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


def staff_plan(units: dict[str, Unit]) -> list[tuple[str, str, list[str], str]]:
    """(username, unit key, roles, title) for every demo account, in a fixed order."""
    plan = [("city_admin", "city_bureau", [Role.ADMIN], "系统管理员")]
    for prefix in ["nation", "province", "city"] + [k for k, _n, _d in COUNTIES]:
        if f"{prefix}_bureau" not in units:
            continue
        for suffix, roles, title in _BUREAU_ROLES:
            plan.append((f"{prefix}_{suffix}", f"{prefix}_bureau", roles, title))
    # Every unit that handles cases gets a handler and a leader, so each audit event has a real actor.
    for key, unit in units.items():
        if unit.kind == UnitKind.PETITION_BUREAU and unit.area.level != AreaLevel.TOWNSHIP:
            continue
        if unit.kind == UnitKind.PETITION_BUREAU:  # township 信访办: one registrar
            plan.append((f"{key.removesuffix('_bureau')}_registrar", key, [Role.REGISTRAR], "信访专干"))
            continue
        for suffix, roles, title in _UNIT_ROLES:
            plan.append((f"{key}_{suffix}", key, roles, title))
    return plan


def build_staff(rng: random.Random, units: dict[str, Unit]) -> dict[str, Staff]:
    User = get_user_model()
    # One PBKDF2 hash for every demo account: hashing ~500 passwords would take minutes.
    password = make_password(DEMO_PASSWORD)
    plan = staff_plan(units)
    users = User.objects.bulk_create(
        [
            User(
                username=username, first_name=person_name(rng, male=rng.random() < 0.5), password=password,
                is_staff=Role.ADMIN in roles, is_superuser=Role.ADMIN in roles,
            )
            for username, _u, roles, _t in plan
        ]
    )
    staff = Staff.objects.bulk_create(
        [Staff(user=user, unit=units[ukey], title=title) for user, (_n, ukey, _r, title) in zip(users, plan, strict=True)]
    )
    StaffRole.objects.bulk_create([StaffRole(staff=s, role=r) for s, (_n, _u, roles, _t) in zip(staff, plan, strict=True) for r in roles])
    return {username: s for s, (username, *_rest) in zip(staff, plan, strict=True)}


@transaction.atomic
def build_city(rng: random.Random, size: CitySize = FULL_CITY) -> Area:
    city = build_areas(rng, size)
    units = build_units(city)
    build_staff(rng, units)
    return city
