#pragma once
// What the two halves of the engine (engine.cpp: reading and dispatching; engine_waits.cpp:
// waiting, the reading role and the helper threads) share about the calling thread.

#include "engine/engine.hpp"

#include <chrono>

namespace dc::detail::engine_thread {

inline thread_local int driver_depth = 0;
inline thread_local int calls_running = 0; // user calls this thread is executing (dispatched by us)
inline thread_local bool read_as_guest = false; // read frames into the inbox while a send waited

/// Marks this thread as the driver for a scope (exception-safe).
struct driving {
    driving() { ++driver_depth; }
    ~driving() { --driver_depth; }
    driving(const driving&) = delete;
    driving& operator=(const driving&) = delete;
};

// How long after a user thread stopped driving the background driver stays away: long enough
// to cover the gap between two calls of a tight loop.
inline constexpr auto foreground_linger = std::chrono::milliseconds(2);

inline long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               engine::clock::now().time_since_epoch())
        .count();
}

} // namespace dc::detail::engine_thread
