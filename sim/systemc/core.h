/*
 * sim/systemc/core.h - vzsim::Core, one vzsim MIPS64r6 + VZ core as a SystemC
 * TLM-2.0 module (docs/systemc.md).
 *
 * The C core (sim/core) runs unchanged inside the module's thread; the wrapper gives
 * it a vz_mem whose regions start empty and whose bus (vz_mem_set_bus) is this
 * module's initiator socket:
 *  - accesses to addresses without a host pointer go out as b_transport, with the
 *    core's local time as the delay argument;
 *  - with DMI on, the core's host-pointer fast path asks for a DMI pointer
 *    (get_direct_mem_ptr) the first time it touches a page, and the granted range
 *    becomes an external RAM region (read-only grants: stores are dropped, as ROM);
 *    invalidate_direct_mem_ptr removes the regions and makes the core forget every
 *    host pointer into the range (vz_mem_remove_external + vz_cpu_forget_mem);
 *  - loaders, semihosting and the embedded hypervisor copy through DMI or
 *    transport_dbg (vz_mem_read / vz_mem_write).
 * Interrupt inputs irq[0..5] drive Cause.IP2..IP7 (vz_cpu_set_irq).
 *
 * Time: temporal decoupling with tlm_utils::tlm_quantumkeeper. The local time of the
 * core is (cycles since the last sync) x clock period + the delays annotated by
 * device targets. Cycles are the timing model's (cycle-level mode) or one per
 * instruction (functional mode). Delays annotated by memory targets (responses
 * with the DMI-allowed hint) are not added: the timing model already charged the
 * access through its caches (docs/systemc.md "Cycles and annotated delays").
 * The core synchronises (wait) when its local time reaches the end of the quantum.
 */
#ifndef VZSIM_SYSTEMC_CORE_H
#define VZSIM_SYSTEMC_CORE_H

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "sim/core/cpu.h"
#include "sim/timing/timing.h"

namespace vzsim {

struct CoreParams {
    sc_core::sc_time clock_period = sc_core::sc_time(1.0, sc_core::SC_NS);
    uint64_t quantum_cycles = 10000;        // global quantum = quantum_cycles x period
    bool dmi = true;                        // use DMI pointers as the fast path
    const vz_timing_config *timing = nullptr;  // copied; nullptr = functional mode
    vz_cpu_config cpu = {};                 // semihosting, argv, TLB sizes
    bool stop_when_done = true;             // sc_stop() when the program returns
};

struct CoreStats {
    uint64_t transactions = 0;         // b_transport calls
    uint64_t device_transactions = 0;  // ... answered without the DMI-allowed hint
    uint64_t debug_transactions = 0;   // transport_dbg calls
    uint64_t dmi_grants = 0;           // DMI ranges installed as external RAM
    uint64_t dmi_invalidations = 0;    // invalidate_direct_mem_ptr calls received
    uint64_t syncs = 0;                // quantum keeper synchronisations
    sc_core::sc_time device_delay;     // sum of the delays added by device targets
};

class Core : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<Core> socket;
    sc_core::sc_vector<sc_core::sc_in<bool>> irq;   // irq[i] drives Cause.IP(2 + i)

    Core(sc_core::sc_module_name name, const CoreParams &p);
    ~Core() override;
    Core(const Core &) = delete;
    Core &operator=(const Core &) = delete;

    vz_cpu *cpu() { return cpu_; }
    vz_mem *mem() { return mem_; }
    vz_timing *timing() { return timing_; }   // nullptr in functional mode
    const CoreParams &params() const { return p_; }

    // Another retire observer, called after the timing model (a trace writer).
    void add_observer(vz_retire_fn fn, void *opaque);
    // What the core's thread runs; default: run(0). It may load memory, create a
    // hypervisor and call run() or vz_hv_run (both advance time as they go).
    void set_program(std::function<void(Core &)> program) { program_ = std::move(program); }
    // Run the core (only from the program): vz_cpu_run with time advancing.
    vz_stop run(uint64_t max_insns);
    // Hand the local time to SystemC now (wait), as at the end of a quantum.
    void sync();

    uint64_t cycles() const { return cyc_; }   // timing cycles, or instructions
    sc_core::sc_time local_time() const;
    const CoreStats &stats() const { return stats_; }
    bool finished() const { return finished_; }
    sc_core::sc_time end_time() const { return end_; }   // when the program returned

private:
    void thread();
    void irq_changed();
    void advance(uint64_t now);
    void budget();
    static void on_retire(void *opaque, const vz_retire_info *ri);
    static int bus_access(void *opaque, uint64_t pa, unsigned size, uint64_t *val, int is_write);
    static size_t bus_debug(void *opaque, uint64_t pa, void *buf, size_t n, int is_write);
    static int bus_map(void *opaque, uint64_t pa);
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

    CoreParams p_;
    vz_mem *mem_ = nullptr;
    vz_cpu *cpu_ = nullptr;
    vz_timing *timing_ = nullptr;
    vz_timing_config tcfg_ = {};
    std::vector<std::pair<vz_retire_fn, void *>> observers_;
    std::function<void(Core &)> program_;
    tlm_utils::tlm_quantumkeeper qk_;
    tlm::tlm_generic_payload trans_;
    std::vector<std::pair<uint64_t, uint64_t>> no_dmi_;   // ranges a target refused
    uint64_t cyc_ = 0;          // cycles (or instructions) so far
    uint64_t cyc_synced_ = 0;   // ... at the last sync
    uint64_t sync_at_ = 0;      // cycles at which the quantum ends
    sc_core::sc_time dev_delay_;  // device delays since the last sync
    CoreStats stats_;
    bool finished_ = false;
    sc_core::sc_time end_;
};

}  // namespace vzsim

#endif
