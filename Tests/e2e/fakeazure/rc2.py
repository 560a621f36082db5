"""RC2 block cipher (RFC 2268) in pure Python.

Why: legacy PKCS#12 files (what Key Vault and `openssl pkcs12 -legacy` produce) encrypt certificate bags
with pbeWithSHAAnd40BitRC2-CBC, and `cryptography` only offers RC2 with a 128-bit key. Speed is irrelevant:
only a few kilobytes of certificates are encrypted at seed time.
"""

# RFC 2268 section 2: PITABLE, a permutation of 0..255 derived from the digits of pi.
_PITABLE = bytes.fromhex(
    "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2"
    "179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82"
    "54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626"
    "6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7"
    "08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec"
    "c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731"
    "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9"
    "0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad"
)


def expand_key(key: bytes, effective_bits: int) -> list[int]:
    pit = _PITABLE
    t = len(key)
    t8 = (effective_bits + 7) // 8
    tm = 255 % (1 << (8 + effective_bits - 8 * t8))
    L = bytearray(128)
    L[:t] = key
    for i in range(t, 128):
        L[i] = pit[(L[i - 1] + L[i - t]) & 0xFF]
    L[128 - t8] = pit[L[128 - t8] & tm]
    for i in range(127 - t8, -1, -1):
        L[i] = pit[L[i + 1] ^ L[i + t8]]
    return [L[2 * i] + 256 * L[2 * i + 1] for i in range(64)]


def _rol(x: int, s: int) -> int:
    x &= 0xFFFF
    return ((x << s) | (x >> (16 - s))) & 0xFFFF


def encrypt_block(K: list[int], block: bytes) -> bytes:
    R = [block[0] | block[1] << 8, block[2] | block[3] << 8, block[4] | block[5] << 8, block[6] | block[7] << 8]
    j = 0
    shifts = (1, 2, 3, 5)

    def mix_round():
        nonlocal j
        for i in range(4):
            R[i] = (R[i] + K[j] + (R[i - 1] & R[i - 2]) + ((~R[i - 1]) & R[i - 3])) & 0xFFFF
            j += 1
            R[i] = _rol(R[i], shifts[i])

    def mash_round():
        for i in range(4):
            R[i] = (R[i] + K[R[i - 1] & 63]) & 0xFFFF

    for _ in range(5):
        mix_round()
    mash_round()
    for _ in range(6):
        mix_round()
    mash_round()
    for _ in range(5):
        mix_round()
    return bytes(b for r in R for b in (r & 0xFF, r >> 8))


def cbc_encrypt(key: bytes, effective_bits: int, iv: bytes, data: bytes) -> bytes:
    """RC2-CBC with PKCS#7 padding."""
    K = expand_key(key, effective_bits)
    pad = 8 - len(data) % 8
    data = data + bytes([pad]) * pad
    out = bytearray()
    prev = iv
    for off in range(0, len(data), 8):
        block = bytes(a ^ b for a, b in zip(data[off:off + 8], prev))
        prev = encrypt_block(K, block)
        out += prev
    return bytes(out)
