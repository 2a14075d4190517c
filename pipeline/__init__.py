"""The edition pipeline (see README.md); `python -m pipeline` is its command line."""

from pipeline import deferred_fonttools, library_loading

# Before any module of the pipeline imports WeasyPrint (see the two modules' docstrings).
library_loading.install()
deferred_fonttools.install()
