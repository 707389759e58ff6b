"""Complete contexts per kind, as the lifecycle services would pass them."""

from minxin.documents.kinds import DocumentKind

# A complete context for each kind, as the lifecycle services would pass it.
FULL_CONTEXT = {
    DocumentKind.ACCEPTANCE: {
        "addressee": "张某某", "received_on": "2026-11-10", "matter": "小区电梯长期停运", "accepted_on": "2026-11-12",
        "query_code": "Q7K2M9",
    },
    DocumentKind.NON_ACCEPTANCE: {
        "addressee": "张某某", "received_on": "2026-11-10", "matter": "小区电梯长期停运",
        "grounds": "该事项已由东城区住房和城乡建设局受理并在办理期限内",
        "legal_basis": "《信访工作条例》第十九条第三款", "guidance": "请等待东城区住房和城乡建设局的处理意见",
    },
    DocumentKind.TRANSFER: {
        "addressee": "东城区住房和城乡建设局", "petitioner": "张某某", "matter": "小区电梯长期停运",
        "summary": "信访人反映东一社区某小区3号楼电梯自2026年3月起停运，物业公司拒不维修。",
        "notice_due_on": "2026-12-10", "objection_due_on": "2026-12-02",
    },
    DocumentKind.ASSIGNMENT: {
        "addressee": "东一街道办事处", "petitioner": "李某某", "summary": "信访人反映拖欠工资问题。",
        "due_on": "2027-01-10", "notice_due_on": "2026-12-10", "objection_due_on": "2026-12-02",
        "requirements": "请重点核实用工合同和工资发放记录",
    },
    DocumentKind.EXTENSION: {
        "addressee": "张某某", "received_on": "2026-09-01", "accepted_on": "2026-09-05", "matter": "小区电梯长期停运",
        "reason": "涉及多个产权单位，需进一步调查核实", "new_due_on": "2026-12-04",
    },
    DocumentKind.OPINION: {
        "addressee": "张某某", "matter": "小区电梯长期停运", "request": "要求物业公司修复3号楼电梯",
        "facts": ["经查，3号楼电梯自2026年3月起停运。", "物业公司以维修资金不足为由未予维修。"],
        "opinion": "责令物业公司于30日内完成维修，维修资金按规定列支", "legal_basis": "《物业管理条例》第三十五条",
        "outcome": "support",
    },
    DocumentKind.REVIEW_OPINION: {
        "addressee": "张某某", "original_issuer": "东城区住房和城乡建设局", "original_document": "东住建信处意〔2026〕1号",
        "requested_on": "2026-11-01", "request": "要求由物业公司承担全部维修费用",
        "facts": "原处理意见认定事实清楚", "opinion": "维持原处理意见", "legal_basis": "《物业管理条例》第三十五条",
    },
    DocumentKind.RECHECK_OPINION: {
        "addressee": "张某某", "original_document": "示住建信复查〔2026〕2号", "request": "要求撤销复查意见",
        "facts": "复查意见认定事实清楚，适用依据正确", "opinion": "维持复查意见", "legal_basis": "《信访工作条例》第三十六条",
    },
    DocumentKind.NOT_REACCEPTED: {
        "addressee": "张某某", "received_on": "2026-11-20", "matter": "小区电梯长期停运",
        "prior_document": "示信复核〔2026〕1号", "grounds": "你以同一事实和理由再次提出投诉请求",
        "legal_basis": "《信访工作条例》第三十六条第三款",
    },
    DocumentKind.COMPLETION_REPORT: {
        "addressee": "东城区信访局", "assignment_document": "东信交〔2026〕4号", "petitioner": "李某某",
        "summary": "信访人反映某公司拖欠工资6个月。", "process": "本单位约谈了公司负责人并核查了工资台账。",
        "result": "公司已于2026年11月20日足额支付拖欠工资。", "feedback": "信访人表示满意",
    },
    DocumentKind.SUPERVISION: {
        "addressee": "东城区住房和城乡建设局", "summary": "信访人反映小区电梯停运问题。",
        "reason": "该事项已超过办理期限仍未办结", "due_on": "2026-12-10",
    },
}


def render_context(kind: str) -> dict:
    """FULL_CONTEXT plus what issue_document fills in, for calling render_docx directly."""
    return {
        **FULL_CONTEXT[kind],
        "issuer": "东城区住房和城乡建设局",
        "date": "2026-11-25",
        "number": "东住建信受告〔2026〕7号",
        "case_number": "DC2026000123",
        "review_body": "示范市住房和城乡建设局",
        "recheck_body": "示范市人民政府",
    }


# Sentences the regulation requires in each kind (beyond the caller's own text).
STATUTORY_PARTS = {
    DocumentKind.ACCEPTANCE: ["第三十四条", "60日内办结", "不得超过30日"],
    DocumentKind.NON_ACCEPTANCE: ["本机关不予受理"],
    DocumentKind.TRANSFER: ["转送你单位", "15日内书面告知信访人", "5个工作日内"],
    DocumentKind.ASSIGNMENT: ["交办你单位", "办结报告"],
    DocumentKind.EXTENSION: ["第三十四条", "经本机关负责人批准"],
    DocumentKind.OPINION: ["一、投诉请求", "二、事实和理由", "三、处理意见及其法律法规依据", "本机关予以支持",
                           "第三十五条", "30日内向示范市住房和城乡建设局请求复查"],
    DocumentKind.REVIEW_OPINION: ["一、复查请求", "第三十六条", "30日内向示范市人民政府请求复核"],
    DocumentKind.RECHECK_OPINION: ["一、复核请求", "第三十六条第三款", "同一事实和理由", "不再受理"],
    DocumentKind.NOT_REACCEPTED: ["本机关不再受理"],
    DocumentKind.COMPLETION_REPORT: ["一、基本情况", "二、办理过程", "三、办理结果", "特此报告"],
    DocumentKind.SUPERVISION: ["第四十条", "现予督办"],
}
