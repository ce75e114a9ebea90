#pragma once
// The run's timeline (dcrun --trace FILE): each process records spans and instants into
// buffers of its own threads (no lock and no allocation per event in the common case); a
// worker sends what it recorded to the master every second and before it exits; the master
// writes one Chrome trace-event file at the end (trace/trace_file.cpp). Off, a record site
// costs one relaxed load.

#include <dc/detail/function_id.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace dc::detail::trace {

enum class what : std::uint8_t {
    call_run = 1, ///< a call ran here (span): name = the function, peer = the caller
    call_wait,    ///< this process waited for a call's answer (span from send to answer)
    step,         ///< a launch step or a membership change (instant): name = the text
    batch_retry,  ///< a pmap batch is retried (instant)
};

struct event {
    std::int64_t at_ns = 0;       ///< this process's system clock, ns since the epoch
    std::int64_t duration_ns = 0; ///< 0 for instants
    std::uint64_t id = 0;         ///< the request id (a call's two sides share it), else 0
    std::uint64_t bytes_in = 0;   ///< arguments received / answer received
    std::uint64_t bytes_out = 0;  ///< answer sent / arguments sent
    std::uint32_t name = 0;       ///< index in this process's names
    std::uint32_t thread = 0;     ///< a small number for the thread that recorded it
    std::int32_t peer = 0;        ///< the other process, 0 if none
    what kind = what::step;
    bool failed = false;
    template <class A> void serialize(A& ar) {
        ar(at_ns, duration_ns, id, bytes_in, bytes_out, name, thread, peer, kind, failed);
    }
};

/// What a worker sends the master: the names and events recorded since the last chunk.
struct chunk {
    std::int32_t pid = 0;
    std::string host;
    std::int64_t clock_offset_ns = 0; ///< add to this process's times to get the master's
    std::uint32_t first_name = 0;     ///< index of new_names[0]
    std::vector<std::string> new_names;
    std::vector<event> events;
    bool last = false; ///< the worker is exiting
    template <class A> void serialize(A& ar) {
        ar(pid, host, clock_offset_ns, first_name, new_names, events, last);
    }
};

namespace internal {
extern std::atomic<bool> on;
}

/// Whether this process records.
inline bool enabled() noexcept {
    return internal::on.load(std::memory_order_relaxed);
}
/// Starts recording (the master with --trace; workers when the master asks).
void enable();

/// This process's system clock in ns since the epoch.
std::int64_t now_ns() noexcept;
/// Appends an event (its `thread` is filled in).
void record(event e);
/// The index of `text` among this process's names (interned).
std::uint32_t name(const std::string& text);
/// The index of the name behind `key` (e.g. a function's address), computed by `make` the first
/// time: a lookup afterwards.
std::uint32_t name_for(std::uintptr_t key, std::string (*make)(const void*), const void* arg);

/// The name of the function a call of `fn` runs, interned (inside a call: the user's function
/// dc's template runs). A lookup once the function has been seen.
std::uint32_t function_name(const function_id& fn);
/// A call of `fn` to `pid` left with `bytes_out` of arguments: its wait starts.
void call_sent(std::uint64_t req, int pid, const function_id& fn, std::uint64_t bytes_out);
/// Another request (`what`: "fetch", "channel take", ...) left for `pid`: its wait starts.
void request_sent(std::uint64_t req, int pid, const std::string& what, std::uint64_t bytes_out);
/// Its answer came (`bytes_in`): the wait ends (recorded as a call_wait span).
void call_answered(std::uint64_t req, std::uint64_t bytes_in, bool failed);
/// A pmap batch whose worker died is sent again.
void batch_retry(std::size_t batch, int worker);
/// A launch step or membership change, as an instant on this process's track.
void step(const std::string& text, int process = 0);

/// A worker's: what was recorded since the last call (all of it the first time).
chunk take_chunk(int pid, const std::string& host, std::int64_t clock_offset_ns, bool last);

/// The master's: a worker joined (its track is named even if it sends nothing; one that never
/// sends its last chunk is listed as having lost its tail).
void expect_process(int pid, const std::string& host);
/// The master's: every chunk received, and its own events (trace/trace_file.cpp writes them).
void add_chunk(chunk&& c);
/// Whether the last chunk of each of `pids` has come (they exited cleanly).
bool all_ended(const std::vector<int>& pids);
/// Writes the whole run to `path` as Chrome trace-event JSON; returns false with `why` set
/// when the file cannot be written.
bool write_file(const std::string& path, std::string& why);

} // namespace dc::detail::trace
