# One command per job. `make editions` builds every document's PDF and EPUB; `make test` runs the
# tests. Both set up what they need on a fresh Debian machine first (tools/system-deps.sh, .venv).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BYTECODE := $(VENV)/.bytecode
READY := $(STAMP) $(BYTECODE)

# Every folder under sources/ holding a source.txt is a document.
DOCS := $(patsubst sources/%/source.txt,%,$(wildcard sources/*/source.txt))
CODE := $(shell find pipeline -name '*.py' -o -name '*.txt' 2>/dev/null)
TEMPLATES := $(shell find templates -type f 2>/dev/null)
STYLES := $(shell find styles -type f 2>/dev/null)
PAPER ?=

SOURCE_FILES := $(shell find sources -type f 2>/dev/null)

# `make -jN` hands N to the batch build (its own worker pool); without a number it uses every CPU.
MAKE_JOBS = $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS)))
BUILD_ALL = $(PY) -m pipeline build --all $(if $(MAKE_JOBS),-j $(MAKE_JOBS)) $(if $(PAPER),--paper $(PAPER))

.PHONY: all editions packet setup test test-quick doctor pdf epub tei check proof audit inspect suggest bench lint fuzz clean dist

all: editions

$(STAMP): pyproject.toml tools/system-deps.sh tools/system-deps.txt
	tools/system-deps.sh core
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Python on these machines never writes bytecode itself (PYTHONDONTWRITEBYTECODE is set, as in
# many containers), so every command compiled the pipeline's modules again: 0.1 s of each cold
# build and of each `python -m pipeline` a test starts. Compiled here once, then again for the
# files that change (a stale file is still read from its source, only slower).
$(BYTECODE): $(CODE) | $(STAMP)
	@$(PY) -m compileall -q pipeline
	@touch $@

setup: $(READY)

# The system packages are checked again (quickly) on every run: one removed since setup would
# otherwise surface as import errors deep in the tests.
# PIPELINE_FUZZ=1: the property tests' full example counts (a bare `pytest` runs a fifth).
# The tests run in one worker per CPU (pytest-xdist; `make test TEST_WORKERS=0` runs them in
# this process): each worker builds the shared session builds once.
TEST_WORKERS ?= auto
test: $(READY)
	@tools/system-deps.sh core
	PIPELINE_FUZZ=1 $(PY) -m pytest -q -n $(TEST_WORKERS)

# The loop while working: everything but the slow groups (tests/conftest.py, SLOW), a fifth of
# the property tests' examples; about 70 s here against `make test`'s 3½ minutes.
test-quick: $(READY)
	$(PY) -m pytest -q -n $(TEST_WORKERS) -m "not slow"

# One line per system dependency, found with its version or missing with its install command;
# exit status 1 when the build cannot run (see pipeline/doctor.py).
doctor: $(READY)
	$(PY) -m pipeline doctor

# `make pdf PAPER=letter` must rebuild even when an A4 PDF is newer than its inputs: the paper
# choice is recorded in a file that changes only when the choice does.
output/.paper: FORCE
	@mkdir -p output
	@echo '$(PAPER)' | cmp -s - $@ || echo '$(PAPER)' > $@
FORCE:

# Both editions of every document in one batch: one print layout per document serves the PDF and
# the EPUB's page-list. Make skips the run when nothing changed since the last one; the batch
# itself skips every document whose stamp (a content hash of its inputs and the code) matches,
# which also holds after a fresh clone or a `touch`.
output/.editions: $(SOURCE_FILES) $(CODE) $(TEMPLATES) $(STYLES) output/.paper | $(READY)
	$(BUILD_ALL) --to pdf --to epub
	@touch $@

editions: output/.editions

# Every reading packet, packets/<name>.toml, as output/packets/<name>.pdf and .epub (README,
# "Reading packets"). One stamp per packet: make rebuilds a packet only when its file, a file
# beside it (the introduction), a record under sources/ or the code changed since it was built.
PACKETS := $(patsubst packets/%.toml,%,$(wildcard packets/*.toml))
PACKET_FILES := $(shell find packets -type f 2>/dev/null)

output/.packets/%.stamp: packets/%.toml $(PACKET_FILES) $(SOURCE_FILES) $(CODE) $(TEMPLATES) $(STYLES) | $(READY)
	$(PY) -m pipeline packet $<
	@mkdir -p $(@D)
	@touch $@

packet: $(foreach p,$(PACKETS),output/.packets/$(p).stamp)

# One format alone (the batch skips what is up to date).
pdf: output/.paper | $(READY)
	$(BUILD_ALL) --to pdf

epub: output/.paper | $(READY)
	$(BUILD_ALL) --to epub

# The TEI P5 file of every document, output/<id>/<id>.xml (no layout). `make tei TEI_PROFILE=frus`
# writes it in the shape of the Office of the Historian's FRUS files instead.
TEI_PROFILE ?= generic
tei: | $(READY)
	$(BUILD_ALL) --to tei --tei-profile $(TEI_PROFILE)

# Page images of the first pages of each PDF, for a look without a PDF viewer.
proof: editions
	@for d in $(DOCS); do \
	  mkdir -p output/$$d/proof; \
	  pdftoppm -png -r 80 -f 1 -l 4 output/$$d/$$d.pdf output/$$d/proof/page; \
	  echo "proofs in output/$$d/proof/"; \
	done

# EPUBCheck and Ace by DAISY on every EPUB; any message fails.
check: editions | $(READY)
	tools/system-deps.sh check
	$(PY) -m pipeline.writers.checks $(foreach d,$(DOCS),output/$(d)/$(d).epub)

# The library release, output/dist/ (README, "Distribution"): every document's EPUB, print PDF,
# archival PDF/UA, cover and thumbnail, with MARC 21, ONIX 3.0 and OPDS records, as a BagIt bag.
# It stops, naming the document and the edition.toml field, when a catalogue would lack
# something it needs.
dist: | $(READY)
	$(PY) -m pipeline dist sources --out output/dist $(if $(BASE_URL),--base-url $(BASE_URL)) \
		$(if $(PAPER),--paper $(PAPER))

audit: editions
	@for d in $(DOCS); do $(PY) -m pipeline audit sources/$$d || exit 1; done

inspect: $(READY)
	@for d in $(DOCS); do $(PY) -m pipeline inspect sources/$$d; done

suggest: $(READY)
	@for d in $(DOCS); do echo "== $$d"; $(PY) -m pipeline suggest sources/$$d; done

# Every benchmark runs and reports even when an earlier one misses a target; the target fails at
# the end if any did. Pandoc is optional: without it (not root, no package) the archive
# benchmark says so and reports the rest.
bench: $(READY)
	-tools/system-deps.sh bench
	@status=0; \
	$(PY) benchmarks/run.py || status=1; \
	$(PY) benchmarks/archive.py || status=1; \
	$(PY) benchmarks/suggest_eval.py || status=1; \
	if [ -f benchmarks/print_quality.py ]; then $(PY) benchmarks/print_quality.py || status=1; fi; \
	exit $$status

# The nightly robustness run: the Hypothesis tests with FUZZ times their examples (thousands
# of folders through every stage and both writers), and the catalogue of hostile folders with
# suggest and audit run on the folders that build too.
FUZZ ?= 25
fuzz: $(READY)
	PIPELINE_FUZZ=$(FUZZ) PIPELINE_TEST_FULL=1 $(PY) -m pytest -q \
	  tests/test_properties.py tests/robustness

lint: $(READY)
	$(PY) -m ruff check pipeline tests benchmarks
	$(PY) -m ruff format --check pipeline tests benchmarks
	$(PY) -m mypy

clean:
	rm -rf output
