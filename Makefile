# The two commands a new user needs:
#   make run    set everything up and start the app on http://localhost:8501
#   make test   set everything up and run the whole test suite (unit, page, browser)
# Everything else here is a step of those two.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# localhost only by default; HOST=0.0.0.0 serves the network too.
HOST ?= localhost

.PHONY: run test test-unit setup test-setup data vendor compile chromium pdf-libs bench clean lock

run: setup
	$(VENV)/bin/streamlit run serve.py --server.address $(HOST) --server.port $(PORT)

# The register's tests also run on PostgreSQL: give ECOLOGY_TEST_DATABASE_URL, or as root
# the Debian server is installed and started on 127.0.0.1 (otherwise those tests skip).
test: test-setup
	@url="$${ECOLOGY_TEST_DATABASE_URL:-}"; \
	if [ -z "$$url" ] && [ "$$(id -u)" = 0 ]; then url="$$(.ci/start-postgres)" || url=""; fi; \
	if [ -z "$$url" ]; then echo "No PostgreSQL for the tests: its half of the register tests will be skipped"; fi; \
	ECOLOGY_TEST_DATABASE_URL="$$url" $(PY) -m pytest

# The unit layer alone: no data build, no ../shared, no browser (under a minute).
test-unit: $(VENV)/.installed-test
	$(PY) -m pytest tests/unit

setup: $(VENV)/.installed pdf-libs vendor data compile

test-setup: setup $(VENV)/.installed-test chromium

# The locks pin every transitive dependency with its hashes (made from requirements*.txt by
# `make lock`); pip refuses any file whose hash differs.
$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $@

# Remake the locks after changing requirements.txt or requirements-test.txt (needs pip-tools).
lock:
	$(PY) -m pip install --quiet pip-tools
	for name in requirements requirements-test; do \
		$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-header --allow-unsafe \
			--no-emit-index-url --no-emit-find-links -o $$name.lock $$name.txt; done

vendor: $(VENV)/.installed
	$(PY) -m ecology vendor

# The app's own modules compiled ahead, as pip compiles an installed package's: a server then
# starts without compiling them (about 50 ms), even where Python is told not to write .pyc files.
compile: $(VENV)/.installed
	$(PY) -m compileall -q ecology app.py pages serve.py

data: $(VENV)/.installed
	$(PY) -m ecology data build

# The briefing's PDF is printed by WeasyPrint, which needs Pango and a font (Debian packages).
pdf-libs:
	@if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi dejavu; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
			fonts-dejavu-core fontconfig; \
	else echo "The PDF briefing needs Pango and DejaVu fonts: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; fi

# Browser tests drive Debian's Chromium; Playwright cannot download its own here.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi

bench: test-setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) data/build data/cache static/vendor
