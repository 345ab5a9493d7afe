/* tools/hvcmds.h - hypervisor subcommands of the vzsim CLI (see hvcmds.c). */
#ifndef VZSIM_TOOLS_HVCMDS_H
#define VZSIM_TOOLS_HVCMDS_H
int vz_cmd_guest(int argc, char **argv);
int vz_cmd_scenarios(int argc, char **argv);
int vz_cmd_entry(int argc, char **argv);
int vz_cmd_report(int argc, char **argv);
int vz_cmd_compare(int argc, char **argv);
#include <stdint.h>
int vz_cli_parse_u64(const char *s, uint64_t *v);
#endif
