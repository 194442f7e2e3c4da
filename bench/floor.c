/*
 * The floor: what libcurl and libxml2 cost by themselves. Fetches every URL listed on stdin
 * with one libcurl multi handle (up to MAX_PARALLEL at once, conditional GET when a validator
 * file is given, gzip accepted), parses each body with libxml2's HTML parser and runs one XPath
 * (the Ofsted publication links). Prints: pages, not-modified answers, matched nodes.
 *
 *   cc -O2 -o floor floor.c $(pkg-config --cflags --libs libcurl libxml-2.0)
 *   ./floor [--parallel N] [--etags FILE] < urls.txt
 */
#include <curl/curl.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XPATH "//a[contains(concat(' ', normalize-space(@class), ' '), ' publication-link ')]"

struct page {
    char *url;
    char *etag;
    char *body;
    size_t size;
    size_t capacity;
    char *new_etag;
    struct curl_slist *headers;
};

static size_t on_body(char *data, size_t size, size_t count, void *user) {
    struct page *page = user;
    size_t n = size * count;
    if (page->size + n + 1 > page->capacity) {
        size_t capacity = page->capacity ? page->capacity * 2 : 131072;
        while (capacity < page->size + n + 1) capacity *= 2;
        char *grown = realloc(page->body, capacity);
        if (!grown) return 0;
        page->body = grown;
        page->capacity = capacity;
    }
    memcpy(page->body + page->size, data, n);
    page->size += n;
    return n;
}

static size_t on_header(char *data, size_t size, size_t count, void *user) {
    struct page *page = user;
    size_t n = size * count;
    if (n > 6 && strncasecmp(data, "ETag:", 5) == 0) {
        free(page->new_etag);
        page->new_etag = strndup(data + 5, n - 5);
    }
    return n;
}

static long matched = 0;

static void parse(struct page *page) {
    htmlDocPtr doc = htmlReadMemory(page->body, (int)page->size, page->url, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT);
    if (!doc) return;
    xmlXPathContextPtr context = xmlXPathNewContext(doc);
    xmlXPathObjectPtr result = xmlXPathEvalExpression((const xmlChar *)XPATH, context);
    if (result && result->nodesetval) matched += result->nodesetval->nodeNr;
    xmlXPathFreeObject(result);
    xmlXPathFreeContext(context);
    xmlFreeDoc(doc);
}

int main(int argc, char **argv) {
    int parallel = 10;
    const char *etags = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--parallel") && i + 1 < argc) parallel = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--etags") && i + 1 < argc) etags = argv[++i];
    }
    size_t count = 0, capacity = 1024;
    struct page *pages = calloc(capacity, sizeof *pages);
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        if (count == capacity) { capacity *= 2; pages = realloc(pages, capacity * sizeof *pages); memset(pages + count, 0, (capacity - count) * sizeof *pages); }
        pages[count++].url = strdup(line);
    }
    if (etags) {
        FILE *file = fopen(etags, "r");
        for (size_t i = 0; file && i < count && fgets(line, sizeof line, file); i++) {
            line[strcspn(line, "\r\n")] = 0;
            if (*line) pages[i].etag = strdup(line);
        }
        if (file) fclose(file);
    }
    xmlInitParser();
    curl_global_init(CURL_GLOBAL_ALL);
    CURLM *multi = curl_multi_init();
    size_t next = 0;
    int running = 0, not_modified = 0;
    long done = 0;
    while (done < (long)count) {
        while (running < parallel && next < count) {
            struct page *page = &pages[next++];
            CURL *easy = curl_easy_init();
            curl_easy_setopt(easy, CURLOPT_URL, page->url);
            curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
            curl_easy_setopt(easy, CURLOPT_WRITEDATA, page);
            curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
            curl_easy_setopt(easy, CURLOPT_HEADERDATA, page);
            curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
            curl_easy_setopt(easy, CURLOPT_PRIVATE, page);
            if (page->etag) {
                char header[4200];
                snprintf(header, sizeof header, "If-None-Match: %s", page->etag);
                page->headers = curl_slist_append(NULL, header);
                curl_easy_setopt(easy, CURLOPT_HTTPHEADER, page->headers);
            }
            curl_multi_add_handle(multi, easy);
            running++;
        }
        int still;
        curl_multi_perform(multi, &still);
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left))) {
            if (message->msg != CURLMSG_DONE) continue;
            CURL *easy = message->easy_handle;
            struct page *page;
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&page);
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            if (status == 304) not_modified++;
            else if (status == 200) parse(page);
            free(page->body);
            page->body = NULL;
            page->size = page->capacity = 0;
            curl_slist_free_all(page->headers);
            curl_multi_remove_handle(multi, easy);
            curl_easy_cleanup(easy);
            running--;
            done++;
        }
        if (done < (long)count) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    printf("pages=%zu not_modified=%d matched=%ld\n", count, not_modified, matched);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return 0;
}
