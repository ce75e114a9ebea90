#pragma once
// The line that shows workers starting on a terminal, updated in place:
// "workers 37/512 connected · 475 queued (job 1234) · 12 s". Nothing when stderr is not a
// terminal or dcrun was given --quiet; the line is cleared when the start ends.

#include <chrono>
#include <cstddef>
#include <string>

namespace dc::detail {

class launch_progress {
public:
    /// Shows progress when `wanted` and stderr is a terminal.
    launch_progress(bool wanted, std::size_t total);
    ~launch_progress();
    launch_progress(const launch_progress&) = delete;
    launch_progress& operator=(const launch_progress&) = delete;

    /// Whether a new line is due (at most five a second): count only then.
    bool due() const;
    /// Shows the counts; `job` names where the queued ones wait ("job 1234"), or "".
    void show(std::size_t connected, std::size_t queued, const std::string& job);

private:
    bool on_;
    std::size_t total_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
    bool shown_ = false;
};

/// The line for these counts (without the terminal's control characters).
std::string progress_line(std::size_t connected, std::size_t total, std::size_t queued,
                          const std::string& job, double seconds);

} // namespace dc::detail
