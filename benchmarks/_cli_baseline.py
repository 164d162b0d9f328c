"""The plain-Python baselines of scenario 7, run as a script (so it imports only the
stdlib, and openpyxl for xlsx): ``python benchmarks/_cli_baseline.py URL TOKEN FORMAT``
prints the listing in FORMAT (table, csv, jsonl, json); FORMAT ``xlsx FILE`` writes it
to a workbook with openpyxl's write-only mode; FORMAT ``get`` reads ids from stdin and
prints those numbers as CSV, fetched on 16 threads with a keep-alive connection each."""

from __future__ import annotations

import csv
import http.client
import json
import sys
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

FIELDS = ("id", "number", "type", "purpose", "state", "region_name", "comment")
PATH = "/numbers/virtual-number"


def _listing(url: str, token: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(url + PATH, headers={"Authorization": token})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _get(url: str, token: str, ids: list[int]) -> list[dict[str, Any]]:
    parts = urllib.parse.urlsplit(url)
    local = threading.local()

    def fetch(number_id: int) -> dict[str, Any]:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        local.conn.request("GET", f"{PATH}/{number_id}", headers={"Authorization": token})
        response = local.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {number_id}: HTTP {response.status}")
        return json.loads(body)  # type: ignore[no-any-return]

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(fetch, ids))


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _table(rows: list[dict[str, Any]], out: Any) -> None:
    """Widths from every row, then each cell padded (code points, not terminal cells)."""
    cells = [[_cell(row.get(name)) for name in FIELDS] for row in rows]
    widths = [max([len(name), *(len(r[i]) for r in cells)]) for i, name in enumerate(FIELDS)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+\n"
    out.write(
        rule + "| " + " | ".join(n.ljust(w) for n, w in zip(FIELDS, widths, strict=True)) + " |\n"
    )
    out.write(rule)
    for r in cells:
        out.write("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |\n")
    out.write(rule)


def _xlsx(rows: list[dict[str, Any]], path: str) -> None:
    import openpyxl  # type: ignore[import-untyped,unused-ignore]

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("numbers")
    sheet.append(FIELDS)
    for row in rows:
        sheet.append([row.get(name) for name in FIELDS])
    book.save(path)


def main() -> None:
    url, token, fmt = sys.argv[1:4]
    out = sys.stdout
    if fmt == "get":
        rows = _get(url, token, [int(word) for word in sys.stdin.read().split()])
        fmt = "csv"
    else:
        rows = _listing(url, token)
    if fmt == "csv":
        writer = csv.DictWriter(out, FIELDS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({k: row.get(k) for k in FIELDS}, ensure_ascii=False) + "\n")
    elif fmt == "xlsx":
        _xlsx(rows, sys.argv[4])
    elif fmt == "json":
        json.dump([{k: row.get(k) for k in FIELDS} for row in rows], out, ensure_ascii=False)
        out.write("\n")
    else:
        _table(rows, out)


if __name__ == "__main__":
    main()
