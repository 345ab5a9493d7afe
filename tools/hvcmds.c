/*
 * tools/hvcmds.c - the hypervisor commands of the vzsim CLI:
 *   vzsim guest [--max-insns N] [--max-exits N] PROG.elf   run a guest under the host
 *   vzsim scenarios [--iterations-check] [NAME ...]         run the built-in scenarios
 *   vzsim entry --listing                                   print the generated code
 * In functional mode every number is an instruction count (the timing model turns
 * them into cycles): per exit, the exit path (guest instruction that exited ->
 * exit handler call), the handler (native: 0 instructions) and the re-entry
 * (handler return -> first guest instruction completed).
 */
#include "tools/hvcmds.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/entry/host.h"
#include "sim/timing/timing.h"
#include "sim/isa/isa.h"
#include "sim/mem/boston.h"

/* ---------------- per-exit instruction accounting ---------------- */

#define MAX_SAMPLES 100000
/* Per exit: c0 = the exiting guest instruction, c2 = the call of the exit handler,
 * c3 = its return, c5 = the first guest instruction completed after re-entry
 * (docs/architecture.md "Timing one exit"). Counted in instructions, or in cycles
 * when a timing model is attached (then this observer runs after it). */
typedef struct exit_timer {
    uint64_t n;              /* instructions seen (retired or faulting) */
    vz_timing *timing;       /* NULL: count instructions */
    int state;               /* 0 in guest, 1 exit path, 2 re-entry */
    uint64_t c0, c2, c3, last;
    uint64_t exit_path[MAX_SAMPLES], handler[MAX_SAMPLES], reentry[MAX_SAMPLES];
    uint64_t total[MAX_SAMPLES];
    size_t nsamples;
} exit_timer;

static void timer_retire(void *opaque, const vz_retire_info *ri)
{
    exit_timer *t = opaque;
    uint64_t now = t->timing ? vz_timing_cycles(t->timing) : t->n + 1;
    if (ri->exception == -2) {               /* the exit handler host call */
        if (t->state == 1) {
            t->c2 = t->last;
            t->c3 = t->timing ? now : t->last;
            t->state = 2;
        }
        return;
    }
    if (ri->guest && ri->exception < 0) {
        if (t->state == 2 && t->nsamples < MAX_SAMPLES) {
            t->exit_path[t->nsamples] = t->c2 - t->c0;
            t->handler[t->nsamples] = t->c3 - t->c2;
            t->reentry[t->nsamples] = now - t->c3;
            t->total[t->nsamples] = now - t->c0;
            t->nsamples++;
        }
        t->state = 0;
    } else if (ri->guest && ri->exception >= 0 && t->state == 0) {
        t->c0 = t->last;                     /* before the exiting guest instruction */
        t->state = 1;
    }
    t->n++;
    t->last = now;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void summary(const char *what, uint64_t *v, size_t n, char *out, size_t len)
{
    if (!n) {
        snprintf(out, len, "%-10s -", what);
        return;
    }
    qsort(v, n, sizeof *v, cmp_u64);
    snprintf(out, len, "%-10s %5" PRIu64 " / %5" PRIu64 " / %5" PRIu64, what, v[0], v[n / 2],
             v[n - 1]);
}

/* ---------------- one guest under the host ---------------- */

typedef struct guest_run {
    vz_hv_status status;
    int exit_status;
    uint64_t exits[VZ_EXIT_NREASONS];
    uint64_t total_exits;
    uint64_t insns;
    char msg[1024];
} guest_run;

static int run_guest(const char *elf, uint64_t max_insns, uint64_t max_exits, FILE *console,
                     exit_timer *timer, const vz_timing_config *tcfg, guest_run *out)
{
    vz_timing *timing = NULL;
    char err[512];
    vz_mem *mem = vz_mem_create();
    vz_cpu *cpu = NULL;
    vz_hv *hv = NULL;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!mem || vz_boston_map(mem, 0, err, sizeof err) != 0) {
        snprintf(out->msg, sizeof out->msg, "cannot build the memory map");
        goto done;
    }
    vz_cpu_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cpu = vz_cpu_create(mem, &cfg);
    if (!cpu) {
        snprintf(out->msg, sizeof out->msg, "out of memory");
        goto done;
    }
    vz_hv_config hcfg = { .guest_ram = 16ull << 20, .max_exits = max_exits, .console = console,
                          .guest_id = 1 };
    hv = vz_hv_create(mem, cpu, &hcfg, err, sizeof err);
    if (!hv || vz_hv_load_guest(hv, elf, err, sizeof err) != 0) {
        snprintf(out->msg, sizeof out->msg, "%s", err);
        goto done;
    }
    if (tcfg) {
        timing = vz_timing_create(tcfg);
        if (!timing) {
            snprintf(out->msg, sizeof out->msg, "cannot create the timing model");
            goto done;
        }
        vz_timing_attach(timing, cpu);
        if (timer) {
            timer->timing = timing;
            vz_timing_chain(timing, timer_retire, timer);
        }
    } else if (timer) {
        vz_cpu_set_retire_observer(cpu, timer_retire, timer);
    }
    out->status = vz_hv_run(hv, max_insns);
    out->exit_status = vz_hv_exit_status(hv);
    for (int r = 0; r < VZ_EXIT_NREASONS; r++)
        out->exits[r] = vz_hv_exits(hv, (vz_exit_reason)r);
    out->total_exits = vz_hv_total_exits(hv);
    out->insns = vz_cpu_insns(cpu);
    snprintf(out->msg, sizeof out->msg, "%s", vz_hv_message(hv));
    rc = 0;
done:
    vz_timing_destroy(timing);
    vz_hv_destroy(hv);
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    return rc;
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *v = x;
    return 0;
}

