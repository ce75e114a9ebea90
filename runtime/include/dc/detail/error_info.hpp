#pragma once
// What a failed call sends back instead of a value (and what a tree of calls gathers).

#include <cereal/types/string.hpp>

#include <cstdint>
#include <string>

namespace dc::detail {

struct error_info {
    std::int32_t pid = 0;
    std::string type;
    std::string message;
    std::string host;
    std::int64_t os_pid = 0;
    std::string function;
    std::string stacktrace;
    template <class A> void serialize(A& ar) {
        ar(pid, type, message, host, os_pid, function, stacktrace);
    }
};

} // namespace dc::detail
