#!/usr/bin/env python3
"""One mistake, one error: a single-point mutation probe of `sdd check`.

For every `.sdd` file of an estate that checks clean (the bundled examples by default,
`broken/` left out), apply one small deterministic mutation (a token deleted, duplicated or
swapped, a character inserted or deleted, a keyword misspelt, a closing brace or quote
dropped, the file cut off, a non-ASCII character put in), run `sdd check --format json` on
the mutated estate (10 s timeout) and count the syntax errors (SDD0xx) the mutation added.
The project's rule is that parsing never fails and one mistake gives one error: the probe
reports every crash, timeout, malformed output or inconsistent exit code, and how many
mutations gave two or more syntax errors, per kind of mutation.

    python3 tests/tools/one_mistake.py --sdd target/release/sdd
    python3 tests/tools/one_mistake.py --sdd target/debug/sdd --per-op 8 --max-multi 12

Exit status 1 when a run crashed, timed out or was inconsistent, or when more than
`--max-multi` mutations gave two or more syntax errors. `--out FILE` keeps one JSON line
per mutation (what it changed, the diagnostics it added). With the default seed and
`--per-op 40`, 5,991 mutations: 768 gave two or more syntax errors before the recovery work
of 2026-12-06, 39 after it, 17 after that of its evening, 0 after that of its night.
"""
import argparse, collections, json, os, random, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

SDD = 'sdd'
SRC = 'examples'
AS_OF = ['--as-of', '2026-11-24', '--no-git']

# ---------------------------------------------------------------- lexer (approximate)
TOKEN_RE = re.compile(r'''
  (?P<ws>[ \t\r\n]+)
| (?P<comment>//[^\n]*|/\*.*?\*/)
| (?P<textblock>""".*?""")
| (?P<string>"(?:\\.|[^"\\\n])*")
| (?P<person>@[A-Za-z_][A-Za-z0-9_-]*)
| (?P<literal>[0-9][A-Za-z0-9_.:+\-]*)
| (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
| (?P<punct>[{}\[\]():,<>?=])
| (?P<other>.)
''', re.X | re.S)

KEYWORDS = {
    'person', 'role', 'enum', 'record', 'profile', 'asset', 'engagement', 'requirements',
    'requirement', 'constraint', 'gate', 'spec', 'design', 'feasibility', 'finding', 'risk',
    'component', 'test', 'build', 'as_built', 'built', 'deviation', 'verified', 'by', 'field',
    'true', 'false', 'list', 'name', 'roles', 'approves', 'domains', 'domain', 'autonomy_limit',
    'quorum', 'version', 'versions', 'kind', 'provides', 'requires', 'owner', 'status', 'source',
    'title', 'opened', 'extends', 'priority', 'acceptance', 'approved_by', 'on', 'fingerprint',
    'decision', 'severity', 'mitigation', 'reuses', 'satisfies', 'capability', 'new_because',
    'verifies', 'executor', 'agent', 'autonomy', 'workflow', 'started', 'recorded', 'uses',
    'produces', 'affects', 'cause', 'expires', 'result', 'evidence', 'rollback', 'operator',
    'text', 'int', 'decimal', 'bool', 'date', 'datetime', 'duration', 'constraint', 'ip', 'cidr',
    'asn', 'vlan', 'must', 'should', 'may', 'pass', 'fail', 'accepted', 'open', 'reverted',
}

def lex(text):
    toks = []
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind in ('ws',):
            continue
        toks.append((kind, m.start(), m.end(), m.group()))
    return toks

def code_offsets(toks):
    """offsets that lie outside comments, strings and text blocks (token boundaries and inside
    idents/literals)."""
    offs = []
    for k, s, e, _ in toks:
        if k in ('comment', 'string', 'textblock'):
            offs.append(s)
            offs.append(e)
        else:
            offs.extend(range(s, e + 1))
    return offs

STRAY = list('{}[]():,"@.-/#$;=') + ['x', 'Q', '7', '0']
NONASCII = ['\u00e9', '\U0001F600', '\u00a0', '\u200b']

def near_miss(word, rnd):
    ops = []
    if len(word) > 2:
        ops.append('drop')
    if len(word) > 1:
        ops.append('swap')
    ops += ['double', 'change']
    op = rnd.choice(ops)
    i = rnd.randrange(len(word))
    if op == 'drop':
        return word[:i] + word[i + 1:]
    if op == 'swap':
        i = rnd.randrange(len(word) - 1)
        if word[i] == word[i + 1]:
            return word[:i] + word[i + 1:]
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 'double':
        return word[:i] + word[i] + word[i:]
    letters = 'abcdefghijklmnopqrstuvwxyz'
    c = rnd.choice([l for l in letters if l != word[i].lower()])
    return word[:i] + c + word[i + 1:]

