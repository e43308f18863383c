"""The case report as PDF with an embedded CJK font (fpdf2).

The PDF must show Chinese on a machine that has no Chinese font, so the font travels inside
it: fpdf2 subsets the CJK font to the glyphs the report uses and embeds that subset (with a
ToUnicode map, so the text can be searched and copied). The font is taken from the system:

1. ``$RINGGRAPH_PDF_FONT`` (``/path/font.ttf``, ``.otf`` or ``.ttc``; ``path.ttc#2`` picks a
   face of a collection), else
2. the CJK font matplotlib uses (:func:`ringgraph.viz.fonts.cjk_font`, e.g. Debian's
   ``fonts-noto-cjk``, installed by ``scripts/system-deps.sh``), else
3. well-known locations of Noto Sans CJK, Source Han Sans, WenQuanYi and Droid Sans
   Fallback.

Reproducible bytes: the creation date is fixed (``$SOURCE_DATE_EPOCH``, else
1980-01-01T00:00:00Z, as in the pack's zip; the real time is ``generated_at`` in
``manifest.json``) and the file id derives from the content.
"""

from __future__ import annotations

import io
import logging
import os
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from ringgraph.evidence.pii_modes import EvidenceError
from ringgraph.core.atomic import write_bytes
from ringgraph.evidence.report_model import (Bullets, Compare, Figure, KeyValues, Paragraph, Report, Table)

FONT_ENV = "RINGGRAPH_PDF_FONT"
FIXED_DATE = datetime(1980, 1, 1, tzinfo=timezone.utc)
_KNOWN = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
_PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN")
NO_FONT = (f"no CJK font for report.pdf: install one (Debian: `apt-get install "
           f"fonts-noto-cjk`, or run scripts/system-deps.sh) or set ${FONT_ENV} to a "
           f".ttf/.otf/.ttc file")


def creation_date() -> datetime:
    """The fixed creation date written into every PDF (see the module docstring)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return FIXED_DATE


def _face_index(path: str) -> int | None:
    """Index of the best face in a font file (a simplified-Chinese face of a collection),
    or ``None`` when the file has no CJK glyphs."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.lower().endswith((".ttc", ".otc")):
            fonts = TTCollection(path, lazy=True).fonts
        else:
            fonts = [TTFont(path, lazy=True)]
    except Exception:  # noqa: BLE001 - any unreadable file is simply not a candidate
        return None
    best = None
    for i, f in enumerate(fonts):
        try:
            cmap = f.getBestCmap() or {}
            names = {str(f["name"].getDebugName(n) or "") for n in (1, 16)}
        except Exception:  # noqa: BLE001
            continue
        if 0x4E2D not in cmap or 0x6587 not in cmap:  # 中, 文
            continue
        if names & set(_PREFERRED):
            return i
        if best is None:
            best = i
    return best


@lru_cache(maxsize=4)
def find_cjk_font(override: str | None = None) -> tuple[str, int, str | None]:
    """``(regular file, face index, bold file or None)`` of a CJK font to embed.

    Raises
    ------
    EvidenceError
        No usable CJK font (one line naming what to install).
    """
    if override:
        path, _, idx = override.partition("#")
        if not Path(path).is_file():
            raise EvidenceError(f"${FONT_ENV}={path}: no such font file")
        face = int(idx) if idx.isdigit() else _face_index(path)
        if face is None:
            raise EvidenceError(f"${FONT_ENV}={path}: the font has no Chinese glyphs")
        return path, face, None
    candidates: list[str] = []
    try:
        from matplotlib import font_manager

        from ringgraph.viz.fonts import cjk_font

        family = cjk_font()
        if family:
            candidates.append(font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False))
    except (ImportError, ValueError):
        pass
    candidates += [p for p in _KNOWN if Path(p).is_file()]
    for path in candidates:
        face = _face_index(path)
        if face is not None:
            bold = path.replace("Regular", "Bold")
            return path, face, bold if bold != path and Path(bold).is_file() else None
    raise EvidenceError(NO_FONT)


