"""A plain report document in the GB/T 9704 layout of minxin.documents.rendering (title, headings, body, tables)."""

import io

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from minxin.documents.rendering import (
    BODY_FONT, HEADING_FONT, TITLE_FONT, TITLE_SIZE, _declare_fallback_fonts, _fonts, _para, _setup,
)

TABLE_SIZE = Pt(12)


class Report:
    def __init__(self, title: str, subtitle: str = ""):
        self.doc = DocxDocument()
        _setup(self.doc)
        _declare_fallback_fonts(self.doc)
        _para(self.doc, title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36))
        if subtitle:
            _para(self.doc, subtitle, align=WD_ALIGN_PARAGRAPH.CENTER)
        _para(self.doc)

    def heading(self, text: str):
        _para(self.doc, text, font=HEADING_FONT, first_line_chars=2)

    def body(self, text: str):
        _para(self.doc, text, font=BODY_FONT, first_line_chars=2)

    def table(self, headers: list[str], rows: list[list]):
        t = self.doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        for cell, h in zip(t.rows[0].cells, headers):
            cell.text = ""
            _fonts(cell.paragraphs[0].add_run(str(h)), HEADING_FONT, size=TABLE_SIZE)
        for row in rows:
            cells = t.add_row().cells
            for cell, v in zip(cells, row):
                cell.text = ""
                _fonts(cell.paragraphs[0].add_run("" if v is None else str(v)), BODY_FONT, size=TABLE_SIZE)
        return t

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def pct(num, den) -> str:
    return "—" if not den else f"{100 * num / den:.1f}%"
