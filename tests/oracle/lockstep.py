#!/usr/bin/env python3
"""Find the first instruction whose effect differs between vzsim and QEMU.

Runs the guest twice, streaming both traces through FIFOs (nothing large is
written to disk), and walks them in lockstep:

  QEMU   qemu-system-mips64el ... -singlestep -d in_asm,cpu,nochain -D FIFO
         logs the PC and all 32 GPRs before every instruction (after its own
         bootloader at 0xbfc00000, which is skipped: the walk starts at the
         first PC vzsim reports, the ELF entry point).
  vzsim  vzsim run --trace FIFO prog.elf
         one line per executed instruction:
           <pc, 16 hex> <word, 8 hex> <disassembly>[ ; <reg>=<hex>]...

A shadow register file starts as QEMU's registers at the entry point and
takes every write vzsim reports.  Before each instruction the shadow must
equal QEMU's registers and the PCs must agree; the first instruction after
which they do not is reported, with a few instructions of context.  Reads of
Count, of Cause's interrupt-pending bits and of the cycle counter (RDHWR $2)
may differ (they depend on time, not on the program), and so may reads of
PRId and Config0..7 (the modelled cores differ: vzsim has VZ); the latter
are noted.  Such a register, and any register an instruction computes from
it (judged by the rs/rt fields) or loads back after an ordinary store, is
left out of the comparison until both sides agree on it again.  QEMU
sometimes logs the same state twice (a translation block that exits for an
interrupt check before executing); such repeats are skipped.  Writes
QEMU makes to $2/$3 in a UHI call (sdbbp 1) are accepted even when vzsim does
not report them.

Usage:
  lockstep.py --qemu QEMU --vzsim VZSIM --elf prog.elf [--max-steps N]
              [--context N] [--timeout SECONDS]
  lockstep.py --qemu-trace FILE --vzsim-trace FILE   (compare saved traces)

Exit status: 0 no difference found, 1 difference reported, 2 usage or
setup error.
"""

import argparse
import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

ABI = ["zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
       "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3",
       "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
       "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra"]
REGNUM = {n: i for i, n in enumerate(ABI)}
REGNUM.update({"fp": 30, "r0": 0})
for i in range(32):
    REGNUM["$%d" % i] = i
    REGNUM["r%d" % i] = i
    REGNUM["$" + ABI[i]] = i
REGNUM["$fp"] = 30

QEMU_BASE_ARGS = ["-M", "boston", "-cpu", "I6400", "-display", "none",
                  "-chardev", "stdio,id=sh0",
                  "-semihosting-config", "enable=on,target=native,chardev=sh0"]

UHI_WORD = 0x0000004E  # sdbbp 1

MASK64 = (1 << 64) - 1


def tolerated(word):
    """(register, mask of bits that may differ, kind) for instructions whose
    result legitimately differs between the two simulators, else None.

    kind "timing": MFC0/DMFC0 of Count, of Cause's TI/PCI/IP7..IP2, and
    RDHWR $2 (cycle counter) depend on time, not on the program.
    kind "config": MFC0/DMFC0 of PRId and Config0..7 describe the modelled
    core (vzsim has the VZ module, QEMU does not); the difference is noted
    and the walk goes on: program output decides whether it matters."""
    if word is None:
        return None
    op = word >> 26
    rt = (word >> 16) & 31
    rd = (word >> 11) & 31
    sel = word & 7
    if op == 0x10 and ((word >> 21) & 31) in (0, 1) and (word & 0x7F8) == 0:
        if rd == 9 and sel == 0:
            return rt, MASK64, "timing"
        if rd == 13 and sel == 0:
            return rt, 0x4400FC00, "timing"
        if (rd == 15 and sel == 0) or rd == 16:
            return rt, MASK64, "config"
    if op == 0x1F and (word & 0x3F) == 0x3B and rd == 2:
        return rt, MASK64, "timing"
    return None


def reads_register(word, regs):
    """Whether the instruction may read one of regs.  Approximation: the rs
    and rt fields (every R6 integer format keeps its sources there)."""
    if word is None:
        return False
    return ((word >> 21) & 31) in regs or ((word >> 16) & 31) in regs


LOAD_SIZES = {0x20: 1, 0x21: 2, 0x23: 4, 0x24: 1, 0x25: 2, 0x27: 4, 0x37: 8}
STORE_SIZES = {0x28: 1, 0x29: 2, 0x2B: 4, 0x3F: 8}


