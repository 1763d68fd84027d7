"""Hostile inputs, built on the fly so the repository carries no large files."""

from __future__ import annotations

import io
import re
import zipfile

from orchestrator.plan import build_template, load_bytes
from tests.conftest import EXAMPLES


def billion_laughs(levels: int = 9) -> bytes:
    lines = ['a0: &a0 "lol"']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels + 1)]
    return ("\n".join(lines) + "\n").encode()


def deep_yaml(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_json(depth: int = 100_000) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def huge_yaml(megabytes: int = 60) -> bytes:
    line = b"# padding " + b"x" * 1013 + b"\n"
    return b"apiVersion: govmig/v1\n" + line * (megabytes * 1024)


def _fgw_workbook() -> bytes:
    plan = load_bytes((EXAMPLES / "630000-FGW.yaml").read_bytes(), "fgw.yaml", "yaml").plan
    return build_template(plan)


def million_empty_rows(rows: int = 1_000_000, tail: bool = False) -> bytes:
    """The FGW workbook whose Systems sheet has `rows` formatted empty rows after the data.

    With `tail`, one real system row stands after them: reading must not stop early and lose it.
    """
    source = zipfile.ZipFile(io.BytesIO(_fgw_workbook()))
    names = {n: source.read(n) for n in source.namelist()}
    sheet = next(
        n for n, data in names.items() if n.startswith("xl/worksheets/") and b">security.mlps_level<" in data
    )
    xml = names[sheet].decode()
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
    empty = "".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(last + 1, last + 1 + rows))
    extra = ""
    if tail:
        r = last + rows + 1
        first = re.search(rf'<row r="{last}".*?</row>', xml, re.S)
        assert first is not None
        extra = first.group(0).replace(f'r="{last}"', f'r="{r}"')
        extra = re.sub(rf'r="([A-Z]+){last}"', rf'r="\g<1>{r}"', extra)
    xml = xml.replace("</sheetData>", empty + extra + "</sheetData>")
    xml = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="A1:AI{last + rows + 1}"/>', xml)
    names[sheet] = xml.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in names.items():
            target.writestr(name, data)
    return out.getvalue()


def zip_bomb(unzipped_mb: int = 300) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unzipped_mb):
                part.write(chunk)
    return out.getvalue()
