"""Views for investigators: interactive offline network pages and matplotlib plots.

:func:`network_view` renders graph frames as a self-contained HTML page (vis-network from the
pyvis package, inlined; our own template; every input text escaped; personal data masked by
default). The plot functions draw timelines, provinces, degree distributions,
precision–recall curves and fee accounts with a CJK font.
"""

from ringgraph.viz.fonts import cjk_font, use_cjk_font
from ringgraph.viz.network import MAX_NODES, NetworkView, network_view, summarise
from ringgraph.viz.plots import (degree_plot, fees_plot, pr_curve_plot, provinces_plot,
                                 reliability_plot, timeline_plot)

__all__ = ["MAX_NODES", "NetworkView", "network_view", "summarise", "cjk_font",
           "use_cjk_font", "timeline_plot", "reliability_plot", "provinces_plot", "degree_plot",
           "pr_curve_plot",
           "fees_plot"]
