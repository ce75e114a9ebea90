#include <dc/detail/channel_handle.hpp>
#include <dc/detail/tree.hpp>

#include "channels/channel_ops.hpp"
#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "engine/interrupts.hpp"
#include "futures/value_store.hpp"
#include "protocol/heads.hpp"
#include "trace/trace_log.hpp"

#include <dc/errors.hpp>

namespace dc::detail {
namespace {

// The answer of a request; a remote "channel closed" error comes back as dc::channel_closed.
bytes answer_of(ref_state& state) {
    try {
        auto answer = state.fetch_bytes();
        return {answer.begin(), answer.end()};
    } catch (const remote_exception& e) {
        if (e.type_name() == "dc::channel_closed")
            throw channel_closed("dc::remote_channel: " + e.message());
        throw;
    }
}

} // namespace

channel_handle::channel_handle(std::size_t capacity, int owner)
    : id_(cluster_context::current().new_request_id()), owner_(owner),
      weight_(value_store::initial_weight) {
    request(channel_op::create, encode_word(std::uint64_t{capacity}));
}

channel_handle::channel_handle(const channel_ref& r)
    : id_(r.id), owner_(r.owner), weight_(r.weight) {}

channel_handle::~channel_handle() {
    if (weight_ <= 0 || !cluster_context::alive()) return;
    try {
        const bytes w = encode_word(weight_);
        auto& rt = cluster_context::current();
        if (owner_ == rt.id()) {
            rt.apply_channel_op(id_, channel_op::release, owner_, 0, w);
            return;
        }
        rt.send(owner_, encode_head(channel_op_head{kind::channel_op, 0, id_, channel_op::release}),
                w);
    } catch (...) { // the owner is gone, and the channel with it
    }
}

namespace {
std::string op_name(std::uint8_t op) {
    switch (op) {
    case channel_op::put:
        return "channel put";
    case channel_op::take:
        return "channel take";
    case channel_op::fetch:
        return "channel fetch";
    default:
        return "channel operation";
    }
}
} // namespace

// One operation: a request to the owner (or to this process's own store) and its answer.
bytes channel_handle::request(std::uint8_t op, const bytes& payload) {
    auto& rt = cluster_context::current();
    auto state = std::make_shared<ref_state>(0, owner_, 0, ref_state::arrival::value);
    const auto req = rt.new_request_id();
    rt.expect(req, owner_, state);
    try {
        if (owner_ == rt.id()) {
            rt.apply_channel_op(id_, op, owner_, req, payload);
        } else {
            if (trace::enabled()) trace::request_sent(req, owner_, op_name(op), payload.size());
            rt.send(owner_, encode_head(channel_op_head{kind::channel_op, req, id_, op}), payload);
        }
        return answer_of(*state);
    } catch (const interrupted_error&) {
        // Withdraw the waiting operation, so that no item goes to a taker that left (or is put
        // by a put that threw). If the owner had already answered, the answer is on its way:
        // the operation happened, and its result is returned.
        uninterruptible shield;
        if (request(channel_op::withdraw, encode_word(req))[0] != 0) {
            rt.forget(req);
            throw;
        }
        return answer_of(*state);
    } catch (const channel_closed&) {
        throw;
    } catch (...) {
        rt.forget(req);
        throw;
    }
}

void channel_handle::put(const bytes& item) {
    request(channel_op::put, item);
}
bytes channel_handle::take() {
    return request(channel_op::take);
}
bytes channel_handle::fetch() {
    return request(channel_op::fetch);
}

std::optional<bytes> channel_handle::try_take() {
    bytes answer = request(channel_op::try_take);
    if (answer.empty() || answer[0] == 0) return std::nullopt;
    return bytes(answer.begin() + 1, answer.end());
}

bool channel_handle::isready() {
    auto answer = request(channel_op::isready);
    return !answer.empty() && answer[0] != 0;
}

void channel_handle::close() {
    request(channel_op::close);
}

bool channel_handle::isopen() {
    auto answer = request(channel_op::isopen);
    return !answer.empty() && answer[0] != 0;
}

channel_ref channel_handle::share() {
    std::lock_guard lock(mutex_);
    note_weighted_handle_encoded(); // a share of the weight: to be decoded once
    if (weight_ < 2) { // used up (62 halvings: a chain of shares): ask the owner for more
        request(channel_op::add_weight, encode_word(value_store::top_up_weight));
        weight_ += value_store::top_up_weight;
    }
    const std::int64_t given = weight_ / 2;
    weight_ -= given;
    return {id_, owner_, given};
}

} // namespace dc::detail
