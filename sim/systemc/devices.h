/*
 * sim/systemc/devices.h - TLM-2.0 targets and an address router for the example
 * platform (docs/systemc.md): Memory (RAM or ROM, DMI), Uart (the transmit side of
 * an ns16550a), Timer (an interrupt source) and Router (address map with windows,
 * so one memory can appear at two addresses, as boston's low DDR alias).
 */
#ifndef VZSIM_SYSTEMC_DEVICES_H
#define VZSIM_SYSTEMC_DEVICES_H

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace vzsim {

/* RAM (or ROM: writes by b_transport are ignored, DMI is read-only; transport_dbg
 * writes, for loaders). Host memory is reserved lazily (mmap), so a 1 GiB RAM costs
 * only the pages touched. Every b_transport adds latency and sets the DMI-allowed
 * hint. invalidate_dmi() withdraws every DMI pointer granted so far. */
class Memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Memory> socket;
    Memory(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time latency, bool rom);
    ~Memory() override;
    void invalidate_dmi();
    uint64_t size() const { return size_; }
    uint64_t dmi_requests() const { return dmi_requests_; }

private:
    void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &t, tlm::tlm_dmi &dmi);
    unsigned transport_dbg(tlm::tlm_generic_payload &t);
    uint8_t *bytes_ = nullptr;
    uint64_t size_;
    sc_core::sc_time latency_;
    bool rom_;
    uint64_t dmi_requests_ = 0;
};

/* The transmit side of an ns16550a with registers 4 bytes apart (boston's UART):
 * a write to THR (offset 0) prints the byte; LSR (offset 0x14) reads THRE | TEMT;
 * other registers read 0 and ignore writes. Each access takes latency. */
class Uart : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Uart> socket;
    Uart(sc_core::sc_module_name name, std::FILE *out, sc_core::sc_time latency);
    uint64_t bytes() const { return bytes_; }

private:
    void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &t);
    std::FILE *out_;
    sc_core::sc_time latency_;
    uint64_t bytes_ = 0;
};

/* An interrupt source with 64-bit registers:
 *   0x00 NOW    (read)  time in clock cycles (including the initiator's local time)
 *   0x08 ALARM  (write) raise irq N cycles from now (0: cancel)
 *   0x10 STATUS (read)  1 while irq is raised; (write) acknowledge: lower irq
 *   0x18 COUNT  (read)  interrupts raised so far
 * and, for platforms whose software cannot reach it (a guest under a hypervisor),
 * pulse(at, len): raise irq at time at and lower it at + len whatever software does.
 * irq is level-sensitive. Each access takes latency. */
class Timer : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Timer> socket;
    sc_core::sc_out<bool> irq;
    Timer(sc_core::sc_module_name name, sc_core::sc_time period, sc_core::sc_time latency);
    void pulse(sc_core::sc_time at, sc_core::sc_time length);
    uint64_t raised() const { return raised_; }

private:
    void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &t);
    void fire();
    void pulse_thread();
    sc_core::sc_time period_, latency_;
    sc_core::sc_event alarm_;
    sc_core::sc_time pulse_at_, pulse_len_;
    bool pulse_ = false;
    uint64_t raised_ = 0;
};

/* Routes an initiator's transactions by address. map(base, size, target, offset):
 * [base, base + size) reaches target's address offset + (a - base); DMI ranges and
 * invalidations are translated both ways and clipped to the window. Unmapped
 * addresses answer TLM_ADDRESS_ERROR_RESPONSE (a bus error). */
class Router : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Router> in;
    Router(sc_core::sc_module_name name, unsigned targets);
    tlm_utils::simple_initiator_socket_tagged<Router> &out(unsigned i) { return *out_[i]; }
    void map(uint64_t base, uint64_t size, unsigned target, uint64_t offset);

private:
    struct Window { uint64_t base, size, offset; unsigned target; };
    const Window *find(uint64_t a) const;
    void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &t, tlm::tlm_dmi &dmi);
    unsigned transport_dbg(tlm::tlm_generic_payload &t);
    void invalidate(int target, sc_dt::uint64 start, sc_dt::uint64 end);
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket_tagged<Router>>> out_;
    std::vector<Window> map_;
};

}  // namespace vzsim

#endif
