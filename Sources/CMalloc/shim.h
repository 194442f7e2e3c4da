#ifndef REPORTWATCH_CMALLOC_SHIM_H
#define REPORTWATCH_CMALLOC_SHIM_H

// glibc's malloc tuning (mallopt, malloc_trim), which Swift's Glibc module does not export.
#include <malloc.h>

static inline int rw_malloc_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }
static inline int rw_malloc_trim(void) { return malloc_trim(0); }

#endif
