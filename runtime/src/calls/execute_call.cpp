#include "calls/execute_call.hpp"

#include "engine/interrupts.hpp"
#include "errors/remote_error.hpp"
#include "futures/answers.hpp"
#include "futures/value_store.hpp"
#include "protocol/heads.hpp"
#include "trace/trace_log.hpp"
#include "util/log.hpp"

#include <dc/detail/byte_stream.hpp>
#include <dc/detail/calls.hpp>
#include <dc/errors.hpp>

namespace dc::detail {

namespace {
/// The traced name of the call run_call ran last on this thread.
thread_local std::uint32_t traced_name = 0;
} // namespace

bool run_call(int self, const std::string& host, const function_id& fn, std::span<const char> args,
              bytes& out) {
    invoke_fn invoke = find_invoker(fn.invoker);
    if (!invoke) {
        out.clear();
        encode_into(out, describe_refused_call(
                             self, host, "dc::error",
                             "this process has no code for the called function (is it running "
                             "a different build of the program?)"));
        return true;
    }
    call_scope scope;
    interruptible_call interruptible;
    try {
        invoke(fn, args, out);
        if (trace::enabled()) traced_name = trace::function_name(fn); // while the name is noted
        return false;
    } catch (...) {
        if (trace::enabled()) traced_name = trace::function_name(fn);
        out.clear();
        encode_into(out, describe_failed_call(self, host, fn));
        return true;
    }
}

void execute_call(cluster_context& here, connection& from, std::span<const char> frame) {
    std::size_t args_at = 0;
    const auto call = decode_head<call_head>(frame, &args_at);
    if (call.mode == call_mode::store) here.store().expect(call.req);

    bytes out;
    const bool traced = trace::enabled();
    const std::int64_t started = traced ? trace::now_ns() : 0;
    const bool is_error = here.run_call(call.fn, frame.subspan(args_at), out);
    if (traced) {
        trace::event e;
        e.kind = trace::what::call_run;
        e.at_ns = started;
        e.duration_ns = trace::now_ns() - started;
        e.id = call.req;
        e.bytes_in = frame.size() - args_at;
        e.bytes_out = out.size();
        e.name = traced_name;
        e.peer = from.peer_id;
        e.failed = is_error;
        trace::record(e);
    }
    const auto answer_kind = call.mode == call_mode::fetch ? kind::result : kind::done;
    const bytes head = encode_head(answer_head{answer_kind, call.req, is_error});
    try {
        if (call.mode == call_mode::fetch) {
            from.send(head, out);
        } else if (call.mode == call_mode::store) {
            auto data = std::make_shared<const bytes>(std::move(out));
            auto waiters = here.store().put(call.req, is_error, data);
            from.send(head);
            for (const auto& w : waiters)
                send_answer(here, w.pid, w.req, w.wants_value, {is_error, data});
        } else if (is_error) {
            DC_LOG(error, "remote_do failed: " << to_exception(decode_as<error_info>(out)).what());
        }
    } catch (const dc::error& e) {
        DC_LOG(debug, "cannot answer " << from.label() << ": " << e.what());
    }
}

} // namespace dc::detail
