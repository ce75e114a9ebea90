#include "collectives/tree_call.hpp"

#include "collectives/collective_log.hpp"
#include "context/cluster_context.hpp"
#include "engine/engine.hpp"

#include <dc/detail/byte_stream.hpp>
#include <dc/detail/calls.hpp>
#include <dc/errors.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace dc::detail {
namespace {

/// Ids first, first+1, ..., first+count-1: a cluster's ids are mostly one run.
struct id_run {
    std::int32_t first = 0;
    std::int32_t count = 0;
    template <class A> void serialize(A& ar) { ar(first, count); }
};

/// What one process of a tree receives (the call's arguments follow it, not re-encoded).
struct tree_order {
    std::int32_t origin = 0;  ///< the process that started the collective
    std::uint64_t serial = 0; ///< which of origin's collectives
    std::int32_t degree = 8;
    std::vector<id_run> members;      ///< the receiver first, then its subtree
    std::vector<peer_info> directory; ///< where members listen, in member order, or empty
    function_id inner;                ///< invoker 0: no call
    bool exit_after = false;
    template <class A> void serialize(A& ar) {
        ar(origin, serial, degree, members, directory, inner, exit_after);
    }
};

std::vector<id_run> to_runs(std::span<const int> ids) {
    std::vector<id_run> runs;
    for (int id : ids) {
        if (!runs.empty() && runs.back().first + runs.back().count == id) {
            ++runs.back().count;
        } else {
            runs.push_back({id, 1});
        }
    }
    return runs;
}

std::vector<int> from_runs(const std::vector<id_run>& runs) {
    constexpr std::int64_t most = std::int64_t{1} << 24; // far more processes than any cluster
    std::int64_t total = 0;
    for (const auto& r : runs) {
        if (r.count < 0 || (total += r.count) > most)
            throw dc::error("a collective's order lists an impossible number of processes");
    }
    std::vector<int> ids;
    ids.reserve(static_cast<std::size_t>(total));
    for (const auto& r : runs) {
        for (std::int32_t i = 0; i < r.count; ++i)
            ids.push_back(r.first + i);
    }
    return ids;
}

/// [u64 size of the order][order]: the call's arguments follow it (sent from where they are).
bytes relay_prefix(const tree_order& order) {
    bytes head;
    encode_into(head, order);
    const std::uint64_t n = head.size();
    bytes out(sizeof n);
    std::memcpy(out.data(), &n, sizeof n);
    out.insert(out.end(), head.begin(), head.end());
    return out;
}

std::pair<tree_order, std::span<const char>> read_relay_args(std::span<const char> args) {
    std::uint64_t n = 0;
    if (args.size() < sizeof n) throw dc::error("a collective's order is truncated");
    std::memcpy(&n, args.data(), sizeof n);
    if (n > args.size() - sizeof n) throw dc::error("a collective's order is truncated");
    return {decode_as<tree_order>(args.subspan(sizeof n, n)), args.subspan(sizeof n + n)};
}

collective_log& recent_collectives() {
    static collective_log log;
    return log;
}

void relay(const function_id&, std::span<const char> args, bytes& result);
const std::uint64_t relay_key = register_invoker("dc::tree_relay", &relay);

/// One process's part of a collective: forward, run here, gather the subtree's errors.
class fan_out {
public:
    fan_out(cluster_context& here, const tree_order& order, std::span<const char> inner,
            std::chrono::steady_clock::time_point deadline)
        : here_(here), order_(order), members_(from_runs(order.members)), inner_(inner),
          deadline_(deadline) {}

    tree_failures run(bool run_here) {
        const std::span<const int> all(members_);
        const auto groups = tree_groups(all.subspan(1), order_.degree);
        learn_children(groups);
        for (auto group : groups)
            launch(static_cast<std::size_t>(group.data() - all.data()), group.size());
        if (run_here) run_own();
        collect();
        return std::move(failures_);
    }

private:
    struct branch {
        std::size_t first;
        std::size_t count;
        std::shared_ptr<ref_state> reply;
    };

    /// Notes where this process's children listen (not the whole subtree: what a process
    /// keeps stays O(degree)); a child sent again later is asked of the master.
    void learn_children(const std::vector<std::span<const int>>& groups) {
        if (order_.directory.size() != members_.size()) return;
        std::vector<peer_info> children;
        children.reserve(groups.size());
        for (auto group : groups)
            children.push_back(
                order_.directory[static_cast<std::size_t>(group.data() - members_.data())]);
        here_.learn(children);
    }