# Latin words and numbers stay whole when wrapping; everything else breaks per character.
_TOKENS = re.compile(r"[A-Za-z0-9_.,:;!?'\"()\[\]{}<>/@#%&+*=\\|~^$-]+|\s+|.")


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _PDF:
    """A thin layout layer over fpdf2 for the report's block types."""

    def __init__(self, report: Report) -> None:
        from fpdf import FPDF

        override = os.environ.get(FONT_ENV) or None
        regular, face, bold = find_cjk_font(override)
        footer = report.footer

        class Doc(FPDF):
            def footer(self) -> None:  # noqa: D401 - fpdf2 hook
                self.set_y(-11)
                self.set_font("cjk", "", 7)
                self.set_text_color(120, 120, 120)
                self.cell(0, 5, f"{footer} · 第 {self.page_no()}/{{nb}} 页 page", align="C")

        pdf = Doc(orientation="P", unit="mm", format="A4")
        pdf.set_margins(12, 12, 12)
        pdf.set_auto_page_break(True, margin=14)
        # One face only: every embedded face is subset and compiled on output (seconds
        # for a CJK font), so emphasis is by size and colour, not by a bold face.
        pdf.add_font("cjk", "", regular, collection_font_number=face)
        for font in pdf.fonts.values():
            tt = getattr(font, "ttfont", None)
            if tt is not None:
                # Keep the whole font's bounding box instead of recomputing it from every
                # subset glyph's outline (CFF charstrings are interpreted one by one: ~half
                # the PDF's time); a box larger than needed is harmless.
                tt.recalcBBoxes = False
        pdf.set_creation_date(creation_date())
        pdf.set_title(report.title)
        pdf.set_creator("ringgraph")
        pdf.set_producer("ringgraph (fpdf2)")
        pdf.set_lang("zh-CN")
        self.pdf = pdf
        self.report = report
        self._widths: dict[str, float] = {}

    # -- blocks ------------------------------------------------------------------------
    def heading(self, zh: str, en: str) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("cjk", "", 12.5)
        pdf.set_text_color(20, 20, 20)
        pdf.cell(0, 7, f"{zh}  {en}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(150, 150, 150)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)

    def paragraph(self, text: str, kind: str = "", size: float = 8.5,
                  indent: float = 0.0) -> None:
        pdf = self.pdf
        pdf.set_font("cjk", "", size)
        colour = {"warn": (150, 50, 0), "note": (90, 90, 90)}.get(kind, (30, 30, 30))
        pdf.set_text_color(*colour)
        lh = size * 0.5
        for line in self.wrap(text, pdf.epw - indent, size, max_lines=400):
            if pdf.get_y() + lh > pdf.h - pdf.b_margin:
                pdf.add_page()
            y = pdf.get_y()
            if line:
                pdf.text(pdf.l_margin + indent, y + 0.8 * lh, line)
            pdf.set_xy(pdf.l_margin, y + lh)
        pdf.ln(1)
        pdf.set_text_color(30, 30, 30)

    # Tables are laid out here rather than with fpdf2's table(): that one runs its
    # multi_cell line breaker twice per cell (seconds for a few thousand cells); this one
    # measures each character once per size and draws lines with text().
    def _char_width(self, ch: str) -> float:
        w = self._widths.get(ch)
        if w is None:
            size = self.pdf.font_size_pt
            self.pdf.set_font_size(10)
            w = self.pdf.get_string_width(ch) / 10.0
            self.pdf.set_font_size(size)
            self._widths[ch] = w
        return w

    def wrap(self, text: str, width: float, size: float, max_lines: int = 40) -> list[str]:
        """Lines of ``text`` fitting ``width`` mm at ``size`` pt: breaks between Chinese
        characters anywhere, Latin words at spaces (a word too long for a line is split)."""
        lines: list[str] = []
        for para in str(text).split("\n"):
            cur, w = "", 0.0
            for tok in _TOKENS.findall(para):
                tw = sum(self._char_width(c) for c in tok) * size
                if w + tw <= width or not cur.strip():
                    if tw > width:  # split a long token character by character
                        for c in tok:
                            cw = self._char_width(c) * size
                            if w + cw > width and cur:
                                lines.append(cur)
                                cur, w = "", 0.0
                            cur, w = cur + c, w + cw
                        continue
                    cur, w = cur + tok, w + tw
                else:
                    lines.append(cur.rstrip())
                    cur, w = ("", 0.0) if tok.isspace() else (tok, tw)
            lines.append(cur.rstrip())
        if len(lines) > max_lines:
            lines = lines[:max_lines - 1] + [lines[max_lines - 1][:-1] + "…"]
        return lines

    def table(self, columns, rows, widths=None, font_size: float = 7.0,
              long_column: int | None = None, note: str = "") -> None:
        pdf = self.pdf
        ncols = len(columns) if columns else (len(rows[0]) if rows else 0)
        if not ncols:
            return
        widths = widths or [1.0] * ncols
        total = sum(widths)
        col_w = [pdf.epw * w / total for w in widths]
        pad, lh = 0.9, font_size * 0.42
        limit = 70 if long_column is not None else 400
        bottom = pdf.h - pdf.b_margin

        def cells(values, size):
            return [self.wrap(_short(v, limit) if i == long_column else _short(v, 400),
                              col_w[i] - 2 * pad, size) for i, v in enumerate(values)]

        def draw(lines, head: bool) -> None:
            h = max(len(x) for x in lines) * lh + 2 * pad
            if pdf.get_y() + h > bottom:
                pdf.add_page()
                if columns and not head:
                    draw(header, True)
            x, y = pdf.l_margin, pdf.get_y()
            pdf.set_draw_color(190, 190, 190)
            pdf.set_line_width(0.15)
            for i, cell_lines in enumerate(lines):
                if head:
                    pdf.set_fill_color(232, 232, 232)
                    pdf.rect(x, y, col_w[i], h, style="DF")
                else:
                    pdf.rect(x, y, col_w[i], h)
                pdf.set_text_color(0, 0, 0) if head else pdf.set_text_color(30, 30, 30)
                for j, line in enumerate(cell_lines):
                    if line:
                        pdf.text(x + pad, y + pad + (j + 0.78) * lh, line)
                x += col_w[i]
            pdf.set_xy(pdf.l_margin, y + h)

        pdf.set_font("cjk", "", font_size)
        header = cells(columns, font_size) if columns else []
        if columns:
            if pdf.get_y() + 3 * lh + 4 * pad > bottom:
                pdf.add_page()
            draw(header, True)
        for r in rows:
            draw(cells(r, font_size), False)
        if note:
            pdf.ln(0.8)
            self.paragraph(note, "note", size=7)
        pdf.ln(2.5)

    def figure(self, fig: Figure) -> None:
        pdf = self.pdf
        from PIL import Image

        with Image.open(io.BytesIO(fig.png)) as im:
            w_px, h_px = im.size
        # Plots are drawn at 110 dpi; show them at about their natural size, never taller
        # than half a page.
        width = min(pdf.epw, w_px / 110 * 25.4 * 0.8)
        height = width * h_px / w_px
        if height > 120:
            width, height = width * 120 / height, 120
        if pdf.get_y() + height > pdf.h - 16:
            pdf.add_page()
        pdf.image(io.BytesIO(fig.png), x=pdf.l_margin, w=width, h=height)
        pdf.set_font("cjk", "", 7)
        pdf.set_text_color(100, 100, 100)
        pdf.cell(0, 4, f"{fig.caption} ({fig.name})", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(30, 30, 30)
        pdf.ln(1)

    def compare(self, block: Compare) -> None:
        pdf = self.pdf
        self.paragraph(block.note, "note")
        for head, segs in block.columns:
            pdf.set_font("cjk", "", 7.5)
            pdf.set_text_color(90, 90, 90)
            pdf.multi_cell(0, 4, head, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
            for text, shared in segs:
                # Shared passages in bold dark orange (a highlight would need drawing).
                pdf.set_font("cjk", "" if shared else "", 8)
                pdf.set_text_color(*((170, 70, 0) if shared else (30, 30, 30)))
                pdf.write(4.3, text, wrapmode="CHAR")
            pdf.ln(6)
        pdf.set_text_color(30, 30, 30)

    # -- document ----------------------------------------------------------------------
    def build(self) -> bytes:
        pdf, report = self.pdf, self.report
        pdf.add_page()
        pdf.set_font("cjk", "", 16)
        pdf.multi_cell(0, 8, report.title, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", "", 9)
        pdf.set_text_color(70, 70, 70)
        pdf.multi_cell(0, 5, report.subtitle, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(30, 30, 30)
        for s in report.sections:
            self.heading(s.zh, s.en)
            for b in s.blocks:
                if isinstance(b, KeyValues):
                    self.table([], [[k, v] for k, v in b.items], widths=[0.3, 0.7],
                               font_size=7.5)
                elif isinstance(b, Table):
                    self.table(b.columns, b.rows, b.widths, long_column=b.long_column,
                               note=b.note, font_size=6.5 if len(b.columns) > 7 else 7.0)
                elif isinstance(b, Paragraph):
                    self.paragraph(b.text, b.kind)
                elif isinstance(b, Bullets):
                    for item in b.items:
                        self.paragraph("• " + item, indent=2.0)
                elif isinstance(b, Figure):
                    self.figure(b)
                elif isinstance(b, Compare):
                    self.compare(b)
        return bytes(pdf.output())


@contextmanager
def _quiet_loggers():
    """fpdf2 logs the characters a font lacks ("missing glyphs: '…'"); those come from
    complaint texts and names, and personal data never goes to logs."""
    loggers = [logging.getLogger(n) for n in ("fpdf", "fontTools")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (CJK font subset embedded).

    Raises
    ------
    EvidenceError
        No CJK font is available (see :func:`find_cjk_font`).
    """
    with _quiet_loggers():
        return _PDF(report).build()


def write_pdf(report: Report, path: Path) -> Path:
    """Write the report PDF."""
    write_bytes(path, render_pdf(report))
    return path
