"""Output writers: every file tollwatch writes for people (JSONL, CSV, XLSX, HTML, Parquet).

An adapter beside `importers`: it may import `core` and `store`, nothing above; the
engines, the app layer, the CLI and the server all write through it, so a cell is made
formula-safe and HTML is escaped in exactly one place (`cells`).
"""
