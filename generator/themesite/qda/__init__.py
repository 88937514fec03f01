"""REFI-QDA exchange, so a researcher can continue in QualCoder, NVivo, ATLAS.ti or MAXQDA.

`codebook` writes the taxonomy as a codebook (`.qdc`) and reads one back; `project`
writes the threads, themes and coded comments as a project (`.qdpx`); `taxonomy_file`
turns a read codebook into `taxonomy.yml`; `schema` parses what others wrote and checks
it, and what we write, against the consortium's published schemas (vendored in
`schemas/`). Every export is byte-identical for the same input.
"""