int vz_cmd_guest(int argc, char **argv)
{
    uint64_t max_insns = 1000000000ull, max_exits = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--max-insns") && i + 1 < argc && !parse_u64(argv[i + 1], &max_insns))
            i++;
        else if (!strcmp(argv[i], "--max-exits") && i + 1 < argc &&
                 !parse_u64(argv[i + 1], &max_exits))
            i++;
        else {
            fprintf(stderr, "vzsim guest: bad option '%s' (--max-insns N, --max-exits N)\n",
                    argv[i]);
            return 2;
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: vzsim guest [--max-insns N] [--max-exits N] PROG.elf\n");
        return 2;
    }
    guest_run r;
    if (run_guest(argv[i], max_insns, max_exits, stdout, NULL, NULL, &r) != 0) {
        fprintf(stderr, "vzsim guest: %s\n", r.msg);
        return 2;
    }
    fprintf(stderr, "vzsim guest: %" PRIu64 " instructions, %" PRIu64 " exits:", r.insns,
            r.total_exits);
    for (int k = 0; k < VZ_EXIT_NREASONS; k++)
        if (r.exits[k])
            fprintf(stderr, " %s %" PRIu64, vz_exit_reason_name((vz_exit_reason)k), r.exits[k]);
    fprintf(stderr, "\n");
    if (r.status == VZ_HV_EXITED)
        return r.exit_status & 0xff;
    fprintf(stderr, "vzsim guest: %s\n", r.msg);
    return r.status == VZ_HV_LIMIT ? 124 : 125;
}

/* ---------------- scenarios ---------------- */

static const struct scenario {
    const char *name;
    vz_exit_reason reason;
    uint64_t expect;         /* exits of that reason the guest must cause */
} scenarios[] = {
    {"hypercall", VZ_EXIT_HYPERCALL, 102},  /* 100 NOPs, the printed line, the exit */
    {"gpsi", VZ_EXIT_GPSI, 100},
    {"gsfc", VZ_EXIT_GSFC, 100},
    {"gpafault", VZ_EXIT_GPA_FAULT, 0},      /* 100 plus the image's own pages */
    {"mmio", VZ_EXIT_MMIO, 101},
    {"timer", VZ_EXIT_WAIT, 100},            /* + 3 GPSI per tick: Count, Compare twice */
    {"tlbmiss", VZ_EXIT_OTHER, 0},
};

static int guest_dir(char *out, size_t n)
{
    char exe[PATH_MAX - 16];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
        return -1;
    exe[k] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = 0;                               /* .../build/tools */
    snprintf(out, n, "%s/../guests", exe);
    return 0;
}

