"""Collection conduct plots: one complaint's calls against the red lines, and agency
compliance (matplotlib, Chinese labels; figures closed in pyplot as in :mod:`.plots`)."""

from __future__ import annotations

import pandas as pd

from ringgraph.viz.plots import _figure

NIGHT_COLOUR, OVER_COLOUR, THIRD_COLOUR, OWN_COLOUR = "#3b4a6b", "#e07b39", "#c0392b", "#2e86c1"
MAX_PER_DAY = 3   # the red line drawn; the rule itself lives in ringgraph.analysis.conduct.rules


def calls_timeline_plot(calls: pd.DataFrame, title: str = "催收通话时间线 Collection calls"):
    """A complaint's calls by day and hour of day (night band shaded, third-party calls
    marked), and below, calls to the debtor per day with the 3-a-day line.

    Parameters
    ----------
    calls : DataFrame
        :func:`ringgraph.analysis.conduct.calls_of.complaint_calls` output.

    Examples
    --------
    >>> c = pd.DataFrame({"called_at": pd.to_datetime(["2025-01-02 23:10", "2025-01-02 10:00"]),
    ...                   "to_self": [True, False], "third": [False, True],
    ...                   "in_window": [True, True], "over3_day": [False, False],
    ...                   "received_at": pd.to_datetime(["2025-01-05"] * 2)})
    >>> len(calls_timeline_plot(c).axes)
    2
    """
    fig, (top, bottom) = _figure(2, figsize=(9, 5.4), sharex=True,
                                 gridspec_kw={"height_ratios": [3, 2]})
    c = calls.assign(t=pd.to_datetime(calls["called_at"]))
    c = c.assign(hour=c["t"].dt.hour + c["t"].dt.minute / 60, day=c["t"].dt.normalize())
    top.axhspan(22, 24, color=NIGHT_COLOUR, alpha=0.15, lw=0, label="夜间 22:00–08:00 night")
    top.axhspan(0, 8, color=NIGHT_COLOUR, alpha=0.15, lw=0)
    out = c[~c["in_window"]]
    own, third = c[c["in_window"] & ~c["third"]], c[c["in_window"] & c["third"]]
    top.scatter(out["t"], out["hour"], s=14, color="#bbbbbb", label="窗口外 outside window")
    top.scatter(own["t"], own["hour"], s=16, color=OWN_COLOUR, label="本人 to the debtor")
    top.scatter(third["t"], third["hour"], s=46, color=THIRD_COLOUR, marker="x",
                label="第三方 third party")
    received = pd.to_datetime(c["received_at"]).dropna()
    for ax in (top, bottom):
        if len(received):
            ax.axvline(received.iloc[0], color="black", ls="--", lw=1)
    top.set_ylim(0, 24)
    top.set_yticks([0, 6, 8, 12, 18, 22, 24])
    top.set_ylabel("时刻 hour of day")
    top.set_title(title)
    top.legend(loc="upper left", fontsize=7, ncol=2)
    per_day = c[c["to_self"] & c["in_window"]].groupby("day").size()
    colours = [OVER_COLOUR if n > MAX_PER_DAY else OWN_COLOUR for n in per_day]
    bottom.bar(per_day.index, per_day.to_numpy(), width=0.8, color=colours)
    bottom.axhline(MAX_PER_DAY, color=OVER_COLOUR, ls=":", lw=1.2,
                   label=f"每日 {MAX_PER_DAY} 次上限 3 calls a day")
    bottom.set_ylabel("每日致电本人 calls/day")
    bottom.legend(loc="upper left", fontsize=7)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def agency_plot(agencies: pd.DataFrame, title: str = "催收机构合规 Agency compliance"):
    """Violations per 1,000 calls per agency, split by red line (the ``(all)`` rows of
    :func:`ringgraph.analysis.conduct.triage.agency_compliance`).

    Examples
    --------
    >>> a = pd.DataFrame({"agency": ["甲", "乙"], "collector": ["(all)", "(all)"],
    ...                   "night_per_1000": [1.0, 5.0], "over3_per_1000": [0.5, 2.0],
    ...                   "third_party_per_1000": [0.0, 3.0]})
    >>> len(agency_plot(a).axes)
    1
    """
    a = agencies[agencies["collector"] == "(all)"].copy()
    parts = [("night_per_1000", "夜间 night", NIGHT_COLOUR),
             ("over3_per_1000", "超 3 次 over 3/day", OVER_COLOUR),
             ("third_party_per_1000", "第三方 third party", THIRD_COLOUR)]
    a["_total"] = sum(a[col] for col, _, _ in parts)
    a = a.sort_values(["_total", "agency"], ascending=[True, True])
    fig, ax = _figure(1, figsize=(8, 0.4 * len(a) + 1.4))
    ax.margins(y=0.01)
    left = pd.Series(0.0, index=a.index)
    for col, label, colour in parts:
        ax.barh(a["agency"].astype(str), a[col], left=left, color=colour, label=label)
        left = left + a[col]
    ax.set_xlabel("每千次通话违规 violations per 1,000 calls")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    return fig
