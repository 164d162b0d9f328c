"""Files as Russian Excel writes and reads them: ``apply`` takes cp1251 or UTF-8 with a
BOM, ``;`` or ``,``, headers in any case, every exported column and workbooks; the
export (CSV or xlsx) comes back through ``apply`` unchanged."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from virtnum.cli.output.encodings import decode, sniff_delimiter
from virtnum.cli.output.formats import FORMATS
from virtnum.testing import FakeServer

from ..._records import ids_of, puts
from ..._support import TOKEN, applied, run_cli, user_env

EXCEL_HEADER = "ID; Comment ;Purpose;employee_id"


def run_bytes(server: FakeServer, *args: str, stdin: bytes) -> subprocess.CompletedProcess[str]:
    """The CLI with ``stdin`` as bytes (a file in some encoding piped in)."""
    done = subprocess.run(
        [sys.executable, "-m", "virtnum", *args],
        input=stdin,
        env=user_env(VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=server.url),
        capture_output=True,
        timeout=60,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def export(server: FakeServer, tmp_path: Path, *args: str, name: str = "numbers.csv") -> Path:
    path = tmp_path / name
    result = run_cli(server, "numbers", "list", "--output", str(path), *args)
    assert result.returncode == 0, result.stderr
    return path


def test_a_cp1251_file_with_semicolons_is_read_with_a_note(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    (number_id,) = ids_of(threaded_server, "def", 1)
    threaded_server.numbers[number_id].update(comment=None, purpose="company")
    path = tmp_path / "excel.csv"
    path.write_bytes(f"{EXCEL_HEADER}\r\n{number_id};Приёмная ;company;\r\n".encode("cp1251"))
    result = applied(threaded_server, str(path))
    assert result.stdout == f'{number_id}\tcomment: null → "Приёмная"\n'
    assert threaded_server.numbers[number_id]["comment"] == "Приёмная"
    (note,) = [line for line in result.stderr.splitlines() if "note" in line]
    assert "excel.csv" in note
    assert "cp1251" in note


def test_cp1251_piped_into_apply_is_not_mojibake(threaded_server: FakeServer) -> None:
    (number_id,) = ids_of(threaded_server, "abc", 1)
    data = f"id;comment\n{number_id};Бухгалтерия\n".encode("cp1251")
    dry = run_bytes(threaded_server, "numbers", "apply", "-", "--dry-run", stdin=data)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.endswith('→ "Бухгалтерия"\n')
    done = run_bytes(threaded_server, "numbers", "apply", "-", stdin=data)
    assert done.returncode == 0, done.stderr
    assert threaded_server.numbers[number_id]["comment"] == "Бухгалтерия"


def test_a_utf8_file_with_a_bom_and_semicolons_needs_no_note(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    (number_id,) = ids_of(threaded_server, "def", 1)
    path = tmp_path / "utf8.csv"
    path.write_bytes(f"\ufeff{EXCEL_HEADER}\r\n{number_id};Склад;;\r\n".encode())
    result = applied(threaded_server, str(path))
    assert "note" not in result.stderr
    assert threaded_server.numbers[number_id]["comment"] == "Склад"


def test_headers_match_in_any_case_and_cells_are_trimmed(threaded_server: FakeServer) -> None:
    (number_id,) = ids_of(threaded_server, "def", 1)
    text = f"ID, Comment , PURPOSE\n {number_id} ,  front desk  , Company \n"
    applied(threaded_server, "-", stdin=text)
    assert threaded_server.numbers[number_id]["comment"] == "front desk"
    assert threaded_server.numbers[number_id]["purpose"] == "company"


def test_a_file_neither_utf8_nor_cp1251_is_one_line_naming_the_line(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"id,comment\n1,fine\n2,\x98\xff\n")  # 0x98 is no cp1251 character
    result = run_cli(threaded_server, "numbers", "apply", str(path))
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"virtnum: error: cannot read {path}: line 3 ")
    assert "--encoding" in line
    assert threaded_server.requests == []


def test_encoding_and_delimiter_override_the_detection(threaded_server: FakeServer) -> None:
    (number_id,) = ids_of(threaded_server, "def", 1)
    data = f"id|comment\n{number_id}|Отдел\n".encode("koi8-r")
    guessed = run_bytes(threaded_server, "numbers", "apply", "-", "--dry-run", stdin=data)
    assert guessed.returncode == 2  # no , ; or tab in the header: one unknown column
    assert "unknown: id|comment" in guessed.stderr
    assert "--delimiter" in guessed.stderr
    args = ["numbers", "apply", "-", "--encoding", "koi8-r", "--delimiter", "|"]
    result = run_bytes(threaded_server, *args, stdin=data)
    assert result.returncode == 0, result.stderr
    assert "note" not in result.stderr
    assert threaded_server.numbers[number_id]["comment"] == "Отдел"


EXPORTS = [
    (["--format", "csv"], "default.csv"),
    (["--format", "csv", "--fields", "all", "--delimiter", ";", "--encoding", "utf-8-sig"],
     "excel.csv"),
    (["--format", "jsonl", "--fields", "all"], "all.jsonl"),
    (["--format", "json"], "default.json"),
    (["--format", "json", "--fields", "all"], "all.json"),
    (["--format", "json", "--fields", "all"], "all-json.txt"),  # found by its content
    (["--format", "xlsx"], "default.xlsx"),
    (["--format", "xlsx", "--fields", "all"], "all.xlsx"),
]  # fmt: skip


def test_every_file_format_the_cli_writes_is_in_the_round_trip() -> None:
    written = {args[1] for args, _ in EXPORTS}
    assert written == {*FORMATS, "xlsx"} - {"table"}  # a table is for reading, not a file


@pytest.mark.parametrize(("args", "name"), EXPORTS)
def test_the_export_comes_back_through_apply_unchanged(
    threaded_server: FakeServer, tmp_path: Path, args: list[str], name: str
) -> None:
    path = export(threaded_server, tmp_path, *args, name=name)
    result = applied(threaded_server, str(path), "--dry-run")
    assert result.stdout == "nothing to change\n"
    count = len(threaded_server.numbers)
    assert f"{count} row(s): 0 to change, {count} unchanged, 0 failed" in result.stderr


def test_the_excel_csv_export_has_a_bom_and_semicolons(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    path = export(threaded_server, tmp_path, "--format", "csv", "--delimiter", ";",
                  "--encoding", "utf-8-sig")  # fmt: skip
    data = path.read_bytes()
    assert data.startswith("\ufeffid;number;type;".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[2]["region_name"] == threaded_server.numbers[3]["region_name"]


def test_a_changed_read_only_column_fails_its_row_by_name(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    path = export(threaded_server, tmp_path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    first, second = rows[0], rows[1]
    first["number"] = "79990000001"  # not editable: the row must fail
    first["comment"] = "moved"
    second["comment"] = "edited"
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())
    result = run_cli(threaded_server, "numbers", "apply", str(path))
    assert result.returncode == 14
    (failure,) = [line for line in result.stderr.splitlines() if f"(id {first['id']})" in line]
    assert "number cannot be edited" in failure
    assert "79990000001" in failure
    assert [body["id"] for body in puts(threaded_server)] == [int(second["id"])]
    assert threaded_server.numbers[int(first["id"])]["comment"] != "moved"


def test_a_workbook_has_one_header_row_and_text_cells_for_numbers(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    threaded_server.numbers[1]["comment"] = "=HYPERLINK(1)"
    path = export(threaded_server, tmp_path, "--format", "xlsx", name="numbers.xlsx")
    csv_text = run_cli(threaded_server, "numbers", "list", "--format", "csv").stdout
    header, *rows = list(csv.reader(io.StringIO(csv_text)))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    cells = list(sheet.iter_rows())
    assert [c.value for c in cells[0]] == header
    assert len(cells) == len(rows) + 1
    number = cells[1][header.index("number")]
    assert (number.value, number.data_type) == (rows[0][1], "s")
    comment = cells[1][header.index("comment")]
    assert (comment.value, comment.data_type) == ("=HYPERLINK(1)", "s")  # never a formula


def test_a_workbook_edited_in_excel_is_applied(threaded_server: FakeServer, tmp_path: Path) -> None:
    threaded_server.numbers[2]["comment"] = None
    path = export(threaded_server, tmp_path, "--format", "xlsx", name="numbers.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("comment") + 1, value="из Excel")
    sheet.cell(row=3, column=header.index("id") + 1, value=2.0)  # Excel's numbers are floats
    book.save(tmp_path / "edited.bin")  # found by its content, not its name
    result = applied(threaded_server, str(tmp_path / "edited.bin"))
    assert result.stdout == '2\tcomment: null → "из Excel"\n'
    assert threaded_server.numbers[2]["comment"] == "из Excel"
    assert len(puts(threaded_server)) == 1


def test_a_formula_with_no_saved_value_is_a_row_error_naming_the_cell(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    path = export(threaded_server, tmp_path, "--format", "xlsx", name="numbers.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("comment") + 1
    sheet.cell(row=3, column=column, value='=HYPERLINK("x")')  # openpyxl saves no value
    sheet.cell(row=4, column=column, value="typed")
    book.save(tmp_path / "edited.xlsx")
    result = run_cli(threaded_server, "numbers", "apply", str(tmp_path / "edited.xlsx"))
    assert result.returncode == 14, result.stderr
    letter = chr(ord("A") + column - 1)
    assert f"line 3 (id 2): cell {letter}3 is a formula with no saved value" in result.stderr
    assert "open and save the file in Excel, or type the value" in result.stderr
    assert threaded_server.numbers[3]["comment"] == "typed"
    assert threaded_server.numbers[2]["comment"] != '=HYPERLINK("x")'


@pytest.mark.parametrize("command", [["list"], ["get", "1", "2"], ["available"]])
def test_xlsx_without_output_is_refused_on_a_pipe(
    threaded_server: FakeServer, command: list[str]
) -> None:
    result = run_cli(threaded_server, "numbers", *command, "--format", "xlsx")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("virtnum: error:")
    assert "--output" in line
    assert result.stdout == ""
    assert threaded_server.requests == []


@pytest.mark.parametrize(
    ("command", "rows"), [(["get", "1", "2"], 2), (["available", "--fields", "id,number"], 10)]
)
def test_get_and_available_write_workbooks_too(
    threaded_server: FakeServer, tmp_path: Path, command: list[str], rows: int
) -> None:
    path = tmp_path / "out.xlsx"
    result = run_cli(
        threaded_server, "numbers", *command, "--format", "xlsx", "--output", str(path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.max_row == rows + 1


# ---------------------------------------------------------------------------
# the pure parts


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("id;comment", ";"), ("id,comment", ","), ("id\tcomment", "\t"), ("id", ","),
     ('"id";"a,b"', ";")],
)  # fmt: skip
def test_the_delimiter_is_the_headers(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header + "\n1;x,y\n") == delimiter


def test_decoding_keeps_utf8_strips_the_bom_and_falls_back_to_cp1251() -> None:
    assert decode("id\nПривет".encode(), "f").text == "id\nПривет"
    assert decode(b"\xef\xbb\xbfid\n", "f") == decode(b"id\n", "f")
    fallback = decode("id\nПривет".encode("cp1251"), "f.csv")
    assert fallback.text == "id\nПривет"
    assert fallback.note is not None
    assert "cp1251" in fallback.note
    assert decode("id\nПривет".encode("utf-16"), "f").text == "id\nПривет"
