"""Small labelled message sets made from templates, so tests never need the real data."""

import random

PLACES = ["阳光小区", "幸福家园", "滨江花园", "东湖新村", "锦绣华庭", "金桥社区", "南门街道", "城北新区"]
CLASSES = {
    "城乡建设": {
        "templates": [
            "{p}的物业不作为，楼道{x}长期没人管",
            "{p}小区{x}问题严重，请住建部门尽快处理",
            "反映{p}违章搭建和{x}的问题",
            "{p}开发商延期交房，{x}一直没有解决",
        ],
        "fills": ["电梯故障", "外墙脱落", "违建", "房屋漏水", "燃气管道", "物业费", "拆迁安置", "小区绿化"],
    },
    "劳动和社会保障": {
        "templates": [
            "{p}附近的工厂拖欠{x}，工人讨薪无门",
            "我在{p}的公司上班，单位不给{x}",
            "请求人社部门帮助解决{x}的问题，地点在{p}",
            "{p}用人单位违法解除劳动合同，{x}没有着落",
        ],
        "fills": ["工资", "社保", "养老保险", "加班费", "失业金", "工伤赔偿", "医保缴费", "经济补偿金"],
    },
    "教育文体": {
        "templates": [
            "{p}的学校乱收{x}，家长意见很大",
            "孩子在{p}上学，学校{x}不合理",
            "{p}附近的幼儿园{x}问题，请教育局调查",
            "反映{p}中学{x}的情况，希望教育部门重视",
        ],
        "fills": ["补课费", "教辅资料费", "招生划片", "校车安全", "食堂伙食", "学位分配", "课后托管", "体育场馆开放"],
    },
}


def messages(per_class: int = 40, seed: int = 0) -> list[tuple[str, str]]:
    """(raw text, label) pairs, per_class of each label, shuffled."""
    rng = random.Random(seed)
    out = []
    for label, spec in CLASSES.items():
        for _ in range(per_class):
            text = rng.choice(spec["templates"]).format(p=rng.choice(PLACES), x=rng.choice(spec["fills"]))
            out.append((text, label))
    rng.shuffle(out)
    return out


def segmented(text: str) -> str:
    """The same text as jieba-segmented exports carry it: words separated by spaces."""
    from minxin.intake.classify.text import words

    return " ".join(w for w in words(text) if w.strip())
