#pragma once
// For workers whose end is learnt by looking (a batch task's state, a status file).

#include <dc/managers/cluster_manager.hpp>

#include <chrono>
#include <thread>

namespace dc::managers {

/// Polls `w.running()` every `step` for up to `limit`; true once the worker has ended.
inline bool poll_until_ended(launched_worker& w, std::chrono::milliseconds limit,
                             std::chrono::milliseconds step) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (w.running()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(step);
    }
    return true;
}

} // namespace dc::managers
