"""Just enough DER encoding to assemble PKCS#12 files by hand (see pkcs12.py for why)."""


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _len(len(content)) + content


def seq(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def set_of(*items: bytes) -> bytes:
    return tlv(0x31, b"".join(sorted(items)))  # DER: SET OF elements sorted by encoding


def integer(v: int) -> bytes:
    body = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return tlv(0x02, body)


def octets(b: bytes) -> bytes:
    return tlv(0x04, b)


def null() -> bytes:
    return b"\x05\x00"


def bmp(s: str) -> bytes:
    return tlv(0x1E, s.encode("utf-16-be"))


def oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, bytes(body))


def explicit(n: int, content: bytes) -> bytes:
    return tlv(0xA0 + n, content)


def implicit_prim(n: int, content: bytes) -> bytes:
    return tlv(0x80 + n, content)
