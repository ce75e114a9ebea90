// Starting and ending a run's timeline: the master's side (start_trace, finish_trace) and a
// worker's (it records when its welcome asks, sends what it recorded every second, and its
// tail before it exits).

#include "trace/trace_run.hpp"
#include "cluster/master.hpp"
#include "cluster/runtime.hpp"
#include "trace/trace_log.hpp"
#include "util/log.hpp"

#include <dc/detail/byte_stream.hpp>
#include <dc/errors.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

namespace dc::detail {

void master::start_trace(const std::string& path) {
    if (!trace_path_.empty()) return;
    trace_path_ = std::filesystem::absolute(path).string();
    trace::enable();
    trace::step("trace started");
}

void master::finish_trace(const std::vector<int>& removed) {
    if (trace_path_.empty()) return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!trace::all_ended(removed) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto& rt = runtime::instance();
    trace::add_chunk(trace::take_chunk(1, rt.host(), 0, true));
    std::string why;
    if (trace::write_file(trace_path_, why)) {
        DC_LOG(info, "timeline written to " << trace_path_);
    } else {
        DC_LOG(warn, "no timeline: " << why);
    }
    trace_path_.clear();
}

namespace trace {

std::string boot_id() {
    static const std::string id = [] {
        std::string text;
        std::ifstream("/proc/sys/kernel/random/boot_id") >> text;
        return text;
    }();
    return id;
}

std::int64_t clock_offset(std::int64_t hello_sent, std::int64_t hello_received,
                          std::int64_t welcome_sent, std::int64_t welcome_received,
                          const std::string& master_boot_id) {
    if (!master_boot_id.empty() && master_boot_id == boot_id()) return 0;
    return ((hello_received - hello_sent) + (welcome_sent - welcome_received)) / 2;
}

void send_chunk(runtime& rt, std::int64_t offset, bool last) {
    auto c = take_chunk(rt.id(), rt.host(), offset, last);
    if (c.events.empty() && c.new_names.empty() && !last) return;
    bytes frame{static_cast<char>(kind::trace_chunk)};
    encode_into(frame, c);
    try {
        rt.send(1, frame);
    } catch (const dc::error&) { // the master is gone: nobody to tell
    }
}

void start_worker_flushes(std::int64_t offset) {
    std::thread([offset] {
        for (;;) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
            if (!runtime::alive()) return;
            send_chunk(runtime::instance(), offset, false);
        }
    }).detach();
}

} // namespace trace
} // namespace dc::detail
