#pragma once
// Cooperative interrupts (dc::interrupt, Ctrl-C on the master). C++ cannot stop a thread from
// outside, so a call is marked interrupted and every dc wait inside it throws; waits outside
// calls (the master's main) throw when Ctrl-C was pressed after they began.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace dc::detail {

/// The interrupt flag of one running call.
using interrupt_flag = std::atomic<bool>;

/// The flag of the call this thread runs, or nullptr outside calls.
interrupt_flag* current_interrupt_flag() noexcept;

/// Registers a call running on this thread for its duration (calls nest: the outer call's
/// flag is restored at the end).
class interruptible_call {
public:
    interruptible_call();
    ~interruptible_call();
    interruptible_call(const interruptible_call&) = delete;
    interruptible_call& operator=(const interruptible_call&) = delete;

private:
    std::shared_ptr<interrupt_flag> flag_;
    interrupt_flag* outer_;
};

/// Marks every call running in this process now as interrupted; returns how many.
std::size_t interrupt_running_calls();

/// Counts Ctrl-Cs on the master: a wait outside calls throws once it changes.
std::uint64_t terminal_interrupts() noexcept;
void count_terminal_interrupt() noexcept;

/// True when the wait that began at `start` (terminal_interrupts() then) must throw.
bool wait_interrupted(std::uint64_t start) noexcept;

/// Waits of this thread are not interrupted while one exists (dc's own waits that must finish:
/// workers connecting in addprocs, a pmap giving its workers back).
class uninterruptible {
public:
    uninterruptible() noexcept;
    ~uninterruptible();
    uninterruptible(const uninterruptible&) = delete;
    uninterruptible& operator=(const uninterruptible&) = delete;
};

} // namespace dc::detail
