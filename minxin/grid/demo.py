"""Demo data for the grids: grid units and their 网格员 in 禾城区 (county1), a 社区居委会 above
them, and three months of grid reports worked through the live services — most solved at the
grid, some asked to become cases and registered by the 区信访局 (one still waiting for it), a few
still open, and one
"solved" item whose people came back as petitioners (so it is not counted as 就地化解).

Called once from minxin.demo.build after the year is worked; deterministic for a seed. The
accounts are `county1_grid1`… (网格员) and `county1_village1`… (社区), listed by demo_logins.
"""

import datetime as dt
import random
import struct
import zlib
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from minxin.cases.models import Domain
from minxin.core import clock
from minxin.grid import services
from minxin.org import services as org
from minxin.org.models import Area, AreaLevel, Role, Staff, Unit, UnitKind

GRIDS = 3  # grid units (and 网格员 accounts) in the demo
# (kind, 领域, people, parties, description, place, outcome) — outcome: solved / case (asked and
# registered) / asked (waiting for the 区信访局 to register it) / open / back (solved, then petitioned)
REPORTS = [
    ("dispute", "房地产", 2, "两户居民", "楼上住户装修改管道，楼下住户卫生间渗水，双方在楼道争吵", "2栋3单元", "solved"),
    ("dispute", "劳动关系", 7, "7名装修工人与包工头", "小区内装修工程完工两个月，工人工资仍未结清，工人聚在物业门口", "物业服务中心门口", "case"),
    ("risk", "环境保护", 30, "临街住户约30户", "夜间烧烤摊油烟和噪声扰民，住户多次拨打热线，有联名上访苗头", "沿河路夜市", "solved"),
    ("dispute", "房地产", 12, "12户业主与物业公司", "电梯频繁停运，业主拒交物业费，物业威胁停水", "5栋", "case"),
    ("risk", "教育医疗", 1, "一名独居老人", "独居老人因医药费报销问题情绪激动，扬言去市里", "1栋101", "solved"),
    ("dispute", "房地产", 3, "三户邻居", "公共楼道堆放杂物和电动车充电，邻里争执", "7栋2单元楼道", "open"),
    ("dispute", "金融", 5, "5户居民", "参与社区附近一家“养老理财”，到期无法兑付", "社区活动中心", "back"),
    ("risk", "环境保护", 15, "周边住户", "小区旁工地夜间施工，渣土车撒漏，住户拦车", "东门外工地", "open"),
    ("risk", "劳动关系", 20, "20名保洁员与物业公司", "更换物业公司后保洁员社保断缴，商量集体去区里反映", "物业服务中心", "asked"),
]


def _png(seed: int) -> bytes:
    """A small generated picture (a coloured gradient) standing in for a phone photo."""
    rng = random.Random(seed)
    w, h = 96, 64
    r0, g0, b0 = rng.randrange(60, 200), rng.randrange(60, 200), rng.randrange(60, 200)
    rows = b"".join(b"\x00" + bytes(v for x in range(w) for v in ((r0 + x) % 256, (g0 + y * 2) % 256, b0)) for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def build_grid_demo(*, seed: int, end_date: dt.date) -> dict[str, int]:
    """Create the demo grids and their reports; returns counts for the build summary."""
    from minxin.demo.city import DEMO_PASSWORD

    tz = ZoneInfo(settings.TIME_ZONE)
    # The grids of the first county that has any (禾城区 in the full city).
    grids = []
    for registrar in (Staff.objects.filter(user__username__regex=r"^county\d+_registrar$", unit__kind=UnitKind.PETITION_BUREAU)
                      .select_related("user", "unit__area").order_by("user__username")):
        grids = list(Area.objects.within(registrar.unit.area).filter(level=AreaLevel.GRID).select_related("parent").order_by("code")[:GRIDS])
        if grids:
            break
    if not grids:
        return {}
    prefix = registrar.user.username.split("_")[0]
    counts = {"grid_workers": 0, "grid_reports": 0, "grid_solved": 0, "grid_cases": 0}
    villages: dict[int, Unit] = {}
    workers = []
    for i, area in enumerate(grids, start=1):
        village = area.parent
        if village.pk not in villages:
            township = Unit.objects.filter(area=village.parent, kind=UnitKind.TOWNSHIP).first()
            villages[village.pk] = org.create_unit(code=f"{village.code}-V", name=f"{village.name}居委会", kind=UnitKind.VILLAGE,
                                                   area=village, parent=township)
            org.create_staff(username=f"{prefix}_village{len(villages)}", password=DEMO_PASSWORD, unit=villages[village.pk],
                             roles=[Role.HANDLER], full_name=f"{village.name}书记", title="党组织书记")
        unit = org.create_unit(code=f"{area.code}-W", name=area.name, kind=UnitKind.GRID, area=area, parent=villages[village.pk])
        workers.append(org.create_staff(username=f"{prefix}_grid{i}", password=DEMO_PASSWORD, unit=unit, roles=[Role.GRID_WORKER],
                                        full_name=f"{area.name}网格员", title="专职网格员"))
        counts["grid_workers"] += 1
    domains = {d.name: d for d in Domain.objects.all()}
    for n, (kind, domain, people, parties, text, place, outcome) in enumerate(REPORTS):
        worker = workers[n % len(workers)]
        # From about three months back to three weeks back: inside the 就地化解 table's 90 days, and
        # older than the ledger's newest lines, which the demo's year already worked in full.
        day = end_date - dt.timedelta(days=85 - 8 * n)
        at = dt.datetime.combine(day, dt.time(9 + n % 6, 10 * (n % 5)), tzinfo=tz)
        with clock.moved_to(at):
            photo = SimpleUploadedFile("photo.png", _png(seed * 100 + n), content_type="image/png") if n % 2 == 0 else None
            rep = services.report(actor=worker, kind=kind, domain=domains[domain], area=worker.unit.area, description=text,
                                  people_count=people, parties=parties, place=place, photo=photo, wants_case=outcome in ("case", "asked"))
        counts["grid_reports"] += 1
        with clock.moved_to(at + dt.timedelta(days=1, hours=2)):
            if outcome in ("solved", "open", "back"):
                services.record_visit(rep, actor=worker, description=f"入户走访{parties}，了解诉求，做好解释疏导")
        if outcome in ("solved", "back"):
            with clock.moved_to(at + dt.timedelta(days=3, hours=5)):
                services.record_visit(rep, actor=worker, kind="step", description="联合社区调委会、物业现场协调，当事各方达成一致")
                services.resolve_at_grid(rep, actor=worker, note="当事各方签字确认，问题已解决")
            counts["grid_solved"] += 1
        if outcome == "case":
            with clock.moved_to(at + dt.timedelta(days=2)):
                services.register_as_case(rep, actor=registrar, petitioner_name="周建华",
                                          petitioner_address=f"{rep.entry.area.parent.name}{place}")
            counts["grid_cases"] += 1
        if outcome == "back":
            # The people were not satisfied after all: they petition the 区信访局 about the same matter.
            from minxin.cases.services.registration import register_case

            with clock.moved_to(at + dt.timedelta(days=12)):
                register_case(actor=registrar, channel="visit", category="complaint", subject="养老理财到期无法兑付",
                              content=text, request="请求督促兑付本息", facts=text, reasons="社区调解后仍未兑付",
                              area=rep.entry.area.parent, domain=domains[domain], people_count=people,
                              petitioners=[{"name": "陈玉兰", "address": f"{rep.entry.area.parent.name}{place}", "is_representative": True}])
            counts["grid_came_back"] = counts.get("grid_came_back", 0) + 1
    return counts
