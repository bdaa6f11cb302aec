# earful - brand feedback report generator.
#
#   make demo     install what is missing, build, run on the bundled sample
#   make check    the same set-up, then every test (ends "N passed, N failed")
#   make bench    benchmarks against peers (figures, not pass/fail)
#   make san      build/san-bin/earful: the program under ASan + UBSan
#   make format   lay out the C sources as .clang-format says (clang-format-14)
#   make fuzz     libFuzzer targets (FUZZ_SECONDS per target, default 60)
#   make fuzz-long  every target for FUZZ_SECONDS (default 3600) each, with
#                 runs and coverage per target in build/fuzz/summary.txt
#   V=1           show the commands

PKGS     := sqlite3 libcmark-gfm cairo freetype2 xlsxwriter zlib nettle \
            fontconfig icu-uc
# libpq: its header only. src/input/pq_load.c loads the library when a
# postgresql:// input or store is first used (dlopen: in libc since glibc
# 2.34, no -ldl): linked, it and what it pulls in (gnutls, krb5, ldap...)
# cost every run ~8 ms of start-up.
HDR_PKGS := libpq
CC       ?= cc
CFLAGS   ?= -O2 -g
# -Werror where the warnings are ours to fix (make check, CI): a newer
# compiler's new warning must not break a user's build.
WERROR   ?= $(if $(CI),-Werror,)
WARN     := -std=c17 -Wall -Wextra $(WERROR) -Wpedantic -Wshadow \
            -Wstrict-prototypes -Wno-unused-parameter
# VADER's scores must match the reference bit for bit: no fused multiply-add.
BASEFLAGS := $(WARN) -ffp-contract=off -D_GNU_SOURCE -MMD -MP -pthread
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined
Q        := $(if $(V),,@)

# pkg-config runs once, on first use (after `make deps` has had its
# chance): each variable replaces itself with its value.
PKG_CF    = $(eval PKG_CF := $(shell pkg-config --cflags $(PKGS) \
              $(HDR_PKGS) 2>/dev/null))$(PKG_CF)
PKG_LIBS  = $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS) \
              2>/dev/null) -lcmark-gfm-extensions)$(PKG_LIBS)
CPPFLAGS += -Isrc -Ibuild/gen
LDLIBS   += -lm -pthread

SRC      := $(wildcard src/*.c src/*/*.c)
GEN      := build/gen/vader_data.c build/gen/templates.c
REL_OBJ  := $(patsubst src/%.c,build/rel/%.o,$(SRC)) \
            build/rel/gen/vader_data.o build/rel/gen/templates.o
SAN_OBJ  := $(patsubst src/%.c,build/san/%.o,$(filter-out src/main.c,$(SRC))) \
            build/san/gen/vader_data.o build/san/gen/templates.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(patsubst tests/unit/%.c,build/san/tests/%.o,$(UNIT_SRC))

LEXICON_TGZ_SHA := de3c50aee6ffe2bc7929f50a69b0a3905d7b63f6fb103c2397517aff799851d2
LEXICON_SHA     := ffb6117bfccf798a34e91d72f50604329946e6fd763668092618d5c5b340a298
EMOJI_TEST      := /usr/share/unicode/emoji/emoji-test.txt
UNICODE_DATA    := /usr/share/unicode/UnicodeData.txt
UNICODE_PROPS   := /usr/share/unicode/DerivedCoreProperties.txt
FONT_SRC        := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

.PHONY: all deps demo check check-office unit cli conformance fuzz \
        fuzz-long san bench clean distclean pg install-pg format format-check
all: earful

# ==== Set-up ================================================================

deps:
	$(Q)tools/install-deps

build/vader_lexicon.txt:
	$(Q)tools/fetch-lexicon $@ $(LEXICON_TGZ_SHA) $(LEXICON_SHA)

fonts/DejaVuSans.ttf: | deps
	@mkdir -p $(@D)
	$(Q)cp $(FONT_SRC) $@

build/tools/gendata: tools/gendata.c
	@mkdir -p $(@D)
	$(Q)$(CC) -O2 -std=c17 -Wall -Wextra -Werror -o $@ $<

build/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(Q)$(CC) -O2 -std=c17 -Wall -Wextra -Werror -o $@ $<

build/gen/templates.c: build/tools/embed templates/report.md templates/report.html \
                      pg/queries.sql
	@mkdir -p $(@D)
	$(Q)build/tools/embed report_md=templates/report.md \
	    report_html=templates/report.html pg_queries=pg/queries.sql \
	    > $@.tmp && mv $@.tmp $@

build/gen/vader_data.c: build/tools/gendata build/vader_lexicon.txt
	@mkdir -p $(@D)
	$(Q)build/tools/gendata build/vader_lexicon.txt $(EMOJI_TEST) \
	    $(UNICODE_DATA) $(UNICODE_PROPS) > $@.tmp && mv $@.tmp $@

