#pragma once
// dc::wait_all: Julia's @sync around @spawnat/@async calls.

#include <dc/errors.hpp>
#include <dc/future.hpp>

#include <exception>
#include <vector>

namespace dc {

/// Waits until every future is done (Julia's @sync), then throws one dc::composite_exception
/// holding every error (remote_exception, process_exited) if any failed. A dc::interrupted_error
/// (the wait was interrupted) is rethrown at once.
template <class T> void wait_all(std::vector<future<T>>& futures) {
    std::vector<std::exception_ptr> errors;
    for (auto& f : futures) {
        try {
            f.wait();
        } catch (const interrupted_error&) {
            throw;
        } catch (...) {
            errors.push_back(std::current_exception());
        }
    }
    if (!errors.empty()) throw composite_exception(std::move(errors));
}

} // namespace dc
