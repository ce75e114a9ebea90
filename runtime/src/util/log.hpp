#pragma once
// Minimal leveled logging to stderr: "dc[<id>] <level>: <text>".

#include <sstream>
#include <string>
#include <string_view>

namespace dc::detail {

enum class log_level { error = 0, warn = 1, info = 2, debug = 3 };

/// Parses "error", "warn", "info" or "debug". Throws dc::config_error otherwise.
log_level parse_log_level(std::string_view text);
void set_log_level(log_level level) noexcept;
/// The process id printed in log lines ("dc[N]"): 1 until a worker learns its id.
void set_log_process_id(int id) noexcept;
bool log_enabled(log_level level) noexcept;
void log_line(log_level level, const std::string& text);

} // namespace dc::detail

#define DC_LOG(level, expr)                                                                        \
    do {                                                                                           \
        if (::dc::detail::log_enabled(::dc::detail::log_level::level)) {                           \
            std::ostringstream dc_log_stream_;                                                     \
            dc_log_stream_ << expr; /* a << chain: NOLINT(bugprone-macro-parentheses) */           \
            ::dc::detail::log_line(::dc::detail::log_level::level, dc_log_stream_.str());          \
        }                                                                                          \
    } while (0)
