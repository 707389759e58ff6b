"""Shared set-up for 稳评 tests: a frozen day and a decision in 东一街道 (房地产)."""

import datetime as dt

from minxin.cases.models import Domain
from minxin.risk.tests.factories import TZ
from minxin.stability import services

NOW = dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ)  # a Wednesday
TODAY = NOW.date()

GROUPS = [{"group": "被征收户", "count": 320}, {"group": "周边商户", "count": 45}]


def register(city, *, actor="east_leader", area="east1", unit="east_housing", domain="房地产", planned_on=None, kind="demolition"):
    return services.register_decision(
        actor=city.staff[actor], title="东一街道老旧片区房屋征收项目", kind=kind, area=city.areas[area],
        domain=Domain.objects.get(name=domain), responsible_unit=city.units[unit],
        planned_on=planned_on or TODAY + dt.timedelta(days=30), description="涉及房屋约320户",
    )


def concluded(city, *, level="orange", conclusion="with_measures", actor="east_leader", **kw):
    d = register(city, **kw)
    services.start_assessment(d, actor=city.staff[actor])
    services.conclude_assessment(d, actor=city.staff[actor], conclusion=conclusion, level=level, affected_groups=GROUPS,
                                 level_reasons="补偿标准分歧较大，部分住户曾集体上访", measures="公开补偿方案，逐户入户沟通，设立政策咨询点")
    return d
