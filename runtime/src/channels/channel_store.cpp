#include "channels/channel_store.hpp"

#include "channels/channel_ops.hpp"
#include "futures/value_store.hpp"
#include "protocol/heads.hpp"
#include "protocol/messages.hpp"

#include <dc/detail/byte_stream.hpp>

#include <algorithm>

namespace dc::detail {
namespace {

bytes flag(bool value) {
    return {static_cast<char>(value)};
}

channel_store::answer error_answer(int pid, std::uint64_t req, const char* type,
                                   const char* message) {
    error_info e;
    e.type = type;
    e.message = message;
    bytes encoded;
    encode_into(encoded, e);
    return {pid, req, true, std::move(encoded)};
}

channel_store::answer closed_error(int pid, std::uint64_t req) {
    return error_answer(pid, req, "dc::channel_closed", "the channel is closed");
}

channel_store::answer gone_error(int pid, std::uint64_t req) {
    return error_answer(pid, req, "dc::error", "this channel no longer exists");
}

} // namespace

std::vector<channel_store::answer> channel_store::apply(std::uint64_t id, std::uint8_t op, int pid,
                                                        std::uint64_t req,
                                                        std::span<const char> payload) {
    std::vector<answer> out;
    std::size_t off = 0;
    std::lock_guard lock(mutex_);
    if (op == channel_op::create) {
        auto& c = channels_[id];
        c.capacity = decode_word<std::uint64_t>(payload, off);
        c.weight += value_store::initial_weight;
        out.push_back({pid, req, false, {}});
        return out;
    }
    auto it = channels_.find(id);
    if (it == channels_.end()) {
        if (op != channel_op::release) out.push_back(gone_error(pid, req));
        return out;
    }
    channel& c = it->second;
    switch (op) {
    case channel_op::put:
        if (c.closed) {
            out.push_back(closed_error(pid, req));
        } else {
            on_put(c, pid, req, bytes(payload.begin(), payload.end()), out);
        }
        break;
    case channel_op::take:
    case channel_op::fetch:
        on_take(c, {pid, req, op == channel_op::take}, out);
        break;
    case channel_op::try_take:
        on_try_take(c, pid, req, out);
        break;
    case channel_op::isready:
        out.push_back({pid, req, false, flag(!c.items.empty() || !c.putters.empty())});
        break;
    case channel_op::close:
        on_close(c, out);
        out.push_back({pid, req, false, {}});
        break;
    case channel_op::isopen:
        out.push_back({pid, req, false, flag(!c.closed)});
        break;
    case channel_op::release:
        c.weight -= decode_word<std::int64_t>(payload, off);
        if (c.weight <= 0) channels_.erase(it);
        break;
    case channel_op::add_weight:
        c.weight += decode_word<std::int64_t>(payload, off);
        out.push_back({pid, req, false, {}});
        break;
    case channel_op::withdraw: {
        const auto waiting = decode_word<std::uint64_t>(payload, off);
        out.push_back({pid, req, false, flag(withdraw(c, pid, waiting))});
        break;
    }
    default:
        break;
    }
    return out;
}

void channel_store::on_try_take(channel& c, int pid, std::uint64_t req, std::vector<answer>& out) {
    if (c.items.empty() && !c.putters.empty()) admit_putters(c, out, true);
    if (c.items.empty()) {
        out.push_back({pid, req, false, flag(false)});
        return;
    }
    bytes reply = flag(true);
    reply.insert(reply.end(), c.items.front().begin(), c.items.front().end());
    c.items.pop_front();
    out.push_back({pid, req, false, std::move(reply)});
    admit_putters(c, out, false);
}

void channel_store::on_close(channel& c, std::vector<answer>& out) {
    c.closed = true;
    for (auto& p : c.putters)
        out.push_back(closed_error(p.pid, p.req));
    c.putters.clear();
    if (c.items.empty()) { // the items left can still be taken
        for (auto& w : c.takers)
            out.push_back(closed_error(w.pid, w.req));
        c.takers.clear();
    }
}

bool channel_store::withdraw(channel& c, int pid, std::uint64_t waiting) {
    const auto gone =
        std::erase_if(c.takers, [&](const waiter& w) { return w.pid == pid && w.req == waiting; }) +
        std::erase_if(c.putters, [&](const putter& p) { return p.pid == pid && p.req == waiting; });
    return gone > 0;
}

void channel_store::on_put(channel& c, int pid, std::uint64_t req, bytes item,
                           std::vector<answer>& out) {
    if (c.items.size() < c.capacity) {
        c.items.push_back(std::move(item));
        out.push_back({pid, req, false, {}});
    } else {
        c.putters.push_back({pid, req, std::move(item)});
    }
    serve_waiters(c, out);
}

void channel_store::on_take(channel& c, const waiter& w, std::vector<answer>& out) {
    c.takers.push_back(w);
    serve_waiters(c, out);
    if (c.closed && c.items.empty() && c.putters.empty()) {
        for (auto& t : c.takers)
            out.push_back(closed_error(t.pid, t.req));
        c.takers.clear();
    }
}

// Hands items to waiting takers in arrival order; a fetch gets a copy and leaves the item.
void channel_store::serve_waiters(channel& c, std::vector<answer>& out) {
    while (!c.takers.empty()) {
        if (c.items.empty()) admit_putters(c, out, true); // unbuffered: meet a waiting put
        if (c.items.empty()) return;
        waiter w = c.takers.front();
        c.takers.pop_front();
        if (w.removes) {
            out.push_back({w.pid, w.req, false, std::move(c.items.front())});
            c.items.pop_front();
            admit_putters(c, out, false);
        } else {
            out.push_back({w.pid, w.req, false, c.items.front()});
        }
    }
}

// Moves waiting puts into the buffer while there is room (or one, to meet a taker).
void channel_store::admit_putters(channel& c, std::vector<answer>& out, bool for_taker) {
    while (!c.putters.empty() && (c.items.size() < c.capacity || (for_taker && c.items.empty()))) {
        auto& p = c.putters.front();
        c.items.push_back(std::move(p.item));
        out.push_back({p.pid, p.req, false, {}});
        c.putters.pop_front();
    }
}

void channel_store::drop_waiters(int pid) {
    std::lock_guard lock(mutex_);
    for (auto& [id, c] : channels_) {
        std::erase_if(c.takers, [pid](const waiter& w) { return w.pid == pid; });
        std::erase_if(c.putters, [pid](const putter& p) { return p.pid == pid; });
    }
}

std::size_t channel_store::size() const {
    std::lock_guard lock(mutex_);
    return channels_.size();
}

} // namespace dc::detail
