// Finding bytes sixteen at a time, for the HTML escaper, which passes over every byte the pages
// print, and the JSON parser, which passes over every byte of a snapshot: Swift's SIMD types
// compile comparisons lane by lane, and these functions, inlined into Swift code, compile to a
// few vector instructions per sixteen bytes.

#ifndef PERMSITE_BYTE_SCAN_H
#define PERMSITE_BYTE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// A bit for each of the sixteen bytes from `bytes` (the first byte's bit lowest) that is `&`,
/// `<` or `>`, or, when `quotes` is not 0, `"` or `'`, or, when `stop_at_non_ascii` is not 0,
/// 0x80 or above. All sixteen must be readable.
static inline unsigned int permsite_html_special_mask(
    const uint8_t *bytes, int quotes, int stop_at_non_ascii) {
#if defined(__SSE2__)
  const __m128i block = _mm_loadu_si128((const __m128i *)bytes);
  __m128i special = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('&')), _mm_cmpeq_epi8(block, _mm_set1_epi8('<'))),
      _mm_cmpeq_epi8(block, _mm_set1_epi8('>')));
  if (quotes) {
    special = _mm_or_si128(
        special,
        _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('"')), _mm_cmpeq_epi8(block, _mm_set1_epi8('\''))));
  }
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
    if (byte == '&' || byte == '<' || byte == '>' || (quotes && (byte == '"' || byte == '\''))
        || (stop_at_non_ascii && byte >= 0x80)) {
      found |= 1u << index;
    }
  }
  return found;
#endif
}

/// For the sixteen bytes from `bytes` (the first byte's bit lowest): in the low 16 bits, a bit
/// for each byte that ends a run of plain text in a JSON string (a quote, a backslash or a
/// control character below 0x20); in the high 16 bits, a bit for each byte of 0x80 or above. All
/// sixteen must be readable.
static inline uint32_t permsite_json_string_mask(const uint8_t *bytes) {
#if defined(__SSE2__)
  const __m128i block = _mm_loadu_si128((const __m128i *)bytes);
  // A byte is at most 0x1F when taking the smaller of it and 0x1F leaves it unchanged (an
  // unsigned comparison; the signed one SSE2 has would count every byte from 0x80).
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(block, _mm_set1_epi8(0x1F)), block);
  const __m128i special = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('"')), _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'))),
      control);
  return (uint32_t)_mm_movemask_epi8(special) | (uint32_t)_mm_movemask_epi8(block) << 16;
#else
  uint32_t found = 0;
  for (unsigned int index = 0; index < 16; index++) {
    const uint8_t byte = bytes[index];
    if (byte == '"' || byte == '\\' || byte < 0x20) found |= 1u << index;
    if (byte >= 0x80) found |= 1u << (index + 16);
  }
  return found;
#endif
}

/// A bit for each of the sixteen bytes from `bytes` (the first byte's bit lowest) that is not
/// JSON whitespace (space, line feed, carriage return, tab). All sixteen must be readable.
static inline unsigned int permsite_json_non_whitespace_mask(const uint8_t *bytes) {
#if defined(__SSE2__)
  const __m128i block = _mm_loadu_si128((const __m128i *)bytes);
  const __m128i white = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(block, _mm_set1_epi8('\n'))),
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(block, _mm_set1_epi8('\t'))));
  return (unsigned int)_mm_movemask_epi8(white) ^ 0xFFFFu;
#else
  unsigned int found = 0;
  for (unsigned int index = 0; index < 16; index++) {
    const uint8_t byte = bytes[index];
    if (byte != ' ' && byte != '\n' && byte != '\r' && byte != '\t') found |= 1u << index;
  }
  return found;
#endif
}

#endif