def mutate(op, text, rnd):
    """returns (new_text, offset, description) or None"""
    toks = lex(text)
    if not toks:
        return None
    if op == 'del_token':
        k, s, e, v = rnd.choice([t for t in toks if t[0] != 'comment'])
        return text[:s] + text[e:], s, f'delete token {v[:40]!r}'
    if op == 'dup_token':
        k, s, e, v = rnd.choice([t for t in toks if t[0] != 'comment'])
        return text[:e] + ' ' + v + text[e:], e, f'duplicate token {v[:40]!r}'
    if op == 'ins_char':
        c = rnd.choice(STRAY)
        if rnd.random() < 0.6:
            off = rnd.choice(code_offsets(toks))
        else:
            off = rnd.randrange(len(text) + 1)
        return text[:off] + c + text[off:], off, f'insert {c!r}'
    if op == 'del_char':
        if rnd.random() < 0.6:
            cands = [o for o in code_offsets(toks) if o < len(text) and not text[o].isspace()]
            off = rnd.choice(cands)
        else:
            off = rnd.randrange(len(text))
        return text[:off] + text[off + 1:], off, f'delete char {text[off]!r}'
    if op == 'swap_tokens':
        cand = [i for i in range(len(toks) - 1)
                if toks[i][0] != 'comment' and toks[i + 1][0] != 'comment'
                and toks[i][3] != toks[i + 1][3]]
        i = rnd.choice(cand)
        a, b = toks[i], toks[i + 1]
        new = text[:a[1]] + b[3] + text[a[2]:b[1]] + a[3] + text[b[2]:]
        return new, a[1], f'swap {a[3][:30]!r} <-> {b[3][:30]!r}'
    if op == 'keyword_typo':
        cand = [t for t in toks if t[0] == 'ident' and t[3] in KEYWORDS]
        k, s, e, v = rnd.choice(cand)
        w = near_miss(v, rnd)
        if w == v:
            return None
        return text[:s] + w + text[e:], s, f'keyword {v!r} -> {w!r}'
    if op == 'drop_close':
        cand = [t for t in toks if t[3] in ('}', ']', ')', '>')]
        cand += [t for t in toks if t[0] == 'string']
        cand += [t for t in toks if t[0] == 'textblock']
        k, s, e, v = rnd.choice(cand)
        if k in ('string', 'textblock'):
            return text[:e - 1] + text[e:], e - 1, f'drop closing quote of {v[:30]!r}'
        return text[:s] + text[e:], s, f'drop closing {v!r}'
    if op == 'truncate':
        off = rnd.randrange(1, len(text))
        return text[:off], off, f'truncate at {off}/{len(text)}'
    if op == 'nonascii':
        c = rnd.choice(NONASCII)
        r = rnd.random()
        if r < 0.5:
            off = rnd.choice(code_offsets(toks))
            return text[:off] + c + text[off:], off, f'insert U+{ord(c):04X} (code)'
        if r < 0.75:
            spaces = [m.start() for m in re.finditer(r'(?<=\S) (?=\S)', text)]
            off = rnd.choice(spaces)
            return text[:off] + c + text[off + 1:], off, f'replace space by U+{ord(c):04X}'
        off = rnd.randrange(len(text) + 1)
        return text[:off] + c + text[off:], off, f'insert U+{ord(c):04X} (anywhere)'
    raise ValueError(op)

OPS = ['del_token', 'dup_token', 'ins_char', 'del_char', 'swap_tokens', 'keyword_typo',
       'drop_close', 'truncate', 'nonascii']

# ---------------------------------------------------------------- running

def run_check(d):
    t0 = time.time()
    try:
        p = subprocess.run([SDD, 'check', '--format', 'json', *AS_OF, d], capture_output=True,
                           timeout=10)
    except subprocess.TimeoutExpired:
        return {'timeout': True, 'secs': time.time() - t0}
    res = {'rc': p.returncode, 'secs': round(time.time() - t0, 3),
           'stderr': p.stderr.decode('utf-8', 'replace')[:2000]}
    try:
        res['diags'] = json.loads(p.stdout)
    except Exception as ex:
        res['nonjson'] = p.stdout.decode('utf-8', 'replace')[:2000]
    return res

