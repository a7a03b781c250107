#!/usr/bin/env python3
"""Writes the GIPCCodecs golden and hostile fixtures with independent implementations only.

Golden payloads come from Python's json and plistlib and the msgpack package
(msgpack.packb(value, use_bin_type=True)). manifest.json describes, without reference
to any codec, which logical value each case holds and which Swift type it decodes as;
hostile payloads are listed with the CodecError code each must produce.

Usage: python3 Fixtures/generate.py [--out DIR]   (default: the folder of this script)
Running it again reproduces the same bytes.
"""
import argparse
import base64
import datetime
import json
import os
import plistlib
import struct

import msgpack


class F32:
    """A float that MessagePack must carry as float32."""

    def __init__(self, value):
        self.value = value


def tag(v):
    """The codec-neutral description of a logical value."""
    if v is None:
        return ["null"]
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", str(v)]
    if isinstance(v, F32):
        return ["float32", repr(struct.unpack(">f", struct.pack(">f", v.value))[0])]
    if isinstance(v, float):
        return ["double", repr(v)]
    if isinstance(v, str):
        return ["string", v]
    if isinstance(v, bytes):
        return ["bytes", base64.b64encode(v).decode()]
    if isinstance(v, list):
        return ["array", [tag(e) for e in v]]
    if isinstance(v, dict):
        return ["map", [[tag(k), tag(e)] for k, e in v.items()]]
    if isinstance(v, msgpack.Timestamp):
        return ["date", v.seconds, v.nanoseconds]
    if isinstance(v, msgpack.ExtType):
        return ["extension", v.code, base64.b64encode(v.data).decode()]
    raise TypeError(v)


def msgpack_form(v):
    if isinstance(v, F32):
        return v.value
    if isinstance(v, list):
        return [msgpack_form(e) for e in v]
    if isinstance(v, dict):
        return {msgpack_form(k): msgpack_form(e) for k, e in v.items()}
    return v


def has(v, kinds):
    if isinstance(v, kinds):
        return True
    if isinstance(v, list):
        return any(has(e, kinds) for e in v)
    if isinstance(v, dict):
        return any(has(k, kinds) or has(e, kinds) for k, e in v.items())
    return False


def json_form(v):
    """JSONCodec's mapping: bytes as base64, dates as seconds since 1970, float32 widened."""
    if isinstance(v, F32):
        return struct.unpack(">f", struct.pack(">f", v.value))[0]
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, msgpack.Timestamp):
        return v.seconds if v.nanoseconds == 0 else v.seconds + v.nanoseconds / 1e9
    if isinstance(v, list):
        return [json_form(e) for e in v]
    if isinstance(v, dict):
        return {str(k): json_form(e) for k, e in v.items()}
    return v


EPOCH = datetime.datetime(1970, 1, 1)


