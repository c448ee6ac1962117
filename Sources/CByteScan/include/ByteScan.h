// Finding bytes sixteen at a time, for the loops that pass over every byte of the site's input
// and output: Swift's SIMD types compile comparisons lane by lane, and these functions, inlined
// into Swift code, compile to a few vector instructions per sixteen bytes.

#ifndef PERMSITE_BYTE_SCAN_H
#define PERMSITE_BYTE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// The offset of the first byte among `bytes[0..<count]` that is `&`, `<`, `>`, `"` or `'` (or, when
/// `stop_at_non_ascii` is not 0, 0x80 or above), looking only at whole blocks of sixteen: `count`
/// rounded down to a multiple of sixteen when no block holds one. The caller looks at the bytes
/// after the last whole block itself.
static inline size_t permsite_html_special_in_blocks(
    const uint8_t *bytes, size_t count, int stop_at_non_ascii) {
  size_t offset = 0;
#if defined(__SSE2__)
  const __m128i ampersand = _mm_set1_epi8('&');
  const __m128i less = _mm_set1_epi8('<');
  const __m128i greater = _mm_set1_epi8('>');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i apostrophe = _mm_set1_epi8('\'');
  for (; offset + 16 <= count; offset += 16) {
    const __m128i block = _mm_loadu_si128((const __m128i *)(bytes + offset));
    const __m128i special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(block, ampersand), _mm_cmpeq_epi8(block, less)),
        _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(block, greater), _mm_cmpeq_epi8(block, quote)),
            _mm_cmpeq_epi8(block, apostrophe)));
    unsigned int found = (unsigned int)_mm_movemask_epi8(special);
    if (stop_at_non_ascii) {
      // The high bit of each byte is its sign: set exactly for the bytes from 0x80.
      found |= (unsigned int)_mm_movemask_epi8(block);
    }
    if (found != 0) {
      return offset + (size_t)__builtin_ctz(found);
    }
  }
#else
  for (; offset + 16 <= count; offset += 16) {
    for (size_t index = offset; index < offset + 16; index++) {
      const uint8_t byte = bytes[index];
      if (byte == '&' || byte == '<' || byte == '>' || byte == '"' || byte == '\''
          || (stop_at_non_ascii && byte >= 0x80)) {
        return index;
      }
    }
  }
#endif
  return offset;
}

#endif
