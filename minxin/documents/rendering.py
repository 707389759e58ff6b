"""Rendering a document kind to .docx, laid out after GB/T 9704-2012 (党政机关公文格式).

`render_docx` is pure: the same kind and context give the same text, it reads
nothing from the database and writes nothing. What python-docx cannot express
(fonts embedded, the seal itself, odd/even page-number placement) is
approximated: fonts are named with East-Asian fallbacks declared in the font
table, the seal area is left blank with a "（印章）" mark, page numbers are centred.
"""

import io

from docx import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from minxin.documents.bodies import body_blocks
from minxin.documents.context import chinese_date, normalise_context
from minxin.documents.kinds import spec_for

# East-Asian typefaces of GB/T 9704 and what Word/WPS should use when they are missing.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FONT_FALLBACKS = {
    TITLE_FONT: "宋体",  # SimSun
    BODY_FONT: "仿宋",  # FangSong
    HEADING_FONT: "SimHei",
    PAGE_NUMBER_FONT: "SimSun",
}

RED = RGBColor(0xFF, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
CC_SIZE = Pt(14)  # 四号
# 22 lines to a page of 225mm type area: about 28.95pt a line.
LINE = Pt(28.95)
CHAR = BODY_SIZE  # one full-width character at 三号


def _fonts(run, east_asia: str, *, size=None, bold=False, color=None):
    run.font.name = LATIN_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
    if size is not None:
        run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(doc, text="", *, font=BODY_FONT, size=BODY_SIZE, align=None, first_line_chars=0, right_chars=0,
          left_chars=0, line=LINE, color=None, bold=False):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    if align is not None:
        p.alignment = align
    if first_line_chars:
        fmt.first_line_indent = Pt(size.pt * first_line_chars)
    if right_chars:
        fmt.right_indent = Pt(size.pt * right_chars)
    if left_chars:
        fmt.left_indent = Pt(size.pt * left_chars)
    if text:
        _fonts(p.add_run(text), font, size=size, color=color, bold=bold)
    return p


# CT_PPr children that must follow w:pBdr (ECMA-376 sequence).
_AFTER_PBDR = tuple(
    f"w:{t}" for t in (
        "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
        "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
        "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
        "rPr", "sectPr", "pPrChange",
    )
)


def _border(paragraph, side: str, *, color="FF0000", size_eighths=12, space=4):
    pPr = paragraph._p.get_or_add_pPr()
    bdr = pPr.find(qn("w:pBdr"))
    if bdr is None:
        # Word rejects a pPr whose children are out of schema order.
        bdr = pPr.insert_element_before(OxmlElement("w:pBdr"), *_AFTER_PBDR)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    bdr.append(el)


def _field(paragraph, instr: str, placeholder: str, **font):
    def run_with(child):
        r = paragraph.add_run()
        _fonts(r, PAGE_NUMBER_FONT, **font)
        r._element.append(child)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instr} "
    run_with(code)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    _fonts(paragraph.add_run(placeholder), PAGE_NUMBER_FONT, **font)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _declare_fallback_fonts(doc):
    """Add w:altName to the font table so a missing 方正小标宋简体 falls back to 宋体, etc."""
    part = next((rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    w = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, alt in FONT_FALLBACKS.items():
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        alt_el = etree.SubElement(font, f"{{{w}}}altName")
        alt_el.set(f"{{{w}}}val", alt)
        charset = etree.SubElement(font, f"{{{w}}}charset")
        charset.set(f"{{{w}}}val", "86")  # GB2312
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup(doc):
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    _declare_fallback_fonts(doc)

    # Page number "— 1 —" in 四号 宋体 (GB/T 9704 7.5).
    footer = section.footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(p.add_run("— "), PAGE_NUMBER_FONT, size=CC_SIZE)
    _field(p, "PAGE", "1", size=CC_SIZE)
    _fonts(p.add_run(" —"), PAGE_NUMBER_FONT, size=CC_SIZE)


def render_docx(kind: str, context: dict) -> bytes:
    """Render `kind` with `context` to .docx bytes. Needs context["issuer"] and ["date"] besides the kind's fields."""
    spec = spec_for(kind)
    ctx = normalise_context(kind, context, system_required=("issuer", "date"))
    doc = DocxDocument()
    _setup(doc)
    doc.core_properties.title = spec.title
    doc.core_properties.author = ctx["issuer"]
    doc.core_properties.comments = ""
    doc.core_properties.keywords = ctx.get("number", "")

    # 版头: 发文机关标志 (red 小标宋), 发文字号, red separator.
    issuer = ctx["issuer"]
    mark_size = Pt(26) if len(issuer) <= 12 else Pt(22)
    _para(doc, issuer, font=TITLE_FONT, size=mark_size, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(mark_size.pt * 1.5), color=RED)
    _para(doc)
    number = _para(doc, ctx.get("number", ""), align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(number, "bottom", size_eighths=12, space=11)
    _para(doc)

    # 标题 and 主送.
    _para(doc, spec.title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36))
    _para(doc)
    _para(doc, f"{ctx['addressee'].rstrip('：:')}：")

    # 正文.
    for style, text in body_blocks(kind, ctx):
        if style == "h":
            _para(doc, text, font=HEADING_FONT, first_line_chars=2)
        else:
            _para(doc, text, first_line_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    # 落款: leave room for the seal, which presses on 署名 and 成文日期.
    _para(doc)
    _para(doc)
    _para(doc, "（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=6)
    _para(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    _para(doc, chinese_date(ctx["date"]), align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)

    cc = ctx.get("cc")
    if cc:
        names = "，".join(cc) if isinstance(cc, list) else str(cc).rstrip("。")
        p = _para(doc, f"抄送：{names}。", size=CC_SIZE, left_chars=1, right_chars=1)
        _border(p, "top", color="000000", size_eighths=4, space=1)
        _border(p, "bottom", color="000000", size_eighths=4, space=1)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
