"""Case texts for the demo city, written by our own templates and slot filling.

Nothing here is taken from a data set: every subject, content, request and facts text
is assembled from the phrases below with places of the generated city, invented
company names, amounts, dates and counts, so texts vary from case to case.

A topic says which domain it belongs to, which category it usually is, which unit
level handles it, whether it is rural, how likely it is a collective case, and how its
volume moves with the season (`season(month, days_to_spring_festival)`).
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

SPRING_FESTIVAL = {
    2023: dt.date(2023, 1, 22), 2024: dt.date(2024, 2, 10), 2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6), 2028: dt.date(2028, 1, 26), 2029: dt.date(2029, 2, 13), 2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23), 2032: dt.date(2032, 2, 11),
}


def days_to_spring_festival(day: dt.date) -> int:
    """Days until the next Spring Festival (late January to mid-February; 1 Feb if unknown)."""
    for year in (day.year, day.year + 1):
        sf = SPRING_FESTIVAL.get(year, dt.date(year, 2, 1))
        if sf >= day:
            return (sf - day).days
    return 365


def _flat(month: int, to_sf: int) -> float:
    return 1.0


def _pre_festival(month: int, to_sf: int) -> float:
    return 3.5 if to_sf <= 45 else (1.8 if to_sf <= 75 else 0.8)


def _winter(month: int, to_sf: int) -> float:
    return {11: 3.0, 12: 4.0, 1: 4.0, 2: 3.0, 3: 1.0}.get(month, 0.15)


def _summer(month: int, to_sf: int) -> float:
    return {6: 2.5, 7: 3.5, 8: 3.0, 9: 1.2}.get(month, 0.5)


def _school_start(month: int, to_sf: int) -> float:
    return {7: 1.8, 8: 2.5, 9: 2.2, 2: 1.4}.get(month, 0.8)


def _harvest(month: int, to_sf: int) -> float:
    return {3: 1.6, 4: 1.5, 10: 1.6, 11: 1.3}.get(month, 0.9)


@dataclass(frozen=True)
class Topic:
    key: str
    domain: str  # a cases.Domain name
    subjects: tuple[str, ...]
    facts: tuple[str, ...]
    requests: tuple[str, ...]
    weight: float = 1.0
    season: Callable[[int, int], float] = _flat
    category: str = "complaint"  # complaint / suggestion / accusation
    level: str = "department"  # department / township / discipline / legal
    rural: bool | None = None  # None: anywhere
    collective: float = 0.03
    amount: tuple[int, int] = (1000, 50000)
    litigation: bool = False
    unit_hint: str = ""  # which of several competent departments (unit code suffix), e.g. HEALTH vs EDUCATION
    extra: dict = field(default_factory=dict)


T = Topic
TOPICS: list[Topic] = [
    # 房地产
    T("late_delivery", "房地产",
      ("{project}逾期交房问题", "关于{company}{project}项目延期交付的反映", "{project}业主反映开发商逾期未交房"),
      ("{year}年我们购买了{company}开发的{project}商品房，合同约定{date}前交付，至今已逾期{months}个月仍未交房，工地处于停工状态。",
       "{project}共{count}户业主，购房合同约定交房日期为{date}，开发商多次承诺复工均未兑现，目前只完成主体结构。",
       "{company}以资金紧张为由拖延{project}交付，业主每月还着房贷又在外租房，负担很重。"),
      ("请求督促开发商尽快复工并按合同交房。", "请求依法监管预售资金，保障业主权益。", "请求相关部门协调解决逾期交房违约金问题。"),
      weight=3.0, rural=False, collective=0.35, amount=(200000, 1500000)),
    T("property_certificate", "房地产",
      ("{project}业主办证难问题", "反映{project}交房多年无法办理不动产权证", "关于{project}“办证难”的求助"),
      ("{project}于{year}年交房，已入住{months}个月，开发商{company}一直未办理不动产首次登记，业主无法取得房产证。",
       "我家在{place}{project}购房，因开发商欠缴土地出让金，至今办不了不动产权证书，孩子上学落户受影响。"),
      ("请求相关部门督促开发商办理首次登记，为业主办理不动产权证。", "请求查明原因，给业主一个明确的办证时间表。"),
      weight=1.6, rural=False, collective=0.25),
    T("property_management", "房地产",
      ("{project}物业服务问题", "反映{company}物业服务不到位", "{project}物业费及服务质量纠纷"),
      ("{project}物业公司{company}服务质量差，电梯经常故障，小区垃圾清运不及时，业主多次反映无果。",
       "物业公司未经业主大会同意上调物业费至每平方米{price}元，并以停水停电方式催缴。",
       "小区公共收益{amount}元去向不明，物业公司拒不公开账目。"),
      ("请求主管部门督促物业公司整改，公开公共收益账目。", "请求依法查处物业公司违规收费行为。", "请求指导业主依法更换物业服务企业。"),
      weight=2.0, rural=False, collective=0.08, amount=(20000, 300000)),
    T("maintenance_fund", "房地产",
      ("{project}维修基金使用问题", "申请使用住宅专项维修资金维修{facility}", "反映{project}维修资金申请难"),
      ("{project}{facility}损坏已{months}个月，业主申请动用住宅专项维修资金，程序繁琐至今未获批准。",
       "楼顶漏水严重，需维修费用约{amount}元，物业称需三分之二业主签字，实际难以达到。"),
      ("请求简化维修资金使用程序，尽快维修。", "请求主管部门协调解决维修资金申请问题。"),
      weight=0.8, rural=False, amount=(5000, 200000)),
    # 劳动关系
    T("wage_arrears", "劳动关系",
      ("反映{company}拖欠工资", "{count}名农民工被拖欠工资求助", "关于{project}工地拖欠劳务费的反映", "讨要被拖欠的工资"),
      ("我们{count}人在{company}承建的{project}工地务工，自{date}起被拖欠工资共计{amount}元，包工头{person}已联系不上。",
       "本人在{company}工作，公司已连续{months}个月未发放工资，共欠{amount}元，快过年了家里等着用钱。",
       "{place}{company}以工程款未结算为由拖欠我们{count}名工人工资{amount}元，多次讨要无果。"),
      ("请求督促公司尽快支付拖欠的工资。", "请求劳动监察部门依法处理，帮助我们在春节前拿到工资。", "请求责令总包单位先行垫付农民工工资。"),
      weight=3.0, season=_pre_festival, collective=0.3, amount=(8000, 600000)),
    T("social_insurance", "劳动关系",
      ("反映单位未缴纳社会保险", "{company}社保断缴问题", "要求补缴社会保险费"),
      ("本人自{year}年入职{company}，单位从{date}起停止为我缴纳社会保险，已断缴{months}个月。",
       "{company}与我们{count}名职工签订劳动合同，却一直未依法缴纳养老和医疗保险。"),
      ("请求督促单位补缴社会保险费。", "请求社保经办机构依法核查并追缴。"),
      weight=1.3, collective=0.1, amount=(5000, 80000)),
    T("work_injury", "劳动关系",
      ("申请工伤认定受阻", "反映{company}不配合工伤认定", "关于工伤待遇未落实的反映"),
      ("本人于{date}在{company}作业时受伤，住院{days}天，单位拒绝提供劳动关系证明，工伤认定无法进行。",
       "我丈夫在{company}工地受伤致残，单位只支付了部分医疗费，工伤待遇{amount}元至今未落实。"),
      ("请求依法认定工伤并落实工伤保险待遇。", "请求督促单位支付工伤待遇。"),
      weight=0.8, amount=(20000, 400000), extra={"days": (7, 90)}),
    # 环境保护
    T("noise", "环境保护",
      ("{place}夜间施工噪音扰民", "反映{company}噪音污染", "{road}沿线噪音扰民问题"),
      ("{company}在{place}的工地每天晚上十点后仍在施工，噪音很大，附近居民无法休息。",
       "{place}一家KTV营业至凌晨，音响声音很大，周边{count}户居民深受其扰。"),
      ("请求依法查处夜间违规施工行为。", "请求相关部门加强监管，还居民安静的生活环境。"),
      weight=1.5, season=_summer, rural=False),
    T("cooking_fumes", "环境保护",
      ("{place}餐饮油烟扰民", "反映楼下饭店油烟直排", "餐饮店油烟污染问题"),
      ("{place}底商餐饮店未安装油烟净化设施，油烟直排，楼上住户常年不能开窗。",
       "小区楼下新开的烧烤店油烟和噪音严重影响{count}户居民生活，多次向物业反映无果。"),
      ("请求责令餐饮店安装油烟净化装置。", "请求依法查处油烟直排行为。"),
      weight=1.0, rural=False),
    T("sewage", "环境保护",
      ("{company}偷排污水", "反映{place}河道污染", "{place}污水直排问题"),
      ("{company}将生产废水直接排入{place}附近河道，河水发黑发臭，鱼虾死亡。",
       "{place}生活污水管网没有接通，污水溢流到路面和农田，夏季臭味严重。"),
      ("请求环保部门依法查处偷排行为。", "请求尽快完善污水管网，治理河道污染。"),
      weight=1.1, season=_summer, collective=0.08),
    T("dust", "环境保护",
      ("{place}扬尘污染", "反映{company}砂石料场扬尘", "工地扬尘污染问题"),
      ("{company}砂石料场露天堆放未覆盖，车辆进出扬尘严重，{place}村民家中到处是灰。",
       "{project}工地未采取降尘措施，渣土车沿{road}抛洒滴漏，影响周边居民。"),
      ("请求责令企业落实扬尘防治措施。", "请求依法查处违规行为。"),
      weight=0.9),
    T("flooding", "城乡建设",
      ("{place}雨后严重积水", "反映{road}内涝问题", "小区地下车库被淹求助"),
      ("每逢下雨{place}{road}段积水深达{depth}厘米，车辆无法通行，居民出行困难。",
       "{date}暴雨后{project}地下车库进水，{count}辆车被淹，排水设施长期堵塞。"),
      ("请求改造排水管网，解决内涝问题。", "请求相关部门查明原因并协调赔偿。"),
      weight=1.2, season=_summer, collective=0.06, extra={"depth": (20, 80)}),
    # 城乡建设
    T("heating", "城乡建设",
      ("{project}供暖不达标", "反映{company}供暖温度不足", "冬季供暖问题"),
      ("入冬以来{project}室内温度只有{temp}度，远低于标准，供热公司{company}多次检修仍未解决。",
       "我们小区{count}户居民已缴纳取暖费，但暖气一直不热，老人孩子冻得生病。"),
      ("请求督促供热企业保障供暖质量。", "请求按规定退还部分取暖费。"),
      weight=1.5, season=_winter, rural=False, collective=0.05, extra={"temp": (8, 15)}),
    T("illegal_building", "城乡建设",
      ("{place}违章建筑问题", "反映邻居违建影响采光", "举报{place}违法搭建"),
      ("{place}有住户在楼顶违规加盖房屋，存在安全隐患，已向城管反映{times}次未处理。",
       "邻居在自家院外违规扩建，占用公共通道，影响我家通行和采光。"),
      ("请求依法拆除违章建筑。", "请求城管部门及时查处。"),
      weight=1.1, level="township", extra={"times": (2, 6)}),
    T("old_community", "城乡建设",
      ("{place}老旧小区改造建议", "建议对{project}加装电梯", "关于老旧小区改造的意见"),
      ("{project}建于上世纪九十年代，管网老化，道路破损，建议纳入今年老旧小区改造计划。",
       "小区老年人多，六层楼没有电梯，上下楼非常困难，居民加装电梯意愿强烈。"),
      ("建议将本小区纳入改造计划。", "建议出台加装电梯补贴政策。"),
      weight=0.7, category="suggestion", rural=False),
    # 交通运输
    T("bus_route", "交通运输",
      ("建议增开{road}公交线路", "反映{place}公交班次少", "关于优化公交线路的建议"),
      ("{place}到{county}城区只有一班公交车，发车间隔{minutes}分钟，学生和老人出行不便。",
       "新建的{project}入住居民{count}户，周边没有公交站点。"),
      ("建议增设公交站点、加密班次。", "建议优化线路方便群众出行。"),
      weight=0.8, category="suggestion", extra={"minutes": (40, 120)}),
    T("road_damage", "交通运输",
      ("{road}路面破损严重", "反映{place}道路年久失修", "{place}通村公路损坏"),
      ("{road}{place}段路面坑洼不平，雨天积水，已发生多起电动车摔倒事故。",
       "通往{place}的村道被{company}的重型货车压坏，至今无人修复。"),
      ("请求尽快修复路面。", "请求追究损坏道路企业的责任。"),
      weight=0.9),
    T("taxi_fare", "交通运输",
      ("反映出租车拒载议价", "网约车乘客投诉处理不及时"), ("{date}晚在{place}乘坐出租车，司机拒绝打表，要求一口价{price}元。",),
      ("请求查处违规行为并规范出租车运营。",), weight=0.4, rural=False),
    # 农业农村
    T("land_contract", "农业农村",
      ("土地承包经营权纠纷", "反映{place}村委会违规调整承包地", "承包地被他人占用"),
      ("我家在{place}的{mu}亩承包地，{year}年被村委会收回另行发包，至今没有任何补偿。",
       "同组村民{person}强占我家承包地{mu}亩种植果树，村组调解无果。"),
      ("请求依法确认我家的土地承包经营权。", "请求返还承包地并赔偿损失。"),
      weight=1.3, season=_harvest, rural=True, level="township", extra={"mu": (1, 12)}),
    T("land_compensation", "农业农村",
      ("征地补偿款未足额发放", "反映{place}征地补偿标准过低", "关于{project}项目征地补偿的反映"),
      ("{year}年{project}项目征收{place}{mu}亩集体土地，村民应得补偿款{amount}元至今未发放到位。",
       "{place}征地补偿标准每亩仅{price}元，明显低于周边标准，{count}户村民不认可。"),
      ("请求公开征地补偿标准和资金去向。", "请求按标准足额发放补偿款。"),
      weight=1.2, rural=True, collective=0.3, amount=(50000, 3000000), extra={"mu": (5, 300)}),
    T("village_affairs", "农业农村",
      ("反映{place}村务不公开", "村集体资产处置不透明", "{place}村账目问题"),
      ("{place}村委会近{months}个月没有公开村务财务，村集体鱼塘出租收入{amount}元去向不明。",
       "村里低保评定不公平，有车有房的人家享受低保，真正困难的人却评不上。"),
      ("请求上级部门审计村集体账目。", "请求依法公开村务财务。"),
      weight=1.0, rural=True, level="township", collective=0.1),
    # 教育医疗
    T("school_enrolment", "教育医疗",
      ("孩子入学难问题", "反映{school}学区划分不合理", "关于随迁子女入学的求助"),
      ("我们在{place}购房居住{years}年，今年孩子上小学却被划到{distance}公里外的学校。",
       "我是外来务工人员，在{county}缴纳社保{years}年，孩子申请公办学校学位被拒。"),
      ("请求就近安排入学。", "请求合理调整学区划分。"),
      weight=1.2, season=_school_start, unit_hint="EDUCATION", extra={"distance": (3, 12), "years": (1, 8)}),
    T("school_fees", "教育医疗",
      ("{school}违规收费", "反映学校强制订购教辅资料", "校外培训机构退费难"),
      ("{school}以各种名义向学生收取费用，每学期{price}元，没有收费依据。",
       "{company}培训机构突然停业，我们{count}名家长预交的学费{amount}元无法退还。"),
      ("请求查处违规收费行为。", "请求协调退还预交费用。"),
      weight=0.8, season=_school_start, collective=0.12, amount=(5000, 300000), unit_hint="EDUCATION"),
    T("medical_dispute", "教育医疗",
      ("反映{hospital}医疗纠纷", "对{hospital}诊疗过程有异议", "医保报销问题"),
      ("我母亲于{date}在{hospital}住院治疗，因医生处置不当导致病情加重，院方拒不承担责任。",
       "我在{hospital}治疗花费{amount}元，医保报销时被告知部分药品不在目录，事先没有告知。"),
      ("请求卫生健康部门调查处理。", "请求组织医疗纠纷调解。"),
      weight=0.9, amount=(3000, 200000), unit_hint="HEALTH"),
    # 金融
    T("illegal_fundraising", "金融",
      ("{company}涉嫌非法集资", "反映{company}高息揽储问题", "投资款无法收回求助"),
      ("{company}以年化{rate}%的高额回报吸引群众投资，我们{count}人共投入{amount}元，现在公司人去楼空。",
       "{company}在{place}开设门店，以养老项目名义吸收老年人资金，已停止兑付{months}个月。"),
      ("请求公安机关立案侦查，追回投资款。", "请求相关部门尽快处置，保护群众财产。"),
      weight=1.0, collective=0.35, amount=(100000, 8000000), extra={"rate": (12, 36)}),
    T("wealth_product", "金融",
      ("理财产品到期无法兑付", "反映{company}理财产品逾期", "关于理财兑付问题的反映"),
      ("本人在{company}购买理财产品{amount}元，约定{date}到期兑付，至今未能兑付本息。",
       "{company}销售人员承诺保本保息，我购买的产品到期后亏损，公司拒绝赔偿。"),
      ("请求督促公司按约兑付本息。", "请求金融管理部门调查违规销售问题。"),
      weight=0.8, collective=0.2, amount=(50000, 2000000)),
    # 社会保障
    T("pension", "社会保障",
      ("养老金待遇核定问题", "申请补发养老金", "反映城乡居民养老保险缴费年限认定"),
      ("本人{year}年退休，养老金核定时有{years}年工龄未被认定，每月少领约{price}元。",
       "我父亲的城乡居民养老保险待遇从{date}起被停发，经办机构未说明原因。"),
      ("请求重新核定养老金待遇。", "请求补发停发期间的养老金。"),
      weight=0.9, extra={"years": (2, 12)}),
    T("subsistence", "社会保障",
      ("申请最低生活保障", "反映低保被取消", "困难家庭救助申请"),
      ("我家{count}口人，丈夫重病卧床，孩子上学，家庭月收入不足{price}元，申请低保一直未获批准。",
       "我家的低保在{date}被取消，村里说是因为家里有车，但那辆车早已报废。"),
      ("请求依法审核纳入低保。", "请求恢复低保待遇。"),
      weight=0.8, level="township", extra={"count": (2, 6)}),
    # 商贸旅游
    T("consumer", "商贸旅游",
      ("{company}预付卡跑路", "反映{company}销售假冒商品", "消费维权投诉"),
      ("{company}健身房突然关门，我们{count}名会员办理的会员卡余额共{amount}元无法退还。",
       "在{place}{company}购买的家电出现质量问题，商家拒绝退换。"),
      ("请求督促商家退款。", "请求市场监管部门依法查处。"),
      weight=0.9, collective=0.15, amount=(2000, 500000)),
    # 国土资源
    T("land_use", "国土资源",
      ("{place}违法占用耕地", "反映{company}非法采砂", "宅基地审批问题"),
      ("{company}未经批准在{place}占用耕地{mu}亩建设厂房，破坏耕地。",
       "我家申请宅基地建房已{months}个月，材料齐全，乡镇一直不予审批。"),
      ("请求依法查处违法占地行为。", "请求依法审批宅基地申请。"),
      weight=0.8, rural=True, extra={"mu": (2, 40)}),
    # 公安政法 (涉法涉诉)
    T("court_judgement", "公安政法",
      ("对法院判决不服", "反映案件执行难", "申请司法救助"),
      ("我与{person}的借款纠纷一案，法院判决后对方一直不履行，申请强制执行已{months}个月，执行款{amount}元仍未到位。",
       "我对{county}人民法院的民事判决不服，认为认定事实错误。"),
      ("请求督促法院依法执行。", "请求依法纠正错误判决。"),
      weight=0.8, level="legal", litigation=True, amount=(20000, 800000)),
    T("police_case", "公安政法",
      ("报案后迟迟未立案", "反映被诈骗案件侦办进展", "治安案件处理不公"),
      ("本人于{date}被电信诈骗{amount}元，已向派出所报案，至今未告知立案情况。",
       "{date}我与邻居{person}发生纠纷被打伤，派出所调解后对方不履行赔偿。"),
      ("请求公安机关依法立案侦查。", "请求依法公正处理。"),
      weight=0.7, litigation=True, amount=(5000, 300000), unit_hint="POLICE"),
    # 纪检监察
    T("official_misconduct", "纪检监察",
      ("检举{place}村干部优亲厚友", "反映{office}工作人员吃拿卡要", "检举截留惠农补贴问题"),
      ("{place}村干部{person}在危房改造补助评定中优亲厚友，将名额给了不符合条件的亲属。",
       "{office}工作人员在办理业务时多次暗示送礼，不送就拖着不办。",
       "{place}村耕地地力保护补贴{amount}元被截留，村民实际未领到。"),
      ("请求纪检监察机关调查处理。", "请求依纪依法严肃查处。"),
      weight=1.0, category="accusation", level="discipline", amount=(10000, 500000)),
    # 其他
    T("neighbour_dispute", "其他",
      ("邻里纠纷调解求助", "反映邻居占用公共楼道", "宅基地边界纠纷"),
      ("邻居{person}长期在公共楼道堆放杂物，存在消防隐患，协商无果。",
       "我家与邻居因宅基地边界发生纠纷，村委会调解{times}次未果。"),
      ("请求社区（村）组织调解。", "请求依法处理。"),
      weight=1.0, level="township", extra={"times": (1, 4)}),
    T("suggestion_general", "其他",
      ("关于{place}公共服务的建议", "建议增设便民设施", "关于改进窗口服务的意见"),
      ("{place}居民{count}户，附近没有菜市场和公共厕所，建议规划建设便民设施。",
       "政务服务中心办事排队时间长，建议增加窗口，推行网上预约。"),
      ("建议有关部门研究采纳。", "希望得到答复。"),
      weight=0.6, category="suggestion", level="township"),
]

_COMPANY_HEADS = "鑫泰 恒远 汇通 瑞祥 盛华 宏达 金茂 永安 德润 嘉禾 华鼎 聚源 通达 兴业 万隆 卓越 中鸿 博远 天晟 润丰".split()
_COMPANY_KINDS = {
    "房地产": ["置业有限公司", "房地产开发有限公司", "物业服务有限公司"],
    "劳动关系": ["建筑工程有限公司", "劳务有限公司", "制衣有限公司", "电子科技有限公司", "餐饮管理有限公司"],
    "环境保护": ["化工有限公司", "建材有限公司", "砂石有限公司", "建筑工程有限公司", "餐饮管理有限公司"],
    "金融": ["投资咨询有限公司", "财富管理有限公司", "资产管理有限公司"],
    "商贸旅游": ["健身管理有限公司", "商贸有限公司", "电器有限公司"],
}
_DEFAULT_KINDS = ["实业有限公司", "建筑工程有限公司", "商贸有限公司", "物流有限公司", "热力有限公司"]
_PROJECT_HEADS = "锦绣 翡翠 御景 阳光 紫荆 香榭 书香 云栖 悦澜 滨江 湖畔 丽景 金域 碧水 和园".split()
_PROJECT_TAILS = ["花园", "华庭", "家园", "府", "苑", "名邸", "新城", "雅居"]
_ROAD_HEADS = "建设 人民 解放 青禾 迎宾 滨湖 文化 振兴 长安 朝阳 工业 育才".split()
_FACILITIES = ["电梯", "外墙", "屋面防水", "消防设施", "二次供水设备"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_FOLLOW_UPS = [
    "此前曾向{township}反映，至今未得到答复。",
    "我们多次与对方协商，均没有结果。",
    "{year}年已反映过一次，当时答复会尽快处理，但至今没有进展。",
    "问题已持续{months}个月，严重影响群众正常生活。",
    "曾拨打12345热线反映，工单转办后没有下文。",
    "社区（村）工作人员来看过，说要上报，之后就没有消息了。",
]
_OPENERS = ["", "", "本人是{place}居民，", "我们是{place}的群众，", "尊敬的领导：", "您好！", "我是{county}{township}的村民，"]
_CLOSERS = ["", "", "恳请领导重视。", "望尽快处理为盼。", "请予以关注，谢谢！", "此前已向有关部门反映过，但问题一直没有解决。"]


@dataclass(frozen=True)
class Place:
    county: str
    township: str
    village: str


def _company(rng: random.Random, topic: Topic, place: Place) -> str:
    kinds = _COMPANY_KINDS.get(topic.domain, _DEFAULT_KINDS)
    head = rng.choice(_COMPANY_HEADS)
    prefix = place.county[:2] if rng.random() < 0.3 else ""
    return f"{prefix}{head}{rng.choice(kinds)}"


def slots(rng: random.Random, topic: Topic, place: Place, received: dt.date, count: int) -> dict[str, str]:
    lo, hi = topic.amount
    amount = rng.randrange(lo, hi) // 100 * 100
    if topic.collective >= 0.1 and count > 5:  # money owed to many people grows with the head-count
        amount = amount * max(1, count // 4)
    past = received - dt.timedelta(days=rng.randrange(30, 700))
    values = {
        "county": place.county, "township": place.township, "village": place.village,
        "place": place.township + place.village if rng.random() < 0.7 else place.village,
        "company": _company(rng, topic, place),
        "project": rng.choice(_PROJECT_HEADS) + rng.choice(_PROJECT_TAILS),
        "road": rng.choice(_ROAD_HEADS) + rng.choice(["路", "大道", "街"]),
        "amount": f"{amount:,}", "price": str(rng.randrange(20, 3000)), "count": str(count),
        "months": str(rng.randrange(2, 24)), "year": str(past.year), "date": f"{past.year}年{past.month}月{past.day}日",
        "person": rng.choice(_SURNAMES) + "某", "facility": rng.choice(_FACILITIES),
        "school": place.township.removesuffix("街道").removesuffix("镇").removesuffix("乡") + rng.choice(["中心小学", "初级中学", "幼儿园"]),
        "hospital": place.county + rng.choice(["人民医院", "中医院", "妇幼保健院"]),
        "office": place.township + rng.choice(["便民服务中心", "农业综合服务中心", "村镇建设办"]),
        "days": "", "depth": "", "temp": "", "times": "", "minutes": "", "mu": "", "years": "", "distance": "", "rate": "",
    }
    for key, (a, b) in topic.extra.items():
        values[key] = str(rng.randint(a, b))
    for key in ("days", "depth", "temp", "times", "minutes", "mu", "years", "distance", "rate"):
        values[key] = values[key] or str(rng.randint(2, 9))
    return values


def render(rng: random.Random, topic: Topic, place: Place, received: dt.date, count: int) -> tuple[str, str, str, str]:
    """(subject, content, request, facts) for one case."""
    v = slots(rng, topic, place, received, count)
    subject = rng.choice(topic.subjects).format(**v)
    facts = rng.choice(topic.facts).format(**v)
    if rng.random() < 0.45:  # how the matter went so far makes longer, more varied letters
        facts += rng.choice(_FOLLOW_UPS).format(**v)
    request = rng.choice(topic.requests).format(**v)
    content = rng.choice(_OPENERS).format(**v) + facts + request + rng.choice(_CLOSERS)
    return subject[:200], content, request, facts