def memory_access(word):
    """("load"|"store", rt, base, offset, size) for ordinary loads/stores."""
    if word is None:
        return None
    op = word >> 26
    off = word & 0xFFFF
    if off & 0x8000:
        off -= 0x10000
    if op in LOAD_SIZES:
        return "load", (word >> 16) & 31, (word >> 21) & 31, off, LOAD_SIZES[op]
    if op in STORE_SIZES:
        return "store", (word >> 16) & 31, (word >> 21) & 31, off, STORE_SIZES[op]
    return None


def regname(n):
    return "$%d(%s)" % (n, ABI[n])


class QemuState:
    """QEMU's state before one instruction: PC and GPRs as 16-digit hex
    strings (compared as strings: parsing is the slow part)."""
    __slots__ = ("pc", "gpr", "extra")

    def __init__(self, pc, gpr, extra):
        self.pc = pc
        self.gpr = gpr
        self.extra = extra


# Offsets of the four values in a QEMU "GPRnn: r0 <hex> at <hex> ..." line.
GPR_SLICES = [(10 + 20 * k, 26 + 20 * k) for k in range(4)]


def qemu_states(stream, disasm):
    """Yield QemuState for every 'pc=' block of a QEMU -d cpu log.

    Fills disasm[pc] (pc as a hex string) from the -d in_asm blocks."""
    pc = None
    gpr = None
    extra = ""
    for line in stream:
        c = line[0:1]
        if c == "G":
            if gpr is not None and line.startswith("GPR"):
                for lo, hi in GPR_SLICES:
                    gpr.append(line[lo:hi])
        elif c == "p":
            if line.startswith("pc=0x"):
                if pc is not None and len(gpr) == 32:
                    yield QemuState(pc, gpr, extra)
                pc = line[5:21]
                gpr = []
                extra = ""
        elif c == "C":
            if line.startswith("CP0 Status"):
                extra = " ".join(line.split()[1:])
        elif c == "0" and line.startswith("0x"):
            addr, _, text = line.partition(":")
            disasm[addr[2:].rjust(16, "0")] = " ".join(text.split())
    if pc is not None and gpr is not None and len(gpr) == 32:
        yield QemuState(pc, gpr, extra)


class VzLine:
    """One vzsim trace line: pc (16 hex), word (int, or None for a fetch
    exception line), disassembly, [(reg, 16-hex value)]."""
    __slots__ = ("pc", "word", "text", "writes", "raw")

    def __init__(self, pc, word, text, writes, raw):
        self.pc = pc
        self.word = word
        self.text = text
        self.writes = writes
        self.raw = raw


def vzsim_lines(stream):
    """Yield VzLine for every instruction line of a vzsim --trace file."""
    for raw in stream:
        raw = raw.rstrip("\n")
        parts = raw.split(None, 2)
        if len(parts) < 2 or len(parts[0]) > 16:
            continue
        try:
            pc = parts[0].lower().rjust(16, "0")
            int(pc, 16)
            word = None if parts[1].startswith("-") else int(parts[1], 16)
        except ValueError:
            continue
        rest = parts[2] if len(parts) > 2 else ""
        text, _, wtext = rest.partition(" ; ")
        writes = []
        if wtext:
            for item in wtext.replace(";", " ").split():
                name, eq, val = item.partition("=")
                num = REGNUM.get(name.lower())
                if eq and num is not None:
                    try:
                        writes.append((num, "%016x" % (int(val, 16) & MASK64)))
                    except ValueError:
                        pass
        yield VzLine(pc, word, text.strip(), writes, raw)