    tree_order child_order(std::size_t first, std::size_t count) const {
        tree_order child;
        child.origin = order_.origin;
        child.serial = order_.serial;
        child.degree = order_.degree;
        child.members = to_runs(std::span<const int>(members_).subspan(first, count));
        if (order_.directory.size() == members_.size()) {
            const auto at = order_.directory.begin() + static_cast<std::ptrdiff_t>(first);
            child.directory.assign(at, at + static_cast<std::ptrdiff_t>(count));
        }
        child.inner = order_.inner;
        child.exit_after = order_.exit_after;
        return child;
    }

    /// Sends the group members_[first, first+count) to its first process; when that process
    /// cannot be reached, counts it failed and tries the next.
    void launch(std::size_t first, std::size_t count) {
        for (; count > 0; ++first, --count) {
            try {
                branches_.push_back({first, count,
                                     submit_call(members_[first], function_id{relay_key, 0, 0},
                                                 relay_prefix(child_order(first, count)), inner_,
                                                 call_mode::fetch)});
                return;
            } catch (const interrupted_error&) {
                throw;
            } catch (...) {
                failures_.add_current_from(members_[first]);
            }
        }
    }

    void run_own() {
        if (order_.inner.invoker == 0) return;
        auto own = recent_collectives().run_once(order_.origin, order_.serial,
                                                 [&]() -> collective_log::outcome {
                                                     bytes out;
                                                     if (!here_.run_call(order_.inner, inner_, out))
                                                         return std::nullopt;
                                                     return decode_as<error_info>(out);
                                                 });
        if (own) failures_.add(*own);
    }

    /// Waits for every branch; a branch whose first process failed is sent again without it.
    void collect() {
        auto settled = [](const branch& b) {
            return b.reply->current() != ref_state::status::pending;
        };
        while (!branches_.empty()) {
            if (!here_.io().wait_until(
                    [&] { return std::any_of(branches_.begin(), branches_.end(), settled); },
                    deadline_)) {
                for (const auto& b : branches_) {
                    failures_.add_unreached(
                        std::span<const int>(members_).subspan(b.first, b.count),
                        "no answer before the deadline");
                }
                return;
            }
            std::vector<branch> open, again;
            for (auto& b : branches_) {
                if (!settled(b)) {
                    open.push_back(std::move(b));
                    continue;
                }
                try {
                    failures_.add(decode_as<tree_failures>(b.reply->fetch_bytes()));
                } catch (...) { // it died (or failed to forward): the rest of its group again
                    failures_.add_current_from(members_[b.first]);
                    again.push_back({b.first + 1, b.count - 1, nullptr});
                }
            }
            branches_ = std::move(open);
            for (const auto& b : again)
                launch(b.first, b.count);
        }
    }

    cluster_context& here_;
    const tree_order& order_;
    std::vector<int> members_;
    std::span<const char> inner_;
    std::chrono::steady_clock::time_point deadline_;
    std::vector<branch> branches_;
    tree_failures failures_;
};

void relay(const function_id&, std::span<const char> args, bytes& result) {
    auto [order, inner] = read_relay_args(args);
    auto& here = cluster_context::current();
    if (order.members.empty() || order.members.front().first != here.id())
        throw dc::error("a collective's order reached the wrong process");
    const auto failures =
        fan_out(here, order, inner, std::chrono::steady_clock::time_point::max()).run(true);
    encode_into(result, failures);
    if (order.exit_after) here.request_exit();
}

} // namespace

tree_failures run_tree(const tree_request& request) {
    auto& here = cluster_context::current();
    std::vector<int> members{here.id()};
    bool run_here = false;
    for (int id : request.ids) {
        if (id == here.id()) {
            run_here = true;
        } else {
            members.push_back(id);
        }
    }
    std::sort(members.begin() + 1, members.end());
    members.erase(std::unique(members.begin() + 1, members.end()), members.end());

    static std::atomic<std::uint64_t> serials{0};
    tree_order order;
    order.origin = here.id();
    order.serial = ++serials;
    order.degree = tree_degree(request.args.size());
    order.members = to_runs(members);
    order.directory = here.directory(members);
    order.inner = request.fn;
    order.exit_after = request.exit_after;
    return fan_out(here, order, request.args, request.deadline).run(run_here);
}

tree_failures tree_call(std::vector<int> ids, const function_id& fn, std::span<const char> args) {
    tree_request request;
    request.ids = std::move(ids);
    request.fn = fn;
    request.args = args;
    return run_tree(request);
}

} // namespace dc::detail
