"""登记辅助建议 under /api/v1/intake: POST a draft case, get every suggestion with reasons.

Thin: parses the draft and calls minxin.intake.suggest; duplicates shown are only
cases the caller may see; who may ask: minxin.intake.policies.
"""

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from minxin.intake import policies
from minxin.intake.suggest import record_registrar_choice, suggest_for_draft

router = Router(tags=["登记辅助"])


class DraftPetitionerIn(Schema):
    name: str = ""
    id_number: str = ""
    phone: str = ""


class DraftIn(Schema):
    subject: str = ""
    content: str = ""
    request: str = ""
    facts: str = ""
    reasons: str = ""
    area: str = Field("", description="问题属地的区划代码；不填则为登记单位所在区域")
    domain: str = Field("", description="领域代码（不填则用领域模型的建议）")
    category: str = Field("", description="suggestion/accusation/complaint（不填则用类别模型的建议）")
    accused_unit: str = Field("", description="被反映单位编码（检举控告）")
    is_litigation: bool = False
    petitioners: list[DraftPetitionerIn] = []


@router.post("/suggest", summary="登记辅助建议（分类、转送单位、诉访分离、重复件、风险信号）", url_name="intake_suggest")
def suggest(request, payload: DraftIn):
    return suggest_for_draft(payload.dict(), staff=request.auth)


class FeedbackIn(Schema):
    kind: str = Field(description="category/domain/unit/route/duplicate …")
    suggested: str = Field("", description="系统建议的值")
    confidence: float | None = None
    model: str = ""
    version: int | None = None
    chosen: str = Field(description="登记员最终选择的值")


@router.post("/cases/{case_id}/feedback", summary="记录登记员对建议的采纳情况", url_name="intake_feedback")
def feedback(request, case_id: int, payload: FeedbackIn):
    case = policies.case_for_feedback(request.auth, case_id)
    row = record_registrar_choice(
        case, {"kind": payload.kind, "label": payload.suggested, "confidence": payload.confidence, "model": payload.model,
               "version": payload.version},
        payload.chosen, staff=request.auth,
    )
    return {"kind": row.kind, "accepted": row.accepted}
