/*
 * tools/vzsim.c - the vzsim command line.
 *
 *   vzsim run [options] PROG.elf [ARGS...]   run a bare-metal ELF on the core
 *   vzsim disasm [options] FILE.bin         disassemble raw little-endian words
 *   vzsim sweep [--start W] [--count N] [--stride S]
 *                                            decode+disassemble every 32-bit word (or
 *                                            a strided sample) and check the contracts
 *   vzsim version
 *
 * Exit codes of `run`: the program's UHI exit code; 124 when the instruction limit
 * is reached; 125 for an aborted program (UHI assert, WAIT with no wake-up source,
 * SDBBP without a debugger); 2 for bad input (file, options).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/cpu.h"
#include "sim/isa/isa.h"
#include "sim/mem/boston.h"
#include "tools/hvcmds.h"
#include "traces/export.h"
#include "sim/timing/timing.h"

#define VZSIM_VERSION "0.1.0"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vzsim run [--max-insns N (default 1e10, 0: none)] [--trace FILE.db|FILE|-]\n"
            "                 [--trace-insns all|window:FROM-TO|around:N] [--ram MiB]\n"
            "                 [--stats] [--tlb-entries N (1..64, default 64; QEMU's I6400: 16)]\n"
            "                 [--timing CONFIG.ini (cycle-level mode)]\n"
            "                 PROG.elf [ARGS...]\n"
            "       vzsim disasm [--numeric] [--no-aliases] [--numeric-cp0] [--vma ADDR] FILE.bin\n"
            "       vzsim sweep [--start WORD] [--count N] [--stride S]\n"
            "       vzsim config [FILE.ini]\n"
            "       vzsim guest [--max-insns N] [--max-exits N] [--timing CONFIG.ini]\n"
            "                 [--trace FILE.db [--trace-insns SPEC]] PROG.elf\n"
            "       vzsim scenarios [--config FILE.ini | --functional]\n"
            "                 [--trace FILE.db [--trace-insns SPEC]] [NAME ...]\n"
            "       vzsim entry --listing\n"
            "       vzsim compare BASELINE NEW [--tolerance PCT]   (trace DBs, CSV or JSON reports)\n"
            "       vzsim report [--format text|csv|json|html] DB\n"
            "       vzsim export DB --kanata FILE [--window FROM:TO | --exit SEQ [--around N]]\n"
            "                       [--scenario NAME] | --perfetto FILE\n"
            "       vzsim version\n");
}

/* A non-negative integer option value (decimal, 0x hex, 0 octal); 0 or -1. Shared
 * by every subcommand (tools/hvcmds.h). */
int vz_cli_parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *v = x;
    return 0;
}

/* ---------------- run ---------------- */

struct tracer {
    FILE *f;
    vz_disasm_opts opts;
};

static void trace_retire(void *opaque, const vz_retire_info *ri)
{
    struct tracer *t = opaque;
    char text[128];
    if (ri->exception >= 0 && ri->word == 0 && ri->id == 0) {
        fprintf(t->f, "%016" PRIx64 " -------- <fetch exception %d>\n", ri->pc, ri->exception);
        return;
    }
    vz_disasm(ri->word, ri->pc, &t->opts, text, sizeof text);
    fprintf(t->f, "%016" PRIx64 " %08x %s", ri->pc, ri->word, text);
    if (ri->exception >= 0)
        fprintf(t->f, " ; exception %d", ri->exception);
    else if (ri->gpr_written)
        fprintf(t->f, " ; %s=%016" PRIx64, vz_gpr_name(ri->gpr_written, 0), ri->gpr_value);
    fputc('\n', t->f);
}

/* --trace FILE: a database when FILE ends in .db (docs/traces.md), else text */
static int is_db_path(const char *p)
{
    size_t n = strlen(p);
    return n > 3 && !strcmp(p + n - 3, ".db");
}

