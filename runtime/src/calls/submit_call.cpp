#include <dc/detail/calls.hpp>

#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "errors/remote_error.hpp"
#include "futures/value_store.hpp"
#include "protocol/heads.hpp"
#include "trace/trace_log.hpp"
#include "util/log.hpp"

#include <dc/errors.hpp>

#include <atomic>

namespace dc::detail {

namespace {

/// Sends the call (its head, then `prefix` and `rest` of its arguments) to another process.
std::shared_ptr<ref_state> send_call_frame(cluster_context& rt, int pid, const function_id& fn,
                                           std::span<const char> prefix, std::span<const char> rest,
                                           call_mode mode) {
    const std::uint64_t req = rt.new_request_id();
    bytes head = encode_head(call_head{kind::call, req, mode, fn});
    head.insert(head.end(), prefix.begin(), prefix.end());
    std::shared_ptr<ref_state> state;
    std::size_t in_flight = 0;
    if (mode != call_mode::oneway) {
        const auto weight = mode == call_mode::store ? value_store::initial_weight : 0;
        state = std::make_shared<ref_state>(req, pid, weight,
                                            mode == call_mode::store ? ref_state::arrival::done
                                                                     : ref_state::arrival::value);
        in_flight = rt.expect(req, pid, state);
        if (trace::enabled()) trace::call_sent(req, pid, fn, head.size() + rest.size());
    }
    try {
        rt.send(pid, head, rest);
    } catch (...) {
        if (state) rt.forget(req);
        throw;
    }
    rt.throttle(in_flight);
    return state;
}

std::shared_ptr<ref_state> run_here(cluster_context& rt, int pid, const function_id& fn,
                                    std::span<const char> args, call_mode mode) {
    bytes out;
    const bool is_error = rt.run_call(fn, args, out);
    if (mode != call_mode::oneway) return ref_state::make_here(pid, std::move(out), is_error);
    if (is_error) {
        DC_LOG(error, "remote_do failed: " << to_exception(decode_as<error_info>(out)).what());
    }
    return nullptr;
}

} // namespace

std::shared_ptr<ref_state> submit_call(int pid, const function_id& fn, bytes&& args,
                                       call_mode mode) {
    auto& rt = cluster_context::current();
    // In-process: same semantics (arguments copied), no messages.
    if (pid == rt.id()) return run_here(rt, pid, fn, args, mode);
    return send_call_frame(rt, pid, fn, {}, args, mode);
}

std::shared_ptr<ref_state> submit_call(int pid, const function_id& fn, std::span<const char> prefix,
                                       std::span<const char> rest, call_mode mode) {
    auto& rt = cluster_context::current();
    if (pid == rt.id()) {
        bytes args(prefix.begin(), prefix.end());
        args.insert(args.end(), rest.begin(), rest.end());
        return run_here(rt, pid, fn, args, mode);
    }
    return send_call_frame(rt, pid, fn, prefix, rest, mode);
}

int next_worker() {
    static std::atomic<unsigned> turn{0};
    auto ids = cluster_context::current().ids();
    if (ids.size() == 1) return ids[0];
    return ids[1 + turn.fetch_add(1) % (ids.size() - 1)];
}

} // namespace dc::detail
