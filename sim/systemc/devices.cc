/*
 * sim/systemc/devices.cc - the example platform's TLM targets and router (see
 * devices.h).
 */
#include "sim/systemc/devices.h"

#include <sys/mman.h>

#include <cstring>
#include <new>

namespace vzsim {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

/* ---------------- Memory ---------------- */

Memory::Memory(sc_core::sc_module_name name, uint64_t size, sc_time latency, bool rom)
    : sc_module(name), socket("socket"), size_(size), latency_(latency), rom_(rom)
{
    void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        throw std::bad_alloc();
    bytes_ = static_cast<uint8_t *>(p);
    socket.register_b_transport(this, &Memory::b_transport);
    socket.register_get_direct_mem_ptr(this, &Memory::get_direct_mem_ptr);
    socket.register_transport_dbg(this, &Memory::transport_dbg);
}

Memory::~Memory()
{
    munmap(bytes_, size_);
}

void Memory::invalidate_dmi()
{
    socket->invalidate_direct_mem_ptr(0, size_ - 1);
}

void Memory::b_transport(tlm::tlm_generic_payload &t, sc_time &delay)
{
    uint64_t a = t.get_address();
    unsigned n = t.get_data_length();
    if (a >= size_ || n > size_ - a || t.get_byte_enable_ptr() || t.get_streaming_width() < n) {
        t.set_response_status(a >= size_ || n > size_ - a ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                                           : tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (t.is_read())
        std::memcpy(t.get_data_ptr(), bytes_ + a, n);
    else if (t.is_write() && !rom_)
        std::memcpy(bytes_ + a, t.get_data_ptr(), n);   // ROM: CPU writes are ignored
    delay += latency_;
    t.set_dmi_allowed(true);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Memory::get_direct_mem_ptr(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi)
{
    dmi_requests_++;
    dmi.set_dmi_ptr(bytes_);
    dmi.set_start_address(0);
    dmi.set_end_address(size_ - 1);
    dmi.set_granted_access(rom_ ? tlm::tlm_dmi::DMI_ACCESS_READ
                                : tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
    dmi.set_read_latency(latency_);
    dmi.set_write_latency(latency_);
    return true;
}

unsigned Memory::transport_dbg(tlm::tlm_generic_payload &t)
{
    uint64_t a = t.get_address();
    if (a >= size_)
        return 0;
    uint64_t n = t.get_data_length();
    if (n > size_ - a)
        n = size_ - a;
    if (t.is_read())
        std::memcpy(t.get_data_ptr(), bytes_ + a, n);
    else if (t.is_write())
        std::memcpy(bytes_ + a, t.get_data_ptr(), n);   // loaders fill ROM too
    return unsigned(n);
}

/* ---------------- Uart ---------------- */

Uart::Uart(sc_core::sc_module_name name, std::FILE *out, sc_time latency)
    : sc_module(name), socket("socket"), out_(out), latency_(latency)
{
    socket.register_b_transport(this, &Uart::b_transport);
    socket.register_transport_dbg(this, &Uart::transport_dbg);
}

void Uart::b_transport(tlm::tlm_generic_payload &t, sc_time &delay)
{
    uint64_t a = t.get_address();
    unsigned n = t.get_data_length();
    if (n == 0 || n > 8 || a >= 0x1000) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    uint64_t v = 0;
    if (t.is_write()) {
        std::memcpy(&v, t.get_data_ptr(), n);
        if (a == 0) {                 // THR
            std::fputc(int(v & 0xff), out_);
            bytes_++;
        }
    } else {
        v = a == 0x14 ? 0x60 : 0;     // LSR: THRE | TEMT, the transmitter is always ready
        std::memcpy(t.get_data_ptr(), &v, n);
    }
    delay += latency_;
    t.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Uart::transport_dbg(tlm::tlm_generic_payload &)
{
    return 0;                         // registers with side effects: no debug access
}

/* ---------------- Timer ---------------- */

Timer::Timer(sc_core::sc_module_name name, sc_time period, sc_time latency)
    : sc_module(name), socket("socket"), irq("irq"), period_(period), latency_(latency)
{
    socket.register_b_transport(this, &Timer::b_transport);
    socket.register_transport_dbg(this, &Timer::transport_dbg);
    SC_HAS_PROCESS(Timer);
    SC_METHOD(fire);
    sensitive << alarm_;
    dont_initialize();
    SC_THREAD(pulse_thread);
}

void Timer::pulse(sc_time at, sc_time length)
{
    pulse_ = true;
    pulse_at_ = at;
    pulse_len_ = length;
}

void Timer::fire()
{
    irq.write(true);
    raised_++;
}

void Timer::pulse_thread()
{
    if (!pulse_)
        return;
    wait(pulse_at_);
    irq.write(true);
    raised_++;
    wait(pulse_len_);
    irq.write(false);
}

void Timer::b_transport(tlm::tlm_generic_payload &t, sc_time &delay)
{
    uint64_t a = t.get_address();
    unsigned n = t.get_data_length();
    if (n == 0 || n > 8 || (a & 7) || a > 0x18) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    sc_time now = sc_core::sc_time_stamp() + delay;
    uint64_t v = 0;
    if (t.is_write()) {
        std::memcpy(&v, t.get_data_ptr(), n);
        if (a == 0x08) {
            alarm_.cancel();
            if (v)
                alarm_.notify(period_ * double(v) + delay);   // N cycles after the access
        } else if (a == 0x10) {
            irq.write(false);
        }
    } else {
        if (a == 0x00)
            v = uint64_t(now / period_);
        else if (a == 0x10)
            v = irq.read() ? 1 : 0;
        else if (a == 0x18)
            v = raised_;
        std::memcpy(t.get_data_ptr(), &v, n);
    }
    delay += latency_;
    t.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Timer::transport_dbg(tlm::tlm_generic_payload &)
{
    return 0;
}

/* ---------------- Router ---------------- */

Router::Router(sc_core::sc_module_name name, unsigned targets) : sc_module(name), in("in")
{
    in.register_b_transport(this, &Router::b_transport);
    in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
    in.register_transport_dbg(this, &Router::transport_dbg);
    for (unsigned i = 0; i < targets; i++) {
        std::string n = "out_" + std::to_string(i);
        out_.emplace_back(new tlm_utils::simple_initiator_socket_tagged<Router>(n.c_str()));
        out_.back()->register_invalidate_direct_mem_ptr(this, &Router::invalidate, int(i));
    }
}

void Router::map(uint64_t base, uint64_t size, unsigned target, uint64_t offset)
{
    map_.push_back(Window{base, size, offset, target});
}

const Router::Window *Router::find(uint64_t a) const
{
    for (auto &w : map_)
        if (a - w.base < w.size)
            return &w;
    return nullptr;
}

void Router::b_transport(tlm::tlm_generic_payload &t, sc_time &delay)
{
    uint64_t a = t.get_address();
    const Window *w = find(a);
    if (!w || t.get_data_length() > w->size - (a - w->base)) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    t.set_address(a - w->base + w->offset);
    (*out_[w->target])->b_transport(t, delay);
    t.set_address(a);
}

bool Router::get_direct_mem_ptr(tlm::tlm_generic_payload &t, tlm::tlm_dmi &dmi)
{
    uint64_t a = t.get_address();
    const Window *w = find(a);
    if (!w) {                             // a hole: no DMI in its 4 KiB page
        dmi.set_start_address(a & ~uint64_t(4095));
        dmi.set_end_address(a | 4095);
        return false;
    }
    t.set_address(a - w->base + w->offset);
    bool ok = (*out_[w->target])->get_direct_mem_ptr(t, dmi);
    t.set_address(a);
    /* target range -> our addresses, clipped to the window */
    uint64_t lo = w->offset, hi = w->offset + w->size - 1;
    uint64_t s = dmi.get_start_address(), e = dmi.get_end_address();
    if (s < lo) {
        if (ok)
            dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (lo - s));
        s = lo;
    }
    if (e > hi)
        e = hi;
    dmi.set_start_address(s - w->offset + w->base);
    dmi.set_end_address(e - w->offset + w->base);
    return ok;
}

unsigned Router::transport_dbg(tlm::tlm_generic_payload &t)
{
    uint64_t a = t.get_address();
    const Window *w = find(a);
    if (!w)
        return 0;
    unsigned n = t.get_data_length();
    if (n > w->size - (a - w->base))
        t.set_data_length(unsigned(w->size - (a - w->base)));
    t.set_address(a - w->base + w->offset);
    unsigned k = (*out_[w->target])->transport_dbg(t);
    t.set_address(a);
    t.set_data_length(n);
    return k;
}

void Router::invalidate(int target, sc_dt::uint64 start, sc_dt::uint64 end)
{
    for (auto &w : map_) {
        if (w.target != unsigned(target))
            continue;
        uint64_t lo = w.offset, hi = w.offset + w.size - 1;
        uint64_t s = start < lo ? lo : start, e = end > hi ? hi : end;
        if (s <= e)
            in->invalidate_direct_mem_ptr(s - w.offset + w.base, e - w.offset + w.base);
    }
}

}  // namespace vzsim
