// The engine's waits: who drives progress (the reading role), polling then sleeping, waits
// inside a running call (handing the role to a helper thread), and the master's background
// driver.

#include "engine/engine.hpp"
#include "engine/engine_thread.hpp"
#include "engine/interrupts.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>

#include <sched.h>
#include <sys/epoll.h>

#include <thread>

namespace dc::detail {

using namespace engine_thread;

void engine::drive(const std::function<bool()>& ready, clock::time_point deadline,
                   std::chrono::milliseconds recheck) {
    const long long start = now_ns();
    driving scope;
    while (!ready()) {
        if (reclaimers_.load(std::memory_order_acquire) > 0) yield_role();
        const auto now = clock::now();
        if (now >= deadline) break;
        const long long spin_until =
            std::max(start, last_activity_ns_.load(std::memory_order_relaxed)) +
            spin_.count() * 1000;
        if (now.time_since_epoch().count() < spin_until) {
            poll_once(0);
            // When processes outnumber cores, a spinning thread must let the one it waits for
            // run (Open MPI's yield_when_idle); with a core to spare this returns at once.
            ::sched_yield();
            continue;
        }
        auto block = std::min<clock::duration>(deadline - now, recheck);
        poll_once(static_cast<int>(std::max<long long>(
            1, std::chrono::duration_cast<std::chrono::milliseconds>(block).count())));
    }
}

// A blocked call is ready again and waits for the role (its frames below need it): let it have
// the role until it has finished, then carry on driving.
void engine::yield_role() {
    role_.unlock();
    for (int spins = 0; reclaimers_.load(std::memory_order_acquire) > 0; ++spins) {
        if (spins < 100) {
            std::this_thread::yield();
        } else {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }
    role_.lock();
}

void engine::release_role() {
    foreground_until_ns_.store(now_ns() + std::chrono::nanoseconds(foreground_linger).count(),
                               std::memory_order_relaxed);
    role_.unlock();
    wake_sleepers();
}

bool engine::wait_until(const std::function<bool()>& ready, clock::time_point deadline,
                        std::chrono::milliseconds recheck) {
    const std::uint64_t start = terminal_interrupts();
    auto stop = [&] { return ready() || wait_interrupted(start); };
    wait_plain(stop, deadline, recheck);
    if (ready()) return true;
    if (wait_interrupted(start)) {
        throw interrupted_error(current_interrupt_flag()
                                    ? "this call was interrupted (dc::interrupt)"
                                    : "interrupted (Ctrl-C); the cluster is still usable");
    }
    return false;
}

bool engine::poll_now() {
    if (driver_depth > 0) {
        poll_once(0);
        return true;
    }
    if (!role_.try_lock()) return false; // the driver reads for us
    {
        driving scope;
        poll_once(0);
    }
    role_.unlock();
    wake_sleepers();
    return true;
}

bool engine::wait_plain(const std::function<bool()>& ready, clock::time_point deadline,
                        std::chrono::milliseconds recheck) {
    if (driver_depth > 0) return wait_inside_call(ready, deadline, recheck);
    while (!ready()) {
        if (clock::now() >= deadline) return false;
        if (role_.try_lock()) {
            try {
                drive(ready, deadline, recheck);
            } catch (...) {
                release_role();
                throw;
            }
            release_role();
            continue;
        }
        // Another thread drives: sleep until it has dispatched something or stepped down.
        std::unique_lock lock(sleep_mutex_);
        const auto seen = generation_;
        sleepers_.fetch_add(1, std::memory_order_acq_rel);
        sleep_cv_.wait_for(lock, recheck, [&] { return generation_ != seen; });
        sleepers_.fetch_sub(1, std::memory_order_acq_rel);
    }
    return true;
}

bool engine::wait_inside_call(const std::function<bool()>& ready, clock::time_point deadline,
                              std::chrono::milliseconds recheck) {
    // 1. Spin as the driver, handling replies only (calls are deferred while calls_running).
    const auto spin_until = std::min(deadline, clock::now() + spin_);
    while (!ready() && clock::now() < spin_until) {
        poll_once(0);
        ::sched_yield();
    }
    if (ready() || clock::now() >= deadline) return ready();
    // 2. Hand the role to a helper and sleep; 3. take the role back for the caller's frames.
    const int depth = driver_depth;
    const int calls = calls_running;
    driver_depth = 0;
    calls_running = 0;
    blocked_.fetch_add(1);
    role_.unlock();
    start_helper_if_needed();
    sleep_until(ready, deadline, recheck);
    reclaimers_.fetch_add(1);
    blocked_.fetch_sub(1);
    wake(); // a helper blocked in epoll notices the reclaim
    role_.lock();
    reclaimers_.fetch_sub(1);
    driver_depth = depth;
    calls_running = calls;
    return ready();
}

void engine::sleep_until(const std::function<bool()>& ready, clock::time_point deadline,
                         std::chrono::milliseconds recheck) {
    while (!ready() && clock::now() < deadline) {
        std::unique_lock lock(sleep_mutex_);
        const auto seen = generation_;
        sleepers_.fetch_add(1, std::memory_order_acq_rel);
        sleep_cv_.wait_for(lock, recheck, [&] { return generation_ != seen; });
        sleepers_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

void engine::start_helper_if_needed() {
    std::lock_guard lock(helper_mutex_);
    if (idle_helpers_ == 0) {
        helpers_.emplace_back([this] { helper_loop(); });
        DC_LOG(debug, "a call blocks: started driver helper " << helpers_.size());
    }
    helper_cv_.notify_one();
}

void engine::helper_loop() {
    std::unique_lock lock(helper_mutex_);
    while (!stopping_) {
        ++idle_helpers_;
        helper_cv_.wait_for(lock, std::chrono::milliseconds(100), [this] {
            return stopping_ || (blocked_.load() > 0 && reclaimers_.load() == 0);
        });
        --idle_helpers_;
        if (stopping_ || blocked_.load() == 0 || reclaimers_.load() > 0) continue;
        lock.unlock();
        if (role_.try_lock()) {
            drive([this] { return stopping_ || reclaimers_.load() > 0 || blocked_.load() == 0; },
                  clock::time_point::max(), std::chrono::milliseconds(100));
            role_.unlock();
            wake_sleepers();
        }
        lock.lock();
    }
}

void engine::start_background() {
    if (background_.joinable()) return;
    stopping_ = false;
    background_ = std::thread([this] { background_loop(); });
}

void engine::stop_background() {
    if (!background_.joinable()) return;
    stopping_ = true;
    wake();
    background_.join();
}

void engine::background_loop() {
    while (!stopping_) {
        const long long quiet_at = foreground_until_ns_.load(std::memory_order_relaxed);
        const long long now = now_ns();
        if (now < quiet_at) { // a user thread drives these days: stay out of its way
            std::this_thread::sleep_for(std::chrono::nanoseconds(quiet_at - now));
            continue;
        }
        epoll_event ev;
        // No timeout: stop_background() wakes us through wake_fd_, so an idle master sleeps.
        if (::epoll_wait(background_fd_, &ev, 1, -1) <= 0 || stopping_) continue;
        if (!role_.try_lock()) {
            std::this_thread::sleep_for(foreground_linger);
            continue;
        }
        {
            driving scope;
            poll_once(0);
        }
        role_.unlock();
        wake_sleepers();
    }
}

} // namespace dc::detail
