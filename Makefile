# Two entry points do all the set-up on a fresh Debian/Ubuntu machine:
#   make demo   - virtual environment, Graphviz's dot if missing, then every demo into out/
#   make test   - the same plus the test extras (PyTorch, Chromium, JupyterLab, Notebook 7, ...), then the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

# Install Debian/Ubuntu packages for commands that are missing (sudo when not root).
define ensure_command
	@command -v $(1) >/dev/null 2>&1 || { \
	  echo "'$(1)' not found: installing the Debian package $(2)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $(2) >/dev/null; \
	}
endef

.PHONY: demo test bench lint format system-dot system-browser clean

$(BIN)/pip:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.base: pyproject.toml | $(BIN)/pip
	$(BIN)/pip install -q -e '.[demo]'
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(BIN)/pip install -q -e '.[demo,test]'
	touch $@

system-dot:
	$(call ensure_command,dot,graphviz)

system-browser:
	$(call ensure_command,chromium,chromium)

demo: $(VENV)/.base system-dot
	$(BIN)/python -m demos --out $(OUT)

test: $(VENV)/.test system-dot system-browser
	$(BIN)/python -m pytest

bench: $(VENV)/.test
	$(BIN)/python -m demos.bench

# ruff alone: linting needs neither PyTorch nor Chromium
$(VENV)/.lint: pyproject.toml | $(BIN)/pip
	$(BIN)/pip install -q -e '.[lint]'
	touch $@

lint: $(VENV)/.lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.lint
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
