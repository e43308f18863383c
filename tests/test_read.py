import json

import pytest

from conftest import ticket, write_tickets
from etl import read
from etl.read import ExportError, read_export


def test_utf8_bom_and_gb18030_read_the_same(tmp_path):
    rows = [ticket(1, text="投诉内容，含中文“引号”"), ticket(2)]
    a = write_tickets(tmp_path / "a.csv", rows, encoding="utf-8-sig")
    b = write_tickets(tmp_path / "b.csv", rows, "consumer_finance_gb18030", encoding="gb18030")
    ta, tb = read_export(a, "a.csv")[0], read_export(b, "b.csv")[0]
    assert ta.kind == tb.kind == "complaint"
    cols = [c for c in ta.frame.columns]
    assert ta.frame[cols].equals(tb.frame[cols])
    assert ta.frame.loc[0, "text"] == "投诉内容，含中文“引号”"


def test_embedded_newlines_and_quotes_keep_record_numbers(tmp_path):
    rows = [ticket(1, text='第一行\n第二行 "quoted", comma'), ticket(2)]
    t = read_export(write_tickets(tmp_path / "a.csv", rows), "a.csv")[0]
    assert t.frame["row"].tolist() == [1, 2]
    assert t.frame.loc[0, "text"] == '第一行\n第二行 "quoted", comma'


def test_too_many_columns_and_blank_records_quarantined(tmp_path):
    p = write_tickets(tmp_path / "a.csv", [ticket(1), ticket(2)])
    with open(p, "a", encoding="utf-8") as fh:
        fh.write("T9,2025-01-01" + ",x" * 30 + "\n")
        fh.write(",,,\n")
    t = read_export(p, "a.csv")[0]
    assert t.records == 4
    assert [(q["row"], q["reason"]) for q in t.quarantine] == [
        (3, read.ROW_FIELD_COUNT), (4, read.ROW_BLANK)]
    assert len(t.frame) == 2


def test_missing_required_field_names_file_field_and_headers(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("姓名,电话\n张三,138\n", encoding="utf-8")
    with pytest.raises(ExportError) as e:
        read_export(p, "x.csv")
    msg = str(e.value)
    assert "x.csv" in msg and "complaint_id" in msg and "姓名" in msg and "\n" not in msg


def test_user_mapping_covers_unknown_headers(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("单据,姓名\nA1,张三\n", encoding="utf-8")
    t = read_export(p, "x.csv", {"单据": "complaint_id"})[0]
    assert t.frame.loc[0, "complaint_id"] == "A1" and t.frame.loc[0, "name"] == "张三"


@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    (b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
    (b"\xff\xfe\xfa\xfb header\n" * 3, "encoding"),
])
def test_unreadable_files_raise_one_line(tmp_path, content, needle):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(ExportError) as e:
        read_export(p, "bad.csv")
    assert needle in str(e.value) and "bad.csv" in str(e.value)


def test_xlsx_every_sheet_and_datetimes(tmp_path):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工单"
    ws.append(["工单号", "创建时间", "姓名"])
    ws.append(["X1", dt.datetime(2025, 3, 14, 10, 22, 5), "张三"])
    ws.append([None, None, None])
    ws2 = wb.create_sheet("补充")
    ws2.append(["工单号", "姓名"])
    ws2.append(["X2", "李四"])
    p = tmp_path / "p.xlsx"
    wb.save(p)
    tables = read_export(p, "p.xlsx")
    assert [t.source for t in tables] == ["p.xlsx#工单", "p.xlsx#补充"]
    assert tables[0].frame.loc[0, "received_at"] == "2025-03-14 10:22:05"
    assert tables[0].records == 1


def test_xlsx_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "fake.xlsx"
    p.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ExportError, match="fake.xlsx"):
        read_export(p, "fake.xlsx")


def test_jsonl_with_a_broken_line(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text(json.dumps({"工单编号": "J1", "客户姓名": "张三"}, ensure_ascii=False)
                 + "\n{broken\n\n" + json.dumps({"工单编号": "J2"}) + "\n", encoding="utf-8")
    t = read_export(p, "t.jsonl")[0]
    assert t.frame["complaint_id"].tolist() == ["J1", "J2"]
    assert t.frame["row"].tolist() == [1, 4]
    assert [(q["row"], q["reason"]) for q in t.quarantine] == [(2, read.ROW_NOT_JSON)]
    assert t.records == 3


def test_unsupported_suffix(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF")
    with pytest.raises(ExportError, match="unsupported"):
        read_export(p, "x.pdf")


def test_truncated_file_last_record_quarantined(tmp_path):
    p = write_tickets(tmp_path / "a.csv", [ticket(1), ticket(2, text="被截断的\"长文本"),
                                           ticket(3)])
    data = p.read_bytes()
    cut = data[: data.index("T00003".encode()) + 40]
    p.write_bytes(cut)
    t = read_export(p, "a.csv")[0]
    assert t.records == 3
    assert t.frame["complaint_id"].tolist() == ["T00001", "T00002"]
    assert [(q["row"], q["reason"]) for q in t.quarantine] == [(3, read.ROW_FIELD_COUNT)]


def test_truncated_inside_quoted_field(tmp_path):
    p = write_tickets(tmp_path / "a.csv", [ticket(1), ticket(2, text="第一行\n第二行")])
    data = p.read_bytes()
    p.write_bytes(data[: data.index("第二行".encode())])
    t = read_export(p, "a.csv")[0]
    assert t.frame["complaint_id"].tolist() == ["T00001"]
    assert [q["reason"] for q in t.quarantine] == [read.ROW_FIELD_COUNT]


def test_long_text_emoji_zero_width_kept_verbatim(tmp_path):
    long_text = "投诉" * 50_000
    odd = "催收😡太凶\u200b了\u200d👨‍👩‍👧"
    p = write_tickets(tmp_path / "a.csv", [ticket(1, text=long_text), ticket(2, text=odd)])
    t = read_export(p, "a.csv")[0]
    assert t.frame.loc[0, "text"] == long_text and len(long_text) == 100_000
    assert t.frame.loc[1, "text"] == odd


def test_named_sheet_only(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["这是说明页"])
    ws = wb.create_sheet("工单")
    ws.append(["工单号", "姓名"])
    ws.append(["X1", "张三"])
    p = tmp_path / "p.xlsx"
    wb.save(p)
    (t,) = read_export(p, "p.xlsx", sheet="工单")
    assert t.frame["complaint_id"].tolist() == ["X1"] and t.source == "p.xlsx"
    with pytest.raises(ExportError, match="no sheet named"):
        read_export(p, "p.xlsx", sheet="nope")
    with pytest.raises(ExportError, match="complaint_id"):
        read_export(p, "p.xlsx")   # the notes sheet has no ticket id column
