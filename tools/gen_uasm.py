#!/usr/bin/env python3
"""tools/gen_uasm.py - generate vzsim's typed micro-assembler emitters from the
instruction table sim/isa/mips64r6.def.

usage: gen_uasm.py DEF OUT_H OUT_C

For every implemented row of the table (not VZ_F_ALIAS, VZ_F_REMOVED or VZ_F_UNIMPL)
it writes one emitter

    int uasm_i_<lowercase ID>(uasm *a, <operands in assembler order>);

that range-checks each operand, encodes it into its field and hands the word to
uasm__emit() (hv/gen/uasm.c), which checks the row's register constraint, checks that
vz_decode() gives the row back and stores the word. Rows with a PC-relative or J/JAL
target token also get a label form uasm_il_<id>(a, <other operands>, uasm_label).
A descriptor table (uasm_emitters[]) lets tests drive every emitter generically.

The generator fails (non-zero exit, so the build fails) on anything it does not
understand: an unknown operand token, a token whose field overlaps the row's fixed
(mask) bits, an unknown bit-field row, a constraint on a field no operand sets. That
is how a change of the table's tokens is caught at build time (docs/uasm.md).

Limits: the C it writes is plain C11 and depends only on hv/gen/uasm.h,
hv/gen/uasm_impl.h and sim/isa/isa.h; the .def parser understands the subset of C the
table uses (#define NAME <hex>, INSN(...) rows, comments).
"""
import hashlib
import os
import re
import sys

GENERATOR = "tools/gen_uasm.py"


class GenError(Exception):
    pass


# --------------------------------------------------------------------------- parsing

def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def split_args(s):
    """Split a macro argument list on top-level commas (quotes and parentheses aware)."""
    args, cur, depth, inq = [], "", 0, False
    for ch in s:
        if inq:
            cur += ch
            if ch == '"':
                inq = False
            continue
        if ch == '"':
            inq = True
            cur += ch
        elif ch == "(":
            depth += 1
            cur += ch
        elif ch == ")":
            depth -= 1
            cur += ch
        elif ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    args.append(cur.strip())
    return args


