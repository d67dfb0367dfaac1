# The two commands of the README, and a few more. Meson + Ninja do the real work.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
MESON_TEST = meson test --print-errorlogs --num-processes 2
# The suites run twice, on SQLite and on PostgreSQL: inside a throw-away cluster that
# tests/pg/with-cluster.sh starts (initdb in a temporary directory, a free loopback
# port) and always removes. Already inside one (POSTURA_TEST_PG set): that one.
IN_PG = $(if $(POSTURA_TEST_PG),,tests/pg/with-cluster.sh)

.PHONY: all deps build run check check-both test asan fuzz bench format clean

all: build

deps:
	@scripts/setup.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The main job: the web app, on this machine only. It prints the address to open;
# Ctrl-C stops it (everything saved is already on disk). LISTEN=127.0.0.1:9000 for another port.
LISTEN ?= 127.0.0.1:8080
run: build
	@echo "postura: starting the web app; open the address below in your browser (Ctrl-C stops it)"
	./$(BUILD)/postura serve --listen $(LISTEN)

test: build
	$(IN_PG) $(MESON_TEST) -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(IN_PG) $(MESON_TEST) -C $(ASAN_BUILD)

# Every test, twice: a normal build and one under AddressSanitizer + UBSan. The leak
# suppressions (tests/lsan.supp) cover only fontconfig's caches behind pango's font map.
# One PostgreSQL cluster serves both runs (the *-pg tests); it is removed at the end,
# also when a test fails.
check: build
	@$(IN_PG) $(MAKE) --no-print-directory check-both

check-both:
	$(MESON_TEST) -C $(BUILD)
	$(MAKE) --no-print-directory asan
	@python3 tools/test-summary.py $(BUILD) $(ASAN_BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false -Dtests=disabled

# Runs every fuzz harness for FUZZ_SECONDS each (make fuzz FUZZ_SECONDS=600).
fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Benchmarks, each against its baseline in the same run; results go in bench/RESULTS.md.
bench: build
	bench/plan.sh $(BUILD)
	$(BUILD)/bench/checkins $${TMPDIR:-/tmp} 2000 5
	bench/history.sh $(BUILD)
	bench/web.sh $(BUILD)
	bench/documents.sh $(BUILD)

format:
	clang-format -i src/*/*.c src/*/*.h tests/unit/*.c fuzz/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
