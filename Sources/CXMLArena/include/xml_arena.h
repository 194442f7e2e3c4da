#ifndef REPORTWATCH_XML_ARENA_H
#define REPORTWATCH_XML_ARENA_H

#include <stddef.h>

/*
 * A bump allocator for libxml2, scoped to one thread at a time.
 *
 * rw_xml_arena_install() routes libxml2's allocations through this file (xmlMemSetup). Outside
 * an arena scope they go to malloc, unchanged. Between rw_xml_arena_begin() and
 * rw_xml_arena_end() on one thread, libxml2's allocations on that thread come from one
 * contiguous slab instead: building a parse tree is then a pointer bump, the tree is compact in
 * memory, and it is discarded whole at the end of the scope instead of node by node.
 *
 * The rule: nothing libxml2 allocated inside a scope may be used after the scope ends. free()
 * of such a pointer is a no-op and is safe at any time; any other use is not.
 */

/* Installs the allocator. Call once, before xmlInitParser. Returns 0 on success. */
int rw_xml_arena_install(void);

/* Starts a scope on the calling thread. Returns a token for rw_xml_arena_end, or 0 when no slab
 * is free (too many threads at once, or the region could not be reserved) or a scope is already
 * open on this thread; allocations then go to malloc as usual. */
int rw_xml_arena_begin(void);

/* Ends the scope the token names. Everything allocated in it is discarded. */
void rw_xml_arena_end(int token);

/* Ends the scope without discarding it: something allocated in it is still in use. The slab is
 * never reused; its memory stays valid (a leak, not a dangling pointer). */
void rw_xml_arena_abandon(int token);

/* Stops the calling thread's open scope from taking allocations (they go to malloc) until
 * rw_xml_arena_unpause with the returned value: for objects made during a parse that must
 * outlive it. */
void *rw_xml_arena_pause(void);
void rw_xml_arena_unpause(void *paused);

/* 1 when scopes can get a slab: the region was reserved (it is not under AddressSanitizer,
 * which must see every allocation, nor when the system refuses the reservation). */
int rw_xml_arena_available(void);

/* Bytes handed out in the current thread's open scope (0 when none), for tests. */
size_t rw_xml_arena_used(void);

/* 1 when the pointer lies in an arena slab. */
int rw_xml_arena_owns(const void *pointer);

#endif