static int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"max-insns", required_argument, 0, 'm'},
        {"trace", required_argument, 0, 't'},
        {"ram", required_argument, 0, 'r'},
        {"stats", no_argument, 0, 's'},
        {"timing", required_argument, 0, 'C'},
        {"tlb-entries", required_argument, 0, 'T'},
        {"trace-insns", required_argument, 0, 'I'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    uint64_t max_insns = 10000000000ull, ram_mib = VZ_BOSTON_DEFAULT_RAM >> 20;
    int limit_given = 0;
    const char *timing_path = NULL;
    uint64_t tlb_entries = 64;
    const char *trace_path = NULL;
    vz_insn_opts io = {0};
    int stats = 0;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+m:t:r:sh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            if (vz_cli_parse_u64(optarg, &max_insns) != 0) {
                fprintf(stderr, "vzsim run: --max-insns: not a number: '%s'\n", optarg);
                return 2;
            }
            limit_given = 1;
            break;
        case 't': trace_path = optarg; break;
        case 'r':
            if (vz_cli_parse_u64(optarg, &ram_mib) != 0 || ram_mib == 0 ||
                (ram_mib << 20) > VZ_BOSTON_MAX_RAM) {
                fprintf(stderr, "vzsim run: --ram: expected 1..%llu MiB, got '%s'\n",
                        (unsigned long long)(VZ_BOSTON_MAX_RAM >> 20), optarg);
                return 2;
            }
            break;
        case 's': stats = 1; break;
        case 'C': timing_path = optarg; break;
        case 'T':
            if (vz_cli_parse_u64(optarg, &tlb_entries) != 0 || tlb_entries < 1 || tlb_entries > 64) {
                fprintf(stderr, "vzsim run: --tlb-entries: expected 1..64, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'I':
            if (vz_cli_parse_trace_insns(optarg, &io) != 0) {
                fprintf(stderr, "vzsim run: --trace-insns: expected all, window:FROM-TO or"
                                " around:N, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vzsim run: missing program (an ELF64 little-endian MIPS file)\n");
        return 2;
    }
    const char *prog = argv[optind];
    const int db = trace_path && is_db_path(trace_path);
    if (io.mode && !db) {
        fprintf(stderr, "vzsim run: --trace-insns needs --trace FILE.db\n");
        return 2;
    }
    if (trace_path && !db && !limit_given) {
        /* a text trace grows by ~60 bytes per instruction: keep an unbounded
         * program from filling the disk unless the user asked for more */
        max_insns = 10000000;
        fprintf(stderr, "vzsim run: tracing: instruction limit %" PRIu64
                        " (give --max-insns to change it)\n", max_insns);
    }
    char err[512];
    vz_mem *mem = vz_mem_create();
    if (!mem || vz_boston_map(mem, ram_mib << 20, err, sizeof err) != 0) {
        fprintf(stderr, "vzsim run: cannot build the boston memory map: %s\n",
                mem ? err : "out of memory");
        vz_mem_destroy(mem);
        return 2;
    }
    vz_boot_state boot;
    if (vz_boston_load_kernel(mem, prog, &boot, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "vzsim run: %s\n", err);
        vz_mem_destroy(mem);
        return 2;
    }
    vz_cpu_config cfg = {
        .semihosting = 1,
        .argc = argc - optind,
        .argv = argv + optind,
        .tlb_entries = (unsigned)tlb_entries,
    };
    vz_cpu *cpu = vz_cpu_create(mem, &cfg);
    if (!cpu) {
        fprintf(stderr, "vzsim run: out of memory\n");
        vz_mem_destroy(mem);
        return 2;
    }
    for (unsigned r = 1; r < 32; r++)
        vz_cpu_set_gpr(cpu, r, boot.gpr[r]);
    vz_cpu_set_cp0(cpu, VZ_CP0_STATUS, boot.cp0_status);
    vz_cpu_set_pc(cpu, boot.pc);

    struct tracer tr;
    memset(&tr, 0, sizeof tr);
    if (trace_path && !db) {
        tr.f = strcmp(trace_path, "-") == 0 ? stderr : fopen(trace_path, "w");
        if (!tr.f) {
            fprintf(stderr, "vzsim run: cannot open trace file '%s': %s\n", trace_path,
                    strerror(errno));
            vz_cpu_destroy(cpu);
            vz_mem_destroy(mem);
            return 2;
        }
        vz_cpu_set_retire_observer(cpu, trace_retire, &tr);
    }
    vz_timing *timing = NULL;
    static vz_timing_config tcfg;
    if (timing_path) {
        /* cycle-level mode: the timing model observes every executed instruction
         * (a text trace, if any, is chained after it) */
        if (vz_timing_config_load(timing_path, &tcfg, err, sizeof err) != 0 ||
            !(timing = vz_timing_create(&tcfg))) {
            fprintf(stderr, "vzsim run: %s\n", timing ? err : (err[0] ? err : "out of memory"));
            if (tr.f && tr.f != stderr)
                fclose(tr.f);
            vz_cpu_destroy(cpu);
            vz_mem_destroy(mem);
            return 2;
        }
        vz_timing_attach(timing, cpu);
        if (tr.f)
            vz_timing_chain(timing, trace_retire, &tr);
        else if (!(db && io.mode))
            vz_timing_set_stage_times(timing, 0);   /* nobody reads them */
    }
    /* the trace database: events and (--trace-insns) instructions */
    vz_trace *trace = NULL;
    vz_exit_timer *timer = NULL;
    if (db) {
        char extra[512], ins[64];
        vz_insn_opts_print(ins, sizeof ins, &io);
        snprintf(extra, sizeof extra, "[run]\nmax_insns = %" PRIu64 "\nram_mib = %" PRIu64
                 "\ntlb_entries = %" PRIu64 "\ntrace_insns = %s\n", max_insns, ram_mib,
                 tlb_entries, ins);
        trace = vz_run_trace_create(trace_path, "vzsim", "run", timing ? &tcfg : NULL, timing_path, prog,
                                    argc, argv, extra, err, sizeof err);
        if (!trace || !(timer = vz_exit_timer_create(trace, NULL, &io))) {
            fprintf(stderr, "vzsim run: %s\n", trace ? "out of memory" : err);
            vz_trace_close(trace);
            vz_timing_destroy(timing);
            vz_cpu_destroy(cpu);
            vz_mem_destroy(mem);
            return 2;
        }
        vz_exit_timer_attach(timer, cpu, timing, NULL);
        vz_cli_stop_on_signal(timer);
    }
    vz_cli_signal_cpu(cpu);
    vz_cli_signals_install();

    vz_stop why = vz_cli_signal() ? VZ_STOP_HALT : vz_cpu_run(cpu, max_insns);
    vz_cli_signal_cpu(NULL);
    int rc;
    fflush(stdout);
    switch (why) {
    case VZ_STOP_EXIT:
        rc = vz_cpu_exit_code(cpu) & 0xff;
        break;
    case VZ_STOP_LIMIT:
        fprintf(stderr, "vzsim: instruction limit of %" PRIu64 " reached at pc 0x%016" PRIx64 "\n",
                max_insns, vz_cpu_get_pc(cpu));
        rc = 124;
        break;
    case VZ_STOP_HALT:
        fprintf(stderr, "vzsim: interrupted at pc 0x%016" PRIx64 " after %" PRIu64 " instructions\n",
                vz_cpu_get_pc(cpu), vz_cpu_insns(cpu));
        rc = vz_cli_signal() ? 128 + vz_cli_signal() : 130;
        break;
    default:
        fprintf(stderr, "vzsim: program stopped: %s\n", vz_cpu_stop_message(cpu));
        rc = 125;
        break;
    }
    if (stats)
        fprintf(stderr, "vzsim: %" PRIu64 " instructions\n", vz_cpu_insns(cpu));
    if (trace) {
        const char *end = vz_cli_signal_name();
        if (!end)
            end = why == VZ_STOP_EXIT ? "complete" : why == VZ_STOP_LIMIT ? "insn-limit"
                                                                           : "guest-error";
        int bad = vz_exit_timer_failed(timer);
        bad |= vz_trace_add_stat(trace, NULL, "insns", (double)vz_cpu_insns(cpu), "all");
        bad |= vz_trace_add_stat(trace, NULL, "insns", (double)vz_exit_timer_insns(timer, 0),
                                 "root");
        bad |= vz_trace_add_stat(trace, NULL, "insns", (double)vz_exit_timer_insns(timer, 1),
                                 "guest");
        if (timing)
            bad |= vz_trace_add_stat(trace, NULL, "cycles", (double)vz_timing_cycles(timing),
                                     "all");
        if (why == VZ_STOP_EXIT)
            bad |= vz_trace_add_stat(trace, NULL, "exit_status", vz_cpu_exit_code(cpu), "all");
        vz_exit_timer_destroy(timer);
        char terr[512] = "";
        if (vz_trace_end_for_exit(trace, end, terr, sizeof terr) != 0 || bad) {
            fprintf(stderr, "vzsim run: %s: cannot write the trace%s%s\n", trace_path,
                    terr[0] ? ": " : "", terr);
            rc = 2;
        }
    }
    if (timing) {
        if (stats)
            vz_timing_stats_print(stderr, timing);
        else
            fprintf(stderr, "vzsim: %" PRIu64 " cycles\n", vz_timing_cycles(timing));
        vz_timing_destroy(timing);
    }
    if (tr.f && tr.f != stderr)
        fclose(tr.f);
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    return rc;
}

/* ---------------- disasm ---------------- */

static int cmd_disasm(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"numeric", no_argument, 0, 'n'},
        {"no-aliases", no_argument, 0, 'a'},
        {"numeric-cp0", no_argument, 0, 'c'},
        {"vma", required_argument, 0, 'v'},
        {0, 0, 0, 0},
    };
    vz_disasm_opts o = { 0, 0, 0 };
    uint64_t vma = 0;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "nacv:", longopts, NULL)) != -1) {
        switch (opt) {
        case 'n': o.numeric_gprs = 1; break;
        case 'a': o.no_aliases = 1; break;
        case 'c': o.numeric_cp0 = 1; break;
        case 'v':
            if (vz_cli_parse_u64(optarg, &vma) != 0) {
                fprintf(stderr, "vzsim disasm: --vma: not a number: '%s'\n", optarg);
                return 2;
            }
            break;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vzsim disasm: missing input file of raw little-endian words\n");
        return 2;
    }
    FILE *f = fopen(argv[optind], "rb");
    if (!f) {
        fprintf(stderr, "vzsim disasm: cannot open '%s': %s\n", argv[optind], strerror(errno));
        return 2;
    }
    unsigned char b[4];
    uint64_t pc = vma;
    char text[128];
    size_t k;
    while ((k = fread(b, 1, 4, f)) == 4) {
        uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24;
        vz_disasm(w, pc, &o, text, sizeof text);
        printf("%" PRIx64 ":\t%08x\t%s\n", pc, w, text);
        pc += 4;
    }
    fclose(f);
    if (k != 0) {
        fprintf(stderr, "vzsim disasm: '%s': %zu trailing bytes (not a whole word)\n",
                argv[optind], k);
        return 2;
    }
    return 0;
}

