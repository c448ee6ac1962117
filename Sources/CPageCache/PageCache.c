#include "PageCache.h"

#include <errno.h>

#if defined(__linux__)
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

// Older C libraries name neither the call nor its structures; the numbers are the kernel's.
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif

struct permsite_cachestat_range {
  uint64_t off;
  uint64_t len;
};

struct permsite_cachestat {
  uint64_t nr_cache;
  uint64_t nr_dirty;
  uint64_t nr_writeback;
  uint64_t nr_evicted;
  uint64_t nr_recently_evicted;
};
#endif

long long permsite_cached_pages(int descriptor, long long offset, long long length) {
#if defined(__linux__)
  struct permsite_cachestat_range range = {(uint64_t)offset, (uint64_t)length};
  struct permsite_cachestat status = {0, 0, 0, 0, 0};
  if (syscall(__NR_cachestat, descriptor, &range, &status, 0) != 0) return -1;
  return (long long)status.nr_cache;
#else
  (void)descriptor;
  (void)offset;
  (void)length;
  errno = ENOSYS;
  return -1;
#endif
}
