// What a process does with each frame that arrives: the greeting of a new link, answers to its
// requests, calls (run in calls/execute_call.cpp), requests for values and channel operations
// it holds, membership news from the master. The engine calls on_frame on its driver thread.

#include "calls/execute_call.hpp"
#include "cluster/runtime.hpp"
#include "engine/interrupts.hpp"
#include "errors/remote_error.hpp"
#include "futures/answers.hpp"
#include "peers/handshake.hpp"
#include "protocol/heads.hpp"
#include "trace/trace_log.hpp"
#include "util/log.hpp"

#include <dc/detail/byte_stream.hpp>
#include <dc/errors.hpp>

namespace dc::detail {

void runtime::on_frame(const std::shared_ptr<connection>& from, bytes&& body) {
    const auto k = static_cast<kind>(body[0]);
    if (!from->authenticated) {
        if (k == kind::peer_hello) return accept_peer(from, std::move(body));
        if (k == kind::hello && on_hello) return on_hello(from, std::move(body));
        return reject(from, "expected a greeting, got message kind " + std::to_string(body[0]));
    }
    std::span<const char> in(body);
    switch (k) {
    case kind::call:
        return execute_call(*this, *from, in);
    case kind::result:
    case kind::done:
        return on_answer(in, std::move(body));
    case kind::fetch:
    case kind::watch:
        return on_fetch(from, in, k == kind::fetch);
    case kind::release: {
        const auto r = decode_head<release_head>(in);
        return store_.release(r.ref, r.weight);
    }
    case kind::add_weight: {
        const auto a = decode_head<add_weight_head>(in);
        store_.add_weight(a.ref, a.weight);
        return from->send(encode_head(answer_head{kind::result, a.req, false}));
    }
    case kind::peer_added:
        return add_process(decode_as<peer_info>(in.subspan(1)), nullptr);
    case kind::peer_removed:
        return remove_process(decode_head<peer_removed_head>(in).pid, "removed by the master");
    case kind::exit:
        exit_requested_ = true;
        return;
    case kind::interrupt: {
        const std::size_t n = interrupt_running_calls(); // not inside DC_LOG: it may not run
        DC_LOG(debug, "interrupted " << n << " running call(s)");
        return io().wake(); // sleeping waits recheck
    }
    case kind::ping: // reading it was the point
        return;
    case kind::trace_chunk:
        if (id() == 1) trace::add_chunk(decode_as<trace::chunk>(in.subspan(1)));
        return;
    case kind::peer_query:
    case kind::members_query:
        return answer_query(*from, decode_head<query_head>(in));
    case kind::channel_op: {
        std::size_t payload = 0;
        const auto c = decode_head<channel_op_head>(in, &payload);
        return apply_channel_op(c.channel, c.op, from->peer_id, c.req, in.subspan(payload));
    }
    default:
        return reject(from, "unknown message kind " + std::to_string(body[0]));
    }
}

bool runtime::runs_user_code(const bytes& body) const {
    return static_cast<kind>(body[0]) == kind::call;
}

void runtime::on_closed(const std::shared_ptr<connection>& c, const std::string& why) {
    if (!c->authenticated) return;
    const int pid = c->peer_id;
    if (!knows(pid) || pid == id()) return;
    DC_LOG(debug, "link to process " << pid << " closed: " << why);
    remove_process(pid, why);
    if (on_process_lost) on_process_lost(pid, why);
}

void runtime::accept_peer(const std::shared_ptr<connection>& c, bytes&& body) {
    peer_hello_msg hello;
    auto why = check_peer_hello(body, cookie_, hello);
    if (!why.empty()) return reject(c, why);
    authenticate(*c, hello.from);
    peers_.attach_incoming(hello.from, c);
}

// A peer's greeting is checked as soon as it is read, before the frames behind it are parsed:
// its first call may be larger than an unauthenticated connection may send, and may arrive
// while this process reads without dispatching (a send of its own waits).
bool runtime::greet_in_place(connection& c, std::span<const char> body) {
    if (!alive() || body.empty() || static_cast<kind>(body[0]) != kind::peer_hello) return false;
    auto& rt = instance();
    peer_hello_msg hello;
    // A peer this process has not heard of (workers learn of each other only when they link)
    // is admitted: it showed the cookie and the build. on_frame rejects the rest.
    if (!check_peer_hello(body, rt.cookie_, hello).empty()) return false;
    authenticate(c, hello.from);
    rt.peers_.attach_incoming(hello.from, c.shared_from_this());
    return true;
}

void runtime::on_answer(std::span<const char> frame, bytes&& body) {
    std::size_t payload = 0;
    const auto a = decode_head<answer_head>(frame, &payload);
    auto state = requests_.take(a.req);
    if (!state) return; // forgotten, or failed when its process went
    if (trace::enabled()) trace::call_answered(a.req, frame.size(), a.is_error);
    if (a.k == kind::done) return state->on_done(a.is_error);
    state->on_value(std::make_shared<const bytes>(std::move(body)), payload, a.is_error);
}

// A large result whose future waits with a sink is received straight into the value's storage.
placement runtime::place_large_value(std::span<const char> start, std::uint64_t length) {
    constexpr std::size_t head = answer_head::size;
    if (start.size() < head || static_cast<kind>(start[0]) != kind::result || !alive()) return {};
    const auto a = decode_head<answer_head>(start);
    if (a.is_error) return {};
    auto state = instance().requests_.find(a.req);
    if (!state) return {};
    std::size_t skip = 0;
    char* where = state->place(length - head, skip);
    return where ? placement{head + skip, where} : placement{};
}

void runtime::on_fetch(const std::shared_ptr<connection>& from, std::span<const char> body,
                       bool value) {
    const auto f = decode_head<fetch_head>(body);
    std::optional<value_store::stored> s;
    try {
        s = store_.get(f.ref, value_store::waiter{from->peer_id, f.req, value});
    } catch (const dc::error& e) {
        bytes err;
        encode_into(err, describe_refused_call(id(), host_, "dc::error", e.what()));
        s = value_store::stored{true, std::make_shared<const bytes>(std::move(err))};
    }
    if (s) send_answer(*this, from->peer_id, f.req, value, *s);
}

void runtime::apply_channel_op(std::uint64_t channel, std::uint8_t op, int pid, std::uint64_t req,
                               std::span<const char> payload) {
    for (auto& a : channels_.apply(channel, op, pid, req, payload)) {
        if (a.is_error) { // the store does not know where it lives: say it (the owner)
            auto e = decode_as<error_info>(a.payload);
            a.payload.clear();
            encode_into(a.payload, describe_refused_call(id(), host_, e.type, e.message));
        }
        deliver(a.pid, a.req, a.is_error, std::move(a.payload));
    }
}

// The master answers where a peer listens, and who is in the cluster: workers learn of each
// other only when they need to, so nothing a worker receives at start grows with the cluster.
void runtime::answer_query(connection& from, const query_head& q) {
    bytes payload;
    bool is_error = false;
    if (q.k == kind::members_query) {
        const auto all = ids();
        encode_into(payload, std::vector<std::int32_t>(all.begin(), all.end()));
    } else if (auto info = peers_.info(q.pid); info && !info->addresses.empty()) {
        encode_into(payload, *info);
    } else {
        is_error = true;
        encode_into(payload, describe_refused_call(id(), host_, "dc::process_exited",
                                                   "no such process in this cluster (ids are "
                                                   "never reused)"));
    }
    deliver(from.peer_id, q.req, is_error, std::move(payload));
}

void runtime::deliver(int pid, std::uint64_t req, bool is_error, bytes&& payload) {
    if (pid == id()) {
        if (auto s = requests_.take(req)) {
            s->on_value(std::make_shared<const bytes>(std::move(payload)), 0, is_error);
        }
        return;
    }
    try {
        send(pid, encode_head(answer_head{kind::result, req, is_error}), payload);
    } catch (const dc::error& e) {
        DC_LOG(debug, "cannot answer process " << pid << ": " << e.what());
    }
}

} // namespace dc::detail