# ==== The program ===========================================================

earful: $(REL_OBJ)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)
	@echo "built ./earful"

build/rel/%.o: src/%.c | $(GEN)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CF) $(BASEFLAGS) $(CFLAGS) -c -o $@ $<

build/rel/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(BASEFLAGS) $(CFLAGS) -c -o $@ $<

# ==== Tests =================================================================

build/san/%.o: src/%.c | $(GEN)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CF) $(BASEFLAGS) -O1 -g $(SAN) -DEF_TESTING -c -o $@ $<

build/san/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(BASEFLAGS) -O1 -g $(SAN) -c -o $@ $<

build/gen/test_groups.h: $(UNIT_SRC)
	@mkdir -p $(@D)
	$(Q){ sed -n 's/^void test_\([a-z0-9_]*\)(void)$$/void test_\1(void);/p' $^; \
	  printf '#define EF_TEST_GROUPS'; \
	  sed -n 's/^void test_\([a-z0-9_]*\)(void)$$/ EF_GROUP(\1)/p' $^ | tr -d '\n'; \
	  echo; } > $@

build/san/tests/%.o: tests/unit/%.c build/gen/test_groups.h | $(GEN)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(PKG_CF) $(BASEFLAGS) -O1 -g $(SAN) -DEF_TESTING -c -o $@ $<

build/unit: $(SAN_OBJ) $(UNIT_OBJ)
	$(Q)$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

# The program itself under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer: tests/suites/robust.sh runs the hostile
# inputs through it.
san: build/san-bin/earful
build/san-bin/earful: $(SAN_OBJ) build/san/main.o
	@mkdir -p $(@D)
	$(Q)$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

check: deps
	$(Q)$(MAKE) --no-print-directory WERROR=-Werror earful build/unit \
	    build/san-bin/earful build/tools/conform \
	    build/tools/conform-avx2 build/tools/conform-sse2 \
	    build/tools/conform-scalar fonts/DejaVuSans.ttf \
	    node_modules/.package-lock.json $(REPLAY_BIN)
	$(Q)tests/run_all.sh

# The browser suite's puppeteer-core, as package-lock.json pins it (npm
# ci: after the first install, no network is needed).
node_modules/.package-lock.json: package.json package-lock.json
	$(Q)if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "earful: npm missing: the browser suite will be skipped" >&2; fi

build/tools/conform: tests/conform.c $(filter-out build/rel/main.o,$(REL_OBJ))
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(BASEFLAGS) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

# The same without the scorer's AVX-512 path (AVX2), without AVX2 either
# (SSE2 only), and without any vector code (the portable path other CPUs
# take): all must conform too.
SCORER_SRC := src/sentiment/vader.c src/sentiment/lexicon.c
CONFORM_DEPS = tests/conform.c $(SCORER_SRC) \
    $(filter-out build/rel/main.o build/rel/sentiment/%,$(REL_OBJ))
