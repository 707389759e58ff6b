"""The wording of each document kind's 正文, as a list of blocks.

A block is ("p", text) for an indented body paragraph or ("h", text) for a
first-level heading (一、…) set in 黑体. Wording follows the 信访工作条例 (2022)
articles each kind rests on.
"""

from django.conf import settings

from minxin.documents.context import chinese_date, due_date
from minxin.documents.kinds import DocumentKind, OpinionOutcome, spec_for

YOU = "你（你们）"


def _strip_end(text: str) -> str:
    return text.rstrip("。；;，,.！! ")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "：")) else f"{text}。"


def _matter(ctx) -> str:
    """'反映的{matter}问题' without doubling 问题 when the caller already wrote it."""
    m = _strip_end(ctx.get("matter", ""))
    if m.endswith("问题"):
        m = m[: -len("问题")]
    return f"{m}问题" if m else "问题"


def _paras(value) -> list[tuple[str, str]]:
    items = value if isinstance(value, list) else [line for line in str(value).splitlines()]
    return [("p", _sentence(v)) for v in items if v.strip()]


def _reported(ctx) -> str:
    when = f"于{chinese_date(ctx['received_on'])}" if ctx.get("received_on") else ""
    return f"{YOU}{when}反映的{_matter(ctx)}"


def _case_ref(ctx) -> str:
    who = f"信访人{ctx['petitioner']}反映的" if ctx.get("petitioner") else ""
    matter = f"{_matter(ctx)}" if ctx.get("matter") else "信访事项"
    ref = f"（信访件编号：{ctx['case_number']}）" if ctx.get("case_number") else ""
    return f"{who}{matter}{ref}"


def acceptance(ctx):
    accepted = f"已于{chinese_date(ctx['accepted_on'])}依法受理" if ctx.get("accepted_on") else "已依法受理"
    by = f"，即于{due_date(ctx, 'due_on')}前办结" if ctx.get("due_on") else ""
    return [
        ("p", f"{_reported(ctx)}，本机关{accepted}。"),
        ("p", f"根据《信访工作条例》第三十四条规定，本机关将自受理之日起60日内办结{by}；情况复杂的，经本机关负责人批准，"
              f"可以适当延长办理期限，但延长期限不得超过30日，并将延期理由告知{YOU}。"),
        ("p", "特此告知。"),
    ]


def non_acceptance(ctx):
    blocks = [
        ("p", f"{_reported(ctx)}，经审查，{_strip_end(ctx['grounds'])}。"
              f"根据{_strip_end(ctx['legal_basis'])}的规定，本机关不予受理。"),
    ]
    if ctx.get("guidance"):
        blocks.append(("p", _sentence(ctx["guidance"])))
    blocks.append(("p", "特此告知。"))
    return blocks


def _dispatch_common(ctx):
    blocks = [("h", "一、事项概况")] + _paras(ctx["summary"])
    return blocks


def transfer(ctx):
    blocks = [
        ("p", f"现将{_case_ref(ctx)}转送你单位。根据《信访工作条例》第二十二条规定，请依法处理。"),
        *_dispatch_common(ctx),
        ("h", "二、办理要求"),
        *_receipt_duties(ctx),
        ("p", "属于你单位职权范围的，请依法受理，并自受理之日起60日内办结（《信访工作条例》第三十四条）。"),
    ]
    if ctx.get("requirements"):
        blocks += _paras(ctx["requirements"])
    return blocks


def _receipt_duties(ctx):
    """Art. 23: tell the petitioner within 15 days; object within 5 working days. Dates from the clocks."""
    blocks = []
    if ctx.get("notice_due_on"):
        blocks.append(("p", f"请你单位自收到之日起15日内书面告知信访人接收情况以及处理途径和程序，即于{due_date(ctx, 'notice_due_on')}前告知"
                            "（《信访工作条例》第二十三条第二款）。"))
    blocks.append(("p", f"如认为该事项不属于你单位职权范围，请自收到之日起5个工作日内（{due_date(ctx, 'objection_due_on')}前）"
                        "向本机关提出异议并详细说明理由（《信访工作条例》第二十三条第三款）。"))
    return blocks


