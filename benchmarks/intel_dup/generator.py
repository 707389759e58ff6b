"""A labelled near-duplicate set for short Chinese petition texts, generated (no real data).

A *matter* is a domain, a place, a named party and a few fact clauses with their own
numbers, plus a request. From each matter the generator writes:
- paraphrases (positives): synonym substitution, clause re-ordering, typos with
  similar-looking or similar-sounding characters, filler phrases, numbers written in
  Chinese or digits, a clause dropped or a personal detail added — and a different
  petitioner each time;
- hard negatives, different matters by the issue's definition: the same kind of
  problem at another place with another party (clause templates shared), or another
  problem at the same place (see `hard_negative`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

DISTRICTS = ["东城区", "西城区", "南湖区", "北塘区", "高新区", "江滨区", "开发区", "新港区"]
STREETS = ["人民路街道", "解放街道", "城南街道", "城北街道", "滨河街道", "建设街道", "和平街道", "花园街道", "朝阳镇", "龙泉镇", "青山镇", "白沙镇"]
ESTATES = ["阳光", "幸福", "滨江", "锦绣", "金桥", "翠湖", "枫林", "御景", "华府", "绿洲", "紫荆", "春晖", "天悦", "碧水", "书香", "龙湾", "银杏", "凤凰", "海棠", "星河"]
ESTATE_SUFFIX = ["小区", "花园", "家园", "新村", "华庭", "苑", "公馆", "雅苑"]
COMPANY_HEAD = ["宏达", "永盛", "恒信", "鑫源", "华泰", "东方", "瑞丰", "金鼎", "安捷", "联创", "中兴", "鼎盛", "明远", "诚信", "博远", "新华", "天成", "佳禾", "汇通", "盛世"]
COMPANY_TAIL = {
    "房地产": ["置业有限公司", "房地产开发公司", "地产集团"],
    "劳动关系": ["建筑工程公司", "电子厂", "物流公司", "服装厂", "机械制造公司"],
    "环境保护": ["化工厂", "塑料厂", "搅拌站", "养殖场", "印染厂"],
    "金融": ["投资咨询公司", "财富管理公司", "小额贷款公司"],
    "城乡建设": ["物业服务公司", "市政工程公司", "装饰工程公司"],
    "教育医疗": ["培训学校", "民办医院", "口腔诊所", "幼儿园"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"

# Clause templates per domain; {e} the party, {p} the place, {n}/{m}/{d}/{y} numbers.
CLAUSES = {
    "房地产": [
        "{p}的开发商{e}承诺{y}年{m}月交房", "到现在已经逾期{n}个月仍未交付", "购房合同约定的学校配套一直没有建设",
        "小区{d}栋楼外墙出现大面积裂缝", "开发商收取了{n}万元的契税却迟迟不办房产证", "交房时发现房屋面积比合同少了{d}平方米",
        "地下车库漏水严重业主车辆被泡", "开发商擅自变更规划在绿地上加建了{d}栋商铺", "物业由开发商指定收费标准每平方米{d}元明显偏高",
    ],
    "劳动关系": [
        "我们在{p}的{e}打工", "老板拖欠{n}名工人{m}个月的工资共计{d}万元", "公司一直没有给工人缴纳社会保险",
        "工地负责人说项目款没到位所以发不了工资", "我去年{m}月在车间受伤至今没有做工伤认定", "公司每天要求加班{d}小时却不给加班费",
        "单位突然通知解除劳动合同不给任何经济补偿", "工人多次找劳动监察反映但是问题没有解决", "年底{e}的包工头失联{n}多人的血汗钱没有着落",
    ],
    "环境保护": [
        "{p}附近的{e}每天夜里偷排废水", "河水已经变成黑色散发恶臭", "工厂烟囱冒出的黄烟让周边{n}户居民不敢开窗",
        "晚上{d}点以后机器噪音仍然很大影响休息", "厂区堆放的废渣在雨天流进农田", "周边村民已经有{d}人出现咳嗽症状",
        "环保部门来检查时工厂就停工检查一走又开工", "我们在{y}年{m}月就向街道反映过", "搅拌站粉尘很大附近的菜地都被覆盖",
    ],
    "金融": [
        "{p}的{e}以高息为诱饵吸收群众存款", "承诺年化收益率{d}%每月返息", "我在{y}年{m}月投入了{n}万元",
        "从今年{m}月起公司停止兑付并关门", "受害群众有{n}多人涉及金额几千万元", "公司业务员说资金由银行托管绝对安全",
        "公司负责人已经联系不上", "我们的钱是养老钱请政府帮助追回", "该公司还在{p}开了{d}家分店继续揽储",
    ],
    "城乡建设": [
        "{p}的电梯经常困人", "{e}收了物业费却不维修", "小区路灯坏了{m}个月没人修",
        "楼道里堆满杂物存在消防隐患", "{d}号楼顶层住户家里漏水已经{n}次", "小区门口的道路挖开后{m}个月没有恢复",
        "业主委员会选举被物业公司操纵", "小区公共收益{n}万元去向不明", "老旧小区改造工程质量差墙面刚刷完就脱落",
    ],
    "教育医疗": [
        "{p}的{e}违规收取费用", "每个学生要交{n}元的资料费", "孩子在{e}看病时被多收了{d}元",
        "学校食堂饭菜质量差孩子吃了拉肚子", "培训机构收了{n}元学费后突然关门", "幼儿园老师体罚孩子家长多次反映无果",
        "医院要求做不必要的检查花费{n}元", "学校把体育课改成了文化课", "{y}年{m}月签的退费协议至今没有履行",
    ],
}
REQUESTS = [
    "请求有关部门尽快调查处理", "希望政府帮助我们解决", "要求依法追究责任并赔偿损失", "请领导关注尽快给我们一个答复",
    "恳请相关部门督促解决", "要求责令整改并退还费用",
]

SYNONYMS = [
    ("拖欠", "克扣"), ("工资", "薪水"), ("老板", "老总"), ("开发商", "地产商"), ("至今", "到现在"), ("没有", "未"),
    ("请求", "恳请"), ("尽快", "抓紧"), ("希望", "盼望"), ("严重", "厉害"), ("反映", "投诉"), ("解决", "处理"),
    ("工人", "员工"), ("偷排", "偷偷排放"), ("附近", "旁边"), ("孩子", "小孩"), ("迟迟", "一直"), ("群众", "老百姓"),
    ("业主", "住户"), ("赔偿", "补偿"), ("经常", "时常"), ("费用", "钱"), ("联系不上", "找不到人"), ("已经", "早已"),
]
SIMILAR_CHARS = [("已", "己"), ("在", "再"), ("的", "地"), ("做", "作"), ("账", "帐"), ("象", "像"), ("反映", "反应"), ("按", "安"),
                 ("工", "公"), ("要", "耀"), ("问", "闻"), ("期", "其"), ("交", "教"), ("部", "步"), ("门", "们")]
FILLERS_HEAD = ["您好，", "尊敬的领导：", "我想反映一个问题，", "领导好，我是本地居民，", "我要投诉，"]
FILLERS_MID = ["说实话，", "大家都很着急，", "这个情况很多人都知道，", "我们实在没办法了，", "情况属实，"]
FILLERS_TAIL = ["谢谢！", "万分感谢。", "盼复。", "以上情况属实。", "望领导重视！"]
PERSONAL = ["我家住在{d}号楼", "我是{d}年前搬来的", "我的电话一直开机", "我们家里还有老人要照顾"]
CN_NUM = "零一二三四五六七八九"


@dataclass
class Matter:
    mid: int
    domain: str
    place: str
    party: str
    clauses: list[str]
    request: str
    numbers: dict = field(default_factory=dict)

    def text(self) -> str:
        return "，".join(self.clauses) + "。" + self.request + "。"


def _place(rng) -> str:
    return rng.choice(DISTRICTS) + rng.choice(STREETS) + rng.choice(ESTATES) + rng.choice(ESTATE_SUFFIX)


def _party(rng, domain) -> str:
    return rng.choice(COMPANY_HEAD) + rng.choice(COMPANY_TAIL.get(domain, ["有限公司"]))


# Labelled sets need a party per matter: with the 20 heads above, hundreds of matters of one
# kind would share an employer or a developer, and two such letters (the same company, the
# same kind of problem) are the same matter by the definition, yet were labelled different.
_HEAD_CHARS = "宏达永盛恒信鑫源华泰东方瑞丰金鼎安捷联创中兴明远诚新天成佳禾汇通世嘉德润康富利隆昌"


def _fresh(rng, make, taken: set | None, kind: str) -> str:
    """A value from `make` not yet in `taken` (then recorded there); any value when taken is None."""
    for _ in range(1000):
        value = make()
        if taken is None or (kind, value) not in taken:
            if taken is not None:
                taken.add((kind, value))
            return value
    raise RuntimeError(f"no unused {kind} left")


def _new_party(rng, domain, taken: set | None) -> str:
    if taken is None:
        return _party(rng, domain)
    tails = COMPANY_TAIL.get(domain, ["有限公司"])
    return _fresh(rng, lambda: "".join(rng.sample(_HEAD_CHARS, 2)) + rng.choice(tails), taken, "party")


def _numbers(rng) -> dict:
    return {"n": rng.randint(2, 400), "m": rng.randint(1, 12), "d": rng.randint(2, 60), "y": rng.randint(2018, 2025)}


def _fill(template: str, place: str, party: str, nums: dict) -> str:
    return template.format(p=place, e=party, **nums)


def make_matter(mid: int, rng: random.Random, *, domain: str | None = None, place: str | None = None, party: str | None = None,
                templates: list[str] | None = None, taken: set | None = None) -> Matter:
    """A matter; with `taken`, its place (unless given) and party are ones no other matter of the set has."""
    domain = domain or rng.choice(list(CLAUSES))
    place = place or _fresh(rng, lambda: _place(rng), taken, "place")
    party = party or _new_party(rng, domain, taken)
    pool = CLAUSES[domain]
    chosen = templates or [pool[0]] + rng.sample(pool[1:], rng.randint(2, 4))
    nums = _numbers(rng)
    # each clause gets its own numbers, so two matters built from the same template differ in their facts
    clauses = [_fill(t, place, party, _numbers(rng) if i else nums) for i, t in enumerate(chosen)]
    return Matter(mid, domain, place, party, clauses, rng.choice(REQUESTS), {"templates": chosen})


def hard_negative(base: Matter, mid: int, rng: random.Random, taken: set | None = None) -> Matter:
    """A different matter that looks close, as the issue's definition has it (same matter = the same
    concrete problem at the same concrete place or organisation):

    - the same kind of problem at another place *and* with another party (half the time in the same
      district and street, another estate): the base's clause templates, half of them shared;
    - another problem at the same place: the same estate, another kind of matter (so no clause
      restates the base's problem) and another party.

    (The first version also made "another party, other complaints" at the same place whose opening
    clause stated the base's own problem at that place, e.g. the same lifts stuck at the same estate:
    the same matter by the definition, labelled different.)
    """
    pool = CLAUSES[base.domain]
    used = base.numbers["templates"]
    party = _new_party(rng, base.domain, taken) if taken is not None else _other(rng, base.party, lambda: _party(rng, base.domain))
    if rng.random() < 0.5:
        keep = [t for t in used[1:] if rng.random() < 0.6]
        extra = [t for t in pool[1:] if t not in keep]
        templates = [pool[0]] + keep + rng.sample(extra, rng.randint(1, 2))
        district_street = base.place[: len(base.place) - len(_estate_of(base.place))] if rng.random() < 0.5 else ""
        make = lambda: (district_street or rng.choice(DISTRICTS) + rng.choice(STREETS)) + rng.choice(ESTATES) + rng.choice(ESTATE_SUFFIX)  # noqa: E731
        place = _fresh(rng, make, taken, "place") if taken is not None else _other(rng, base.place, make)
        return make_matter(mid, rng, domain=base.domain, place=place, party=party, templates=templates)
    # another problem at the same place: another kind of matter, so that no clause restates the base's
    # problem (within one kind, clauses are often symptoms of one another: dumping and a black river)
    domain = rng.choice([d for d in CLAUSES if d != base.domain])
    others = CLAUSES[domain]
    templates = [others[0]] + rng.sample(others[1:], rng.randint(2, 3))
    return make_matter(mid, rng, domain=domain, place=base.place, party=_new_party(rng, domain, taken), templates=templates)


def _other(rng: random.Random, old: str, make) -> str:
    """A value from `make` that differs from `old`."""
    for _ in range(100):
        value = make()
        if value != old:
            return value
    raise RuntimeError("no other value")


def _estate_of(place: str) -> str:
    for street in STREETS:
        if street in place:
            return place.split(street, 1)[1]
    return place


def _digits_to_chinese(s: str, rng) -> str:
    out = []
    for ch in s:
        if ch.isdigit() and rng.random() < 0.5:
            out.append(CN_NUM[int(ch)])
        else:
            out.append(ch)
    return "".join(out)


def paraphrase(m: Matter, rng: random.Random, *, strength: int = 2) -> str:
    """A restatement of the same matter by another petitioner (strength 1 light … 3 heavy)."""
    clauses = list(m.clauses)
    first, rest = clauses[0], clauses[1:]
    rng.shuffle(rest)  # clause re-ordering (the first clause, which names the place, usually stays first)
    clauses = [first] + rest
    if rng.random() < 0.3 and len(clauses) > 2:
        clauses[0], clauses[1] = clauses[1], clauses[0]  # the place may come second
    keep_first = clauses.index(first)
    if strength >= 2 and len(clauses) > 3 and rng.random() < 0.4:
        drop = rng.choice([i for i in range(len(clauses)) if i != keep_first])
        clauses.pop(drop)  # a detail left out (never the clause naming the place and party)
    if rng.random() < 0.4:
        clauses.insert(rng.randrange(1, len(clauses) + 1), rng.choice(PERSONAL).format(d=rng.randint(1, 30)))
    text = "，".join(clauses)
    subs = [p for p in SYNONYMS if p[0] in text or p[1] in text]
    rng.shuffle(subs)
    for a, b in subs[: rng.randint(1, 2 + strength)]:
        text = text.replace(a, b) if a in text else text.replace(b, a)
    typos = [p for p in SIMILAR_CHARS if p[0] in text]
    rng.shuffle(typos)
    for a, b in typos[: rng.randint(0, strength)]:
        i = text.find(a)
        text = text[:i] + b + text[i + len(a):]
    if rng.random() < 0.3:
        text = "".join(_digits_to_chinese(part, rng) if part.isdigit() and len(part) == 1 else part for part in _split_digits(text))
    parts = text.split("，")
    if rng.random() < 0.5:
        parts.insert(rng.randrange(1, len(parts) + 1), rng.choice(FILLERS_MID).rstrip("，"))
    text = "，".join(parts)
    head = rng.choice(FILLERS_HEAD) if rng.random() < 0.6 else ""
    tail = rng.choice(FILLERS_TAIL) if rng.random() < 0.5 else ""
    request = m.request
    for a, b in SYNONYMS:
        if a in request and rng.random() < 0.5:
            request = request.replace(a, b)
    return f"{head}{text}。{request}。{tail}"


def _split_digits(text: str):
    import re

    return re.split(r"(\d+)", text)


def petitioner(rng: random.Random) -> str:
    """A fake 18-digit identifier standing for a different petitioner (not a real ID number)."""
    return "".join(str(rng.randint(0, 9)) for _ in range(18))


@dataclass
class LabelledSet:
    stored: list[tuple[int, str]]  # (matter id, text) already in the system
    queries: list[tuple[int, str]]  # (matter id, text) arriving now; positive iff a stored text has the same id


def labelled_set(n_matters: int, *, seed: int = 0, paraphrases: int = 1, negatives: int = 1) -> LabelledSet:
    """Stored: each matter once plus its hard negatives. Queries: paraphrases of stored matters and fresh hard negatives."""
    rng = random.Random(seed)
    stored, queries = [], []
    taken: set = set()  # every matter its own place and party, except a negative's shared place
    mid = 0
    for _ in range(n_matters):
        base = make_matter(mid, rng, taken=taken)
        mid += 1
        stored.append((base.mid, base.text()))
        for _ in range(negatives):
            neg = hard_negative(base, mid, rng, taken)
            mid += 1
            stored.append((neg.mid, neg.text()))
        for _ in range(paraphrases):
            queries.append((base.mid, paraphrase(base, rng, strength=rng.choice((1, 2, 2, 3)))))
        neg_q = hard_negative(base, mid, rng, taken)
        mid += 1
        queries.append((neg_q.mid, neg_q.text()))
    return LabelledSet(stored, queries)


def bulk_texts(n: int, *, seed: int = 1):
    """n distinct matters' texts for the scale test (streamed)."""
    rng = random.Random(seed)
    for i in range(n):
        yield make_matter(i, rng).text()
