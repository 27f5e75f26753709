#!/usr/bin/python3
"""Drives Debian's libopendkim (libopendkim.so.11, the library behind opendkim and opendkim-testmsg) through ctypes
for Mailward's interop tests.

opendkim-testmsg feeds a message to the library with dkim_chunk() and nothing else, but it hard-codes rsa-sha1 and
c=relaxed/simple for signing and turns on DKIM_LIBFLAGS_STRICTHDRS (a message with two Subject or To fields is a
"Syntax error"). This driver makes exactly the same library calls (dkim_sign/dkim_verify, dkim_chunk over the raw
message bytes with DKIM_LIBFLAGS_FIXCRLF, dkim_eom, dkim_getsighdr_d) with the algorithm and canonicalisation as
parameters and without STRICTHDRS. Unlike "opendkim -t" no header field is split into name and value and rebuilt.

Reads one JSON request per line on stdin, writes one JSON answer per line on stdout:
  {"op":"sign","msg":B64,"selector":S,"domain":D,"key":PEM,"alg":"rsa-sha256"|"ed25519-sha256","canon":"relaxed/simple"}
                                       -> {"header":B64} (the whole "DKIM-Signature: ..." field with CRLF) or {"error":TEXT}
  {"op":"verify","msg":B64,"chunk":N} -> {"ok":BOOL,"status":TEXT,"error":TEXT}
  N is the size of the dkim_chunk() calls: 0 (or absent) hands the message over in one call, 1024 reproduces
  opendkim-testmsg, which calls dkim_chunk() once per fread() of 1024 bytes.
Keys for verification come from the libc resolver (res_nquery), so run the driver where /etc/resolv.conf points at
the test's DNS server.
"""
import base64
import ctypes
import json
import sys

LIB = ctypes.CDLL("libopendkim.so.11")
LIB.dkim_init.restype = ctypes.c_void_p
LIB.dkim_init.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
LIB.dkim_options.restype = ctypes.c_int
LIB.dkim_options.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t]
LIB.dkim_sign.restype = ctypes.c_void_p
LIB.dkim_sign.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                          ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ssize_t,
                          ctypes.POINTER(ctypes.c_int)]
LIB.dkim_verify.restype = ctypes.c_void_p
LIB.dkim_verify.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
LIB.dkim_chunk.restype = ctypes.c_int
LIB.dkim_chunk.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
LIB.dkim_eom.restype = ctypes.c_int
LIB.dkim_eom.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
LIB.dkim_getsighdr_d.restype = ctypes.c_int
LIB.dkim_getsighdr_d.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p),
                                 ctypes.POINTER(ctypes.c_size_t)]
LIB.dkim_geterror.restype = ctypes.c_char_p
LIB.dkim_geterror.argtypes = [ctypes.c_void_p]
LIB.dkim_getresultstr.restype = ctypes.c_char_p
LIB.dkim_getresultstr.argtypes = [ctypes.c_int]
LIB.dkim_free.restype = ctypes.c_int
LIB.dkim_free.argtypes = [ctypes.c_void_p]

# dkim.h of OpenDKIM 2.11
DKIM_OP_SETOPT = 1
DKIM_OPTS_FLAGS = 0
DKIM_LIBFLAGS_FIXCRLF = 0x0100
CANON = {"simple": 0, "relaxed": 1}
ALG = {"rsa-sha256": 1, "ed25519-sha256": 2}

HANDLE = LIB.dkim_init(None, None)
_flags = ctypes.c_uint(DKIM_LIBFLAGS_FIXCRLF)
LIB.dkim_options(HANDLE, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, ctypes.byref(_flags), ctypes.sizeof(_flags))


def text(b):
    return "" if b is None else b.decode("latin-1")


def feed(dkim, msg, chunk=0):
    """dkim_chunk over the message (in pieces of chunk bytes unless 0), then the end-of-data call, then dkim_eom;
    returns (step, status)."""
    size = chunk if chunk > 0 else max(1, len(msg))
    for i in range(0, len(msg), size):
        st = LIB.dkim_chunk(dkim, msg[i:i + size], len(msg[i:i + size]))
        if st != 0:
            return "dkim_chunk", st
    st = LIB.dkim_chunk(dkim, None, 0)
    if st != 0:
        return "dkim_chunk(end)", st
    return "dkim_eom", LIB.dkim_eom(dkim, None)


def sign(req):
    msg = base64.b64decode(req["msg"])
    h, b = req["canon"].split("/")
    st = ctypes.c_int()
    dkim = LIB.dkim_sign(HANDLE, b"mailward-interop", None, req["key"].encode(), req["selector"].encode(),
                         req["domain"].encode(), CANON[h], CANON[b], ALG[req["alg"]], -1, ctypes.byref(st))
    if not dkim:
        return {"error": "dkim_sign: " + text(LIB.dkim_getresultstr(st.value))}
    try:
        step, st = feed(dkim, msg)
        if st != 0:
            return {"error": "%s: %s %s" % (step, text(LIB.dkim_getresultstr(st)), text(LIB.dkim_geterror(dkim)))}
        hdr = ctypes.c_char_p()
        n = ctypes.c_size_t()
        st = LIB.dkim_getsighdr_d(dkim, len("DKIM-Signature"), ctypes.byref(hdr), ctypes.byref(n))
        if st != 0:
            return {"error": "dkim_getsighdr_d: " + text(LIB.dkim_getresultstr(st))}
        field = b"DKIM-Signature: " + ctypes.string_at(hdr, n.value) + b"\r\n"
        return {"header": base64.b64encode(field).decode()}
    finally:
        LIB.dkim_free(dkim)


def verify(req):
    msg = base64.b64decode(req["msg"])
    st = ctypes.c_int()
    dkim = LIB.dkim_verify(HANDLE, b"mailward-interop", None, ctypes.byref(st))
    if not dkim:
        return {"ok": False, "status": "dkim_verify: " + text(LIB.dkim_getresultstr(st.value)), "error": ""}
    try:
        step, st = feed(dkim, msg, int(req.get("chunk", 0)))
        return {"ok": st == 0, "status": "%s: %s" % (step, text(LIB.dkim_getresultstr(st))),
                "error": text(LIB.dkim_geterror(dkim))}
    finally:
        LIB.dkim_free(dkim)


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        try:
            if req["op"] == "sign":
                out = sign(req)
            elif req["op"] == "verify":
                out = verify(req)
            else:
                out = {"error": "unknown op"}
        except Exception as e:  # report, keep serving
            out = {"error": repr(e)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
