# ext/ext.mk — the database extensions (included at the end of the Makefile):
#
#   make sqlite-ext   build/ext/sqlite/jinn.so, the SQLite loadable extension (docs/sqlite-extension.md)
#   make pg-ext       ext/postgres/jinn.so, the PostgreSQL 15 extension, with PGXS (docs/postgres.md)
#   make pg-install   install it into the server's directories (as root)
#   make pg-test      three local servers, single node and sharded (tests/pg/run.sh; docs/sharding.md)
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

pg-test: all pg-install examples/channel/crm.db
	tests/pg/run.sh

.PHONY: sqlite-ext pg-ext pg-install pg-test

# `make clean` also removes the PGXS build's files in ext/postgres
ext-clean:
	-$(MAKE) -s -C ext/postgres PG_CONFIG=$(PG_CONFIG) clean
clean: ext-clean
.PHONY: ext-clean
