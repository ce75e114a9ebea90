// The master's side of the trace: the chunks its workers send, and the file it writes at the
// end, in the Chrome trace-event format (Perfetto UI and chrome://tracing open it): one process
// track per dc process ("worker 3 on n2"), calls as complete events ("X") on the thread that
// ran them, each caller's wait as an async span ("b"/"e") with the same request id, launch
// steps and membership changes as instants. Times are the master's clock: a worker's are moved
// by the offset estimated at its handshake (stated in otherData.clock_offsets_ns).

#include "trace/trace_log.hpp"

#include <dc/json_text.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <unordered_map>

namespace dc::detail::trace {
namespace {

struct track {
    std::string host;
    std::int64_t clock_offset_ns = 0;
    std::vector<std::string> names;
    std::vector<event> events;
    bool ended = false; ///< its last chunk came (it exited cleanly)
};

struct collection {
    std::mutex mutex;
    std::map<int, track> tracks;
    std::size_t stored = 0;
    std::size_t dropped = 0;
    struct totals {
        std::uint64_t count = 0;
        std::int64_t duration_ns = 0;
    };
    std::map<std::string, totals> dropped_calls; ///< calls past the limit, by function
};

collection& the_collection() {
    static auto* c = new collection;
    return *c;
}

/// Most events kept (up to about 300 bytes of JSON each: a wait is two objects); later ones are
/// counted, not kept.
std::size_t event_limit() {
    if (const char* text = std::getenv("DC_TRACE_MAX_EVENTS")) {
        const long long n = std::atoll(text);
        if (n > 0) return static_cast<std::size_t>(n);
    }
    return 400000;
}

void merge(collection& all, chunk&& c) {
    auto& t = all.tracks[c.pid];
    t.host = c.host;
    t.clock_offset_ns = c.clock_offset_ns;
    t.ended = t.ended || c.last;
    if (t.names.size() < c.first_name + c.new_names.size())
        t.names.resize(c.first_name + c.new_names.size());
    for (std::size_t i = 0; i < c.new_names.size(); ++i)
        t.names[c.first_name + i] = std::move(c.new_names[i]);
    static const std::size_t limit = event_limit();
    for (auto& e : c.events) {
        if (all.stored >= limit) { // counted; calls also summed by function
            ++all.dropped;
            if (e.kind == what::call_run && e.name < t.names.size()) {
                auto& sum = all.dropped_calls[t.names[e.name]];
                ++sum.count;
                sum.duration_ns += e.duration_ns;
            }
            continue;
        }
        t.events.push_back(e);
        ++all.stored;
    }
}

/// Microseconds (the format's unit) of a time in ns, with ns precision.
std::string micros(std::int64_t ns) {
    char text[40];
    std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ns / 1000),
                  static_cast<long long>(ns % 1000 < 0 ? -(ns % 1000) : ns % 1000));
    return text;
}

std::string process_name(int pid, const track& t) {
    return (pid == 1 ? std::string("master") : "worker " + std::to_string(pid)) +
           (t.host.empty() ? "" : " on " + t.host);
}

/// The name each call ran under where it ran (the user's function, also inside pmap's batches),
/// by request id: a caller's wait is named after it.
using run_names = std::unordered_map<std::uint64_t, const std::string*>;

run_names names_of_runs(const std::map<int, track>& tracks) {
    run_names names;
    for (const auto& [pid, t] : tracks) {
        for (const auto& e : t.events) {
            if (e.kind == what::call_run && e.name < t.names.size()) names[e.id] = &t.names[e.name];
        }
    }
    return names;
}

/// For a wait that brought a large value (a transfer): its rate, as `,"MiB_per_s":R`.
std::string transfer_rate(const event& e) {
    constexpr std::uint64_t large = std::uint64_t{1} << 20;
    if (e.bytes_in < large || e.duration_ns <= 0) return "";
    char text[48];
    std::snprintf(text, sizeof text, R"(,"MiB_per_s":%.1f)",
                  static_cast<double>(e.bytes_in) / static_cast<double>(large) /
                      (static_cast<double>(e.duration_ns) * 1e-9));
    return text;
}

