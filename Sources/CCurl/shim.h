#ifndef REPORTWATCH_CCURL_SHIM_H
#define REPORTWATCH_CCURL_SHIM_H

#include <curl/curl.h>

// Swift cannot call C variadic functions. These typed wrappers are the only way the
// Swift side sets options or reads transfer information.

static inline CURLcode rw_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode rw_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode rw_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode rw_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode rw_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*rw_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode rw_easy_setopt_data_callback(CURL *handle, CURLoption option, rw_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

// CURLOPT_PREREQFUNCTION (libcurl 7.80): called once a connection is made (or reused) and
// before the request is sent, with the address actually connected.
typedef int (*rw_prereq_callback)(void *userdata, char *primary_ip, char *local_ip, int primary_port, int local_port);

static inline CURLcode rw_easy_setopt_prereq_callback(CURL *handle, rw_prereq_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, callback);
}

static inline int rw_prereq_ok(void) { return CURL_PREREQFUNC_OK; }
static inline int rw_prereq_abort(void) { return CURL_PREREQFUNC_ABORT; }

static inline CURLcode rw_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode rw_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode rw_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode rw_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode rw_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

// CURL_WRITEFUNC_PAUSE and CURL_READFUNC_ABORT are macros Swift cannot see.
static inline size_t rw_write_abort(void) { return 0; }
static inline size_t rw_read_abort(void) { return CURL_READFUNC_ABORT; }

// CURLOPT_USE_SSL takes a `long`; Swift imports the curl_usessl enum as a struct.
static inline long rw_usessl_none(void) { return (long)CURLUSESSL_NONE; }
static inline long rw_usessl_try(void) { return (long)CURLUSESSL_TRY; }
static inline long rw_usessl_all(void) { return (long)CURLUSESSL_ALL; }

#endif
