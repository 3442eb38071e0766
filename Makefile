# chipbot: `make run` (the bot, or a terminal Q&A session without DISCORD_TOKEN) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= $(CURDIR)/.data
STAMP := $(VENV)/.installed-stamp
TORCH_VERSION := 2.13.0
# Where the CPU build of torch comes from: PyTorch's CPU wheel index, since plain PyPI serves the
# multi-GB CUDA build; empty when pip already finds a CPU wheel of that version on local disk.
TORCH_INDEX ?= $(shell $(PYTHON) -m pip install --dry-run --no-deps --no-index --quiet \
	torch==$(TORCH_VERSION)+cpu >/dev/null 2>&1 || echo https://download.pytorch.org/whl/cpu)

.PHONY: install run test check bench train train-gate clean print-torch-index

# CPU torch first: the project's own `torch` requirement is then already met.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(STAMP)

run: install
	$(BIN)/chipbot --data-dir "$(DATA_DIR)" run

test: install check
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

# Static checks, also part of `make test`: lint and format (ruff), types (mypy), import layering
# (import-linter contracts in pyproject.toml), and dead code (vulture, with its allowlist).
check: install
	$(BIN)/ruff check corpus index bot tests bench
	$(BIN)/ruff format --check corpus index bot tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/vulture corpus index bot .vulture_allowlist.py --min-confidence 60

# Refit the answer engine's models on the labelled tune split (writes bot/answering/models/).
train: install
	$(BIN)/chipbot --data-dir "$(DATA_DIR)" train

bench: install
	$(BIN)/python bench/run_all.py

# Rebuild the topic gate's weights (corpus/gate/weights.json) from eval/gate/items.jsonl and the shared
# corpus beside the repo, deterministically; add admins' corrections with CORRECTIONS=<data dir>.
train-gate: install
	$(BIN)/chipbot --data-dir "$(DATA_DIR)" train-gate $(if $(CORRECTIONS),--corrections "$(CORRECTIONS)")

print-torch-index:  # used by tests/deploy (the Dockerfile's install steps get the same torch source)
	@echo '$(TORCH_INDEX)'

clean:
	rm -rf $(VENV) .data .pytest_cache .hypothesis
