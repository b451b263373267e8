# The two commands: `make demo` and `make test`. Each sets up everything on a
# fresh Debian 12 machine (Debian packages, .venv, the project, the Jupyter
# kernel) and is quick the second time: stamps in .stamps/ skip what is done.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CMAKE  := $(VENV)/bin/cmake
CTEST  := $(VENV)/bin/ctest
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
STAMPS := .stamps
# CI builds with -Werror; so does everyone, so that CI holds no surprises.
CMAKE_FLAGS := -G Ninja -DPURSUIT_WERROR=ON

.PHONY: demo test setup cpp-test asan-test py-test check-dist bench fuzz fuzz-short fuzz-build clean distclean

demo: setup
	$(PY) -m pursuit demo

test: cpp-test asan-test py-test

setup: $(STAMPS)/install

$(STAMPS)/apt: .ci/deps.sh
	@mkdir -p $(STAMPS)
	.ci/deps.sh
	@touch $@

$(PY):
	$(PYTHON) -m venv $(VENV)

# The editable install keeps its build in build/editable and rebuilds on
# import, so a C++ edit recompiles only what changed.
$(STAMPS)/install: $(STAMPS)/apt $(PY) pyproject.toml CMakeLists.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet scikit-build-core pybind11 cmake ninja
	$(PY) -m pip install --quiet --no-build-isolation -Cbuild-dir=build/editable \
	    -Ceditable.rebuild=true -Ceditable.verbose=false -e '.[test,notebooks,plots,bench]'
	$(PY) -m ipykernel install --sys-prefix --name pursuit --display-name "Python (pursuit)" >/dev/null
	@touch $@

build/cpp/build.ninja: $(STAMPS)/install CMakeLists.txt
	$(CMAKE) -S . -B build/cpp $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Release

build/asan/build.ninja: $(STAMPS)/install CMakeLists.txt
	$(CMAKE) -S . -B build/asan $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPURSUIT_SANITIZE=ON

cpp-test: build/cpp/build.ninja
	$(CMAKE) --build build/cpp -j $(JOBS)
	$(CTEST) --test-dir build/cpp -j $(JOBS) --output-on-failure

asan-test: build/asan/build.ninja
	$(CMAKE) --build build/asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(CTEST) --test-dir build/asan -j $(JOBS) --output-on-failure

# Benchmarks: figures and their commands go in benchmarks/README.md.
bench: $(STAMPS)/install
	$(CMAKE) -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DPURSUIT_TESTS=OFF -DPURSUIT_BENCHMARKS=ON
	$(CMAKE) --build build/bench -j $(JOBS)
	build/bench/bench_lifecycle
	build/bench/bench_assessment
	$(PY) benchmarks/bench_python.py
	$(PY) benchmarks/bench_ingest.py

# Fuzzing (docs/fuzzing.md): libFuzzer harnesses built with clang and the
# sanitizers, atheris harnesses for the Python API. `make fuzz-short` is CI's
# minute per harness; `make fuzz` the long run (FUZZ_SECONDS per harness).
FUZZ_SECONDS ?= 600
FUZZ_SHORT_SECONDS ?= 60
FUZZ_HARNESSES ?= jsonl event_value playbook pipeline py_jsonl py_dicts py_frame py_arrow py_playbook

build/fuzz/build.ninja: $(STAMPS)/install CMakeLists.txt tests/fuzz/cpp/CMakeLists.txt
	$(CMAKE) -S . -B build/fuzz $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	    -DPURSUIT_TESTS=OFF -DPURSUIT_FUZZ=ON

fuzz-build: build/fuzz/build.ninja
	$(CMAKE) --build build/fuzz -j $(JOBS)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-short: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SHORT_SECONDS) $(FUZZ_HARNESSES)

py-test: setup
	$(PY) -m pytest

# The packaging promise: sdist and wheel build with isolation and install into
# a fresh venv that imports pursuit and validates the sample.
check-dist: setup
	rm -rf dist build/dist-venv
	$(PY) -m pip install --quiet build
	$(PY) -m build --outdir dist .
	$(PYTHON) -m venv build/dist-venv
	build/dist-venv/bin/pip install --quiet dist/*.whl
	cd /tmp && $(abspath build/dist-venv/bin/python) -m pursuit check $$($(abspath build/dist-venv/bin/python) -c 'import pursuit; print(pursuit.data.sample_events_path())')

clean:
	rm -rf build dist $(STAMPS)

distclean: clean
	rm -rf $(VENV)
