#include "trace/trace_log.hpp"

#include "errors/remote_error.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace dc::detail::trace {

namespace internal {
std::atomic<bool> on{false};
}

namespace {

/// One thread's events. The thread appends under its own (uncontended) lock; take_chunk swaps
/// the vector out.
struct thread_buffer {
    std::mutex mutex;
    std::vector<event> events;
    std::uint32_t thread = 0;
};

struct registry {
    std::mutex mutex;
    std::vector<std::shared_ptr<thread_buffer>> buffers;
    std::vector<std::string> names{""};
    std::unordered_map<std::string, std::uint32_t> index{{"", 0}};
    std::unordered_map<std::uintptr_t, std::uint32_t> keyed;
    std::uint32_t names_sent = 0;
    struct sent {
        std::int64_t at_ns;
        std::uint64_t bytes_out;
        std::uint32_t name;
        std::int32_t pid;
    };
    std::unordered_map<std::uint64_t, sent> waiting; ///< request id -> its call, until answered
};

registry& the_registry() {
    static auto* r = new registry; // used until the very end of the process: never destroyed
    return *r;
}

thread_buffer& this_thread_buffer() {
    thread_local std::shared_ptr<thread_buffer> mine;
    if (!mine) {
        mine = std::make_shared<thread_buffer>();
        mine->events.reserve(1024);
        auto& r = the_registry();
        std::lock_guard lock(r.mutex);
        mine->thread = static_cast<std::uint32_t>(r.buffers.size());
        r.buffers.push_back(mine);
    }
    return *mine;
}

std::uint32_t intern(registry& r, const std::string& text) {
    auto [it, added] = r.index.emplace(text, static_cast<std::uint32_t>(r.names.size()));
    if (added) r.names.push_back(text);
    return it->second;
}

} // namespace

void enable() {
    internal::on.store(true, std::memory_order_relaxed);
}

std::int64_t now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void record(event e) {
    auto& b = this_thread_buffer();
    e.thread = b.thread;
    std::lock_guard lock(b.mutex);
    b.events.push_back(e);
}

std::uint32_t name(const std::string& text) {
    auto& r = the_registry();
    std::lock_guard lock(r.mutex);
    return intern(r, text);
}

std::uint32_t name_for(std::uintptr_t key, std::string (*make)(const void*), const void* arg) {
    auto& r = the_registry();
    {
        std::lock_guard lock(r.mutex);
        auto it = r.keyed.find(key);
        if (it != r.keyed.end()) return it->second;
    }
    const std::string text = make(arg); // outside the lock: it may look up symbols
    std::lock_guard lock(r.mutex);
    const auto id = intern(r, text);
    r.keyed.emplace(key, id);
    return id;
}

std::uint32_t function_name(const function_id& fn) {
    return name_for(
        called_function_key(fn),
        [](const void* f) { return called_function_name(*static_cast<const function_id*>(f)); },
        &fn);
}

namespace {
void waiting_for(std::uint64_t req, int pid, std::uint32_t name, std::uint64_t bytes_out) {
    const auto at = now_ns();
    auto& r = the_registry();
    std::lock_guard lock(r.mutex);
    r.waiting[req] = {at, bytes_out, name, pid};
}
} // namespace

void call_sent(std::uint64_t req, int pid, const function_id& fn, std::uint64_t bytes_out) {
    waiting_for(req, pid, function_name(fn), bytes_out);
}

void request_sent(std::uint64_t req, int pid, const std::string& what, std::uint64_t bytes_out) {
    waiting_for(req, pid, name(what), bytes_out);
}

void batch_retry(std::size_t batch, int worker) {
    event e;
    e.kind = what::batch_retry;
    e.at_ns = now_ns();
    e.name = name("pmap batch " + std::to_string(batch) + " retried: worker " +
                  std::to_string(worker) + " died");
    e.peer = worker;
    record(e);
}

void call_answered(std::uint64_t req, std::uint64_t bytes_in, bool failed) {
    const auto at = now_ns();
    registry::sent s{};
    {
        auto& r = the_registry();
        std::lock_guard lock(r.mutex);
        auto it = r.waiting.find(req);
        if (it == r.waiting.end()) return;
        s = it->second;
        r.waiting.erase(it);
    }
    event e;
    e.kind = what::call_wait;
    e.at_ns = s.at_ns;
    e.duration_ns = at - s.at_ns;
    e.id = req;
    e.bytes_in = bytes_in;
    e.bytes_out = s.bytes_out;
    e.name = s.name;
    e.peer = s.pid;
    e.failed = failed;
    record(e);
}

void step(const std::string& text, int process) {
    event e;
    e.kind = what::step;
    e.at_ns = now_ns();
    e.name = name(text);
    e.peer = process;
    record(e);
}

chunk take_chunk(int pid, const std::string& host, std::int64_t clock_offset_ns, bool last) {
    auto& r = the_registry();
    chunk c;
    c.pid = pid;
    c.host = host;
    c.clock_offset_ns = clock_offset_ns;
    c.last = last;
    std::vector<std::shared_ptr<thread_buffer>> buffers;
    {
        std::lock_guard lock(r.mutex);
        buffers = r.buffers;
    }
    for (auto& b : buffers) {
        std::vector<event> taken;
        {
            std::lock_guard lock(b->mutex);
            taken.swap(b->events);
        }
        c.events.insert(c.events.end(), taken.begin(), taken.end());
    }
    // Names after events: every name an event taken above uses was interned before it.
    std::lock_guard lock(r.mutex);
    c.first_name = r.names_sent;
    c.new_names.assign(r.names.begin() + r.names_sent, r.names.end());
    r.names_sent = static_cast<std::uint32_t>(r.names.size());
    return c;
}

} // namespace dc::detail::trace
