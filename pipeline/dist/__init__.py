"""Turn finished editions into a library release: catalogue records, feeds and a preservation bag.

`release.py` builds every document and writes `output/dist/`; each other module turns the
catalogue's view of the editions (`catalogue.py`) and the built files into one kind of record.
"""
