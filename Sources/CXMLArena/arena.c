#include "xml_arena.h"

/* libxml2's own declaration, repeated so that this file needs none of its headers (which pull
 * in the system ICU); the module that uses this one links libxml2. */
int xmlMemSetup(void (*freeFunc)(void *), void *(*mallocFunc)(size_t), void *(*reallocFunc)(void *, size_t),
                char *(*strdupFunc)(const char *));

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RW_ARENA_DISABLED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RW_ARENA_DISABLED 1
#endif

/* 16 slabs of 512 MB of address space, reserved once without backing: pages are committed when
 * first touched. A slab's first KEEP_BYTES stay committed between scopes so the next parse on
 * it reuses warm pages; what a large page pushed past that is returned to the system. */
#define SLABS 16
#define SLAB_BYTES ((size_t)512 << 20)
#define KEEP_BYTES ((size_t)8 << 20)
#define ALIGN 16
#define HEADER 16 /* the allocation's size, kept in front of it for realloc */

static char *region;
static atomic_uint_fast32_t busy;

struct arena {
    char *base;
    size_t used;
    size_t high;
    char *last; /* the most recent allocation, which realloc can grow in place */
};

static struct arena slabs[SLABS];
static __thread struct arena *current;

static inline int owns(const void *pointer) {
    return region != NULL && (uintptr_t)pointer - (uintptr_t)region < (uintptr_t)SLABS * SLAB_BYTES;
}

int rw_xml_arena_owns(const void *pointer) { return owns(pointer); }

static inline size_t size_of(const void *pointer) { return *(const size_t *)((const char *)pointer - HEADER); }

static void *bump(struct arena *arena, size_t size) {
    size_t need = HEADER + ((size + ALIGN - 1) & ~(size_t)(ALIGN - 1));
    if (size > SLAB_BYTES || arena->used + need > SLAB_BYTES) return NULL;
    char *block = arena->base + arena->used;
    arena->used += need;
    if (arena->used > arena->high) arena->high = arena->used;
    *(size_t *)block = size;
    arena->last = block + HEADER;
    return block + HEADER;
}

static void *rw_malloc(size_t size) {
    struct arena *arena = current;
    if (arena != NULL) {
        void *pointer = bump(arena, size);
        if (pointer != NULL) return pointer;
    }
    return malloc(size);
}

static void rw_free(void *pointer) {
    if (pointer == NULL) return;
    if (owns(pointer)) {
        /* Only the newest block can be given back: libxml2 frees many short-lived buffers. */
        struct arena *arena = current;
        if (arena != NULL && pointer == arena->last) {
            arena->used = (size_t)((char *)pointer - HEADER - arena->base);
            arena->last = NULL;
        }
        return;
    }
    free(pointer);
}

static void *rw_realloc(void *pointer, size_t size) {
    if (pointer == NULL) return rw_malloc(size);
    if (!owns(pointer)) return realloc(pointer, size);
    size_t old = size_of(pointer);
    struct arena *arena = current;
    if (arena != NULL && pointer == arena->last) {
        /* The newest block: grow or shrink it where it is. */
        size_t start = (size_t)((char *)pointer - arena->base);
        size_t end = start + ((size + ALIGN - 1) & ~(size_t)(ALIGN - 1));
        if (size <= SLAB_BYTES && end <= SLAB_BYTES) {
            arena->used = end;
            if (end > arena->high) arena->high = end;
            *(size_t *)((char *)pointer - HEADER) = size;
            return pointer;
        }
    }
    void *moved = rw_malloc(size);
    if (moved == NULL) return NULL;
    memcpy(moved, pointer, old < size ? old : size);
    return moved;
}

static char *rw_strdup(const char *text) {
    size_t length = strlen(text) + 1;
    char *copy = rw_malloc(length);
    if (copy != NULL) memcpy(copy, text, length);
    return copy;
}

int rw_xml_arena_install(void) {
#ifndef RW_ARENA_DISABLED
    void *reserved = mmap(NULL, (size_t)SLABS * SLAB_BYTES, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserved != MAP_FAILED) {
        region = reserved;
        for (int i = 0; i < SLABS; i++) slabs[i].base = region + (size_t)i * SLAB_BYTES;
    }
#endif
    return xmlMemSetup(rw_free, rw_malloc, rw_realloc, rw_strdup);
}

int rw_xml_arena_begin(void) {
    if (region == NULL || current != NULL) return 0;
    uint_fast32_t seen = atomic_load(&busy);
    for (;;) {
        int slot = -1;
        for (int i = 0; i < SLABS; i++) {
            if (!(seen & ((uint_fast32_t)1 << i))) { slot = i; break; }
        }
        if (slot < 0) return 0;
        if (atomic_compare_exchange_weak(&busy, &seen, seen | ((uint_fast32_t)1 << slot))) {
            struct arena *arena = &slabs[slot];
            arena->used = 0;
            arena->last = NULL;
            current = arena;
            return slot + 1;
        }
    }
}

void rw_xml_arena_end(int token) {
    if (token <= 0 || token > SLABS) return;
    struct arena *arena = &slabs[token - 1];
    if (current == arena) current = NULL;
    if (arena->high > KEEP_BYTES) {
        madvise(arena->base + KEEP_BYTES, arena->high - KEEP_BYTES, MADV_DONTNEED);
        arena->high = KEEP_BYTES;
    }
    arena->used = 0;
    arena->last = NULL;
    atomic_fetch_and(&busy, ~((uint_fast32_t)1 << (token - 1)));
}

void rw_xml_arena_abandon(int token) {
    if (token <= 0 || token > SLABS) return;
    if (current == &slabs[token - 1]) current = NULL;
    /* The slab stays marked busy, so nothing reuses what a survivor points into. */
}

void *rw_xml_arena_pause(void) {
    struct arena *paused = current;
    current = NULL;
    return paused;
}

void rw_xml_arena_unpause(void *paused) { current = paused; }

int rw_xml_arena_available(void) { return region != NULL; }

size_t rw_xml_arena_used(void) { return current ? current->used : 0; }
