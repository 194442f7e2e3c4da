#ifndef REPORTWATCH_CLIBXML2_SHIM_H
#define REPORTWATCH_CLIBXML2_SHIM_H

// Debian's libxml2 headers include the system ICU, whose declarations clash with the copy
// inside Foundation ("'UErrorCode' has different definitions"). Nothing here needs ICU.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

// xmlFree is a global function pointer; a function is easier to call from Swift.
static inline void rw_xml_free(void *pointer) { xmlFree(pointer); }

// Silence libxml2's default error printing to stderr; errors are read back with xmlGetLastError.
static void rw_xml_ignore_structured_error(void *context, xmlErrorPtr error) { (void)context; (void)error; }
static void rw_xml_ignore_generic_error(void *context, const char *message, ...) { (void)context; (void)message; }
static inline void rw_xml_silence_errors(void) {
    xmlSetStructuredErrorFunc(NULL, rw_xml_ignore_structured_error);
    xmlSetGenericErrorFunc(NULL, rw_xml_ignore_generic_error);
}

#endif