def compare(qstream, vstream, max_steps, context, out):
    """Walk both traces; return 0 if equal, 1 on the first difference."""
    disasm = {}
    qit = qemu_states(qstream, disasm)
    vit = vzsim_lines(vstream)
    recent = collections.deque(maxlen=context)

    first = next(vit, None)
    if first is None:
        out.write("lockstep: vzsim trace is empty\n")
        return 1
    skipped = 0
    q = None
    for q in qit:
        if q.pc == first.pc:
            break
        skipped += 1
    else:
        out.write("lockstep: QEMU never reached vzsim's first PC %s\n" % first.pc)
        return 1
    out.write("lockstep: synchronised at %s after %d QEMU bootloader instructions\n"
              % (first.pc, skipped))

    shadow = list(q.gpr)
    v = first
    steps = 0
    notes = set()
    taint = set()
    taint_mem = set()  # byte addresses holding tainted values
    while True:
        # v is about to execute in both; q is QEMU's state before it.
        if v.pc != q.pc:
            if v.word is None:
                # vzsim reports a failed fetch as a line of its own; QEMU
                # logs no state for it.
                recent.append(v)
                v = next(vit, None)
                if v is None:
                    out.write("lockstep: vzsim trace ended after a fetch exception\n")
                    return 1
                continue
            report_context(out, recent)
            out.write("FIRST DIFFERENCE at step %d: control flow\n" % steps)
            if recent:
                out.write("  after: %s\n" % recent[-1].raw)
            out.write("  vzsim next pc %s  (%s)\n" % (v.pc, v.text))
            out.write("  QEMU  next pc %s  (%s)\n" % (q.pc, disasm.get(q.pc, "?")))
            return 1
        # Follow tolerated values through memory (register spills).
        mem_load_taint = False
        access = memory_access(v.word)
        if access is not None and (taint or taint_mem):
            kind_, reg, base, off, size = access
            if base not in taint:
                addr = (int(shadow[base], 16) + off) & MASK64
                span = range(addr, addr + size)
                if kind_ == "store":
                    if reg in taint:
                        taint_mem.update(span)
                    else:
                        taint_mem.difference_update(span)
                elif any(a in taint_mem for a in span):
                    mem_load_taint = True
        for num, val in v.writes:
            if num != 0:
                shadow[num] = val
        recent.append(v)
        steps += 1
        nq = next(qit, None)
        nv = next(vit, None)
        # QEMU logs a TB's state before checking for an exit request (timer,
        # I/O), so an instruction can appear twice with nothing changed.
        while (nq is not None and nv is not None and nq.pc == q.pc and nv.pc != q.pc
               and nq.gpr == q.gpr):
            nq = next(qit, None)
        if nq is None or nv is None:
            # The final UHI exit may appear in one trace only.
            other = next(qit, None) if nv is None else next(vit, None)
            if (nq is None and nv is None) or other is None:
                out.write("lockstep: traces ended after %d instructions, "
                          "no register difference\n" % steps)
                return 0
            who = "QEMU" if nq is None else "vzsim"
            out.write("lockstep: %s trace ended after %d instructions (last: %s)\n"
                      % (who, steps, v.raw))
            if nq is not None:
                out.write("  QEMU continues at %s (%s)\n" % (nq.pc, disasm.get(nq.pc, "?")))
            else:
                out.write("  vzsim continues: %s\n" % nv.raw)
            return 1
        # UHI calls: QEMU writes v0/v1 as the host call result.
        if v.word == UHI_WORD:
            reported = {num for num, _ in v.writes}
            for num in (2, 3):
                if num not in reported:
                    shadow[num] = nq.gpr[num]
        # Registers holding tolerated values (and values computed from them)
        # are "tainted": not compared until both sides agree again.
        tol = tolerated(v.word)
        if tol is not None and tol[0] != 0 and shadow[tol[0]] != nq.gpr[tol[0]]:
            n, mask, kind = tol
            if (int(shadow[n], 16) ^ int(nq.gpr[n], 16)) & ~mask == 0:
                key = (v.pc, shadow[n], nq.gpr[n])
                if kind == "config" and key not in notes:
                    out.write("note: %s read differs: vzsim %s, QEMU %s (accepted)\n"
                              % (v.text, shadow[n], nq.gpr[n]))
                    notes.add(key)
                taint.add(n)
        if shadow != nq.gpr:
            diffs = [n for n in range(32) if shadow[n] != nq.gpr[n] and n not in taint]
            if diffs and (mem_load_taint or (taint and reads_register(v.word, taint))):
                taint.update(diffs)  # computed from a tolerated value
                diffs = []
            if diffs:
                report_context(out, recent)
                out.write("FIRST DIFFERENCE at step %d: instruction\n" % steps)
                out.write("  %s\n" % v.raw)
                out.write("  QEMU disassembly: %s\n" % disasm.get(v.pc, "?"))
                reported = {num for num, _ in v.writes}
                for n in diffs:
                    how = "vzsim wrote" if n in reported else "vzsim (no write reported)"
                    out.write("  %-10s %s %s, QEMU %s\n" % (regname(n), how, shadow[n], nq.gpr[n]))
                if taint:
                    out.write("  (registers still holding time- or configuration-dependent "
                              "values: %s)\n" % " ".join(regname(n) for n in sorted(taint)))
                out.write("  QEMU CP0 after: %s\n" % nq.extra)
                return 1
        if taint:
            taint = {n for n in taint if shadow[n] != nq.gpr[n]}
        if steps >= max_steps:
            out.write("lockstep: no difference in the first %d instructions (limit)\n" % steps)
            return 0
        q, v = nq, nv