build/tools/conform-avx2: PATH_FLAGS := -DEF_NO_AVX512
build/tools/conform-sse2: PATH_FLAGS := -DEF_NO_AVX2
build/tools/conform-scalar: PATH_FLAGS := -DEF_NO_AVX2 -U__SSE2__
build/tools/conform-avx2 build/tools/conform-sse2 build/tools/conform-scalar: \
    $(CONFORM_DEPS) \
    $(wildcard src/sentiment/*.h)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(BASEFLAGS) $(CFLAGS) $(PATH_FLAGS) -o $@ \
	    $(CONFORM_DEPS) $(PKG_LIBS) $(LDLIBS)

# issue 7: the calibration against ../shared/calibration (always -O2: it
# bootstraps 1,200 samples; tests/suites/calibration.sh builds it)
build/tools/calib_validate: tests/calib_validate.c $(filter-out build/rel/main.o,$(REL_OBJ))
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(BASEFLAGS) $(CFLAGS) -O2 -o $@ $^ $(PKG_LIBS) $(LDLIBS)

# issue 13: the label sample's design against ../shared/calibration
# (tests/suites/sample_design.sh builds it)
build/tools/sample_validate: tests/sample_validate.c $(filter-out build/rel/main.o,$(REL_OBJ))
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(BASEFLAGS) $(CFLAGS) -O2 -o $@ $^ $(PKG_LIBS) $(LDLIBS)

# LibreOffice converts the sample workbook to PDF (optional: it installs
# libreoffice-calc-nogui, which is large).
check-office: deps
	$(Q)$(MAKE) --no-print-directory earful build/unit fonts/DejaVuSans.ttf
	$(Q)tests/office.sh

# ==== Layout ================================================================

# The C sources clang-format lays out (.clang-format; generated files and
# the vendored corpora are not ours). make check runs the check through
# tests/suites/format.sh, one result per file; `make format` fixes them.
CLANG_FORMAT ?= clang-format-14
FORMAT_SRC := $(sort $(wildcard src/*.[ch] src/*/*.[ch] tests/*.[ch] \
              tests/unit/*.[ch] tests/fuzz/*.c tools/*.c bench/*.c \
              samples/*.c pg/*.c))

format:
	$(Q)$(CLANG_FORMAT) -i --style=file $(FORMAT_SRC)

format-check:
	$(Q)$(CLANG_FORMAT) --dry-run -Werror --style=file $(FORMAT_SRC)

# ==== Demo ==================================================================

demo: deps
	$(Q)$(MAKE) --no-print-directory earful fonts/DejaVuSans.ttf
	$(Q)tools/demo

# ==== Fuzzing and benchmarks ================================================

FUZZ_SECONDS ?=
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_LIBSRC  := $(filter-out src/main.c,$(SRC)) $(GEN)

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIBSRC)
	@mkdir -p $(@D)
	$(Q)clang $(CPPFLAGS) $(PKG_CF) -std=c17 -D_GNU_SOURCE -ffp-contract=off -O1 -g \
	    -DEF_TESTING -fsanitize=fuzzer,address,undefined -o $@ $^ $(PKG_LIBS) $(LDLIBS)

# The same targets without libFuzzer, under ASan + UBSan, for `make check`:
# tests/suites/fuzz_replay.sh replays the seed corpora through them.
REPLAY_BIN := $(patsubst tests/fuzz/%.c,build/fuzz-replay/%,$(FUZZ_SRC))
build/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(SAN_OBJ)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CF) $(WARN) -ffp-contract=off -D_GNU_SOURCE \
	    -pthread -O1 -g $(SAN) -DEF_TESTING -o $@ $< tests/fuzz/replay.c \
	    $(SAN_OBJ) $(PKG_LIBS) $(LDLIBS)

# Every target in turn, FUZZ_SECONDS each (60 for fuzz, 3600 for
# fuzz-long); tests/fuzz/run.sh prints runs and coverage per target.
fuzz: deps $(GEN)
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BIN)
	$(Q)tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60) $(FUZZ_BIN)

fuzz-long: deps $(GEN)
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BIN)
	$(Q)tests/fuzz/run.sh $(or $(FUZZ_SECONDS),3600) $(FUZZ_BIN)

bench: deps
	$(Q)$(MAKE) --no-print-directory earful fonts/DejaVuSans.ttf build/tools/read_csv \
	    build/tools/xlsx_bench
	$(Q)bench/run.sh

build/tools/read_csv: bench/read_csv.c $(filter-out build/rel/main.o,$(REL_OBJ))
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(BASEFLAGS) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

# The workbook module alone, for bench/xlsx.sh and the floor line of
# bench/report.sh: linked with the program's own objects, so that it
# follows the sources wherever they move.
build/tools/xlsx_bench: bench/xlsx_bench.c $(filter-out build/rel/main.o,$(REL_OBJ))
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CF) $(BASEFLAGS) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

clean:
	rm -rf build/rel build/san build/fuzz build/fuzz-replay build/unit build/tools build/gen build/pg earful

distclean:
	rm -rf build earful fonts/*.ttf node_modules

-include $(shell find build -name '*.d' 2>/dev/null)

# ==== PostgreSQL extension (pg/, issue 18) ================================

# earful_pg runs the CLI's own scorer, term splitter and calendar: these
# sources are compiled here with the project's flags (-ffp-contract=off)
# and linked by PGXS (pg/Makefile, built out of tree in build/pg; no JIT
# bitcode: PGXS would want it for these objects too).
PG_CONFIG ?= pg_config
PG_EF_SRC := sentiment/vader sentiment/lexicon metrics/themes input/datetime \
             util/util util/text util/script
PG_EF_OBJ := $(patsubst %,build/pg/obj/%.o,$(PG_EF_SRC)) \
             build/pg/obj/gen/vader_data.o
PGXS_MAKE  = $(MAKE) --no-print-directory -C build/pg -f $(CURDIR)/pg/Makefile \
             EF_ROOT=$(CURDIR) EF_OBJ="$(abspath $(PG_EF_OBJ))" \
             PG_CONFIG=$(PG_CONFIG) with_llvm=no $(if $(V),,-s)

pg: $(PG_EF_OBJ)
	$(Q)$(PGXS_MAKE)
	@echo "built build/pg/earful_pg.so"

install-pg: pg
	$(Q)$(PGXS_MAKE) install

build/pg/obj/%.o: src/%.c | $(GEN)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CF) $(BASEFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

build/pg/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(BASEFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

# ==== The sample brand ======================================================

build/tools/gen_sample: samples/gen_sample.c src/metrics/stats.c
	@mkdir -p $(@D)
	$(Q)$(CC) -O2 $(WARN) -Isrc -o $@ $^ -lm

samples/feedback.csv: build/tools/gen_sample
	$(Q)build/tools/gen_sample > $@.tmp && mv $@.tmp $@
