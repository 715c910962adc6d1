# heapgraph - one hand-written GNU Makefile.
#   make              build ./heapgraph (installs missing Debian packages first)
#   make check        build and run every test (SANITIZE=1: under ASan/UBSan)
#   make demo         make a core of samples/leaky.py and show what heapgraph sees
#   make bench        time heapgraph against objgraph and the floor on 1M-10M objects
#   make fuzz         run each fuzz target (every reader, the writers) FUZZ_TIME seconds (clang, libFuzzer)
#   make install PREFIX=/usr/local

PREFIX ?= /usr/local
CC ?= cc
PKGS = libgvc libxml-2.0 zlib libzstd jansson libxxhash
# B is the build folder and BIN the binary; parallel work in one tree can use
# e.g. "make check B=build-x BIN=build-x/heapgraph T_OUTROOT=/tmp/x".
B = build
BIN = heapgraph

CFLAGS ?= -O2 -g
override CFLAGS += -std=c11 -Wall -Wextra -Wshadow -Wno-unused-parameter -D_FILE_OFFSET_BITS=64 \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
ifeq ($(SANITIZE),1)
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
B = build-san
BIN = build-san/heapgraph
endif

LIB_SRC = $(wildcard common/*.c formats/*.c formats/cpython/*.c analyzer/*.c render/*.c)
CLI_SRC = $(wildcard cli/*.c)
UNIT_SRC = $(wildcard tests/unit/test-*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ = $(CLI_SRC:%.c=$(B)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
DEPS_STAMP = $(B)/.deps-build

all: $(BIN)

$(DEPS_STAMP): scripts/install-deps.sh
	@mkdir -p $(B)
	@sh scripts/install-deps.sh $@

$(B)/.deps-test: scripts/install-deps.sh
	@mkdir -p $(B)
	@HG_DEPS=test sh scripts/install-deps.sh $@

$(B)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# An index written by one build of the readers is not trusted by another:
# the index records a checksum of the library's sources.
HG_BUILD_ID := $(shell cat $(sort $(LIB_SRC)) | cksum | cut -d' ' -f1)
$(B)/analyzer/index.o: override CFLAGS += -DHG_BUILD_ID=$(HG_BUILD_ID)u
$(B)/analyzer/index.o: $(LIB_SRC)

# made anew: an object of a removed source must not linger in the archive
$(B)/libheapgraph.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(B)/libheapgraph.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libheapgraph.a $(LDLIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/unit.h tests/unit/craft.h tests/unit/synth.h $(B)/libheapgraph.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libheapgraph.a $(LDLIBS)

# damage-trials: an end-to-end test's helper (t52), not a unit test
$(B)/tests/damage-trials: tests/t/damage-trials.c $(B)/libheapgraph.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libheapgraph.a $(LDLIBS)

check: $(BIN) $(UNIT_BIN) $(B)/tests/damage-trials $(B)/.deps-test
	@echo "== unit tests"
	@fail=0; cache=$$(mktemp -d); for t in $(UNIT_BIN); do XDG_CACHE_HOME=$$cache $$t || fail=1; done; \
		rm -rf "$$cache"; [ $$fail = 0 ]
	@echo "== end-to-end tests"
	@T_OUTROOT=$(T_OUTROOT) HEAPGRAPH=$(abspath $(BIN)) HG_DAMAGE_TRIALS=$(abspath $(B)/tests/damage-trials) \
		sh tests/t/run.sh $(TESTS)

demo: $(BIN) $(B)/.deps-test
	@sh samples/demo.sh $(abspath $(BIN))

# bench/table.py: heaps of about 1, 5 and 10 million objects, heapgraph against
# objgraph, Python's tracemalloc and a plain read of the core, in one table.
bench: $(BIN) $(B)/.deps-test
	@HEAPGRAPH=$(abspath $(BIN)) python3 bench/table.py

# heapgraph_dump.py goes where a Python finds it after "import sys;
# sys.path.append('$(PREFIX)/share/heapgraph')", or copy it beside the program.
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/heapgraph
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/heapgraph
	install -m 644 docs/heapgraph.1 $(DESTDIR)$(PREFIX)/share/man/man1/heapgraph.1
	install -m 644 heapgraph_dump.py $(DESTDIR)$(PREFIX)/share/heapgraph/heapgraph_dump.py

# The fuzzers build their own library with clang's fuzzer instrumentation
# in FUZZ_B (as libFuzzer's FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION: the
# index reader skips its checksums there, analyzer/index.c), start from
# seeds (tests/fuzz/seeds.c's cores; the others write theirs with
# HG_FUZZ_SEED; Python writes tracemalloc's), keep what they learn in
# FUZZ_B/corpus-NAME and leave crashing inputs in FUZZ_B/NAME-crash-*.
# "make fuzz FUZZ_TIME=600 FUZZ_TARGETS=index" runs one for ten minutes.
FUZZ_B = build-fuzz
FUZZ_TIME = 60
FUZZ_TARGETS = core walk index snapshot pickle report
FUZZ_CC = clang
FUZZ_CFLAGS = -O1 -g -std=c11 -Wall -Wextra -Wshadow -Wno-unused-parameter -D_FILE_OFFSET_BITS=64 \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)

$(FUZZ_B)/.deps-fuzz: scripts/install-deps.sh
	@mkdir -p $(FUZZ_B)
	@HG_DEPS=fuzz sh scripts/install-deps.sh $@

$(FUZZ_B)/%.o: %.c | $(FUZZ_B)/.deps-fuzz
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_B)/libheapgraph.a: $(LIB_SRC:%.c=$(FUZZ_B)/%.o)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_B)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h tests/fuzz/harness.h tests/fuzz/exercise.h tests/unit/craft.h tests/unit/synth.h \
		$(FUZZ_B)/libheapgraph.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libheapgraph.a $(LDLIBS)

$(FUZZ_B)/seeds: tests/fuzz/seeds.c tests/fuzz/fuzz.h tests/unit/craft.h | $(FUZZ_B)/.deps-fuzz
	$(FUZZ_CC) -O1 -g -std=c11 -Wall -Wextra -o $@ $< -lz -lzstd

# the seeds of one target, in FUZZ_B/seeds-NAME
fuzz-seeds-core: $(FUZZ_B)/seeds
	@rm -rf $(FUZZ_B)/seeds-core && mkdir -p $(FUZZ_B)/seeds-core && $(FUZZ_B)/seeds $(FUZZ_B)/seeds-core
fuzz-seeds-walk fuzz-seeds-index fuzz-seeds-snapshot fuzz-seeds-report: fuzz-seeds-%: $(FUZZ_B)/fuzz-%
	@rm -rf $(FUZZ_B)/seeds-$* && mkdir -p $(FUZZ_B)/seeds-$* && \
		HG_FUZZ_SEED=$(FUZZ_B)/seeds-$*/seed $(FUZZ_B)/fuzz-$* -runs=0 >/dev/null 2>&1
fuzz-seeds-pickle:
	@rm -rf $(FUZZ_B)/seeds-pickle && mkdir -p $(FUZZ_B)/seeds-pickle && python3 tests/fuzz/tm_seeds.py $(FUZZ_B)/seeds-pickle

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz-%) $(FUZZ_TARGETS:%=fuzz-seeds-%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_B)/corpus-$$t; \
		echo "== fuzz-$$t for $(FUZZ_TIME) s"; \
		$(FUZZ_B)/fuzz-$$t -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=4096 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_B)/$$t- $(FUZZ_B)/corpus-$$t $(FUZZ_B)/seeds-$$t \
			2>$(FUZZ_B)/fuzz-$$t.log || { tail -40 $(FUZZ_B)/fuzz-$$t.log; exit 1; }; \
		grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" $(FUZZ_B)/fuzz-$$t.log | tail -2; \
	done

clean:
	rm -rf build build-* heapgraph samples/out tests/out bench/out

.PHONY: all check demo bench install clean fuzz $(FUZZ_TARGETS:%=fuzz-seeds-%)
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(LIB_SRC:%.c=$(FUZZ_B)/%.d)