/* ---------------- sweep ---------------- */

/* Check one word against the decoder's and disassembler's contracts (docs/isa.md,
 * "Totality sweep"); returns NULL when it holds, else what is wrong. */
static const char *sweep_check(uint32_t w, vz_insn_id id, const char *text, int len,
                               size_t cap)
{
    const vz_insn_info *r = &vz_insn_table[id];
    if (id != VZ_I_INVALID &&
        ((w & r->mask) != r->match || !vz_constraint_holds(r->cons, w) ||
         (r->flags & VZ_F_ALIAS)))
        return "vz_decode returned a row that does not match the word";
    for (int aliases = 0; aliases < 2; aliases++) {
        vz_insn_id d = vz_decode_disasm(w, aliases);
        const vz_insn_info *a = &vz_insn_table[d];
        if (d != id && !((a->flags & VZ_F_ALIAS) && a->alias_of == id &&
                         (w & a->mask) == a->match && vz_constraint_holds(a->cons, w)))
            return "vz_decode_disasm chose a row that is neither the decoded row nor its alias";
    }
    if (len < 0 || (size_t)len >= cap || strlen(text) != (size_t)len)
        return "disassembly length out of range";
    if (strstr(text, "<?"))
        return "disassembly uses an unknown operand token";
    if (vz_insn_implemented(id) != (strncmp(text, ".word\t", 6) != 0))
        return "implemented rows must print an instruction, all other words .word";
    return NULL;
}

