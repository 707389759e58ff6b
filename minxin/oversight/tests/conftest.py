import datetime as dt

import pytest

from minxin.testing import START, person, valid_id  # noqa: F401 - shared helpers, imported by tests from here

TZ = dt.timezone(dt.timedelta(hours=8))


class Flow:
    """Drives cases through the real lifecycle services."""

    def __init__(self, city, clock):
        self.city, self.clock = city, clock

    def register(self, *, registrar="east_registrar", area="east1v", category="complaint", petitioners=None, **kw):
        from minxin.cases.services import register_case

        args = dict(
            actor=self.city.staff[registrar], channel="visit", category=category, subject="小区电梯长期停运",
            content="小区3号楼电梯停运两个月，物业不予维修。", request="尽快修复电梯", facts="电梯自1月起停运",
            reasons="影响老人出行", area=self.city.areas[area], petitioners=petitioners if petitioners is not None else [person()],
        )
        args.update(kw)
        return register_case(**args)

    def transfer(self, case, unit="east_housing", actor="east_registrar"):
        from minxin.cases.services import transfer_case

        return transfer_case(case, actor=self.city.staff[actor], unit=self.city.units[unit])

    def accept(self, case, handler="east_housing_handler", route="opinion"):
        from minxin.cases.services import accept_case

        return accept_case(case, actor=self.city.staff[handler], route=route if case.category == "complaint" else "")

    def opinion(self, case, handler="east_housing_handler", outcome="support", delivered=True):
        from minxin.cases.services import issue_opinion
        from minxin.core import clock as mclock

        return issue_opinion(
            case, actor=self.city.staff[handler], request="修复电梯", facts="经查属实", opinion="责成物业一周内修复",
            legal_basis="《物业管理条例》第三十五条", outcome=outcome, delivered_on=mclock.today() if delivered else None,
        )

    def close(self, case, handler="east_housing_handler"):
        from minxin.cases.services import close_case

        return close_case(case, actor=self.city.staff[handler], result="已答复")

    def advance(self, days=0, hours=0):
        self.clock.shift(dt.timedelta(days=days, hours=hours))

    def opinion_case(self, **kw):
        """Registered, transferred to 东城区住建局, accepted under route （六）, opinion delivered."""
        case = self.register(**kw)
        case = self.transfer(case)
        case = self.accept(case)
        return self.opinion(case)


@pytest.fixture
def flow(city, clock):
    return Flow(city, clock)