def assignment(ctx):
    blocks = [
        ("p", f"现将{_case_ref(ctx)}交办你单位。根据《信访工作条例》第二十二条第一款第三项规定，"
              f"请你单位依法办理，并于{due_date(ctx, 'due_on')}前将办理结果和办结报告报送本机关。"),
        *_dispatch_common(ctx),
        ("h", "二、办理要求"),
        *_receipt_duties(ctx),
    ]
    if ctx.get("requirements"):
        blocks += _paras(ctx["requirements"])
    return blocks


def extension(ctx):
    accepted = f"本机关已于{chinese_date(ctx['accepted_on'])}依法受理" if ctx.get("accepted_on") else "本机关已依法受理"
    return [
        ("p", f"{_reported(ctx)}，{accepted}。因{_strip_end(ctx['reason'])}，难以在规定期限内办结，"
              f"经本机关负责人批准，根据《信访工作条例》第三十四条规定，该事项办理期限延长至{due_date(ctx, 'new_due_on')}。"),
        ("p", "特此告知。"),
    ]


_OUTCOME_SENTENCE = {
    OpinionOutcome.SUPPORT: f"综上，{YOU}的请求事实清楚，符合法律、法规、规章或者其他有关规定，本机关予以支持。",
    OpinionOutcome.EXPLAIN: f"综上，{YOU}的请求事由合理但缺乏法律依据，本机关作出以上解释说明。",
    OpinionOutcome.REJECT: f"综上，{YOU}的请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，本机关不予支持。",
}


def _findings(ctx, *, request_heading, facts_heading, opinion_heading):
    return [
        ("h", request_heading), *_paras(ctx["request"]),
        ("h", facts_heading), *_paras(ctx["facts"]),
        ("h", opinion_heading), *_paras(ctx["opinion"]),
        ("p", f"依据：{_sentence(ctx['legal_basis'])}"),
    ]


def opinion(ctx):
    intro = f"{_reported(ctx)}，本机关已依法受理。" if ctx.get("matter") or ctx.get("received_on") else f"{YOU}反映的问题，本机关已依法受理。"
    return [
        ("p", f"{intro}经调查核实，根据《信访工作条例》第三十二条规定，现提出处理意见如下："),
        *_findings(ctx, request_heading="一、投诉请求", facts_heading="二、事实和理由", opinion_heading="三、处理意见及其法律法规依据"),
        ("p", _OUTCOME_SENTENCE[ctx["outcome"]]),
        ("p", f"根据《信访工作条例》第三十五条规定，{YOU}如对本处理意见不服，可以自收到本处理意见书之日起30日内"
              f"向{_strip_end(ctx['review_body'])}请求复查。"),
    ]


def _appeal_intro(ctx, *, step, appealed):
    issuer = f"{_strip_end(ctx['original_issuer'])}作出的" if ctx.get("original_issuer") else ""
    when = f"于{chinese_date(ctx['requested_on'])}" if ctx.get("requested_on") else ""
    return (f"{YOU}不服{issuer}{appealed}（{ctx['original_document']}），{when}提出{step}请求。"
            f"本机关已依法受理，经{step}，现提出{step}意见如下：")


def review_opinion(ctx):
    return [
        ("p", _appeal_intro(ctx, step="复查", appealed="信访事项处理意见书")),
        *_findings(ctx, request_heading="一、复查请求", facts_heading="二、复查认定的事实和理由", opinion_heading="三、复查意见及其法律法规依据"),
        ("p", f"根据《信访工作条例》第三十六条第一款规定，{YOU}如对本复查意见不服，可以自收到本复查意见书之日起30日内"
              f"向{_strip_end(ctx['recheck_body'])}请求复核。"),
    ]


