"""Factories for the duplicate, routing and suggestion tests: cases registered through the services."""

import datetime as dt
import itertools

from minxin.core.identity import id_check_digit

START = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday
_serial = itertools.count(1)

ELEVATOR = "阳光小区3号楼电梯停运两个月，物业公司收了电梯维修费却一直不修，老人上下楼非常困难，要求物业尽快修复电梯"
# Another writer: the opening line names the place and the problem, as a subject does.
ELEVATOR_PARAPHRASE = "阳光小区3号楼电梯停了2个月没人修。我要反映阳光小区3号楼的电梯已经停了2个月，物业公司收取了电梯维修费但是迟迟不维修，老年人上下楼很困难，请求尽快修好电梯。谢谢！"
ELEVATOR_OTHER_ESTATE = "幸福家园8号楼电梯停运五个月，物业公司收了电梯维修费却一直不修，老人上下楼非常困难，要求物业尽快修复电梯"
WAGES = "宏达建筑工程公司拖欠我们工资半年，老板躲着不见人，要求发放拖欠的工资"


def valid_id(birth: str = "19800101", region: str = "320902") -> str:
    first17 = f"{region}{birth}{next(_serial) % 1000:03d}"
    return first17 + id_check_digit(first17)


def person(name="张三", id_number=None, **kw) -> dict:
    return {"name": name, "address": "示范市东城区东一街道1号", "id_number": id_number or valid_id(), **kw}


def register(city, *, content, actor="east_registrar", area="east1v", petitioners=None, **kw):
    from minxin.cases.services import register_case

    args = {
        "actor": city.staff[actor], "channel": "visit", "category": "complaint", "subject": content[:12],
        "content": content, "request": "请求处理", "facts": "见信访内容", "reasons": "见信访内容",
        "area": city.areas[area], "petitioners": petitioners or [person()],
    }
    args.update(kw)
    return register_case(**args)
