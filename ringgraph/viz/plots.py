"""Static plots for investigators and data scientists (matplotlib, Chinese labels).

Every function returns a :class:`matplotlib.figure.Figure` that is already closed in pyplot:
in a notebook it is displayed once as the cell's result, in a script nothing piles up.
A CJK font is selected first (:func:`ringgraph.viz.fonts.use_cjk_font`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ringgraph.viz.describe import LABEL_TEXT
from ringgraph.viz.fonts import use_cjk_font
from ringgraph.viz.network import STYLE


def _figure(nrows: int = 1, figsize=(9, 3.6), **kw):
    use_cjk_font()
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, 1, figsize=figsize, **kw)
    plt.close(fig)
    return fig, axes


def timeline_plot(complaints: pd.DataFrame, fees: pd.DataFrame | None = None,
                  title: str = "时间线 Timeline"):
    """Complaints per day or week (by channel) and, below, fee transfers with amounts.

    Parameters
    ----------
    complaints : DataFrame
        ``received_at`` (or ``at``) and optionally ``channel``.
    fees : DataFrame, optional
        ``at`` and ``amount`` (yuan); ``shared_payers`` > 1 marks payments into an account
        that several ring members paid.

    Examples
    --------
    >>> c = pd.DataFrame({"received_at": ["2025-01-02 10:00", "2025-01-03 11:00"],
    ...                   "channel": ["12378", "APP"]})
    >>> f = pd.DataFrame({"at": ["2025-01-01 09:00"], "amount": [5000.0]})
    >>> len(timeline_plot(c, f).axes)
    2
    """
    at_col = "received_at" if "received_at" in complaints.columns else "at"
    c = complaints.assign(t=pd.to_datetime(complaints[at_col], errors="coerce")).dropna(
        subset=["t"])
    has_fees = fees is not None and len(fees) > 0
    fig, axes = _figure(2 if has_fees else 1, figsize=(9, 4.8 if has_fees else 3.2),
                        sharex=True, squeeze=False)
    ax = axes[0, 0]
    if len(c):
        span = (c["t"].max() - c["t"].min()).days
        freq, unit = ("W-MON", "周 week") if span > 120 else ("D", "日 day")
        channel = c["channel"].fillna("").replace("", "其他") if "channel" in c else \
            pd.Series("投诉", index=c.index)
        table = (c.assign(ch=channel).groupby([pd.Grouper(key="t", freq=freq), "ch"])
                 .size().unstack(fill_value=0))
        width = 5.5 if freq == "W-MON" else 0.8
        bottom = np.zeros(len(table))
        for col in table.columns:
            ax.bar(table.index, table[col].to_numpy(), width=width, bottom=bottom, label=col)
            bottom += table[col].to_numpy()
        ax.set_ylabel(f"投诉数 / {unit}")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if len(table.columns) > 1:
            # Outside the axes: inside, the legend hides the bars it explains.
            ax.legend(title="渠道 channel", fontsize=8, title_fontsize=8, frameon=False,
                      loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(title)
    if has_fees:
        f = fees.assign(t=pd.to_datetime(fees["at"], errors="coerce"),
                        amount=pd.to_numeric(fees["amount"], errors="coerce")).dropna(
            subset=["t", "amount"])
        ax2 = axes[1, 0]
        shared = f["shared_payers"].fillna(0) > 1 if "shared_payers" in f else \
            pd.Series(True, index=f.index)
        ax2.scatter(f.loc[~shared, "t"], f.loc[~shared, "amount"], s=14, c="#bab0ac",
                    label="其他付款 other payments")
        ax2.scatter(f.loc[shared, "t"], f.loc[shared, "amount"], s=22, c="#9c755f",
                    label="向共用账户付款 to a shared account")
        ax2.set_ylabel("金额 ¥")
        if len(f) and f["amount"].max() > 20 * max(f["amount"].min(), 1):
            ax2.set_yscale("log")
        ax2.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax2.set_title("付款 Fee transfers", fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def provinces_plot(counts: pd.Series, title: str = "省份分布 Provinces"):
    """Horizontal bars: complaints (or borrowers) per province, largest on top.

    >>> provinces_plot(pd.Series({"湖南": 5, "广东": 3})).axes[0].get_title()
    '省份分布 Provinces'
    """
    s = counts[counts.index.astype(str) != ""].sort_values()
    fig, ax = _figure(figsize=(6, 0.28 * max(len(s), 3) + 1.2))
    ax.barh(s.index.astype(str), s.to_numpy(), color="#4e79a7")
    for y, v in enumerate(s.to_numpy()):
        ax.text(v, y, f" {v}", va="center", fontsize=8)
    ax.set_title(title)
    ax.set_xlabel("数量 count")
    fig.tight_layout()
    return fig


def degree_plot(degrees: pd.DataFrame, title: str = "度分布 Degree distribution"):
    """Complementary CDF of node degree per label, log–log: hubs show as long tails.

    Parameters
    ----------
    degrees : DataFrame
        ``label, degree`` (one row per node), e.g. from
        :func:`ringgraph.investigate.degrees`.

    >>> d = pd.DataFrame({"label": ["Phone"] * 3, "degree": [1, 2, 9]})
    >>> degree_plot(d).axes[0].get_xscale()
    'log'
    """
    fig, ax = _figure(figsize=(8.5, 4.2))
    for label, g in degrees.groupby("label", sort=False):
        d = np.sort(g["degree"].to_numpy())
        d = d[d > 0]
        if not len(d):
            continue
        ccdf = 1.0 - np.arange(len(d)) / len(d)
        ax.step(d, ccdf, where="post", label=LABEL_TEXT.get(label, label),
                color=STYLE.get(label, ("#999",))[0])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("度 degree (关系数 relationships)")
    ax.set_ylabel("P(度 ≥ x)")
    ax.set_title(title)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def pr_curve_plot(curves: pd.DataFrame, title: str = "精确率–召回率 Precision–recall"):
    """Ring-level precision–recall curves over the score threshold, one per detector.

    Parameters
    ----------
    curves : DataFrame
        ``detector, threshold, precision, recall`` (as from
        :func:`ringgraph.investigate.pr_curve`).

    >>> c = pd.DataFrame({"detector": "leiden", "threshold": [0.3, 0.5],
    ...                   "precision": [0.6, 0.9], "recall": [0.9, 0.7]})
    >>> pr_curve_plot(c).axes[0].get_xlabel()
    '召回率 recall'
    """
    fig, ax = _figure(figsize=(6, 4.5))
    for det, g in curves.groupby("detector", sort=False):
        g = g.sort_values("threshold")
        line, = ax.plot(g["recall"], g["precision"], marker="o", ms=3, label=det)
        for r in g.iloc[:: max(1, len(g) // 5)].itertuples():
            ax.annotate(f"{r.threshold:.2f}", (r.recall, r.precision), fontsize=7,
                        color=line.get_color(), xytext=(3, 3), textcoords="offset points")
    ax.set_xlim(0, 1.05)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("召回率 recall")
    ax.set_ylabel("精确率 precision")
    ax.set_title(title)
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def reliability_plot(prob, label, bins: int = 10,
                     title: str = "可靠性 Reliability (calibration)"):
    """Predicted probability against how often communities like that were rings.

    A calibrated scorer lies on the diagonal: of communities scored 0.8, 80 % were rings.

    >>> reliability_plot([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]).axes[0].get_xlabel()
    '预测概率 predicted probability'
    """
    prob, label = np.asarray(prob, dtype=float), np.asarray(label, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(prob, edges) - 1, 0, bins - 1)
    used = [b for b in range(bins) if (which == b).any()]
    fig, ax = _figure(figsize=(5, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", color="#999999", lw=1)
    ax.plot([prob[which == b].mean() for b in used], [label[which == b].mean() for b in used],
            marker="o")
    for b in used:
        ax.annotate(f"{int((which == b).sum())}", (prob[which == b].mean(),
                                                   label[which == b].mean()),
                    fontsize=7, xytext=(3, -9), textcoords="offset points")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("预测概率 predicted probability")
    ax.set_ylabel("实际为团伙的比例 share that were rings")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def fees_plot(fees: pd.DataFrame, title: str = "收款账户 Fee accounts"):
    """Total paid into each account by ring members, with the number of payers.

    ``fees`` has ``account`` (display value), ``amount`` and ``payer``.

    >>> f = pd.DataFrame({"account": ["6222****7890"] * 2, "amount": [500.0, 800.0],
    ...                   "payer": ["张*", "李*"]})
    >>> fees_plot(f).axes[0].get_title()
    '收款账户 Fee accounts'
    """
    g = (fees.groupby("account").agg(total=("amount", "sum"), payers=("payer", "nunique"))
         .sort_values("total").tail(15))
    fig, ax = _figure(figsize=(7, 0.3 * max(len(g), 3) + 1.2))
    ax.barh(g.index.astype(str), g["total"].to_numpy(), color="#9c755f")
    for y, (total, payers) in enumerate(zip(g["total"], g["payers"])):
        ax.text(total, y, f" ¥{total:,.0f} · {payers} 人付款", va="center", fontsize=8)
    ax.set_xlabel("金额 ¥")
    ax.set_title(title)
    ax.margins(x=0.3)
    fig.tight_layout()
    return fig
