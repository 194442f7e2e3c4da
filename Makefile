# reportwatch: build, run, test, install.
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
CONFIG ?= config/reportwatch.yaml
BINDIR = $(DESTDIR)$(PREFIX)/bin
UNITDIR = $(DESTDIR)$(PREFIX)/lib/systemd/system
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
CONFDIR = $(DESTDIR)/etc/reportwatch

.PHONY: build release run test check-unit install uninstall clean bench bench-build

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# Runs the service on the default config, with its state in ./var.
run: release
	./.build/release/reportwatch run --config $(CONFIG)

# The whole test suite against real loopback peers, then the systemd unit checks.
test: bench-build
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) check-unit

check-unit:
	bash scripts/check-unit.sh systemd/reportwatch.service

install: release
	install -d $(BINDIR) $(UNITDIR) $(MANDIR) $(CONFDIR)
	install -m 0755 .build/release/reportwatch $(BINDIR)/reportwatch
	sed 's|/usr/local/bin/reportwatch|$(PREFIX)/bin/reportwatch|' systemd/reportwatch.service > $(UNITDIR)/reportwatch.service
	chmod 0644 $(UNITDIR)/reportwatch.service
	[ -e $(CONFDIR)/reportwatch.yaml ] || install -m 0644 config/reportwatch.yaml $(CONFDIR)/reportwatch.yaml
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

clean:
	rm -rf .build
