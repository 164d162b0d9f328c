"""How the commands write what they got: the output options (``writer``), the formats
(``formats``: table, json, jsonl, csv; ``xlsx``), cells, tables, CSV formula guards,
text encodings, inert terminal text and the progress bar."""
