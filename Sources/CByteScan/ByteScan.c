// The functions are `static inline` in the header, compiled into the Swift code that calls them;
// a C target needs a source file of its own.
#include "ByteScan.h"