def parse_def(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = strip_comments(raw.decode("utf-8"))
    defines = {}
    rows = []
    lineno = 0
    for line in text.split("\n"):
        lineno += 1
        m = re.match(r"\s*#\s*define\s+(\w+)\s+(.+?)\s*$", line)
        if m:
            defines[m.group(1)] = m.group(2)
            continue
        if re.match(r"\s*#", line):
            continue
        m = re.match(r"\s*INSN\s*\((.*)\)\s*$", line)
        if not m:
            if "INSN" in line:
                raise GenError("%s:%d: cannot parse row: %s" % (path, lineno, line.strip()))
            continue
        a = split_args(m.group(1))
        if len(a) != 9:
            raise GenError("%s:%d: row has %d columns, expected 9" % (path, lineno, len(a)))
        for col in (1, 4):
            if not (a[col].startswith('"') and a[col].endswith('"')):
                raise GenError("%s:%d: column %d must be a string" % (path, lineno, col + 1))
        flags = set()
        if a[6] != "0":
            for f in a[6].split("|"):
                f = f.strip()
                if not re.match(r"^VZ_F_\w+$", f):
                    raise GenError("%s:%d: bad flag %r" % (path, lineno, f))
                flags.add(f)
        rows.append(dict(file=os.path.basename(path), id=a[0], mn=a[1][1:-1], match=eval_int(a[2], defines, path, lineno),
                         mask=eval_int(a[3], defines, path, lineno), ops=a[4][1:-1],
                         cls=a[5], flags=flags, cons=a[7], alias=a[8], line=lineno))
    return raw, rows


def eval_int(expr, defines, path, lineno, depth=0):
    if depth > 8:
        raise GenError("%s:%d: #define loop in %r" % (path, lineno, expr))
    v = 0
    for part in expr.split("|"):
        part = part.strip()
        if part in defines:
            v |= eval_int(defines[part], defines, path, lineno, depth + 1)
            continue
        m = re.match(r"^(0[xX][0-9a-fA-F]+|[0-9]+)[uU]?$", part)
        if not m:
            raise GenError("%s:%d: cannot evaluate %r" % (path, lineno, part))
        v |= int(m.group(1), 0)
    if v >> 32:
        raise GenError("%s:%d: %r does not fit 32 bits" % (path, lineno, expr))
    return v


# ----------------------------------------------------------------- operand tokens
#
# Each token maps to: the C parameters it contributes (type, name, part), the word
# bits it sets, and the C statements that check and encode it. Statements may use
# the local 'sa_' (the sa field set by a pos/posu token) when 'needs_pos' is set.

REG_SHIFT = {"rd": 11, "rs": 21, "rt": 16}


class Tok:
    def __init__(self, params, bits, code, needs_pos=False, defines_pos=False, target=None):
        self.params = params          # [(ctype, name, part)]
        self.bits = bits              # word bits set by the token
        self.code = code              # f(row_ctx) -> list of C lines
        self.needs_pos = needs_pos
        self.defines_pos = defines_pos
        self.target = target          # relocation kind for label forms, or None


def chk_u(name, lo, hi, what=None):
    return 'if (!uasm__check_u(a, ROW, "%s", %s, %s, %s)) return a->err;' % (
        what or name, name, lo, hi)


def chk_s(name, lo, hi, align, what=None):
    return 'if (!uasm__check_s(a, ROW, "%s", %s, %s, %s, %d)) return a->err;' % (
        what or name, name, lo, hi, align)


def reg_tok(field):
    sh = REG_SHIFT[field]
    return Tok([("unsigned", field, "reg")], 0x1f << sh,
               lambda c: [chk_u(field, "0", "31"), "w |= (uint32_t)%s << %d;" % (field, sh)])


def uimm_tok(name, width, shift, part):
    hi = (1 << width) - 1
    return Tok([("uint64_t", name, part)], hi << shift,
               lambda c: [chk_u(name, "0", "0x%x" % hi), "w |= (uint32_t)%s << %d;" % (name, shift)])


def pcrel_tok(bits, scale, kind, ref):
    """A PC-relative token: a signed byte offset (multiple of scale) from ref."""
    lo = -(1 << (bits - 1)) * scale
    hi = ((1 << (bits - 1)) - 1) * scale
    mask = (1 << bits) - 1
    sh = {4: 2, 8: 3}[scale]
    return Tok([("int64_t", "off", kind)], mask,
               lambda c: ["/* off: byte offset from %s */" % ref,
                          chk_s("off", str(lo), str(hi), scale),
                          "w |= (uint32_t)(((uint64_t)off >> %d) & 0x%x);" % (sh, mask)],
               target=kind)


TOKENS = {
    "rd": reg_tok("rd"),
    "rs": reg_tok("rs"),
    "rt": reg_tok("rt"),
    # optional rt (DI/EI): 0 means "omitted" in assembler syntax
    "rt?": Tok([("unsigned", "rt", "reg")], 0x1f << 16,
               lambda c: [chk_u("rt", "0", "31"), "w |= (uint32_t)rt << 16;"]),
    "simm": Tok([("int64_t", "imm", "simm")], 0xffff,
                lambda c: [chk_s("imm", "-32768", "32767", 1),
                           "w |= (uint32_t)((uint64_t)imm & 0xffff);"]),
    "uimm": uimm_tok("imm", 16, 0, "uimm"),
    "simm(rs)": Tok([("int64_t", "off", "off16"), ("unsigned", "base", "reg")],
                    0xffff | (0x1f << 21),
                    lambda c: [chk_s("off", "-32768", "32767", 1),
                               chk_u("base", "0", "31"),
                               "w |= (uint32_t)((uint64_t)off & 0xffff);",
                               "w |= (uint32_t)base << 21;"]),
    "off9(rs)": Tok([("int64_t", "off", "off9"), ("unsigned", "base", "reg")],
                    (0x1ff << 7) | (0x1f << 21),
                    lambda c: [chk_s("off", "-256", "255", 1),
                               chk_u("base", "0", "31"),
                               "w |= (uint32_t)(((uint64_t)off & 0x1ff) << 7);",
                               "w |= (uint32_t)base << 21;"]),
    "sa": Tok([("unsigned", "sa", "sa")], 0x1f << 6,
              lambda c: [chk_u("sa", "0", "31"), "w |= (uint32_t)sa << 6;"]),
    # LSA/DLSA: the assembler operand is the shift 1..4, the field holds shift - 1
    "lsa": Tok([("unsigned", "sa", "lsa")], 0x3 << 6,
               lambda c: [chk_u("sa", "1", "4"), "w |= (uint32_t)(sa - 1) << 6;"]),
    "bp2": Tok([("unsigned", "bp", "bp2")], 0x3 << 6,
               lambda c: [chk_u("bp", "0", "3"), "w |= (uint32_t)bp << 6;"]),
    "bp3": Tok([("unsigned", "bp", "bp3")], 0x7 << 6,
               lambda c: [chk_u("bp", "0", "7"), "w |= (uint32_t)bp << 6;"]),
    "pos": Tok([("unsigned", "pos", "pos")], 0x1f << 6,
               lambda c: [chk_u("pos", "0", "31"), "sa_ = pos;",
                          "w |= (uint32_t)sa_ << 6;"], defines_pos=True),
    "posu": Tok([("unsigned", "pos", "posu")], 0x1f << 6,
                lambda c: [chk_u("pos", "32", "63"), "sa_ = pos - 32;",
                           "w |= (uint32_t)sa_ << 6;"], defines_pos=True),
    # EXT/DEXT/DEXTU: msbd = size - 1; the row's width rule pos + size <= W follows
    "size": Tok([("unsigned", "size", "size")], 0x1f << 11,
                lambda c: [chk_u("size", "1", "32"),
                           "w |= (uint32_t)(size - 1) << 11;"] + width_rule(c),
                needs_pos=True),
    # DEXTM: msbd = size - 33
    "sizem": Tok([("unsigned", "size", "sizem")], 0x1f << 11,
                 lambda c: [chk_u("size", "33", "64"),
                            "w |= (uint32_t)(size - 33) << 11;"] + width_rule(c),
                 needs_pos=True),
    # INS/DINS/DINSU: msb field = lsb field + size - 1, and must lie in lsb..31
    "isize": Tok([("unsigned", "size", "isize")], 0x1f << 11,
                 lambda c: [chk_u("size", "1", "32 - sa_"),
                            "w |= (uint32_t)(sa_ + size - 1) << 11;"],
                 needs_pos=True),
    # DINSM: msb field = lsb field + size - 33, in 0..31
    "isizem": Tok([("unsigned", "size", "isizem")], 0x1f << 11,
                  lambda c: [chk_u("size", "33 - sa_", "64 - sa_"),
                             "w |= (uint32_t)(sa_ + size - 33) << 11;"],
                  needs_pos=True),
    "b16": pcrel_tok(16, 4, "UASM_R_B16", "the delay/forbidden slot (PC + 4)"),
    "b21": pcrel_tok(21, 4, "UASM_R_B21", "PC + 4"),
    "b26": pcrel_tok(26, 4, "UASM_R_B26", "PC + 4"),
    "pc19": pcrel_tok(19, 4, "UASM_R_PC19", "the instruction (PC)"),
    "pc18": pcrel_tok(18, 8, "UASM_R_PC18", "the doubleword-aligned PC (PC & ~7)"),
    "j26": Tok([("uint64_t", "target", "j26")], 0x3ffffff,
               lambda c: ["/* target: absolute address in the 256 MiB region of PC + 4 */",
                          "if (!uasm__check_jtarget(a, ROW, target)) return a->err;",
                          "w |= (uint32_t)((target >> 2) & 0x3ffffff);"],
               target="UASM_R_J26"),
    "cop0": Tok([("unsigned", "rd", "cp0reg"), ("unsigned", "sel", "sel")], (0x1f << 11) | 7,
                lambda c: [chk_u("rd", "0", "31"), chk_u("sel", "0", "7"),
                           "w |= (uint32_t)rd << 11 | (uint32_t)sel;"]),
    "hwr": Tok([("unsigned", "rd", "hwreg"), ("unsigned", "sel", "sel")], (0x1f << 11) | (7 << 6),
               lambda c: [chk_u("rd", "0", "31"), chk_u("sel", "0", "7"),
                          "w |= (uint32_t)rd << 11 | (uint32_t)sel << 6;"]),
    "op": Tok([("unsigned", "op", "op")], 0x1f << 16,
              lambda c: [chk_u("op", "0", "31"), "w |= (uint32_t)op << 16;"]),
    "code20": uimm_tok("code", 20, 6, "code20"),
    "brk": Tok([("uint64_t", "code", "brk1"), ("uint64_t", "code2", "brk2")], 0xfffff << 6,
               lambda c: [chk_u("code", "0", "0x3ff"), chk_u("code2", "0", "0x3ff"),
                          "w |= (uint32_t)code << 16 | (uint32_t)code2 << 6;"]),
    "tcode": uimm_tok("code", 10, 6, "tcode"),
    "wcode": uimm_tok("code", 19, 6, "wcode"),
    "hcode": uimm_tok("code", 10, 11, "hcode"),
    "stype": Tok([("unsigned", "stype", "stype")], 0x1f << 6,
                 lambda c: [chk_u("stype", "0", "31"), "w |= (uint32_t)stype << 6;"]),
}

# Register width of the bit-field rows: the EXT/DEXT family's "pos + size" limit. A
# row with a bit-field token that is not listed here stops the generator.
BITFIELD_WIDTH = {"EXT": 32, "DEXT": 64, "DEXTM": 64, "DEXTU": 64,
                  "INS": 32, "DINS": 64, "DINSM": 64, "DINSU": 64}


def width_rule(ctx):
    w = BITFIELD_WIDTH[ctx["id"]]
    return ['if (!uasm__check(a, pos + size <= %d, UASM_E_RANGE, ROW, "pos + size = %%u '
            'exceeds %d", pos + size)) return a->err;' % (w, w)]


# Extra operand rules for encodings the manual calls UNPREDICTABLE and GNU as 2.40
# rejects; the table's constraint column does not carry them (it only separates rows).
EXTRA_RULES = {
    "JALR": [('rd != rs || rd == 0', 'rd and rs must differ (rd = rs = %u)', 'rd')],
    "JALR_HB": [('rd != rs || rd == 0', 'rd and rs must differ (rd = rs = %u)', 'rd')],
    "BLTZALC": [('rt != 31', 'the source register must not be $31', None)],
    "BGEZALC": [('rt != 31', 'the source register must not be $31', None)],
}

CONSTRAINTS = {"NONE", "RS_NZ", "RT_NZ", "RS_EQ_RT_NZ", "RS_NE_RT_NZ", "RS_GE_RT",
               "RS_LT_RT_NZ"}
CONS_FIELDS = {"NONE": set(), "RS_NZ": {"rs"}, "RT_NZ": {"rt"},
               "RS_EQ_RT_NZ": {"rs", "rt"}, "RS_NE_RT_NZ": {"rs", "rt"},
               "RS_GE_RT": {"rs", "rt"}, "RS_LT_RT_NZ": {"rs", "rt"}}
FIELD_BITS = {"rs": 0x1f << 21, "rt": 0x1f << 16}


# ---------------------------------------------------------------------- emitters

def implemented(r):
    return not (r["flags"] & {"VZ_F_ALIAS", "VZ_F_REMOVED", "VZ_F_UNIMPL"})


def build_emitter(r):
    where = "%s:%d (%s)" % (r["file"], r["line"], r["id"])
    if r["cons"] not in CONSTRAINTS:
        raise GenError("%s: unknown constraint %s" % (where, r["cons"]))
    toks = [t for t in r["ops"].split(",")] if r["ops"] else []
    params, body, seen, bits = [], [], {}, 0
    pos_defined, target = False, None
    reg_fields = set()
    for t in toks:
        if t not in TOKENS:
            raise GenError("%s: unknown operand token %r: teach tools/gen_uasm.py its field, "
                           "range and C type" % (where, t))
        if t in seen:
            # the same field named twice in assembler syntax (DAHI/DATI "rs,rs,uimm"):
            # one parameter, encoded once
            if t not in REG_SHIFT:
                raise GenError("%s: token %r repeated" % (where, t))
            continue
        spec = TOKENS[t]
        seen[t] = True
        if spec.bits & r["mask"]:
            raise GenError("%s: token %r sets bits 0x%08x fixed by the mask 0x%08x"
                           % (where, t, spec.bits & r["mask"], r["mask"]))
        if spec.bits & bits:
            raise GenError("%s: token %r overlaps another operand" % (where, t))
        bits |= spec.bits
        if spec.needs_pos and not pos_defined:
            raise GenError("%s: size token %r before its position token" % (where, t))
        if t in ("size", "sizem", "isize", "isizem", "pos", "posu") and r["id"] not in BITFIELD_WIDTH:
            raise GenError("%s: bit-field row not in BITFIELD_WIDTH" % where)
        pos_defined |= spec.defines_pos
        for p in spec.params:
            if any(p[1] == q[1] for q in params):
                raise GenError("%s: duplicate parameter name %r" % (where, p[1]))
            params.append(p + (t,))
        body += spec.code(r)
        if spec.target:
            if target:
                raise GenError("%s: two target tokens" % where)
            target = (spec.target, len(params) - 1, t)
        if t in ("rs", "rt", "rt?"):
            reg_fields.add("rt" if t == "rt?" else t)
        if t in ("simm(rs)", "off9(rs)"):
            reg_fields.add("rs")
    # fields a constraint reads must come from an operand or the mask
    for f in CONS_FIELDS[r["cons"]]:
        if f in reg_fields or (r["mask"] & FIELD_BITS[f]) == FIELD_BITS[f]:
            continue
        if r["cons"] == "RS_EQ_RT_NZ" and f == "rs" and "rt" in reg_fields:
            body.append("w |= (uint32_t)rt << 21;  /* RS_EQ_RT_NZ: the rs field repeats rt */")
            bits |= FIELD_BITS["rs"]
            continue
        raise GenError("%s: constraint %s reads %s, which no operand sets" % (where, r["cons"], f))
    for cond, msg, arg in EXTRA_RULES.get(r["id"], []):
        body.append('if (!uasm__check(a, %s, UASM_E_CONSTRAINT, ROW, "%s"%s)) return a->err;'
                    % (cond, msg, (", " + arg) if arg else ""))
    free = ~(r["mask"] | bits) & 0xffffffff
    return dict(row=r, name=r["id"].lower(), params=params, body=body, target=target,
                free=free, uses_pos=pos_defined)


def c_params(e, skip=None):
    return "".join(", %s %s" % (p[0], p[1]) for i, p in enumerate(e["params"]) if i != skip)


def proto(e):
    return "int uasm_i_%s(uasm *a%s)" % (e["name"], c_params(e))


def proto_l(e):
    return "int uasm_il_%s(uasm *a%s, uasm_label l)" % (e["name"], c_params(e, e["target"][1]))


def describe_params(e):
    return ", ".join("%s %s" % (p[0], p[1]) for p in e["params"]) or "no operands"


def gen(def_path, out_h, out_c):
    raw, rows = parse_def(def_path)
    h_in = hashlib.sha256(raw).hexdigest()
    with open(os.path.abspath(__file__), "rb") as f:
        h_gen = hashlib.sha256(f.read()).hexdigest()
    ids = set()
    for r in rows:
        if r["id"] in ids:
            raise GenError("duplicate row id %s" % r["id"])
        ids.add(r["id"])
    ems = [build_emitter(r) for r in rows if implemented(r)]
    if not ems:
        raise GenError("no implemented rows in %s" % def_path)
    maxp = max(len(e["params"]) for e in ems)
    banner = ("/*\n * Automatically generated - do not edit.\n"
              " * Generator: %s\n * Input: sim/isa/mips64r6.def, sha256 %s\n"
              " * Generator sha256 %s\n"
              " * Rebuilt by CMake when either changes; docs/uasm.md explains the API.\n */\n"
              % (GENERATOR, h_in, h_gen))

    H = [banner]
    H.append("#ifndef VZSIM_UASM_EMIT_H\n#define VZSIM_UASM_EMIT_H\n")
    H.append("#ifndef VZSIM_UASM_H\n#error \"include hv/gen/uasm.h, not this file\"\n#endif\n")
    H.append("#ifdef __cplusplus\nextern \"C\" {\n#endif\n")
    H.append("/* Number of generated emitters (one per implemented, non-alias row). */")
    H.append("#define UASM_N_EMITTERS %d\n" % len(ems))
    H.append("#ifdef __cplusplus\nstatic_assert(UASM_MAX_PARAMS >= %d, \"raise UASM_MAX_PARAMS in "
             "hv/gen/uasm.h\");\n#else\n_Static_assert(UASM_MAX_PARAMS >= %d, \"raise "
             "UASM_MAX_PARAMS in hv/gen/uasm.h\");\n#endif\n" % (maxp, maxp))
    H.append("/* Emitters: operands in assembler order; 0 on success, else the sticky error. */")
    for e in ems:
        H.append("%s;  /* %s %s */" % (proto(e), e["row"]["mn"], e["row"]["ops"]))
    H.append("\n/* Label forms: the target operand is a label, patched by uasm_resolve(). */")
    for e in ems:
        if e["target"]:
            H.append("%s;" % proto_l(e))
    H.append("\n/* One descriptor per emitter, in table order (tests, tools). */")
    H.append("extern const uasm_emitter_desc uasm_emitters[UASM_N_EMITTERS];\n")
    H.append("#ifdef __cplusplus\n}\n#endif\n#endif")

    C = [banner]
    C.append('#include "hv/gen/uasm.h"\n#include "hv/gen/uasm_impl.h"\n')
    nfree = 0
    for e in ems:
        r = e["row"]
        C.append("/* %s: %s %s -- match 0x%08x mask 0x%08x constraint %s%s */"
                 % (r["id"], r["mn"], r["ops"] or "(no operands)", r["match"], r["mask"],
                    r["cons"],
                    ("; bits 0x%08x are set by no operand and emitted as 0" % e["free"])
                    if e["free"] else ""))
        nfree += bool(e["free"])
        C.append("%s\n{" % proto(e))
        C.append("#define ROW VZ_I_%s" % r["id"])
        C.append("    uint32_t w = 0x%08xu;" % r["match"])
        if e["uses_pos"]:
            C.append("    unsigned sa_ = 0;")
        C.append("    if (a->err)\n        return a->err;")
        for line in e["body"]:
            C.append("    " + line)
        C.append("    return uasm__emit(a, ROW, w);\n#undef ROW\n}\n")
        if e["target"]:
            kind, idx, tok = e["target"]
            # Placeholder target until uasm_resolve(): the instruction itself where the
            # field can say so (a branch to itself hangs visibly if resolve is skipped,
            # where Linux's offset 0 silently falls through), else offset 0.
            ph = {"b16": "-4", "b21": "-4", "b26": "-4", "pc19": "0", "pc18": "0",
                  "j26": "uasm__j26_placeholder(a)"}[tok]
            args = ", ".join(["a"] + [ph if i == idx else p[1]
                                      for i, p in enumerate(e["params"])])
            C.append("%s\n{" % proto_l(e))
            C.append("    if (a->err)\n        return a->err;")
            C.append("    if (!uasm__check_label(a, VZ_I_%s, l))\n        return a->err;" % r["id"])
            C.append("    /* placeholder target (itself), patched by uasm_resolve() */")
            C.append("    if (uasm_i_%s(%s))\n        return a->err;" % (e["name"], args))
            C.append("    return uasm__add_reloc(a, VZ_I_%s, %s, l);\n}\n" % (r["id"], kind))
    # generic thunks for the descriptor table
    C.append("/* Thunks: call an emitter with its operands from an int64_t array. */")
    for e in ems:
        C.append("static int call_%s(uasm *a, const int64_t *v)\n{" % e["name"])
        if not e["params"]:
            C.append("    (void)v;")
        C.append("    return uasm_i_%s(a%s);\n}" % (
            e["name"], "".join(", (%s)v[%d]" % (p[0], i) for i, p in enumerate(e["params"]))))
        if e["target"]:
            idx = e["target"][1]
            C.append("static int call_l_%s(uasm *a, const int64_t *v, uasm_label l)\n{" % e["name"])
            if len(e["params"]) == 1:
                C.append("    (void)v;")
            C.append("    return uasm_il_%s(a%s, l);\n}" % (
                e["name"], "".join(", (%s)v[%d]" % (p[0], i)
                                   for i, p in enumerate(e["params"]) if i != idx)))
    C.append("\nconst uasm_emitter_desc uasm_emitters[UASM_N_EMITTERS] = {")
    for e in ems:
        ps = ", ".join('{ "%s", "%s", "%s", "%s" }' % (p[1], p[3], p[2], p[0])
                       for p in e["params"])
        C.append('    { "%s", VZ_I_%s, "%s", %d, { %s }, call_%s, %s, %d },'
                 % (e["name"], e["row"]["id"], e["row"]["ops"], len(e["params"]), ps or "{ 0 }",
                    e["name"], ("call_l_" + e["name"]) if e["target"] else "0",
                    e["target"][1] if e["target"] else -1))
    C.append("};")
    os.makedirs(os.path.dirname(os.path.abspath(out_h)), exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(out_c)), exist_ok=True)
    write_file(out_h, "\n".join(H) + "\n")
    write_file(out_c, "\n".join(C) + "\n")
    return len(ems), nfree


def write_file(path, text):
    """Write atomically (a parallel build never sees half a file). Always rewritten, so
    that the outputs are newer than the inputs and the build does not rerun us."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: %s DEF OUT_H OUT_C\n" % argv[0])
        return 2
    try:
        gen(argv[1], argv[2], argv[3])
    except GenError as e:
        sys.stderr.write("gen_uasm.py: error: %s\n" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
