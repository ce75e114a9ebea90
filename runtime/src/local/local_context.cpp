#include "local/local_context.hpp"

#include "calls/execute_call.hpp"

#include <dc/errors.hpp>

#include <chrono>

namespace dc::detail {

local_context::local_context()
    : engine_(std::make_unique<engine>(static_cast<engine::handler&>(*this),
                                       std::chrono::microseconds(0))) {
    cluster_context::install(this);
}

local_context::~local_context() {
    cluster_context::install(nullptr);
}

bool local_context::run_call(const function_id& fn, std::span<const char> args, bytes& out) {
    return detail::run_call(1, host_, fn, args, out);
}

void local_context::apply_channel_op(std::uint64_t channel, std::uint8_t op, int pid,
                                     std::uint64_t req, std::span<const char> payload) {
    for (auto& a : channels_.apply(channel, op, pid, req, payload)) {
        if (auto state = requests_.take(a.req)) {
            state->on_value(std::make_shared<const bytes>(std::move(a.payload)), 0, a.is_error);
        }
    }
}

std::size_t local_context::expect(std::uint64_t req, int pid, std::shared_ptr<ref_state> state) {
    return requests_.expect(req, pid, std::move(state));
}

void local_context::send(int pid, std::span<const char> /*head*/, std::span<const char> /*body*/) {
    throw process_exited(pid, "a local context has no process but 1");
}

} // namespace dc::detail
