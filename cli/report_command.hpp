#pragma once
// `dcrun report run.json -o report.html`: one self-contained page (no network, no outside
// scripts) from a timeline that `dcrun --trace` wrote: the timeline (a row per process, calls
// coloured by function, zoomable), utilization per worker, time in the queue against time
// running, bytes moved, the slowest calls, failures and retries.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dc::cli {

struct report_options {
    std::string trace;                  ///< the file dcrun --trace wrote
    std::string output = "report.html"; ///< the page to write
};

/// What the page shows, read from a timeline.
struct run_summary {
    struct span {
        int pid = 0;
        int tid = 0;
        double start_us = 0;
        double duration_us = 0;
        int name = 0; ///< index in names
        std::uint64_t bytes_in = 0, bytes_out = 0;
        bool failed = false;
    };
    struct wait {
        int pid = 0;
        double start_us = 0;
        double duration_us = 0;
    };
    struct process {
        std::string name;
        double busy_us = 0;    ///< time running calls
        double waiting_us = 0; ///< time with at least one answer awaited (the union of waits)
        std::size_t calls = 0;
        std::uint64_t bytes_in = 0, bytes_out = 0;
        double connected_us = -1; ///< when it connected (workers), -1 if not seen
    };
    struct instant {
        double at_us = 0;
        std::string text;
        std::string category; ///< "step" or "retry"
    };
    std::vector<std::string> names;
    std::vector<span> spans;
    std::vector<wait> waits; ///< a process waiting for an answer (a call's, a channel's, ...)
    std::map<int, process> processes;
    std::vector<instant> instants;
    double end_us = 0;       ///< the last event's end
    double queued_us = 0;    ///< time batch jobs waited in the queue (queued -> running)
    std::size_t dropped = 0; ///< events the trace counted but did not keep
    struct dropped_call {
        std::string name;
        std::uint64_t count = 0;
        double total_us = 0;
    };
    std::vector<dropped_call> dropped_calls; ///< calls past the limit, summed by function
    std::vector<int> lost_tails;
};

/// Reads a timeline. Throws dc::config_error naming the file and what is wrong with it.
run_summary read_timeline(const std::string& path);
/// The page for `summary` (self-contained HTML).
std::string report_page(const run_summary& summary, const std::string& title);
/// Runs `dcrun report`; returns the exit code.
int run_report(const report_options& options);

} // namespace dc::cli