static int cmd_sweep(int argc, char **argv)
{
    uint64_t start = 0, count = (uint64_t)1 << 32, stride = 1;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--start") == 0) {
            if (vz_cli_parse_u64(argv[++i], &start) != 0 || start > 0xffffffffull) {
                fprintf(stderr, "vzsim sweep: --start: expected a 32-bit word\n");
                return 2;
            }
        } else if (i + 1 < argc && strcmp(argv[i], "--count") == 0) {
            if (vz_cli_parse_u64(argv[++i], &count) != 0) {
                fprintf(stderr, "vzsim sweep: --count: not a number\n");
                return 2;
            }
        } else if (i + 1 < argc && strcmp(argv[i], "--stride") == 0) {
            if (vz_cli_parse_u64(argv[++i], &stride) != 0 || stride == 0 ||
                stride > 0xffffffffull) {
                fprintf(stderr, "vzsim sweep: --stride: expected 1 to 2^32-1\n");
                return 2;
            }
        } else {
            usage(stderr);
            return 2;
        }
    }
    /* Words start, start+stride, ... modulo 2^32; at most 2^32 of them. With stride 1
     * the sweep stops at 0xffffffff. */
    if (stride == 1 && count > ((uint64_t)1 << 32) - start)
        count = ((uint64_t)1 << 32) - start;
    if (count > ((uint64_t)1 << 32))
        count = (uint64_t)1 << 32;
    uint64_t implemented = 0, removed = 0, unimpl = 0, invalid = 0, chars = 0, bad = 0;
    char text[128], text2[128];
    const vz_disasm_opts o = { 0, 0, 0 };         /* objdump -M gpr-names=64 */
    const vz_disasm_opts o2 = { 1, 1, 1 };        /* -M no-aliases,reg-names=numeric */
    for (uint64_t i = 0; i < count; i++) {
        uint32_t w = (uint32_t)(start + i * stride);
        vz_insn_id id = vz_decode(w);
        if (id == VZ_I_INVALID)
            invalid++;
        else if (vz_insn_table[id].flags & VZ_F_REMOVED)
            removed++;
        else if (vz_insn_table[id].flags & VZ_F_UNIMPL)
            unimpl++;
        else
            implemented++;
        int n = vz_disasm(w, 0xffffffff80000000ull + 4 * (i & 0xffffff), &o, text, sizeof text);
        int n2 = vz_disasm(w, 4 * (i & 0xffffff), &o2, text2, sizeof text2);
        chars += (uint64_t)n + (uint64_t)n2;
        const char *why = sweep_check(w, id, text, n, sizeof text);
        if (!why)
            why = sweep_check(w, id, text2, n2, sizeof text2);
        if (why && bad++ < 10)
            fprintf(stderr, "vzsim sweep: %08x (row %s, \"%s\"): %s\n", w,
                    vz_insn_table[id].name, text, why);
    }
    printf("swept %" PRIu64 " words from 0x%08" PRIx64 " stride %" PRIu64 ": implemented %" PRIu64
           ", removed-in-R6 %" PRIu64 ", unimplemented-ASE %" PRIu64 ", no row %" PRIu64
           " (%" PRIu64 " characters of disassembly); %" PRIu64 " words break a contract\n",
           count, start, stride, implemented, removed, unimpl, invalid, chars, bad);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    /* Each scenario builds a core, memory and a hypervisor and frees them; by default
     * glibc gives the heap back after each one and the next one faults it in again
     * (about 2,000 page faults in `vzsim scenarios`). Keeping 16 MiB of slack at the
     * top of the heap avoids that: the suite runs ~10 % faster (docs/traces.md). */
    mallopt(M_TOP_PAD, 16 << 20);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "disasm") == 0)
        return cmd_disasm(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "config") == 0) {
        /* the effective timing configuration: defaults, or FILE after loading */
        static vz_timing_config tcfg;
        char err[512];
        if (argc > 3) {
            fprintf(stderr, "usage: vzsim config [FILE.ini]\n");
            return 2;
        }
        if (argc == 3) {
            if (vz_timing_config_load(argv[2], &tcfg, err, sizeof err) != 0) {
                fprintf(stderr, "vzsim config: %s\n", err);
                return 2;
            }
        } else {
            vz_timing_config_default(&tcfg);
        }
        vz_timing_config_print(stdout, &tcfg);
        return 0;
    }
    if (strcmp(cmd, "compare") == 0)
        return vz_cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "guest") == 0)
        return vz_cmd_guest(argc - 1, argv + 1);
    if (strcmp(cmd, "scenarios") == 0)
        return vz_cmd_scenarios(argc - 1, argv + 1);
    if (strcmp(cmd, "entry") == 0)
        return vz_cmd_entry(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return vz_cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "export") == 0)
        return vz_cmd_export(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("vzsim %s\n", VZSIM_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "vzsim: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
