"""The commands, one module per group: reads (list, get, outbound, available), writes
(update, delete, add-mobile, add-sip), apply (a file of edits), auth, fake-server and
demo; and what they share when run over many ids (bulk, streams of pages, plans)."""
