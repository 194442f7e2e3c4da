# reportwatch: build, run, test, install.
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
CONFIG ?= config/reportwatch.yaml
BINDIR = $(DESTDIR)$(PREFIX)/bin
UNITDIR = $(DESTDIR)$(PREFIX)/lib/systemd/system
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
CONFDIR = $(DESTDIR)/etc/reportwatch

.PHONY: build release run test check-unit systemd-test install uninstall clean bench bench-build faults fuzz fuzz-smoke asan

build:
	$(SWIFT) build

# The Swift runtime and Foundation linked in: the installed binary needs no toolchain, starts
# without resolving some fifty libraries, and maps fewer pages.
release:
	$(SWIFT) build -c release --static-swift-stdlib

# Runs the service on the default config, with its state in ./var.
run: release
	./.build/release/reportwatch run --config $(CONFIG)

# The systemd unit checks, the unit under a real systemd with the release binary, a few seconds
# of each fuzz target, then the whole test suite against real loopback peers (the fault suite's
# short form included); the suite's summary comes last.
test: bench-build
	$(MAKE) check-unit
	$(MAKE) systemd-test
	$(MAKE) fuzz-smoke
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

check-unit:
	bash scripts/check-unit.sh systemd/reportwatch.service

# Boots systemd in a container (root, systemd-container) and runs the unit with the release
# binary: start, notify, journal, alerts, reload, watchdog, SIGABRT, stop (about half a minute).
systemd-test: release
	bash scripts/systemd-test.sh .build/release/reportwatch

install: release
	install -d $(BINDIR) $(UNITDIR) $(MANDIR) $(CONFDIR)
	install -m 0755 .build/release/reportwatch $(BINDIR)/reportwatch
	sed 's|/usr/local/bin/reportwatch|$(PREFIX)/bin/reportwatch|' systemd/reportwatch.service > $(UNITDIR)/reportwatch.service
	chmod 0644 $(UNITDIR)/reportwatch.service
	[ -e $(CONFDIR)/reportwatch.yaml ] || install -m 0644 config/reportwatch.yaml $(CONFDIR)/reportwatch.yaml
	install -d -m 0700 $(CONFDIR)/credentials
	bash scripts/manpage.sh .build/release/reportwatch > $(MANDIR)/reportwatch.1

# Removes what install put in place; never state or config.
uninstall:
	rm -f $(BINDIR)/reportwatch $(UNITDIR)/reportwatch.service $(MANDIR)/reportwatch.1

# The benchmark: reportwatch against the raw libcurl + libxml2 floor on loopback; prints a table.
bench: release bench-build
	python3 bench/bench.py .build/release/reportwatch .build/bench/floor $(BENCH_ARGS)

# CI builds the benchmark but does not time it.
bench-build:
	mkdir -p .build/bench
	cc -O2 -Wall -o .build/bench/floor bench/floor.c $$(pkg-config --cflags --libs libcurl libxml-2.0)

# The fault suite against the real command and real loopback peers: SIGKILL at random points
# (FAULT_ITERATIONS passes; CI's `swift test` runs 8), source outages, bad PDFs, hostile text.
# Prints each result's figures.
FAULT_ITERATIONS ?= 50
faults:
	$(SWIFT) build --build-tests --scratch-path .build-faults
	status=0; REPORTWATCH_FAULT_ITERATIONS=$(FAULT_ITERATIONS) $(SWIFT) test --skip-build --scratch-path .build-faults \
		--filter Fault > .build-faults/faults.log 2>&1 || status=$$?; \
	grep -E '^FAULT RESULT|recorded an issue|Test run with' .build-faults/faults.log; exit $$status

# Every fuzz target for SECONDS each (libFuzzer + AddressSanitizer, package in Fuzz/).
SECONDS ?= 60
fuzz:
	bash scripts/fuzz.sh $(SECONDS)

# A few seconds per target: proves the targets build and run on the seeds.
fuzz-smoke:
	bash scripts/fuzz.sh 5

# The whole test suite under AddressSanitizer with leak detection (suppressions: scripts/lsan.supp),
# one test at a time: instrumented code on two cores misses the suite's own timing bounds otherwise.
asan:
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0 \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --no-parallel

clean:
	rm -rf .build