def diag_key(d):
    r = d.get('range') or {}
    return (d.get('code'), d.get('file'), d.get('message'),
            json.dumps(r, sort_keys=True))

def line_col_of(text_bytes, byte):
    """(line, char-column, byte-column), 1-based"""
    pre = text_bytes[:byte]
    line = pre.count(b'\n') + 1
    last = pre.rfind(b'\n')
    linepre = pre[last + 1:]
    return line, len(linepre.decode('utf-8', 'replace')), len(linepre) + 1

def main():
    global SDD, SRC
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sdd', default=SDD, help='the sdd binary (default: sdd on PATH)')
    ap.add_argument('--estate', default=SRC, help='a clean estate (default: examples)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--per-op', type=int, default=40, help='mutations per kind per file')
    ap.add_argument('--out', help='write one JSON line per mutation here')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--max-multi', type=int, default=None,
                    help='fail when more mutations than this give two or more syntax errors')
    a = ap.parse_args()
    SDD, SRC = a.sdd, a.estate
    workdir = tempfile.mkdtemp(prefix='sdd-one-mistake-')

    files = []
    for root, dirs, fs in os.walk(SRC):
        dirs[:] = sorted(x for x in dirs if x != 'broken')
        for f in sorted(fs):
            if f.endswith('.sdd'):
                files.append(os.path.relpath(os.path.join(root, f), SRC))
    texts = {f: open(os.path.join(SRC, f), encoding='utf-8').read() for f in files}

    # one scratch estate per worker
    scratch = []
    for w in range(a.workers):
        d = os.path.join(workdir, f'scratch{w}')
        shutil.rmtree(d, ignore_errors=True)
        for f in files:
            os.makedirs(os.path.dirname(os.path.join(d, f)), exist_ok=True)
            open(os.path.join(d, f), 'w', encoding='utf-8').write(texts[f])
        scratch.append(d)
    base = run_check(scratch[0])
    assert base.get('diags') is not None, base
    base.setdefault('diags', [])
    # normalise file paths relative to the scratch dir
    def rel(dd, d):
        for x in dd:
            if x.get('file', '').startswith(d + '/'):
                x['file'] = x['file'][len(d) + 1:]
            for l in x.get('labels', []):
                if l.get('file', '').startswith(d + '/'):
                    l['file'] = l['file'][len(d) + 1:]
        return dd
    base_keys = {}
    for x in rel(base['diags'], scratch[0]):
        base_keys[diag_key(x)] = base_keys.get(diag_key(x), 0) + 1
    print(f'baseline: {len(base["diags"])} diagnostics, rc={base["rc"]}', file=sys.stderr)

    # build the mutation list deterministically
    rnd = random.Random(a.seed)
    jobs = []
    for f in files:
        for op in OPS:
            seen = set()
            tries = 0
            while sum(1 for j in jobs if j['file'] == f and j['op'] == op) < a.per_op and tries < a.per_op * 5:
                tries += 1
                m = mutate(op, texts[f], rnd)
                if m is None or m[0] in seen or m[0] == texts[f]:
                    continue
                seen.add(m[0])
                jobs.append({'id': len(jobs), 'file': f, 'op': op, 'offset': m[1], 'desc': m[2],
                             'text': m[0]})
    print(f'{len(jobs)} mutations', file=sys.stderr)

    import threading, queue
    q = queue.Queue()
    for d in scratch:
        q.put(d)
    out = open(a.out, 'w') if a.out else None
    lock = threading.Lock()
    records = []

    def work(j):
        d = q.get()
        try:
            p = os.path.join(d, j['file'])
            with open(p, 'w', encoding='utf-8') as fh:
                fh.write(j['text'])
            res = run_check(d)
            with open(p, 'w', encoding='utf-8') as fh:
                fh.write(texts[j['file']])
        finally:
            q.put(d)
        rec = {k: v for k, v in j.items() if k != 'text'}
        tb = j['text'].encode('utf-8')
        rec['mut_line'] = line_col_of(tb, len(j['text'][:j['offset']].encode('utf-8')))[0]
        ml = rec['mut_line']
        ol = texts[j['file']].split('\n')
        nl = j['text'].split('\n')
        rec['ctx_orig'] = '\n'.join(ol[max(0, ml - 2):ml + 1])
        rec['ctx_new'] = '\n'.join(nl[max(0, ml - 2):ml + 1])
        rec.update({k: v for k, v in res.items() if k != 'diags'})
        if 'diags' in res:
            diags = rel(res['diags'], d)
            left = dict(base_keys)
            added = []
            for x in diags:
                k = diag_key(x)
                if left.get(k, 0) > 0:
                    left[k] -= 1
                else:
                    added.append(x)
            rec['added'] = added
            rec['removed'] = sum(left.values())
            # consistency checks
            issues = []
            nerr = sum(1 for x in diags if x.get('severity') == 'error')
            if nerr and res['rc'] != 1:
                issues.append(f'rc {res["rc"]} with {nerr} errors')
            if not nerr and res['rc'] != 0:
                issues.append(f'rc {res["rc"]} with no errors')
            for x in added:
                if not x.get('code') or not re.fullmatch(r'SDD\d{3}', x.get('code') or ''):
                    issues.append(f'bad code {x.get("code")!r}')
                if not x.get('message'):
                    issues.append('empty message')
                r = x.get('range')
                if not r:
                    issues.append(f'{x.get("code")}: no range')
                    continue
                if x.get('file') == j['file']:
                    for which in ('start', 'end'):
                        pos = r[which]
                        b = pos['byte']
                        if b > len(tb):
                            issues.append(f'{x["code"]}: {which} byte {b} beyond EOF {len(tb)}')
                            continue
                        try:
                            tb[:b].decode('utf-8')
                        except UnicodeDecodeError:
                            issues.append(f'{x["code"]}: {which} byte {b} inside a UTF-8 char')
                        ln, ccol, bcol = line_col_of(tb, b)
                        if pos['line'] != ln or pos['column'] not in (ccol + 1,):
                            issues.append(f'{x["code"]}: {which} line/col {pos["line"]}:{pos["column"]} '
                                          f'!= computed {ln}:{ccol+1} (bytecol {bcol})')
                    if r['start']['byte'] > r['end']['byte']:
                        issues.append(f'{x["code"]}: start > end')
            rec['issues'] = issues
        if 'panicked' in res.get('stderr', '') or res.get('rc') == 101 or (res.get('rc') or 0) < 0:
            rec.setdefault('issues', []).append('PANIC/CRASH')
        if res.get('timeout'):
            rec.setdefault('issues', []).append('TIMEOUT')
        if 'nonjson' in res:
            rec.setdefault('issues', []).append('output is not JSON')
        with lock:
            records.append(rec)
            if out:
                out.write(json.dumps(rec, ensure_ascii=False) + '\n')

    t0 = time.time()
    with ThreadPoolExecutor(a.workers) as ex:
        list(ex.map(work, jobs))
    shutil.rmtree(workdir, ignore_errors=True)
    return summary(records, len(files), time.time() - t0, a.max_multi)


