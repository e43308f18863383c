"""Complaint texts side by side, with the passages they share marked (template scripts)."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ringgraph.core.textsim import char_grams, jaccard


@dataclass
class SideBySide:
    """Complaint texts in columns, passages shared by all of them marked; displays as HTML
    in a notebook (every text escaped)."""

    frame: pd.DataFrame
    marks: list[list[tuple[str, bool]]]
    similarity: float

    def _repr_html_(self) -> str:
        cells = []
        for (_, row), segs in zip(self.frame.iterrows(), self.marks):
            body = "".join(f"<mark>{html.escape(t)}</mark>" if shared else html.escape(t)
                           for t, shared in segs)
            head = html.escape(f"{row['complaint_id']} · {row['received_at']} · "
                               f"{row['province']} · {row['borrower']}")
            cells.append(f'<td style="vertical-align:top;padding:6px;border:1px solid #ddd;'
                         f'width:{100 // max(1, len(self.marks))}%"><div style="color:#555;'
                         f'font-size:11px;margin-bottom:4px">{head}</div>'
                         f'<div style="line-height:1.6">{body}</div></td>')
        note = html.escape(f"平均相似度 mean similarity (4-gram Jaccard): {self.similarity:.2f}；"
                           f"<mark> 标出所有文本共有的段落 marks passages all texts share")
        return (f'<p style="font-size:12px;color:#555">{note}</p>'
                f'<table style="border-collapse:collapse;width:100%"><tr>{"".join(cells)}'
                f'</tr></table>')

    def __repr__(self) -> str:
        return "\n\n".join(f"[{r.complaint_id}] {r.text}" for r in self.frame.itertuples())


def side_by_side(complaints: pd.DataFrame, n: int = 3, min_run: int = 6) -> SideBySide:
    """Pick the ``n`` most typical texts and mark runs of ≥ ``min_run`` characters that
    occur in all of them.

    >>> c = pd.DataFrame({"complaint_id": ["A", "B"], "received_at": ["", ""],
    ...                   "province": ["", ""], "borrower": ["", ""],
    ...                   "text": ["本人要求停息挂账并精神赔偿<b>", "我们要求停息挂账并精神赔偿"]})
    >>> s = side_by_side(c, n=2)
    >>> [t for t, shared in s.marks[0] if shared]
    ['要求停息挂账并精神赔偿']
    >>> "&lt;b&gt;" in s._repr_html_()
    True
    """
    c = complaints[complaints["text"].fillna("") != ""].reset_index(drop=True)
    if not len(c):
        return SideBySide(c, [], 0.0)
    grams = [char_grams(t) for t in c["text"]]
    k = len(grams)
    sim = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            sim[i, j] = sim[j, i] = jaccard(grams[i], grams[j])
    typical = sim.sum(axis=1) / max(1, k - 1)
    chosen = list(np.argsort(-typical, kind="stable")[:n])
    texts = [c.loc[i, "text"] for i in chosen]
    common = set.intersection(*[char_grams(t, min_run) for t in texts]) if texts else set()
    marks = []
    for t in texts:
        flag = np.zeros(len(t), dtype=bool)
        for i in range(max(0, len(t) - min_run + 1)):
            if t[i:i + min_run] in common:
                flag[i:i + min_run] = True
        segs, start = [], 0
        for i in range(1, len(t) + 1):
            if i == len(t) or flag[i] != flag[start]:
                segs.append((t[start:i], bool(flag[start])))
                start = i
        marks.append(segs)
    pair = [sim[a, b] for a in chosen for b in chosen if a < b]
    return SideBySide(c.loc[chosen].reset_index(drop=True), marks,
                      float(np.mean(pair)) if pair else 1.0)
