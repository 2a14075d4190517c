"""The edition pipeline (see README.md); `python -m pipeline` is its command line."""

from pipeline import library_loading

# Before any module of the pipeline imports WeasyPrint (see library_loading's docstring).
library_loading.install()
