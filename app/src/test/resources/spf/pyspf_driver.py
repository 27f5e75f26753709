"""Differential-test driver for Debian's python3-spf (pyspf), run with Debian's /usr/bin/python3.

Usage: pyspf_driver.py PORT RECEIVER < queries.jsonl > results.jsonl
Each input line is {"ip","sender","helo"}; each output line is {"result","explanation","queries","asked"}, in order.
pyspf is pointed at the authoritative server on 127.0.0.1:PORT by replacing dnspython's default resolver (pyspf
prefers dnspython and calls dns.resolver.query, which uses that default). "queries" counts the DNS questions pyspf
sent for that evaluation ("asked" lists them as name/TYPE) (each pyspf query object starts with an empty cache), by wrapping spf.DNSLookup.
"""
import json
import sys

import dns.resolver
import spf

port = int(sys.argv[1])
receiver = sys.argv[2]

resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ['127.0.0.1']
resolver.port = port
resolver.timeout = 2.0
resolver.lifetime = 5.0
dns.resolver.default_resolver = resolver

counter = [0]
asked = []
_lookup = spf.DNSLookup


def counting_lookup(name, qtype, *args, **kwargs):
    counter[0] += 1
    asked.append('%s/%s' % (str(name).lower().rstrip('.'), qtype))
    return _lookup(name, qtype, *args, **kwargs)


spf.DNSLookup = counting_lookup

for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    q = json.loads(line)
    counter[0] = 0
    del asked[:]
    try:
        result, code, explanation = spf.query(i=q['ip'], s=q['sender'], h=q['helo'], receiver=receiver).check()
        out = {'result': result, 'explanation': explanation, 'queries': counter[0], 'asked': list(asked)}
    except Exception as e:  # a crash in pyspf is reported, not hidden
        out = {'result': 'exception', 'explanation': repr(e), 'queries': counter[0]}
    sys.stdout.write(json.dumps(out) + '\n')
    sys.stdout.flush()