int vz_cmd_scenarios(int argc, char **argv)
{
    const char *config = VZSIM_DEFAULT_CONFIG;
    int functional = 0;
    int first = 1;
    while (first < argc && argv[first][0] == '-') {
        if (!strcmp(argv[first], "--config") && first + 1 < argc) {
            config = argv[first + 1];
            first += 2;
        } else if (!strcmp(argv[first], "--functional")) {
            functional = 1;
            first++;
        } else {
            fprintf(stderr, "usage: vzsim scenarios [--config FILE.ini | --functional] [NAME ...]\n");
            return 2;
        }
    }
    argc -= first - 1;
    argv += first - 1;
    static vz_timing_config tcfg;
    if (!functional) {
        char err[512];
        if (vz_timing_config_load(config, &tcfg, err, sizeof err) != 0) {
            fprintf(stderr, "vzsim scenarios: %s\n", err);
            return 2;
        }
    }
    char dir[PATH_MAX];
    if (guest_dir(dir, sizeof dir) != 0) {
        fprintf(stderr, "vzsim scenarios: cannot find the guests directory\n");
        return 2;
    }
    int failures = 0, ran = 0;
    static exit_timer timer;
    if (functional)
        printf("vzsim scenarios (functional mode: instruction counts)\n");
    else
        printf("vzsim scenarios (cycles, timing config %s)\n", config);
    printf("%-10s %6s  %-10s %s\n", "scenario", "exits", "reason",
           functional ? "per exit, instructions: min / median / max"
                      : "per exit, cycles: min / median / max");
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
        int wanted = argc <= 1;
        for (int i = 1; i < argc; i++)
            if (!strcmp(argv[i], scenarios[s].name))
                wanted = 1;
        if (!wanted)
            continue;
        ran++;
        char elf[PATH_MAX + 64];
        snprintf(elf, sizeof elf, "%s/scenario_%s.elf", dir, scenarios[s].name);
        memset(&timer, 0, sizeof timer);
        FILE *con = tmpfile();
        guest_run r;
        if (run_guest(elf, 200000000ull, 100000, con, &timer, functional ? NULL : &tcfg, &r) != 0) {
            fprintf(stderr, "vzsim scenarios: %s: %s\n", scenarios[s].name, r.msg);
            failures++;
            if (con)
                fclose(con);
            continue;
        }
        if (con)
            fclose(con);
        uint64_t got = r.exits[scenarios[s].reason];
        int ok = r.status == VZ_HV_EXITED && r.exit_status == 0;
        if (scenarios[s].reason == VZ_EXIT_OTHER)
            ok = ok && got == 0;
        else if (scenarios[s].expect)
            ok = ok && got == scenarios[s].expect;
        else
            ok = ok && got >= 100;
        char a[96], b[96], c[96], d[96];
        summary("exit", timer.exit_path, timer.nsamples, a, sizeof a);
        summary("handler", timer.handler, timer.nsamples, b, sizeof b);
        summary("re-entry", timer.reentry, timer.nsamples, c, sizeof c);
        summary("round trip", timer.total, timer.nsamples, d, sizeof d);
        printf("%-10s %6" PRIu64 "  %-10s %s\n%30s%s\n%30s%s\n%30s%s   (all exits: %" PRIu64 ")%s\n",
               scenarios[s].name, got, vz_exit_reason_name(scenarios[s].reason), a, "", b, "",
               c, "", d, r.total_exits, ok ? "" : "  <-- UNEXPECTED");
        if (!ok) {
            failures++;
            fprintf(stderr, "vzsim scenarios: %s: status %d, exit status %d: %s\n",
                    scenarios[s].name, (int)r.status, r.exit_status, r.msg);
        }
    }
    if (!ran) {
        fprintf(stderr, "vzsim scenarios: no such scenario\n");
        return 2;
    }
    return failures ? 1 : 0;
}

int vz_cmd_entry(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "--listing") != 0) {
        fprintf(stderr, "usage: vzsim entry --listing\n");
        return 2;
    }
    vz_mem *mem = vz_mem_create();
    char err[512];
    vz_cpu_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (!mem || vz_boston_map(mem, 0, err, sizeof err) != 0)
        return 2;
    vz_cpu *cpu = vz_cpu_create(mem, &cfg);
    vz_entry_cfg ecfg;
    if (!cpu || vz_entry_setup(&ecfg, (uint32_t)vz_cpu_get_cp0(cpu, VZ_CP0_CONFIG4), 1) != 0) {
        fprintf(stderr, "vzsim entry: the core lacks two KScratch registers\n");
        return 2;
    }
    static uint32_t block[VZ_ENTRY_BLOCK_SIZE / 4];
    static vz_entry_layout l;
    uint64_t base = VZ_HV_KSEG0(VZ_HV_BLOCK_PA);
    if (vz_entry_generate(block, base, &ecfg, &l, err, sizeof err) != 0) {
        fprintf(stderr, "vzsim entry: %s\n", err);
        return 1;
    }
    printf("# vzsim guest entry/exit code, generated for the per-vcpu block at 0x%016" PRIx64 "\n"
           "# scratch registers: vcpu pointer in KScratch (31,%u), guest k1 in KScratch (31,%u)\n",
           base, ecfg.scratch_vcpu, ecfg.scratch_tmp);
    const struct { uint64_t addr; const char *name; } labels[] = {
        {l.refill, "tlb_refill (+0x080)"}, {l.general, "general exception (+0x180)"},
        {l.exit, "exit_common (+0x2000)"}, {l.ret_from_exit, "ret_from_exit"},
        {l.ret_to_guest, "ret_to_guest"}, {l.ret_to_host, "return_to_host"},
        {l.vcpu_run, "vcpu_run"},
    };
    unsigned note = 0;
    vz_disasm_opts o;
    memset(&o, 0, sizeof o);
    for (uint64_t addr = base; addr < l.end; addr += 4) {
        uint32_t w = block[(addr - base) / 4];
        for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++)
            if (labels[k].addr == addr)
                printf("\n%016" PRIx64 " <%s>:\n", addr, labels[k].name);
        while (note < l.nnotes && l.notes[note].addr < addr)
            note++;
        while (note < l.nnotes && l.notes[note].addr == addr) {
            printf("                          # [%s] %s\n", l.notes[note].builder,
                   l.notes[note].text);
            note++;
        }
        uint32_t prev = addr > base ? block[(addr - base) / 4 - 1] : 0;
        if (w == 0 && !(vz_insn_table[vz_decode(prev)].flags & VZ_F_DS))
            continue;       /* NOP padding between vectors (delay-slot NOPs are shown) */
        char text[128];
        vz_disasm(w, addr, &o, text, sizeof text);
        printf("%16" PRIx64 ":\t%08x\t%s\n", addr, w, text);
    }
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    return 0;
}