def plist_form(v):
    if isinstance(v, F32):
        return struct.unpack(">f", struct.pack(">f", v.value))[0]
    if isinstance(v, msgpack.Timestamp):
        return EPOCH + datetime.timedelta(seconds=v.seconds, microseconds=v.nanoseconds // 1000)
    if isinstance(v, list):
        return [plist_form(e) for e in v]
    if isinstance(v, dict):
        return {k: plist_form(e) for k, e in v.items()}
    return v


def plist_ok(v):
    if v is None or isinstance(v, msgpack.ExtType):
        return False
    if isinstance(v, int) and not isinstance(v, bool) and not (-(2**63) <= v < 2**64):
        return False
    if isinstance(v, msgpack.Timestamp):
        return v.nanoseconds % 1000 == 0 and v.seconds >= 0
    if isinstance(v, list):
        return all(plist_ok(e) for e in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and plist_ok(e) for k, e in v.items())
    return True


def json_ok(v):
    if isinstance(v, msgpack.ExtType):
        return False
    if isinstance(v, int) and not isinstance(v, bool) and not (-(2**63) <= v < 2**64):
        return False
    if isinstance(v, list):
        return all(json_ok(e) for e in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and json_ok(e) for k, e in v.items())
    return True


def person(name, age, email, tags):
    p = {"name": name, "age": age}
    if email is not None:
        p["email"] = email
    p["tags"] = tags
    return p


def cases():
    """(name, value, Swift type) for every golden case."""
    c = []
    ints = [
        ("int_0", 0, "Int"), ("int_1", 1, "Int8"), ("int_neg1", -1, "Int8"), ("int_127", 127, "Int8"),
        ("int_128", 128, "UInt8"), ("int_neg32", -32, "Int8"), ("int_neg33", -33, "Int8"),
        ("int_neg128", -128, "Int8"), ("int_neg129", -129, "Int16"), ("int_255", 255, "UInt8"),
        ("int_256", 256, "UInt16"), ("int_neg32768", -32768, "Int16"), ("int_neg32769", -32769, "Int32"),
        ("int_65535", 65535, "UInt16"), ("int_65536", 65536, "UInt32"), ("int_2p31m1", 2**31 - 1, "Int32"),
        ("int_neg2p31", -(2**31), "Int32"), ("int_neg2p31m1", -(2**31) - 1, "Int64"),
        ("int_2p32m1", 2**32 - 1, "UInt32"), ("int_2p32", 2**32, "Int"), ("int64_max", 2**63 - 1, "Int64"),
        ("int64_min", -(2**63), "Int64"), ("uint64_max", 2**64 - 1, "UInt64"),
    ]
    c += ints
    c += [
        ("double_zero", 0.0, "Double"), ("double_1_5", 1.5, "Double"), ("double_neg", -2.25, "Double"),
        ("double_tenth", 0.1, "Double"), ("double_huge", 1e100, "Double"), ("double_tiny", 5e-324, "Double"),
        ("float_1_5", F32(1.5), "Float"), ("float_tenth", F32(0.1), "Float"),
        ("bool_true", True, "Bool"), ("bool_false", False, "Bool"), ("null", None, "Int?"),
        ("string_empty", "", "String"), ("string_ascii", "hello", "String"),
        ("string_unicode", "h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \U0001f389", "String"),
        ("string_31", "x" * 31, "String"), ("string_32", "y" * 32, "String"),
        ("string_255", "z" * 255, "String"), ("string_256", "w" * 256, "String"),
        ("string_70k", "".join(chr(0x61 + i % 26) for i in range(70_000)), "String"),
        ("bytes_empty", b"", "Bytes"), ("bytes_300", bytes(i % 256 for i in range(300)), "Bytes"),
        ("bytes_70k", bytes((i * 7) % 256 for i in range(70_000)), "Data"),
        ("array_empty", [], "[Int]"), ("array_ints", [1, 2, 3], "[Int]"),
        ("array_16", list(range(16)), "[Int]"),
        ("array_nested", [[1, [2, [3, []]]]], "Value"),
        ("array_mixed", ["a", 1, None, True, 1.5], "Value"),
        ("map_empty", {}, "[String:Int]"), ("map_simple", {"a": 1, "b": [1, 2]}, "Value"),
        ("map_nested", {"outer": {"inner": {"leaf": "x"}}, "n": -5}, "Value"),
        ("map_16", {"k%02d" % i: i for i in range(16)}, "[String:Int]"),
        ("map_int_keys", {1: "one", 2: "two", -3: "minus three"}, "[Int:String]"),
        ("date_ts32", msgpack.Timestamp(1_700_000_000, 0), "Date"),
        ("date_ts64", msgpack.Timestamp(1_700_000_000, 500_000_000), "Date"),
        ("date_ts96_negative", msgpack.Timestamp(-1, 0), "Date"),
        ("date_ts96_far", msgpack.Timestamp(2**34, 0), "Date"),
        ("ext_unknown", msgpack.ExtType(5, b"xyz"), "Value"),
        ("struct_person", person("Ada", 36, "ada@example.org", ["math", "engines"]), "Person"),
        ("struct_person_no_email", person("Bob", 41, None, []), "Person"),
        ("struct_order", {
            "id": 42, "customer": person("Cy", 29, None, ["vip"]),
            "items": [{"sku": "tea-1", "qty": 2, "price": 3.5}, {"sku": "cup-9", "qty": 1, "price": 12.25}],
            "note": "leave at door", "total": 19.25, "created": msgpack.Timestamp(1_700_000_000, 250_000_000),
        }, "Order"),
        ("struct_order_no_note", {
            "id": 43, "customer": person("Di", 52, "di@example.org", []),
            "items": [], "total": 0.0, "created": msgpack.Timestamp(1_600_000_000, 0),
        }, "Order"),
    ]
    return c


def msgpack_packb(value):
    single = isinstance(value, F32)
    return msgpack.packb(msgpack_form(value), use_bin_type=True, use_single_float=single)


def bplist(objects, top=0, ref_size=1, offset_size=None, count=None, table_offset=None, prefix=b"bplist00"):
    """A binary property list from already encoded objects."""
    body = bytearray(prefix)
    offsets = []
    for obj in objects:
        offsets.append(len(body))
        body += obj
    offset_size = offset_size or (1 if len(body) < 256 else 2 if len(body) < 65536 else 4)
    start = len(body)
    for off in offsets:
        body += off.to_bytes(offset_size, "big")
    body += bytes(6) + bytes([offset_size, ref_size])
    body += struct.pack(">QQQ", len(objects) if count is None else count, top,
                        start if table_offset is None else table_offset)
    return bytes(body)


def bplist_array(refs, ref_size=1):
    n = len(refs)
    head = bytes([0xA0 | n]) if n < 15 else bytes([0xAF, 0x11]) + n.to_bytes(2, "big")
    return head + b"".join(r.to_bytes(ref_size, "big") for r in refs)


def hostile():
    """(codec, name, payload, decode-as type, expected error code)."""
    h = []
    # MessagePack
    h.append(("msgpack", "depth_100k", b"\x91" * 100_000 + b"\xc0", "Value", "depthLimitExceeded"))
    h.append(("msgpack", "depth_513", b"\x91" * 513 + b"\xc0", "Value", "depthLimitExceeded"))
    h.append(("msgpack", "map_depth_100k", b"\x81\xa1k" * 100_000 + b"\xc0", "Value", "depthLimitExceeded"))
    h.append(("msgpack", "array32_count_bomb", b"\xdd\xff\xff\xff\xff", "Value", "countExceedsInput"))
    h.append(("msgpack", "map32_count_bomb", b"\xdf\xff\xff\xff\xff", "Value", "countExceedsInput"))
    h.append(("msgpack", "array32_count_bomb_typed", b"\xdd\xff\xff\xff\xff", "[Int]", "countExceedsInput"))
    h.append(("msgpack", "str32_length_bomb", b"\xdb\xff\xff\xff\xff", "String", "truncated"))
    h.append(("msgpack", "bin32_length_bomb", b"\xc6\xff\xff\xff\xff", "Bytes", "truncated"))
    h.append(("msgpack", "invalid_utf8", b"\xa3a\xff\xfe", "Value", "invalidUTF8"))
    h.append(("msgpack", "invalid_utf8_typed", b"\xa2\xc3\x28", "String", "invalidUTF8"))
    h.append(("msgpack", "truncated_uint16", b"\xcd\x01", "Int", "truncated"))
    h.append(("msgpack", "truncated_array", b"\x93\x01\x02\xcd", "Value", "truncated"))
    h.append(("msgpack", "empty", b"", "Value", "truncated"))
    h.append(("msgpack", "trailing_bytes", b"\x01\x02", "Value", "trailingBytes"))
    h.append(("msgpack", "reserved_c1", b"\xc1", "Value", "malformed"))
    h.append(("msgpack", "int8_overflow", msgpack.packb(300), "Int8", "valueOutOfRange"))
    h.append(("msgpack", "negative_into_unsigned", msgpack.packb(-1), "UInt64", "valueOutOfRange"))
    h.append(("msgpack", "uint64_into_int64", msgpack.packb(2**64 - 1), "Int64", "valueOutOfRange"))
    h.append(("msgpack", "string_into_int", msgpack.packb("7"), "Int", "typeMismatch"))
    h.append(("msgpack", "unknown_ext_as_date", msgpack.packb(msgpack.ExtType(9, b"abcd")), "Date",
              "unsupportedExtension"))
    h.append(("msgpack", "timestamp_bad_nanos", b"\xd7\xff" + struct.pack(">Q", (1_000_000_000 << 34) | 5),
              "Date", "malformed"))
    h.append(("msgpack", "missing_key", msgpack.packb({"name": "Ada"}), "Person", "keyNotFound"))
    # JSON
    h.append(("json", "depth_100k", b"[" * 100_000 + b"]" * 100_000, "Value", "depthLimitExceeded"))
    h.append(("json", "depth_513", b"[" * 513 + b"]" * 513, "Value", "depthLimitExceeded"))
    h.append(("json", "object_depth_100k", b'{"k":' * 100_000 + b"1" + b"}" * 100_000, "Value",
              "depthLimitExceeded"))
    h.append(("json", "invalid_utf8", b'["a\xff\xfe"]', "Value", "invalidUTF8"))
    h.append(("json", "overlong_utf8", b'["\xc0\xaf"]', "Value", "invalidUTF8"))
    h.append(("json", "truncated", b"[1,2", "Value", "malformed"))
    h.append(("json", "empty", b"", "Value", "malformed"))
    h.append(("json", "trailing_bytes", b"[1] [2]", "Value", "trailingBytes"))
    h.append(("json", "nan_literal", b"[NaN]", "Value", "malformed"))
    # Foundation's JSONDecoder reports a number that does not fit as invalid JSON, without detail.
    h.append(("json", "int8_overflow", b"300", "Int8", "malformed"))
    h.append(("json", "beyond_64_bits", b"18446744073709551616", "UInt64", "malformed"))
    h.append(("json", "string_into_int", b'"7"', "Int", "typeMismatch"))
    h.append(("json", "missing_key", b'{"name":"Ada"}', "Person", "keyNotFound"))
    # Binary property lists
    h.append(("plist", "self_cycle", bplist([bplist_array([0])]), "Value", "referenceCycle"))
    h.append(("plist", "two_object_cycle", bplist([bplist_array([1]), bplist_array([0])]), "Value",
              "referenceCycle"))
    # 30 levels, each an array holding the next level 14 times: 14^30 values from about 500 bytes.
    levels = 30
    objs = [bplist_array([i + 1] * 14) for i in range(levels)] + [b"\x10\x01"]
    h.append(("plist", "shared_reference_bomb", bplist(objs), "Value", "expansionLimitExceeded"))
    chain = [bplist_array([i + 1], ref_size=4) for i in range(100_000)] + [b"\x10\x01"]
    h.append(("plist", "depth_100k", bplist(chain, ref_size=4), "Value", "depthLimitExceeded"))
    deep = [bplist_array([i + 1], ref_size=2) for i in range(513)] + [b"\x10\x01"]
    h.append(("plist", "depth_513", bplist(deep, ref_size=2), "Value", "depthLimitExceeded"))
    h.append(("plist", "array_count_bomb", bplist([b"\xaf\x12\xff\xff\xff\xff"]), "Value", "countExceedsInput"))
    h.append(("plist", "string_length_bomb", bplist([b"\x5f\x12\x7f\xff\xff\xff"]), "Value", "truncated"))
    h.append(("plist", "invalid_utf16", bplist([b"\x61\xd8\x00"]), "Value", "invalidUTF8"))
    h.append(("plist", "non_ascii_in_ascii_string", bplist([b"\x52\xc3\xa9"]), "Value", "invalidUTF8"))
    h.append(("plist", "bad_magic", bplist([b"\x09"], prefix=b"bplist99"), "Value", "malformed"))
    h.append(("plist", "offset_out_of_range", bplist([b"\x09"], table_offset=10_000), "Value", "malformed"))
    h.append(("plist", "ref_out_of_range", bplist([bplist_array([7])]), "Value", "malformed"))
    h.append(("plist", "truncated", bplist([b"\x09"])[:20], "Value", "truncated"))
    h.append(("plist", "empty", b"", "Value", "truncated"))
    h.append(("plist", "int8_overflow", plistlib.dumps(300, fmt=plistlib.FMT_BINARY), "Int8", "valueOutOfRange"))
    h.append(("plist", "string_into_int", plistlib.dumps("7", fmt=plistlib.FMT_BINARY), "Int", "typeMismatch"))
    h.append(("plist", "missing_key", plistlib.dumps({"name": "Ada"}, fmt=plistlib.FMT_BINARY), "Person",
              "keyNotFound"))
    return h


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    out = parser.parse_args().out
    manifest = {"golden": [], "hostile": []}
    for name, value, swift in cases():
        files = {}
        files["msgpack"] = "golden/msgpack/%s.msgpack" % name
        write(os.path.join(out, files["msgpack"]), msgpack_packb(value))
        if json_ok(value):
            files["json"] = "golden/json/%s.json" % name
            text = json.dumps(json_form(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            write(os.path.join(out, files["json"]), text.encode())
        if plist_ok(value):
            files["plist"] = "golden/plist/%s.plist" % name
            write(os.path.join(out, files["plist"]),
                  plistlib.dumps(plist_form(value), fmt=plistlib.FMT_BINARY, sort_keys=False))
        manifest["golden"].append({"name": name, "value": tag(value), "swift": swift, "files": files})
    for codec, name, payload, swift, error in hostile():
        path = "hostile/%s/%s.bin" % (codec, name)
        write(os.path.join(out, path), payload)
        manifest["hostile"].append({"codec": codec, "name": name, "file": path, "swift": swift, "error": error})
    write(os.path.join(out, "manifest.json"),
          (json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=True) + "\n").encode())


if __name__ == "__main__":
    main()
