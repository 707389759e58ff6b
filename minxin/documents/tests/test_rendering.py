import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from minxin.core.errors import ValidationFailed
from minxin.documents.kinds import SPECS, DocumentKind, OpinionOutcome
from minxin.documents.rendering import render_docx
from minxin.documents.tests.samples import FULL_CONTEXT, STATUTORY_PARTS, render_context


def reopen(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def texts(d) -> list[str]:
    return [p.text for p in d.paragraphs]


def east_asia_font(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def _values(value):
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_each_kind_renders_and_reopens_with_header_number_title_addressee_and_body(kind):
    ctx = render_context(kind)
    d = reopen(render_docx(kind, ctx))
    lines = texts(d)
    body = "\n".join(lines)

    assert lines[0] == ctx["issuer"]
    assert ctx["number"] in lines
    assert SPECS[kind].title in lines
    assert f"{ctx['addressee']}：" in lines
    for key in SPECS[kind].required:
        if key in ("addressee", "outcome") or key.endswith("_on"):
            continue
        for value in _values(ctx[key]):
            assert value.rstrip("。") in body, f"{key} missing from {kind}"
    for phrase in STATUTORY_PARTS[kind]:
        assert phrase in body, f"{phrase!r} missing from {kind}"
    # 落款 and 成文日期 close the document, right-aligned.
    assert "2026年11月25日" in lines
    assert lines.index("2026年11月25日") == lines.index(ctx["issuer"], 1) + 1


def test_dates_are_written_in_chinese_style_without_leading_zeros():
    d = reopen(render_docx(DocumentKind.EXTENSION, render_context(DocumentKind.EXTENSION)))
    body = "\n".join(texts(d))
    assert "于2026年9月1日反映" in body
    assert "延长至2026年12月4日" in body


def test_layout_follows_gb_t_9704_page_fonts_and_red_header():
    d = reopen(render_docx(DocumentKind.ACCEPTANCE, render_context(DocumentKind.ACCEPTANCE)))
    section = d.sections[0]
    def mm(*lengths):
        # Word stores twips, so millimetres come back to within a hundredth.
        return tuple(round(x.mm, 1) for x in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (37, 35, 28, 26)

    header = d.paragraphs[0].runs[0]
    assert str(header.font.color.rgb) == "FF0000"
    assert east_asia_font(header) == "方正小标宋简体"

    number_par = d.paragraphs[2]
    border = number_par._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "FF0000"

    title = next(p for p in d.paragraphs if p.text == SPECS[DocumentKind.ACCEPTANCE].title)
    assert title.runs[0].font.size == Pt(22)
    assert east_asia_font(title.runs[0]) == "方正小标宋简体"

    body = next(p for p in d.paragraphs if p.text.startswith("你（你们）于"))
    assert body.runs[0].font.size == Pt(16)
    assert east_asia_font(body.runs[0]) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert 28 <= body.paragraph_format.line_spacing.pt <= 29


def test_footer_carries_a_page_number_field_between_dashes():
    d = reopen(render_docx(DocumentKind.ACCEPTANCE, render_context(DocumentKind.ACCEPTANCE)))
    footer = d.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    instr = [el.text for el in footer._p.iter(qn("w:instrText"))]
    assert instr == [" PAGE "]


def test_font_table_declares_fallbacks_for_missing_chinese_fonts():
    d = reopen(render_docx(DocumentKind.ACCEPTANCE, render_context(DocumentKind.ACCEPTANCE)))
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = next(r.target_part for r in d.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    alt = {
        f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
        for f in root.iter(qn("w:font")) if f.find(qn("w:altName")) is not None
    }
    assert alt["方正小标宋简体"] == "宋体"
    assert alt["仿宋_GB2312"] == "仿宋"


def test_cc_line_is_printed_only_when_given():
    ctx = render_context(DocumentKind.OPINION)
    without = texts(reopen(render_docx(DocumentKind.OPINION, ctx)))
    with_cc = texts(reopen(render_docx(DocumentKind.OPINION, {**ctx, "cc": ["东城区信访局", "东一街道办事处"]})))
    assert not any(t.startswith("抄送") for t in without)
    assert "抄送：东城区信访局，东一街道办事处。" in with_cc


@pytest.mark.parametrize(
    ("outcome", "sentence"),
    [
        (OpinionOutcome.SUPPORT, "本机关予以支持"),
        (OpinionOutcome.EXPLAIN, "请求事由合理但缺乏法律依据，本机关作出以上解释说明"),
        (OpinionOutcome.REJECT, "本机关不予支持"),
        ("不予支持", "本机关不予支持"),
    ],
)
def test_opinion_states_the_article_32_outcome(outcome, sentence):
    d = reopen(render_docx(DocumentKind.OPINION, {**render_context(DocumentKind.OPINION), "outcome": outcome}))
    assert sentence in "\n".join(texts(d))


def test_opinion_with_unknown_outcome_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        render_docx(DocumentKind.OPINION, {**render_context(DocumentKind.OPINION), "outcome": "部分支持"})
    assert "outcome" in exc.value.fields


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_each_required_field_is_named_when_missing(kind):
    spec = SPECS[kind]
    for key in spec.required:
        ctx = {k: v for k, v in render_context(kind).items() if k != key}
        with pytest.raises(ValidationFailed) as exc:
            render_docx(kind, ctx)
        assert key in exc.value.fields
        assert spec.label(key) in exc.value.message


def test_blank_text_counts_as_missing():
    ctx = {**render_context(DocumentKind.EXTENSION), "reason": "   "}
    with pytest.raises(ValidationFailed) as exc:
        render_docx(DocumentKind.EXTENSION, ctx)
    assert "延期理由" in exc.value.message


def test_bad_date_is_refused_with_the_field_named():
    ctx = {**render_context(DocumentKind.EXTENSION), "new_due_on": "下个月"}
    with pytest.raises(ValidationFailed) as exc:
        render_docx(DocumentKind.EXTENSION, ctx)
    assert "new_due_on" in exc.value.fields


def test_every_kind_has_a_sample_context():
    assert set(FULL_CONTEXT) == set(DocumentKind)
