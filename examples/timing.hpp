#pragma once
// Seconds taken by a piece of code, for the examples' serial-versus-parallel lines.

#include <chrono>
#include <utility>

template <class F> double seconds(F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    std::forward<F>(f)();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
