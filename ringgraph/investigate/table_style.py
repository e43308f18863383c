"""How a table looks where a person reads it: text left-aligned, numbers right-aligned and
rounded (the one home for it; the notebooks, the ring browser and the verdict form use it).

JupyterLab right-aligns every cell of an HTML table, which turns a Chinese paragraph into a
ragged right-hand column. :func:`styled` aligns each column by what it holds, and
:func:`use_in_notebook` makes it the way every DataFrame left as a cell's last expression is
shown, so no notebook cell has to remember it.
"""

from __future__ import annotations

import pandas as pd

MAX_ROWS = 60
"""Rows shown at most (as pandas' own notebook display); the rest is said in one line."""

_LEFT = "text-align: left; white-space: pre-wrap;"
_RIGHT = "text-align: right;"


def _is_text(s: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)
                or pd.api.types.is_datetime64_any_dtype(s))


def styled(df: pd.DataFrame, digits: int = 2):
    """A pandas Styler of ``df``: text columns left-aligned, numbers right-aligned with
    ``digits`` decimals, headers aligned as their column, no index for a plain range index.

    >>> html = styled(pd.DataFrame({"原因": ["同一代理"], "points": [0.123]})).to_html()
    >>> "0.12" in html and "text-align: left" in html
    True
    >>> "&lt;b&gt;" in styled(pd.DataFrame({"<b>": ["<b>x</b>"]})).to_html()
    True
    """
    df = df.reset_index(drop=True) if isinstance(df.index, pd.RangeIndex) else df
    text = [c for c in df.columns if _is_text(df[c])]
    nums = [c for c in df.columns if c not in text]
    # Input text may hold markup: escaped in cells and headers, as everywhere we show it.
    sty = df.style.format(escape="html", na_rep="")
    sty = sty.format_index(escape="html", axis=1).format_index(escape="html", axis=0)
    if nums:
        sty = sty.format(precision=digits, na_rep="", thousands=",", subset=nums)
    if text:
        sty = sty.set_properties(subset=text, **_css(_LEFT))
    if nums:
        sty = sty.set_properties(subset=nums, **_css(_RIGHT))
    heads = [{"selector": f"th.col_heading.col{i}",
              "props": _LEFT if c in text else _RIGHT} for i, c in enumerate(df.columns)]
    sty = sty.set_table_styles(heads + [{"selector": "td, th", "props": "vertical-align: top;"}],
                               overwrite=False)
    if isinstance(df.index, pd.RangeIndex):
        sty = sty.hide(axis="index")
    return sty


def _css(text: str) -> dict:
    return dict(p.strip().split(": ", 1) for p in text.rstrip(";").split(";"))


def table_html(df: pd.DataFrame, digits: int = 2, max_rows: int = MAX_ROWS) -> str:
    """``df`` as HTML, styled as :func:`styled`, the first ``max_rows`` rows (and a line
    saying how many there are)."""
    shown = df.head(max_rows)
    out = styled(shown, digits).to_html()
    if len(df) > max_rows:
        out += f"<p>… {max_rows} / {len(df):,} 行 rows shown</p>"
    return out


def use_in_notebook() -> bool:
    """Show every DataFrame in this IPython kernel through :func:`table_html`; False
    outside IPython."""
    try:
        ip = get_ipython()  # noqa: F821 - defined inside IPython only
    except NameError:
        return False
    ip.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)
    return True


__all__ = ["styled", "table_html", "use_in_notebook", "MAX_ROWS"]