void write_event(std::ostream& out, int pid, const track& t, const event& e, std::int64_t origin,
                 const run_names& runs) {
    const std::int64_t at = e.at_ns + t.clock_offset_ns - origin;
    static const std::string unnamed;
    const std::string* own = e.name < t.names.size() ? &t.names[e.name] : &unnamed;
    const auto ran = e.kind == what::call_wait ? runs.find(e.id) : runs.end();
    const std::string& name = ran != runs.end() ? *ran->second : *own;
    const std::string head = "{\"pid\":" + std::to_string(pid) +
                             ",\"tid\":" + std::to_string(e.thread) + ",\"ts\":" + micros(at);
    switch (e.kind) {
    case what::call_run:
        out << head << R"(,"ph":"X","cat":"call","name":)" << json_text(name)
            << ",\"dur\":" << micros(e.duration_ns) << R"(,"args":{"req":")" << e.id
            << R"(","caller":)" << e.peer << ",\"bytes_in\":" << e.bytes_in
            << ",\"bytes_out\":" << e.bytes_out << ",\"failed\":" << (e.failed ? "true" : "false")
            << "}}";
        return;
    case what::call_wait:
        out << head << R"(,"ph":"b","cat":"wait","id":")" << e.id << R"(","name":)"
            << json_text(name) << R"(,"args":{"req":")" << e.id << R"(","worker":)" << e.peer
            << ",\"bytes_out\":" << e.bytes_out << "}},\n";
        out << "{\"pid\":" << pid << ",\"tid\":" << e.thread
            << ",\"ts\":" << micros(at + e.duration_ns) << R"(,"ph":"e","cat":"wait","id":")"
            << e.id << R"(","name":)" << json_text(name) << R"(,"args":{"bytes_in":)" << e.bytes_in
            << ",\"failed\":" << (e.failed ? "true" : "false") << transfer_rate(e) << "}}";
        return;
    case what::step:
    case what::batch_retry:
        out << head << R"(,"ph":"i","s":"p","cat":")" << (e.kind == what::step ? "step" : "retry")
            << R"(","name":)" << json_text(name) << R"(,"args":{"process":)" << e.peer << "}}";
        return;
    }
}

} // namespace

void expect_process(int pid, const std::string& host) {
    auto& all = the_collection();
    std::lock_guard lock(all.mutex);
    auto& t = all.tracks[pid];
    if (t.host.empty()) t.host = host;
}

void add_chunk(chunk&& c) {
    auto& all = the_collection();
    std::lock_guard lock(all.mutex);
    merge(all, std::move(c));
}

bool all_ended(const std::vector<int>& pids) {
    auto& all = the_collection();
    std::lock_guard lock(all.mutex);
    for (int pid : pids) {
        auto it = all.tracks.find(pid);
        if (it == all.tracks.end() || !it->second.ended) return false;
    }
    return true;
}

bool write_file(const std::string& path, std::string& why) {
    auto& all = the_collection();
    std::lock_guard lock(all.mutex);
    std::int64_t origin = 0; // the earliest time: the file starts near 0
    for (const auto& [pid, t] : all.tracks) {
        for (const auto& e : t.events) {
            const auto at = e.at_ns + t.clock_offset_ns;
            if (origin == 0 || at < origin) origin = at;
        }
    }
    std::ofstream out(path);
    if (!out) {
        why = "cannot write " + path;
        return false;
    }
    out << R"({"displayTimeUnit":"ms","otherData":{"producer":"dcrun","origin_unix_ns":)" << origin
        << ",\"dropped_events\":" << all.dropped << ",\"clock_offsets_ns\":{";
    bool first = true;
    for (const auto& [pid, t] : all.tracks) {
        out << (first ? "" : ",") << "\"" << pid << "\":" << t.clock_offset_ns;
        first = false;
    }
    out << "},\"lost_tails\":[";
    first = true;
    for (const auto& [pid, t] : all.tracks) {
        if (pid == 1 || t.ended) continue;
        out << (first ? "" : ",") << pid;
        first = false;
    }
    out << R"(],"dropped_calls":[)";
    first = true;
    for (const auto& [name, sum] : all.dropped_calls) {
        out << (first ? "" : ",") << R"({"name":)" << json_text(name) << R"(,"count":)" << sum.count
            << R"(,"total_us":)" << micros(sum.duration_ns) << "}";
        first = false;
    }
    out << "]},\n\"traceEvents\":[\n";
    const auto runs = names_of_runs(all.tracks);
    first = true;
    for (const auto& [pid, t] : all.tracks) {
        out << (first ? "" : ",\n") << R"({"ph":"M","pid":)" << pid
            << R"(,"name":"process_name","args":{"name":)" << json_text(process_name(pid, t))
            << "}},\n{\"ph\":\"M\",\"pid\":" << pid
            << R"(,"name":"process_sort_index","args":{"sort_index":)" << pid << "}}";
        first = false;
        for (const auto& e : t.events) {
            out << ",\n";
            write_event(out, pid, t, e, origin, runs);
        }
    }
    out << "\n]}\n";
    out.close();
    if (!out) {
        why = "cannot write " + path + " (disk full?)";
        return false;
    }
    return true;
}

} // namespace dc::detail::trace
