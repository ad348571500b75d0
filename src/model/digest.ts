/**
 * A 32-bit fingerprint of a set of weight codes, for comparing the golden model with the RTL
 * (or any other implementation) without shipping every weight around.
 *
 * Definition (the C++ harness computes exactly this):
 *
 *   - input: the weight codes in s_weights / m_weights stream order (docs/ARCHITECTURE.md §6 "Host interface":
 *     layers l = 1..L, rows j ascending, in each row the columns i = 0..N_{l-1}−1 then the bias);
 *   - each code is taken as a 32-bit two's complement integer (a Wb-bit code sign-extended to 32
 *     bits, so −1 is 0xFFFFFFFF whatever Wb is) and fed as its 4 bytes, least significant first;
 *   - 32-bit FNV-1a over that byte string: h = 0x811C9DC5; for each byte b: h = h XOR b,
 *     h = (h × 0x01000193) mod 2^32; the result is h as an unsigned 32-bit number.
 *
 * C++:
 *
 *     uint32_t h = 0x811C9DC5u;
 *     for (int32_t code : codes) {
 *       uint32_t v = static_cast<uint32_t>(code);
 *       for (int b = 0; b < 4; b++) { h ^= (v >> (8 * b)) & 0xFFu; h *= 0x01000193u; }
 *     }
 *
 * The empty sequence digests to 0x811C9DC5.
 */

export const FNV_OFFSET_BASIS = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a (32-bit) over the 4 little-endian bytes of each code; an unsigned 32-bit number. */
export function weightDigest(codes: Int32Array | readonly number[]): number {
  let h = FNV_OFFSET_BASIS;
  for (let k = 0; k < codes.length; k++) {
    const v = codes[k]! | 0;
    h = Math.imul(h ^ (v & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((v >>> 8) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((v >>> 16) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ (v >>> 24), FNV_PRIME);
  }
  return h >>> 0;
}

/** The digest as 8 lowercase hex digits (for logs and reports). */
export const digestHex = (digest: number): string => (digest >>> 0).toString(16).padStart(8, '0');
