"""The pack's CSV tables (UTF-8 with BOM, formula-safe; values as stored under the PII
mode, never display-escaped)."""

from __future__ import annotations

from pathlib import Path

from ringgraph.evidence.tables import write_csv
from ringgraph.evidence.writers import register

_TABLES = {
    "complaints.csv": ("complaints", "投诉 complaints, with source file and row"),
    "persons.csv": ("persons", "借款人与代理人 borrowers and agents"),
    "identifiers.csv": ("identifiers", "标识及使用次数 identifiers with usage counts"),
    "links.csv": ("links", "全部关系及来源 every relationship with its source"),
    "i2_links.csv": ("i2_links", "i2 Analyst's Notebook 导入表 entity–link–entity import "
                                 "table"),
}


@register("tables", order=10, files={n: d for n, (_, d) in _TABLES.items()})
def write_tables(ctx, folder: Path) -> list[str]:
    for name, (attr, _) in _TABLES.items():
        write_csv(getattr(ctx, attr), folder / name)
    return list(_TABLES)
