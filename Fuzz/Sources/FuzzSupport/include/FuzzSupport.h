#ifndef REPORTWATCH_FUZZ_SUPPORT_H
#define REPORTWATCH_FUZZ_SUPPORT_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer). SwiftPM gives an executable
// target its own main, which wins over libFuzzer's: so each target's main calls this.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
