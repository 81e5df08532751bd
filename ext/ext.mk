# ext/ext.mk — the database extensions (included at the end of the Makefile):
#
#   make sqlite-ext   build/ext/sqlite/jinn.so, the SQLite loadable extension (docs/sqlite-extension.md)
#   make pg-ext       ext/postgres/jinn.so, the PostgreSQL 15 extension, with PGXS (docs/postgres.md)
#   make pg-install   install it into the server's directories (as root)
#   make pg-test      three local servers, single node and sharded (tests/pg/run.sh; docs/sharding.md),
#                     then `jinn batch --providers postgres:` on a server of its own (tests/pg/batch.sh)
#   make pg-batch-test  tests/pg/batch.sh alone (needs no extension)
#
# Both link libjinn.a statically (it is built with -fPIC) and hide its symbols.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
SQLITE_EXT := $(BUILD)/ext/sqlite/jinn.so
EXT_COMMON := ext/common/jinn_ext.c ext/common/jinn_ext.h

sqlite-ext: $(SQLITE_EXT)

$(SQLITE_EXT): ext/sqlite/jinn_sqlite.c $(EXT_COMMON) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iext/common -shared -o $@ ext/sqlite/jinn_sqlite.c ext/common/jinn_ext.c \
	  $(LIBA) $(LDLIBS) -Wl,--exclude-libs,ALL

pg-ext: $(LIBA)
	$(MAKE) -C ext/postgres PG_CONFIG=$(PG_CONFIG)

pg-install: pg-ext
	$(MAKE) -C ext/postgres PG_CONFIG=$(PG_CONFIG) install

# the two suites' "N passed, M failed" lines summed into one (the last line, as .ci/run reads it)
pg-test: all pg-install examples/channel/crm.db
	@mkdir -p $(BUILD)
	@{ tests/pg/run.sh; tests/pg/batch.sh; } 2>&1 | tee $(BUILD)/pg-test.log; \
	awk '/^[0-9]+ passed, [0-9]+ failed$$/ {n++; p += $$1; f += $$3} END {if (n != 2) f++; print p " passed, " f " failed"; exit f > 0}' $(BUILD)/pg-test.log

pg-batch-test: all examples/channel/crm.db
	tests/pg/batch.sh

.PHONY: sqlite-ext pg-ext pg-install pg-test pg-batch-test

# `make clean` also removes the PGXS build's files in ext/postgres
ext-clean:
	-$(MAKE) -s -C ext/postgres PG_CONFIG=$(PG_CONFIG) clean
clean: ext-clean
.PHONY: ext-clean
