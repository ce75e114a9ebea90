#pragma once
// Compiled helpers of the parallel patterns (pmap).

#include <dc/detail/ref_state.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dc::detail {

/// Waits until one of `states` is settled and returns its index.
std::size_t wait_for_any(const std::vector<std::shared_ptr<ref_state>>& states);

/// Waits until every one of `states` is settled. Never throws.
void wait_for_all(const std::vector<std::shared_ptr<ref_state>>& states) noexcept;

/// Pool work is waiting for a worker: `units` batches (or takes) found none idle just now.
/// dc::adapt starts workers while work waits. Costs a clock read and two relaxed stores.
void note_waiting_work(std::size_t units) noexcept;
/// The units last noted, if noted within `recently` (else 0).
std::size_t waiting_work(std::chrono::steady_clock::duration recently) noexcept;

/// A pmap batch is sent again because its worker died (the run's timeline shows it).
void note_batch_retry(std::size_t batch, int worker) noexcept;

/// {demangled type, what()} of the exception being handled (call inside a catch block).
std::pair<std::string, std::string> describe_current_exception();

/// A one-line progress bar on stderr: items done, rate, time left. Silent unless enabled and
/// stderr is a terminal.
class pmap_progress {
public:
    pmap_progress(bool enabled, std::size_t total);
    void advance(std::size_t items);
    void finish();

private:
    void draw();
    bool enabled_;
    std::size_t total_;
    std::size_t done_ = 0;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

} // namespace dc::detail
