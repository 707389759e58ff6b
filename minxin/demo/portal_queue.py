"""The demo city's 网上信访 queue: online submissions of the last days, as citizens sent them through
the portal's own services, so the registrars' queue (/xf/staff/) has work on day one.

Most are still waiting for registration (待登记); one was registered as a case by the 区信访局 and keeps
its 查询码, one was refused with the reason the citizen reads (a matter for the courts: 诉访分离).
Every person, estate and company is fictitious (minxin.demo.people: ID numbers of province 99).
"""

import datetime as dt
import random

from django.utils import timezone

from minxin.core import clock
from minxin.demo.people import PeopleFactory
from minxin.org.models import Area, AreaLevel, Staff
from minxin.portal import services
from minxin.portal.services import SubmissionInput

# (category, subject, content, request, town index in the county, outcome: pending / register / refuse, days ago, hour)
SUBMISSIONS = [
    ("complaint", "小区二次供水水质发黄", "锦岚苑小区高层住户的自来水近一个月经常发黄、有异味，物业说是二次供水水箱该清洗了，但一直没有安排清洗和检测。",
     "请督促物业清洗水箱并公布水质检测结果", 0, "pending", 1, 21),
    ("complaint", "公司拖欠三个月工资", "本人在禾城区一家名为“恒屿制衣有限公司”的工厂做缝纫工，公司自今年八月起未发工资，共计约一万五千元，多次找老板均推说资金困难。",
     "请求帮助追讨被拖欠的工资", 1, "pending", 1, 15),
    ("suggestion", "建议在学校门口增设护学岗", "秀湾路小学门口早晚接送时段车辆乱停，学生过马路很危险，家长们希望在上下学时段安排交警或志愿者护学。",
     "建议增设护学岗并规划临时停车区", 2, "pending", 1, 20),
    ("complaint", "楼下餐馆油烟直排", "新开的一家烧烤店把排烟管道直接对着住户窗户，晚上油烟和噪声很大，向城管反映后仍未整改。",
     "请求责令餐馆安装油烟净化设施", 3, "pending", 2, 10),
    ("complaint", "拆迁安置房迟迟不能交付", "我家2023年签订的征收安置协议约定两年内交付安置房，至今工地停工，过渡费也停发了，家里老人只能借住亲戚家。",
     "请求说明交付时间并按协议发放过渡费", 0, "register", 3, 11),
    ("complaint", "不服法院判决要求改判", "我与邻居的宅基地纠纷已经法院二审判决，我认为判决不公，要求信访部门改判。",
     "要求改判", 1, "refuse", 4, 16),
]
REFUSAL = ("您反映的事项已经人民法院判决，属于诉讼权利救济事项，按照诉讼与信访分离制度（《信访工作条例》第二十八条）"
           "由政法部门依法处理，信访部门不能改变判决。如不服，可依法向人民法院申请再审。")


def build_portal_queue(*, seed: int, end_date: dt.date, county_name: str = "禾城区") -> dict[str, int]:
    county = Area.objects.get(name=county_name, level=AreaLevel.COUNTY)
    # The portal places a matter at a 村（社区）: the first of each 乡镇街道 of the county.
    towns = [t.children.order_by("code").first() for t in Area.objects.filter(parent=county, level=AreaLevel.TOWNSHIP).order_by("code")]
    towns = [v for v in towns if v is not None]
    registrar = Staff.objects.select_related("unit").get(user__username="county1_registrar")
    rng = random.Random(f"portal:{seed}")
    people = PeopleFactory(rng, county_codes=[county.code], end_date=end_date)
    tz = timezone.get_current_timezone()
    counts = {"online_pending": 0, "online_registered": 0, "online_refused": 0}
    for category, subject, content, request, town, outcome, days_ago, hour in SUBMISSIONS:
        area = towns[town % len(towns)]
        # The portal asks for a phone to send the SMS code to: draw until the person has one.
        name, id_number, phone, address = people.next_person(f"{area.full_name}{rng.randint(1, 40)}号")
        while not phone:
            name, id_number, phone, address = people.next_person(address)
        at = dt.datetime.combine(end_date - dt.timedelta(days=days_ago), dt.time(hour, rng.randint(0, 59)), tzinfo=tz)
        data = SubmissionInput(category=category, subject=subject, content=content, request=request, area=area,
                               name=name, id_number=id_number, phone=phone, address=address)
        # Everything the portal checks except the SMS code, which only `submit` (not replayed here) consumes.
        errors = {k: v for k, v in services.validate_submission(data).items() if k != "sms_code"}
        if errors:
            raise ValueError(f"demo submission {subject!r} is invalid: {errors}")
        with clock.moved_to(at):
            # As the portal writes it once the citizen's SMS code was checked (services.submit).
            sub = services.create_submission(data, phone_verified=True)
        if outcome == "register":
            with clock.moved_to(at + dt.timedelta(hours=20)):
                services.register_submission(sub, actor=registrar)
            counts["online_registered"] += 1
        elif outcome == "refuse":
            with clock.moved_to(at + dt.timedelta(hours=18)):
                services.refuse_submission(sub, actor=registrar, reason=REFUSAL)
            counts["online_refused"] += 1
        else:
            counts["online_pending"] += 1
    return counts
