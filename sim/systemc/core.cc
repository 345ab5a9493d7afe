/*
 * sim/systemc/core.cc - vzsim::Core (see core.h and docs/systemc.md).
 */
#include "sim/systemc/core.h"

#include <cstring>
#include <stdexcept>

namespace vzsim {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {
constexpr uint64_t kPaLimit = uint64_t(1) << VZ_MEM_PA_BITS;
}  // namespace

Core::Core(sc_core::sc_module_name name, const CoreParams &p)
    : sc_module(name), socket("socket"), irq("irq", 6), p_(p)
{
    static const vz_mem_bus bus = {&Core::bus_access, &Core::bus_debug, &Core::bus_map};
    if (p_.clock_period == SC_ZERO_TIME)
        throw std::invalid_argument("vzsim::Core: the clock period must not be zero");
    if (p_.quantum_cycles == 0)
        throw std::invalid_argument("vzsim::Core: the quantum must be at least one cycle");
    mem_ = vz_mem_create();
    if (!mem_)
        throw std::bad_alloc();
    vz_mem_set_bus(mem_, &bus, this);
    cpu_ = vz_cpu_create(mem_, &p_.cpu);
    if (!cpu_)
        throw std::bad_alloc();
    if (p_.timing) {
        tcfg_ = *p_.timing;
        timing_ = vz_timing_create(&tcfg_);
        if (!timing_)
            throw std::invalid_argument("vzsim::Core: inconsistent timing configuration");
        p_.timing = &tcfg_;
    }
    vz_cpu_set_retire_observer(cpu_, &Core::on_retire, this);
    socket.register_invalidate_direct_mem_ptr(this, &Core::invalidate_direct_mem_ptr);
    tlm::tlm_global_quantum::instance().set(p_.clock_period * double(p_.quantum_cycles));
    SC_HAS_PROCESS(Core);
    SC_THREAD(thread);
    SC_METHOD(irq_changed);
    for (auto &in : irq)
        sensitive << in;
}

Core::~Core()
{
    vz_timing_destroy(timing_);
    vz_cpu_destroy(cpu_);
    vz_mem_destroy(mem_);
}

void Core::add_observer(vz_retire_fn fn, void *opaque)
{
    observers_.emplace_back(fn, opaque);
}

sc_time Core::local_time() const
{
    return p_.clock_period * double(cyc_ - cyc_synced_) + dev_delay_;
}

/* sync_at_: the cycle count at which local time reaches the end of the quantum. */
void Core::budget()
{
    sc_time left = tlm::tlm_global_quantum::instance().compute_local_quantum();
    if (left == SC_ZERO_TIME)
        left = tlm::tlm_global_quantum::instance().get();
    if (dev_delay_ >= left) {
        sync_at_ = cyc_;        // device delays alone used the quantum: sync at once
        return;
    }
    double n = (left - dev_delay_) / p_.clock_period;
    uint64_t k = uint64_t(n);
    if (double(k) < n)
        k++;
    sync_at_ = cyc_synced_ + (k ? k : 1);
}

void Core::sync()
{
    qk_.set(local_time());
    qk_.sync();                 // wait(local time); the quantum keeper resets
    stats_.syncs++;
    cyc_synced_ = cyc_;
    dev_delay_ = SC_ZERO_TIME;
    budget();
}

void Core::advance(uint64_t now)
{
    cyc_ = now;
    if (cyc_ >= sync_at_)
        sync();
}

void Core::on_retire(void *opaque, const vz_retire_info *ri)
{
    Core *k = static_cast<Core *>(opaque);
    if (k->timing_)
        vz_timing_observer(k->timing_, ri);
    for (auto &o : k->observers_)
        o.first(o.second, ri);
    k->advance(k->timing_ ? vz_timing_cycles(k->timing_) : vz_cpu_insns(k->cpu_));
}

vz_stop Core::run(uint64_t max_insns)
{
    if (timing_ || !observers_.empty())
        return vz_cpu_run(cpu_, max_insns);   // time advances in on_retire
    /* functional mode and nobody observing: the core's loop without observers, in
     * slices that end where the quantum does (one cycle per instruction) */
    vz_cpu_set_retire_observer(cpu_, nullptr, nullptr);
    uint64_t start = vz_cpu_insns(cpu_);
    vz_stop why = VZ_STOP_LIMIT;
    for (;;) {
        uint64_t done = vz_cpu_insns(cpu_) - start;
        if (max_insns && done >= max_insns)
            break;
        uint64_t slice = sync_at_ > cyc_ ? sync_at_ - cyc_ : 1;
        if (max_insns && slice > max_insns - done)
            slice = max_insns - done;
        why = vz_cpu_run(cpu_, slice);
        advance(vz_cpu_insns(cpu_));
        if (why != VZ_STOP_LIMIT)
            break;
    }
    vz_cpu_set_retire_observer(cpu_, &Core::on_retire, this);
    return why;
}

void Core::thread()
{
    budget();
    if (program_)
        program_(*this);
    else
        run(0);
    sync();
    end_ = sc_core::sc_time_stamp();
    finished_ = true;
    if (p_.stop_when_done)
        sc_core::sc_stop();
}

void Core::irq_changed()
{
    for (unsigned i = 0; i < irq.size(); i++)
        vz_cpu_set_irq(cpu_, 2 + i, irq[i].read() ? 1 : 0);
}

int Core::bus_access(void *opaque, uint64_t pa, unsigned size, uint64_t *val, int is_write)
{
    Core *k = static_cast<Core *>(opaque);
    tlm::tlm_generic_payload &t = k->trans_;
    uint64_t v = is_write ? *val : 0;
    t.set_command(is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(pa);
    t.set_data_ptr(reinterpret_cast<unsigned char *>(&v));   // little-endian, as MIPS EL
    t.set_data_length(size);
    t.set_streaming_width(size);
    t.set_byte_enable_ptr(nullptr);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (!k->timing_)
        k->cyc_ = vz_cpu_insns(k->cpu_);   // functional: the fast loop has no observer
    sc_time base = k->local_time();
    sc_time d = base;
    k->socket->b_transport(t, d);
    k->stats_.transactions++;
    if (!t.is_dmi_allowed()) {
        /* a device: its latency stalls the core (docs/systemc.md) */
        k->stats_.device_transactions++;
        if (d >= base) {
            k->dev_delay_ += d - base;
            k->stats_.device_delay += d - base;
        } else {
            k->cyc_synced_ = k->cyc_;   // the target waited: it consumed our offset
            k->dev_delay_ = d;
        }
        k->budget();
        /* and the core synchronises: what the access did to other processes (an
         * interrupt line lowered by an acknowledge) reaches the core before its next
         * instruction. The extra delta lets a signal written by the access update
         * and the irq method run when the local time was zero. */
        k->sync();
        sc_core::wait(SC_ZERO_TIME);
    }
    if (t.is_response_error())
        return -1;
    if (!is_write)
        *val = v;
    return 0;
}

size_t Core::bus_debug(void *opaque, uint64_t pa, void *buf, size_t n, int is_write)
{
    Core *k = static_cast<Core *>(opaque);
    tlm::tlm_generic_payload t;
    t.set_command(is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(pa);
    t.set_data_ptr(static_cast<unsigned char *>(buf));
    t.set_data_length(unsigned(n));
    t.set_streaming_width(unsigned(n));
    k->stats_.debug_transactions++;
    return k->socket->transport_dbg(t);
}

int Core::bus_map(void *opaque, uint64_t pa)
{
    Core *k = static_cast<Core *>(opaque);
    if (!k->p_.dmi)
        return -1;
    for (auto &r : k->no_dmi_)
        if (pa >= r.first && pa <= r.second)
            return -1;
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(pa);
    tlm::tlm_dmi dmi;
    if (!k->socket->get_direct_mem_ptr(t, dmi) || !dmi.is_read_allowed() || !dmi.get_dmi_ptr()) {
        /* the target says where DMI is not available (the whole space by default) */
        uint64_t s = dmi.get_start_address(), e = dmi.get_end_address();
        if (!(pa >= s && pa <= e))
            s = e = pa;
        k->no_dmi_.emplace_back(s, e);
        return -1;
    }
    /* whole 4 KiB pages inside the granted range (the core's pages) */
    uint64_t s = dmi.get_start_address(), e = dmi.get_end_address();
    uint64_t s2 = (s + 4095) & ~uint64_t(4095);
    uint64_t e2 = e >= kPaLimit - 1 ? kPaLimit : (e + 1) & ~uint64_t(4095);
    if (s2 < s || pa < s2 || pa >= e2) {
        k->no_dmi_.emplace_back(pa, pa);
        return -1;
    }
    uint8_t *host = dmi.get_dmi_ptr() + (s2 - s);
    if (vz_mem_add_ram_external(k->mem_, s2, e2 - s2, host, !dmi.is_write_allowed(), "dmi") != 0)
        return -1;
    k->stats_.dmi_grants++;
    return 0;
}

void Core::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end)
{
    stats_.dmi_invalidations++;
    no_dmi_.clear();
    if (start >= kPaLimit || end < start)
        return;
    uint64_t last = end < kPaLimit ? end : kPaLimit - 1;
    uint64_t len = last - start + 1;
    vz_mem_remove_external(mem_, start, len);
    vz_cpu_forget_mem(cpu_, start, len);
}

}  // namespace vzsim
