#include "engine/interrupts.hpp"

#include <algorithm>

namespace dc::detail {
namespace {

thread_local interrupt_flag* current_flag = nullptr;
thread_local int shielded = 0;
std::atomic<std::uint64_t> ctrl_c_count{0};

struct registry {
    std::mutex mutex;
    std::vector<std::shared_ptr<interrupt_flag>> running;
};

registry& calls() {
    static registry r;
    return r;
}

} // namespace

interrupt_flag* current_interrupt_flag() noexcept {
    return current_flag;
}

interruptible_call::interruptible_call()
    : flag_(std::make_shared<interrupt_flag>(false)), outer_(current_flag) {
    auto& r = calls();
    {
        std::lock_guard lock(r.mutex);
        r.running.push_back(flag_);
    }
    current_flag = flag_.get();
}

interruptible_call::~interruptible_call() {
    current_flag = outer_;
    auto& r = calls();
    std::lock_guard lock(r.mutex);
    std::erase(r.running, flag_);
}

std::size_t interrupt_running_calls() {
    auto& r = calls();
    std::lock_guard lock(r.mutex);
    for (auto& f : r.running)
        f->store(true, std::memory_order_release);
    return r.running.size();
}

std::uint64_t terminal_interrupts() noexcept {
    return ctrl_c_count.load(std::memory_order_acquire);
}

void count_terminal_interrupt() noexcept {
    ctrl_c_count.fetch_add(1, std::memory_order_acq_rel);
}

uninterruptible::uninterruptible() noexcept {
    ++shielded;
}

uninterruptible::~uninterruptible() {
    --shielded;
}

bool wait_interrupted(std::uint64_t start) noexcept {
    if (shielded > 0) return false;
    if (interrupt_flag* f = current_flag) return f->load(std::memory_order_acquire);
    return terminal_interrupts() != start;
}

} // namespace dc::detail
