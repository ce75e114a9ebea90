#include <dc/detail/patterns.hpp>

#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "futures/value_store.hpp"
#include "trace/trace_log.hpp"
#include "util/demangle.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <exception>

namespace dc::detail {

namespace {
std::atomic<std::size_t> waiting_units{0};
std::atomic<std::int64_t> waiting_noted{0}; ///< steady_clock ticks
} // namespace

void note_waiting_work(std::size_t units) noexcept {
    waiting_units.store(units, std::memory_order_relaxed);
    waiting_noted.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                        std::memory_order_relaxed);
}

std::size_t waiting_work(std::chrono::steady_clock::duration recently) noexcept {
    const auto noted = std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(waiting_noted.load(std::memory_order_relaxed)));
    if (std::chrono::steady_clock::now() - noted > recently) return 0;
    return waiting_units.load(std::memory_order_relaxed);
}

void note_batch_retry(std::size_t batch, int worker) noexcept {
    if (!trace::enabled()) return;
    try {
        trace::batch_retry(batch, worker);
    } catch (...) { // out of memory for the timeline: the map goes on
    }
}

std::size_t wait_for_any(const std::vector<std::shared_ptr<ref_state>>& states) {
    std::size_t found = 0;
    cluster_context::current().io().wait_until([&] {
        for (std::size_t i = 0; i < states.size(); ++i) {
            if (states[i]->current() != ref_state::status::pending) {
                found = i;
                return true;
            }
        }
        return false;
    });
    return found;
}

void wait_for_all(const std::vector<std::shared_ptr<ref_state>>& states) noexcept {
    try { // an interrupt (Ctrl-C) ends the wait early
        cluster_context::current().io().wait_until([&] {
            for (const auto& s : states) {
                if (s->current() == ref_state::status::pending) return false;
            }
            return true;
        });
    } catch (...) { // nothing to wait for any more
    }
}

std::pair<std::string, std::string> describe_current_exception() {
    std::string type = current_exception_type();
    try {
        throw;
    } catch (const std::exception& e) {
        return {type, e.what()};
    } catch (...) {
        return {type, "(an exception not derived from std::exception)"};
    }
}

pmap_progress::pmap_progress(bool enabled, std::size_t total)
    : enabled_(enabled && ::isatty(STDERR_FILENO) && total > 0), total_(total),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void pmap_progress::advance(std::size_t items) {
    done_ += items;
    const auto now = std::chrono::steady_clock::now();
    if (enabled_ && (now - last_draw_ > std::chrono::milliseconds(100) || done_ == total_)) {
        last_draw_ = now;
        draw();
    }
}

void pmap_progress::draw() {
    constexpr int width = 30;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
    const double left = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
    const int filled = static_cast<int>(width * done_ / total_);
    std::fprintf(stderr, "\rpmap [%.*s%*s] %zu/%zu  %.1f items/s  %.0f s left ", filled,
                 "##############################", width - filled, "", done_, total_, rate, left);
    std::fflush(stderr);
}

void pmap_progress::finish() {
    if (!enabled_) return;
    draw();
    std::fputc('\n', stderr);
}

} // namespace dc::detail
