"""A font that can draw Chinese, when the machine has one; charts fall back to codes and English without it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from matplotlib import font_manager

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@cache
def cjk_family() -> str | None:
    """The family name of a CJK font registered with matplotlib, or None."""
    for path in CANDIDATES:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None