def report_context(out, recent):
    if len(recent) > 1:
        out.write("context (vzsim trace, oldest first):\n")
        for line in list(recent)[:-1]:
            out.write("    %s\n" % line.raw)


def run_live(args):
    # Each simulator gets its own working directory: guests may create files
    # through UHI open.
    tmp = tempfile.mkdtemp(prefix="vzsim-lockstep-")
    qfifo = os.path.join(tmp, "qemu.fifo")
    vfifo = os.path.join(tmp, "vzsim.fifo")
    qcwd = os.path.join(tmp, "qemu.cwd")
    vcwd = os.path.join(tmp, "vzsim.cwd")
    os.mkfifo(qfifo)
    os.mkfifo(vfifo)
    os.mkdir(qcwd)
    os.mkdir(vcwd)

    def absolute(path):
        return os.path.abspath(path) if os.sep in path else path

    elf = os.path.abspath(args.elf)
    qcmd = [absolute(args.qemu)] + QEMU_BASE_ARGS + ["-kernel", elf, "-singlestep",
                                                     "-d", "in_asm,cpu,nochain", "-D", qfifo]
    vcmd = [absolute(args.vzsim), "run", "--max-insns", str(args.max_insns),
            "--trace", vfifo, elf]
    devnull = subprocess.DEVNULL
    procs = []
    result = [2]

    def unblock():
        # A reader still blocked in open() (its writer exited before opening
        # the FIFO) is released by a writer that opens and closes at once.
        for f in (qfifo, vfifo):
            try:
                os.close(os.open(f, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass

    def killer():
        for p in procs:
            if p.poll() is None:
                p.kill()
        unblock()

    stop = threading.Event()

    def watch():
        # If either program exits early (bad option, crash), do not wait
        # for it to open its FIFO.
        while not stop.wait(0.2):
            if any(p.poll() is not None for p in procs):
                unblock()

    timer = threading.Timer(args.timeout, killer)
    watcher = threading.Thread(target=watch, daemon=True)
    try:
        procs.append(subprocess.Popen(qcmd, cwd=qcwd, stdin=devnull, stdout=devnull,
                                      stderr=devnull))
        procs.append(subprocess.Popen(vcmd, cwd=vcwd, stdin=devnull, stdout=devnull,
                                      stderr=devnull))
        timer.start()
        watcher.start()
        with open(qfifo, "r", errors="replace") as qs, open(vfifo, "r", errors="replace") as vs:
            result[0] = compare(qs, vs, args.max_steps, args.context, sys.stdout)
    finally:
        stop.set()
        timer.cancel()
        killer()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    return result[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qemu", help="qemu-system-mips64el binary")
    ap.add_argument("--vzsim", help="vzsim binary")
    ap.add_argument("--elf", help="guest ELF")
    ap.add_argument("--qemu-trace", help="saved QEMU -d in_asm,cpu,nochain log")
    ap.add_argument("--vzsim-trace", help="saved vzsim --trace file")
    ap.add_argument("--max-steps", type=int, default=20000000,
                    help="stop after this many instructions (default 20M)")
    ap.add_argument("--max-insns", type=int, default=100000000,
                    help="vzsim --max-insns (default 100M)")
    ap.add_argument("--context", type=int, default=8,
                    help="instructions of context to print (default 8)")
    ap.add_argument("--timeout", type=float, default=600.0,
                    help="wall-clock limit for the live run in seconds (default 600)")
    args = ap.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if args.qemu_trace and args.vzsim_trace:
        with open(args.qemu_trace, errors="replace") as qs, \
                open(args.vzsim_trace, errors="replace") as vs:
            return compare(qs, vs, args.max_steps, args.context, sys.stdout)
    if not (args.qemu and args.vzsim and args.elf):
        ap.print_usage(sys.stderr)
        return 2
    return run_live(args)


if __name__ == "__main__":
    sys.exit(main())
