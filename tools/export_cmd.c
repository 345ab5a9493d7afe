/*
 * tools/export_cmd.c - `vzsim export`: the Kanata and Chrome trace-event exports of a
 * trace database (traces/export.c, docs/traces.md "Exports").
 *
 *   vzsim export DB [--run ID] --kanata FILE [--window FROM:TO |
 *                   --exit SEQ [--around N]] [--scenario NAME]
 *   vzsim export DB [--run ID] --perfetto FILE
 *
 * FILE "-" is standard output. Exit 0, or 2 with a message for bad input (the
 * unfinished output file is removed).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/hvcmds.h"
#include "traces/export.h"

static void export_usage(FILE *f)
{
    fprintf(f, "usage: vzsim export DB [--run ID] --kanata FILE [--window FROM:TO |"
               " --exit SEQ [--around CYCLES]] [--scenario NAME]\n"
               "       vzsim export DB [--run ID] --perfetto FILE\n"
               "  --kanata: Kanata v4 pipeline log (Konata) of the per-instruction trace, for"
               " a window of\n"
               "            fetch cycles or around one exit (default --around 100 cycles)\n"
               "  --perfetto: Chrome trace-event JSON (Perfetto UI), 1 cycle = 1 ns\n"
               "  FILE - is standard output\n");
}

/* Runs one export into path ("-": stdout); removes a file left unfinished. */
static int export_to(const char *what, const char *path, const char *db,
                     int (*fn)(const char *db, const void *arg, FILE *out, char *err,
                               size_t errlen),
                     const void *arg)
{
    int to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "w");
    char err[512] = "";
    if (!f) {
        fprintf(stderr, "vzsim export: cannot write %s '%s': ", what, path);
        perror(NULL);
        return 2;
    }
    int rc = fn(db, arg, f, err, sizeof err);
    if (!to_stdout && fclose(f) != 0 && rc == 0) {
        snprintf(err, sizeof err, "%s: write error", path);
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "vzsim export: %s: %s\n", what, err);
        if (!to_stdout)
            unlink(path);
        return 2;
    }
    return 0;
}

static int run_kanata(const char *db, const void *arg, FILE *out, char *err, size_t errlen)
{
    return vz_export_kanata(db, arg, out, err, errlen);
}

static int run_perfetto(const char *db, const void *arg, FILE *out, char *err, size_t errlen)
{
    return vz_export_perfetto(db, *(const int64_t *)arg, out, err, errlen);
}

int vz_cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"kanata", required_argument, 0, 'k'},
        {"perfetto", required_argument, 0, 'p'},
        {"window", required_argument, 0, 'w'},
        {"exit", required_argument, 0, 'x'},
        {"scenario", required_argument, 0, 's'},
        {"around", required_argument, 0, 'a'},
        {"run", required_argument, 0, 'r'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *kanata = NULL, *perfetto = NULL;
    vz_kanata_select sel = {.around = 100, .to = UINT64_MAX};
    int have_window = 0, have_around = 0;
    uint64_t v;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'k': kanata = optarg; break;
        case 'p': perfetto = optarg; break;
        case 's': sel.scenario = optarg; break;
        case 'w': {
            char *colon = strchr(optarg, ':');
            if (colon)
                *colon = 0;
            if (!colon || vz_cli_parse_u64(optarg, &sel.from) != 0 ||
                vz_cli_parse_u64(colon + 1, &sel.to) != 0 || sel.to < sel.from) {
                fprintf(stderr, "vzsim export: --window wants FROM:TO cycles with FROM <= TO\n");
                return 2;
            }
            have_window = 1;
            break;
        }
        case 'x':
            if (vz_cli_parse_u64(optarg, &v) != 0 || v > INT64_MAX) {
                fprintf(stderr, "vzsim export: --exit: not an exit number: '%s'\n", optarg);
                return 2;
            }
            sel.by_exit = 1;
            sel.exit_seq = (int64_t)v;
            break;
        case 'a':
            if (vz_cli_parse_u64(optarg, &sel.around) != 0) {
                fprintf(stderr, "vzsim export: --around: not a number: '%s'\n", optarg);
                return 2;
            }
            have_around = 1;
            break;
        case 'r':
            if (vz_cli_parse_u64(optarg, &v) != 0 || v == 0 || v > INT64_MAX) {
                fprintf(stderr, "vzsim export: --run: not a run id: '%s'\n", optarg);
                return 2;
            }
            sel.run_id = (int64_t)v;
            break;
        case 'h': export_usage(stdout); return 0;
        default: export_usage(stderr); return 2;
        }
    }
    if (optind != argc - 1 || (!kanata && !perfetto)) {
        fprintf(stderr, optind == argc - 1 ? "vzsim export: say --kanata FILE or --perfetto FILE\n"
                                           : "vzsim export: one trace database expected\n");
        export_usage(stderr);
        return 2;
    }
    if (have_window && sel.by_exit) {
        fprintf(stderr, "vzsim export: --window and --exit exclude each other\n");
        return 2;
    }
    if (have_around && !sel.by_exit) {
        fprintf(stderr, "vzsim export: --around goes with --exit\n");
        return 2;
    }
    if (!kanata && (have_window || sel.by_exit || sel.scenario)) {
        fprintf(stderr, "vzsim export: --window, --exit and --scenario select instructions for"
                        " --kanata\n");
        return 2;
    }
    const char *db = argv[optind];
    if (kanata && export_to("kanata", kanata, db, run_kanata, &sel) != 0)
        return 2;
    if (perfetto && export_to("perfetto", perfetto, db, run_perfetto, &sel.run_id) != 0)
        return 2;
    return 0;
}
