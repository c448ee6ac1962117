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

/// A bit for each of the sixteen bytes from `bytes` (the first byte's bit lowest) that is `&`,
/// `<`, `>`, `"` or `'`, or, when `stop_at_non_ascii` is not 0, 0x80 or above. All sixteen must
/// be readable.
static inline unsigned int permsite_html_special_mask(const uint8_t *bytes, int stop_at_non_ascii) {
#if defined(__SSE2__)
  const __m128i block = _mm_loadu_si128((const __m128i *)bytes);
  const __m128i special = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('&')), _mm_cmpeq_epi8(block, _mm_set1_epi8('<'))),
      _mm_or_si128(
          _mm_or_si128(
              _mm_cmpeq_epi8(block, _mm_set1_epi8('>')), _mm_cmpeq_epi8(block, _mm_set1_epi8('"'))),
          _mm_cmpeq_epi8(block, _mm_set1_epi8('\''))));
  unsigned int found = (unsigned int)_mm_movemask_epi8(special);
  if (stop_at_non_ascii) {
    // The high bit of each byte is its sign: set exactly for the bytes from 0x80.
    found |= (unsigned int)_mm_movemask_epi8(block);
  }
  return found;
#else
  unsigned int found = 0;
  for (unsigned int index = 0; index < 16; index++) {
    const uint8_t byte = bytes[index];
    if (byte == '&' || byte == '<' || byte == '>' || byte == '"' || byte == '\''
        || (stop_at_non_ascii && byte >= 0x80)) {
      found |= 1u << index;
    }
  }
  return found;
#endif
}

/// The offset of the first byte among `bytes[0..<count]` that ends a JSON string's plain run: a
/// quote, a backslash or a control character (below 0x20), looking only at whole blocks of
/// sixteen: `count` rounded down to a multiple of sixteen when no block holds one. Sets
/// `*non_ascii` to 1 when a byte of 0x80 or above comes before the offset returned.
static inline size_t permsite_json_string_end_in_blocks(
    const uint8_t *bytes, size_t count, int *non_ascii) {
  size_t offset = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1F);
  unsigned int high = 0;
  for (; offset + 16 <= count; offset += 16) {
    const __m128i block = _mm_loadu_si128((const __m128i *)(bytes + offset));
    // A byte is at most 0x1F exactly when the unsigned minimum of it and 0x1F is the byte.
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(block, below_space), block);
    const __m128i special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)), control);
    const unsigned int found = (unsigned int)_mm_movemask_epi8(special);
    const unsigned int signs = (unsigned int)_mm_movemask_epi8(block);
    if (found != 0) {
      const unsigned int position = (unsigned int)__builtin_ctz(found);
      // The high bits of the bytes before the one found.
      high |= signs & ((1u << position) - 1u);
      if (high != 0) *non_ascii = 1;
      return offset + position;
    }
    high |= signs;
  }
  if (high != 0) *non_ascii = 1;
#else
  for (; offset + 16 <= count; offset += 16) {
    for (size_t index = offset; index < offset + 16; index++) {
      const uint8_t byte = bytes[index];
      if (byte == '"' || byte == '\\' || byte < 0x20) return index;
      if (byte >= 0x80) *non_ascii = 1;
    }
  }
#endif
  return offset;
}

/// The offset of the first byte among `bytes[0..<count]` that is not JSON whitespace (space, tab,
/// line feed, carriage return), looking only at whole blocks of sixteen: `count` rounded down to
/// a multiple of sixteen when every byte of every block is whitespace.
static inline size_t permsite_json_whitespace_end_in_blocks(const uint8_t *bytes, size_t count) {
  size_t offset = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i line_feed = _mm_set1_epi8('\n');
  const __m128i carriage_return = _mm_set1_epi8('\r');
  for (; offset + 16 <= count; offset += 16) {
    const __m128i block = _mm_loadu_si128((const __m128i *)(bytes + offset));
    const __m128i white = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(block, space), _mm_cmpeq_epi8(block, tab)),
        _mm_or_si128(_mm_cmpeq_epi8(block, line_feed), _mm_cmpeq_epi8(block, carriage_return)));
    const unsigned int other = ~(unsigned int)_mm_movemask_epi8(white) & 0xFFFFu;
    if (other != 0) {
      return offset + (size_t)__builtin_ctz(other);
    }
  }
#else
  for (; offset + 16 <= count; offset += 16) {
    for (size_t index = offset; index < offset + 16; index++) {
      const uint8_t byte = bytes[index];
      if (byte != ' ' && byte != '\t' && byte != '\n' && byte != '\r') return index;
    }
  }
#endif
  return offset;
}

#endif
