#!/usr/bin/python3
"""Drives Debian's python3-dkim (dkimpy) for Mailward's interop tests.

Reads one JSON request per line on stdin, writes one JSON answer per line on stdout:
  {"op":"verify","msg":B64,"dns":{NAME:VALUE}}          -> {"results":[{"ok":BOOL,"log":TEXT}, ...]} one per DKIM-Signature
  {"op":"sign","msg":B64,"selector":S,"domain":D,"key":K,"alg":A,"canon":"relaxed/simple","linesep":"\\n"}
                                                         -> {"header":B64} or {"error":TEXT}
  K is a PEM private key for rsa-sha256 and the base64 Ed25519 seed for ed25519-sha256.
DNS answers come only from the request's "dns" map (no network).
"""
import base64
import io
import json
import logging
import re
import sys

import dkim


def dnsfunc_for(records):
    def dnsfunc(name, timeout=5):
        n = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        n = n.rstrip(".").lower()
        v = records.get(n)
        return None if v is None else v.encode("latin-1")
    return dnsfunc


def verify(req):
    msg = base64.b64decode(req["msg"])
    dnsfunc = dnsfunc_for({k.lower(): v for k, v in req.get("dns", {}).items()})
    headers, _ = dkim.rfc822_parse(msg)
    count = sum(1 for (n, _) in headers if n.lower() == b"dkim-signature")
    results = []
    for i in range(count):
        buf = io.StringIO()
        handler = logging.StreamHandler(buf)
        logger = logging.getLogger("dkimpy-driver-%d" % i)
        logger.handlers = [handler]
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        try:
            d = dkim.DKIM(msg, logger=logger, minkey=1024)
            ok = bool(d.verify(idx=i, dnsfunc=dnsfunc))
        except Exception as e:  # dkimpy raises for malformed messages
            ok = False
            buf.write("exception: %r\n" % (e,))
        results.append({"ok": ok, "log": buf.getvalue()[-2000:]})
    return {"results": results}


def sign(req):
    msg = base64.b64decode(req["msg"])
    h, b = req.get("canon", "relaxed/simple").split("/")
    try:
        sig = dkim.sign(msg, req["selector"].encode(), req["domain"].encode(), req["key"].encode(),
                        canonicalize=(h.encode(), b.encode()), signature_algorithm=req["alg"].encode(),
                        linesep=req.get("linesep", "\r\n").encode())
        return {"header": base64.b64encode(sig).decode()}
    except Exception as e:
        return {"error": repr(e)}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        if req["op"] == "verify":
            out = verify(req)
        elif req["op"] == "sign":
            out = sign(req)
        else:
            out = {"error": "unknown op"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
