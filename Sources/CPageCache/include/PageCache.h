// Whether a file's pages are in the page cache, asked without mapping the file or reading it.

#ifndef PERMSITE_PAGE_CACHE_H
#define PERMSITE_PAGE_CACHE_H

/// How many of the pages of the `length` bytes at `offset` of the open file `descriptor` are in
/// the page cache (Linux's `cachestat`, 6.5 and later); -1 when it cannot be told (an older
/// kernel, another system, or an error), with `errno` set.
long long permsite_cached_pages(int descriptor, long long offset, long long length);

#endif
