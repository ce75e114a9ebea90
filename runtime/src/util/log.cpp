#include "util/log.hpp"

#include <dc/errors.hpp>

#include <atomic>
#include <cstdio>

namespace dc::detail {
namespace {
std::atomic<int> current_level{static_cast<int>(log_level::warn)};
std::atomic<int> process_id{1}; // 1 until a worker learns its id
constexpr const char* level_names[] = {"error", "warn", "info", "debug"};
} // namespace

log_level parse_log_level(std::string_view text) {
    for (int i = 0; i < 4; ++i) {
        if (text == level_names[i]) return static_cast<log_level>(i);
    }
    throw config_error("unknown log level '" + std::string(text) +
                       "'; use one of error, warn, info, debug");
}

void set_log_level(log_level level) noexcept {
    current_level = static_cast<int>(level);
}

bool log_enabled(log_level level) noexcept {
    return static_cast<int>(level) <= current_level;
}

void set_log_process_id(int id) noexcept {
    process_id.store(id, std::memory_order_relaxed);
}

void log_line(log_level level, const std::string& text) {
    std::string line = "dc[" + std::to_string(process_id.load(std::memory_order_relaxed)) + "] " +
                       level_names[static_cast<int>(level)] + ": " + text + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace dc::detail