def summary(records, files, secs, max_multi):
    """Print the counts per kind of mutation; the exit status."""
    syntax = lambda r: sum(1 for x in r.get('added', []) if re.fullmatch(r'SDD0\d\d', x.get('code') or ''))
    rows = collections.OrderedDict((op, [0, 0, 0, 0]) for op in OPS)
    for r in records:
        n = syntax(r)
        row = rows[r['op']]
        row[0] += 1
        row[min(n, 2) + 1] += 1
    print(f'{len(records)} mutations of {files} files in {secs:.1f} s')
    print(f'{"mutation":<14}{"runs":>7}{"0 SDD0xx":>10}{"1 SDD0xx":>10}{"2+ SDD0xx":>11}')
    for op, (runs, zero, one, multi) in rows.items():
        print(f'{op:<14}{runs:>7}{zero:>10}{one:>10}{multi:>11}')
    multi = [r for r in records if syntax(r) >= 2]
    bad = [r for r in records if r.get('issues')]
    print(f'two or more syntax errors: {len(multi)}; crashes, timeouts or inconsistencies: {len(bad)}')
    for r in bad[:10]:
        print(f'  {r["file"]} #{r["id"]} {r["desc"]}: {"; ".join(r["issues"])}')
    for r in sorted(multi, key=lambda r: r['id'])[:5]:
        codes = [x['code'] for x in r['added'] if x.get('code', '').startswith('SDD0')]
        print(f'  2+: {r["file"]} line {r["mut_line"]}, {r["desc"]}: {" ".join(codes)}')
    if bad or (max_multi is not None and len(multi) > max_multi):
        return 1
    return 0

if __name__ == '__main__':
    sys.exit(main())
