# The two commands of the README:  `make run` (the main job) and `make test` (the whole suite).
# Both create or reuse .venv and install the project with everything it needs.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install browser java virtuoso jena graphology bench serve clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[viz,dev]'
	@touch $@

install: $(STAMP)

## run: load, validate, analyse and export the embedded graph into build/, with a summary
run: $(STAMP)
	$(BIN)/kg build

## serve: the web interface, the SPARQL endpoint and the API on http://127.0.0.1:8000/ (PORT=... to change)
PORT ?= 8000
serve: $(STAMP)
	$(BIN)/kg serve --port $(PORT)

## browser: headless Chromium for the page tests (Debian package), installed when missing
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { echo "installing chromium (Debian package) for the page tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null) \
	    || echo "could not install chromium: the browser tests will be skipped"; }

## java: a Java runtime for the OWL reasoner test (HermiT, shipped by owlready2), installed when missing
java:
	@command -v java >/dev/null 2>&1 || \
	  { echo "installing a Java runtime (Debian package) for the reasoner test"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) \
	    || echo "could not install Java: the reasoner test will be skipped"; }

## virtuoso: Virtuoso 7, the SPARQL server the engine tests compare with (Debian package), installed when missing
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || \
	  { echo "installing Virtuoso (Debian package) for the SPARQL engine tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null) \
	    || echo "could not install Virtuoso: its engine tests will be skipped"; }

## jena: Jena ARQ, the reference SPARQL engine the engine tests compare with (Debian package), installed when missing
jena: java
	@test -f /usr/share/java/jena-arq.jar || \
	  { echo "installing Jena (Debian package) for the SPARQL engine tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libapache-jena-java >/dev/null) \
	    || echo "could not install Jena: its engine tests will be skipped"; }

## graphology: the JavaScript reader the export tests open GEXF with (npm, tests/js/package-lock.json), installed when missing
graphology:
	@test -d tests/js/node_modules/graphology-gexf || \
	  { if command -v npm >/dev/null 2>&1; then echo "installing graphology (npm) for the network export tests"; \
	      npm ci --prefix tests/js --no-audit --no-fund --silent || echo "could not install graphology: its tests will be skipped"; \
	    else echo "no npm: the graphology tests will be skipped"; fi; }

## test: the whole suite
test: $(STAMP) browser java virtuoso jena graphology
	$(BIN)/python -m pytest

## bench: rerunnable benchmarks, quoted as ratios against a reference measured in the same run
bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf build .pytest_cache
