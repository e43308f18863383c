"""A CJK font for matplotlib, so Chinese labels render as text instead of tofu boxes.

The project installs Debian's ``fonts-noto-cjk`` in its test setup (``scripts/system-deps.sh``,
run by ``make test``); on other machines any of :data:`CJK_FAMILIES` works. matplotlib
caches its font list, so a font installed after that cache was built is invisible to it:
:func:`cjk_font` therefore also scans the system font folders and registers what it finds.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

# Preferred families, simplified Chinese first; the JP/KR faces of Noto CJK still cover
# every Chinese character, only with regional glyph shapes, so they come last.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Heiti SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Droid Sans Fallback",
)
_FILE_HINTS = ("cjk", "wqy", "sourcehan", "droidsansfallback", "msyh", "simhei", "pingfang",
               "notosanssc")
INSTALL_HINT = ("no CJK font found: Chinese labels will show as boxes; install one, e.g. "
                "`apt-get install fonts-noto-cjk` (or run scripts/system-deps.sh)")


def _available() -> set[str]:
    from matplotlib import font_manager

    return {f.name for f in font_manager.fontManager.ttflist}


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of an installed CJK font known to matplotlib, or ``None``.

    >>> name = cjk_font()
    >>> name is None or isinstance(name, str)
    True
    """
    from matplotlib import font_manager

    names = _available()
    for family in CJK_FAMILIES:
        if family in names:
            return family
    # Installed after matplotlib built its cache: register the files directly.
    for path in font_manager.findSystemFonts(fontext="ttf") + \
            font_manager.findSystemFonts(fontext="otf"):
        if any(h in path.lower().replace("-", "").replace("_", "") for h in _FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # pragma: no cover - broken file
                continue
    names = _available()
    for family in CJK_FAMILIES:
        if family in names:
            return family
    return None


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese text with a CJK font; returns the family used.

    Warns once (no exception) when no CJK font is installed, so plots still render.
    """
    import matplotlib as mpl

    family = cjk_font()
    if family is None:
        _warn_once()
        return None
    current = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
    mpl.rcParams["font.sans-serif"] = [family, *current]
    mpl.rcParams["font.family"] = "sans-serif"
    # The CJK fonts lack U+2212 (minus sign) in some builds: use an ASCII hyphen.
    mpl.rcParams["axes.unicode_minus"] = False
    return family


@lru_cache(maxsize=1)
def _warn_once() -> None:
    warnings.warn(INSTALL_HINT, RuntimeWarning, stacklevel=3)
