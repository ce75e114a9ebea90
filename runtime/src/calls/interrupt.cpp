#include <dc/interrupt.hpp>

#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "engine/interrupts.hpp"
#include "protocol/messages.hpp"

#include <dc/errors.hpp>

#include <algorithm>

namespace dc {

void interrupt(const std::vector<int>& ids) {
    auto& rt = detail::cluster_context::current();
    const detail::bytes frame{static_cast<char>(detail::kind::interrupt)};
    for (int id : ids) {
        if (id == rt.id()) {
            detail::interrupt_running_calls();
            rt.io().wake();
        } else {
            rt.send(id, frame);
        }
    }
}

bool interrupted() {
    detail::interrupt_flag* flag = detail::current_interrupt_flag();
    if (!flag) return false;
    if (flag->load(std::memory_order_acquire)) return true;
    // The interrupt may be waiting unread on a socket of this (busy) thread.
    thread_local auto last_poll = std::chrono::steady_clock::time_point{};
    const auto now = std::chrono::steady_clock::now();
    if (now - last_poll >= std::chrono::milliseconds(1)) {
        last_poll = now;
        detail::cluster_context::current().io().poll_now();
    }
    return flag->load(std::memory_order_acquire);
}

void check_interrupt() {
    if (interrupted()) throw interrupted_error("this call was interrupted (dc::interrupt)");
}

void sleep_for(std::chrono::nanoseconds d) {
    auto& io = detail::cluster_context::current().io();
    const auto deadline = detail::engine::clock::now() + d;
    const auto recheck = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(d),
                                    std::chrono::milliseconds(1), std::chrono::milliseconds(100));
    io.wait_until([deadline] { return detail::engine::clock::now() >= deadline; }, deadline,
                  recheck);
}

} // namespace dc
