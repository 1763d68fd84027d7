"""A font that can draw Chinese, when the machine has one; charts fall back to codes and English without it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@cache
def agg() -> None:
    """matplotlib on its file-only backend, loaded when the first chart is drawn: importing it costs about half a
    second, and most commands (every one a test or a script starts) draw nothing."""
    import logging

    import matplotlib

    matplotlib.use("Agg")
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # CJK weight fallbacks are noise


@cache
def cjk_family() -> str | None:
    """The family name of a CJK font registered with matplotlib, or None."""
    agg()
    from matplotlib import font_manager

    for path in CANDIDATES:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None
