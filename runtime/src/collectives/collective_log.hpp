#pragma once
// The collectives this process has run lately, so that a subtree sent again (its parent's
// child died while the subtree was being forwarded) does not run the call twice here.

#include <dc/detail/error_info.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

namespace dc::detail {

class collective_log {
public:
    using outcome = std::optional<error_info>; ///< this process's error, if its call threw

    /// Runs `run` unless collective `serial` of process `origin` already ran here; returns the
    /// outcome either way. Remembers the last `capacity` collectives (a few KiB).
    outcome run_once(int origin, std::uint64_t serial, const std::function<outcome()>& run);

    static constexpr std::size_t capacity = 1024;

private:
    struct record {
        int origin;
        std::uint64_t serial;
        outcome result;
    };
    std::mutex mutex_;
    std::deque<record> recent_;
};

} // namespace dc::detail
