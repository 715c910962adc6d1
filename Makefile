# heapgraph - one hand-written GNU Makefile.
#   make              build ./heapgraph (installs missing Debian packages first)
#   make check        build and run every test (SANITIZE=1: under ASan/UBSan)
#   make demo         make a core of samples/leaky.py and show what heapgraph sees
#   make bench        time heapgraph against objgraph and the floor on 1M-10M objects
#   make fuzz         fuzz the core reader and the walker for FUZZ_TIME seconds each (clang, libFuzzer)
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

check: $(BIN) $(UNIT_BIN) $(B)/.deps-test
	@echo "== unit tests"
	@fail=0; cache=$$(mktemp -d); for t in $(UNIT_BIN); do XDG_CACHE_HOME=$$cache $$t || fail=1; done; \
		rm -rf "$$cache"; [ $$fail = 0 ]
	@echo "== end-to-end tests"
	@T_OUTROOT=$(T_OUTROOT) HEAPGRAPH=$(abspath $(BIN)) sh tests/t/run.sh $(TESTS)

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
# in FUZZ_B, start from seed cores made by tests/fuzz/seeds.c, keep what they
# learn in FUZZ_B/corpus and leave crashing inputs in FUZZ_B/crash-*.
FUZZ_B = build-fuzz
FUZZ_TIME = 60
FUZZ_CC = clang
FUZZ_CFLAGS = -O1 -g -std=c11 -Wall -Wextra -Wshadow -Wno-unused-parameter -D_FILE_OFFSET_BITS=64 \
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

$(FUZZ_B)/fuzz-core: tests/fuzz/fuzz-core.c tests/fuzz/fuzz.h tests/unit/craft.h $(FUZZ_B)/libheapgraph.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libheapgraph.a $(LDLIBS)

$(FUZZ_B)/fuzz-walk: tests/fuzz/fuzz-walk.c tests/unit/synth.h $(FUZZ_B)/libheapgraph.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libheapgraph.a $(LDLIBS)

$(FUZZ_B)/seeds: tests/fuzz/seeds.c tests/fuzz/fuzz.h tests/unit/craft.h | $(FUZZ_B)/.deps-fuzz
	$(FUZZ_CC) -O1 -g -std=c11 -Wall -Wextra -o $@ $< -lz -lzstd

fuzz: $(FUZZ_B)/fuzz-core $(FUZZ_B)/fuzz-walk $(FUZZ_B)/seeds
	@rm -rf $(FUZZ_B)/seeds.d $(FUZZ_B)/seeds-walk.d
	@mkdir -p $(FUZZ_B)/seeds.d $(FUZZ_B)/corpus $(FUZZ_B)/seeds-walk.d $(FUZZ_B)/corpus-walk
	@$(FUZZ_B)/seeds $(FUZZ_B)/seeds.d
	$(FUZZ_B)/fuzz-core -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=4096 \
		-artifact_prefix=$(FUZZ_B)/ $(FUZZ_B)/corpus $(FUZZ_B)/seeds.d
	HG_FUZZ_SEED=$(FUZZ_B)/seeds-walk.d/world $(FUZZ_B)/fuzz-walk -max_total_time=$(FUZZ_TIME) -timeout=10 \
		-rss_limit_mb=4096 -max_len=65536 -artifact_prefix=$(FUZZ_B)/walk- $(FUZZ_B)/corpus-walk $(FUZZ_B)/seeds-walk.d

clean:
	rm -rf build build-* heapgraph samples/out tests/out bench/out

.PHONY: all check demo bench install clean fuzz
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(LIB_SRC:%.c=$(FUZZ_B)/%.d)