def recheck_opinion(ctx):
    return [
        ("p", _appeal_intro(ctx, step="复核", appealed="信访事项复查意见书")),
        *_findings(ctx, request_heading="一、复核请求", facts_heading="二、复核认定的事实和理由", opinion_heading="三、复核意见及其法律法规依据"),
        ("p", f"本复核意见为该信访事项的最终处理意见。根据《信访工作条例》第三十六条第三款规定，{YOU}对复核意见不服，"
              "仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。"),
    ]


def not_reaccepted(ctx):
    prior = f"该事项已经{_strip_end(ctx['prior_document'])}复核终结，" if ctx.get("prior_document") else ""
    return [
        ("p", f"{_reported(ctx)}，经审查，{prior}{_strip_end(ctx['grounds'])}。"
              f"根据{_strip_end(ctx['legal_basis'])}的规定，本机关不再受理。"),
        ("p", "特此告知。"),
    ]


def completion_report(ctx):
    basis = f"根据{ctx['assignment_document']}交办要求，" if ctx.get("assignment_document") else ""
    blocks = [
        ("p", f"{basis}本单位对{_case_ref(ctx)}依法进行了办理，现已办结。现将办理情况报告如下："),
        ("h", "一、基本情况"), *_paras(ctx["summary"]),
        ("h", "二、办理过程"), *_paras(ctx["process"]),
        ("h", "三、办理结果"), *_paras(ctx["result"]),
    ]
    if ctx.get("feedback"):
        blocks += [("h", "四、信访人意见"), *_paras(ctx["feedback"])]
    blocks.append(("p", "特此报告。"))
    return blocks


def supervision(ctx):
    ref = f"（信访件编号：{ctx['case_number']}）" if ctx.get("case_number") else ""
    blocks = [
        ("p", f"关于信访事项{ref}，经查，{_strip_end(ctx['reason'])}。根据《信访工作条例》第四十条规定，现予督办。"),
        ("h", "一、事项概况"), *_paras(ctx["summary"]),
        ("h", "二、督办要求"),
        ("p", f"请你单位于{due_date(ctx, 'due_on')}前依法办理，并将办理情况书面反馈本机关。"),
    ]
    if ctx.get("requirements"):
        blocks += _paras(ctx["requirements"])
    return blocks


BODIES = {
    DocumentKind.ACCEPTANCE: acceptance,
    DocumentKind.NON_ACCEPTANCE: non_acceptance,
    DocumentKind.TRANSFER: transfer,
    DocumentKind.ASSIGNMENT: assignment,
    DocumentKind.EXTENSION: extension,
    DocumentKind.OPINION: opinion,
    DocumentKind.REVIEW_OPINION: review_opinion,
    DocumentKind.RECHECK_OPINION: recheck_opinion,
    DocumentKind.NOT_REACCEPTED: not_reaccepted,
    DocumentKind.COMPLETION_REPORT: completion_report,
    DocumentKind.SUPERVISION: supervision,
}


_CLOSINGS = ("特此告知。", "特此报告。")


def _notes(kind, ctx) -> list[tuple[str, str]]:
    """What every letter to the petitioner ends with: how to follow the case, and what 暂定 means."""
    notes = []
    if ctx.get("provisional"):
        notes.append(("p", "标注“暂定”的日期按法定节假日推算，国务院公布该年度放假安排后如有变动，本机关将另行告知。"))
    if ctx.get("query_code") and spec_for(kind).petitioner_facing:
        portal = getattr(settings, "MINXIN_PORTAL_URL", "") or "/xf/"
        how = (f"可以用手机打开网上信访（{portal}），输入查询码和登记时留下的手机号，"
               "查询办理进展，查看、下载本机关出具的文书。")
        notes.append(("p", f"{YOU}的查询码为{ctx['query_code']}，{how}请妥善保管查询码，不要告诉他人。"))
    return notes


def body_blocks(kind: str, ctx: dict) -> list[tuple[str, str]]:
    """The 正文 of `kind`, with the closing notes put before its 特此告知 line."""
    blocks = list(BODIES[kind](ctx))
    notes = _notes(kind, ctx)
    if blocks and blocks[-1] in (("p", c) for c in _CLOSINGS):
        return blocks[:-1] + notes + blocks[-1:]
    return blocks + notes
