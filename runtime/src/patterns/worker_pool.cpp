#include <dc/worker_pool.hpp>

#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "futures/value_store.hpp"

#include <dc/detail/patterns.hpp>
#include <dc/errors.hpp>
#include <dc/procs.hpp>

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <set>

namespace dc {

struct worker_pool::state {
    mutable std::mutex mutex;
    std::set<int> members;
    std::deque<int> idle;
    std::set<int> busy;
    bool follows_cluster = false;
    std::optional<std::uint64_t> seen_epoch; ///< membership_epoch() at the last refresh

    // The default pool adds new workers and forgets removed ones as it is used.
    void refresh() {
        if (!follows_cluster) return;
        // Only when the membership may have changed: a take must not cost O(N) at N workers.
        const auto epoch = detail::cluster_context::current().membership_epoch();
        if (seen_epoch && *seen_epoch == epoch) return;
        seen_epoch = epoch;
        const auto now = dc::workers();
        const std::set<int> current(now.begin(), now.end());
        for (int id : now) {
            if (members.insert(id).second) idle.push_back(id);
        }
        for (auto it = members.begin(); it != members.end();) {
            if (current.count(*it)) {
                ++it;
                continue;
            }
            std::erase(idle, *it);
            busy.erase(*it);
            it = members.erase(it);
        }
    }
};

worker_pool::worker_pool(const std::vector<int>& ids) : state_(std::make_shared<state>()) {
    for (int id : ids) {
        if (state_->members.insert(id).second) state_->idle.push_back(id);
    }
}

worker_pool::worker_pool(follows_cluster_tag) : state_(std::make_shared<state>()) {
    state_->follows_cluster = true;
}

std::vector<int> worker_pool::workers() const {
    std::lock_guard lock(state_->mutex);
    state_->refresh();
    return {state_->members.begin(), state_->members.end()};
}

std::size_t worker_pool::size() const {
    return workers().size();
}

std::optional<int> worker_pool::try_take() {
    std::lock_guard lock(state_->mutex);
    state_->refresh();
    const auto& here = detail::cluster_context::current();
    while (!state_->idle.empty()) {
        const int id = state_->idle.front();
        state_->idle.pop_front();
        if (here.leaving(id)) { // its job is about to end, or adapt releases it
            state_->members.erase(id);
            continue;
        }
        state_->busy.insert(id);
        return id;
    }
    detail::note_waiting_work(1);
    return std::nullopt;
}

int worker_pool::take() {
    std::optional<int> id;
    bool empty = false;
    // The engine may evaluate the condition again after it held: once a worker is taken, the
    // condition must not take another (that one would stay busy for good).
    detail::cluster_context::current().io().wait_until([&] {
        if (id || empty) return true;
        empty = size() == 0;
        if (!empty) id = try_take();
        return empty || id.has_value();
    });
    if (!id) throw process_exited(0, "the worker pool is empty (all its workers exited)");
    return *id;
}

void worker_pool::put_back(int id) {
    std::lock_guard lock(state_->mutex);
    if (state_->busy.erase(id) && state_->members.count(id)) state_->idle.push_back(id);
}

void worker_pool::remove(int id) {
    std::lock_guard lock(state_->mutex);
    state_->members.erase(id);
    state_->busy.erase(id);
    std::erase(state_->idle, id);
}

worker_pool& default_worker_pool() {
    static worker_pool pool(worker_pool::follows_cluster_tag{});
    return pool;
}

} // namespace dc
