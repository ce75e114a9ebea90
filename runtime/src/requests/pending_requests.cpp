#include "requests/pending_requests.hpp"

namespace dc::detail {

std::size_t pending_requests::expect(std::uint64_t req, int pid, std::shared_ptr<ref_state> state) {
    std::lock_guard lock(mutex_);
    pending_[req] = {pid, std::move(state)};
    return pending_.size();
}

void pending_requests::forget(std::uint64_t req) {
    std::lock_guard lock(mutex_);
    pending_.erase(req);
}

std::shared_ptr<ref_state> pending_requests::take(std::uint64_t req) {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(req);
    if (it == pending_.end()) return nullptr;
    auto state = std::move(it->second.state);
    pending_.erase(it);
    return state;
}

std::shared_ptr<ref_state> pending_requests::find(std::uint64_t req) const {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(req);
    return it == pending_.end() ? nullptr : it->second.state;
}

std::vector<std::shared_ptr<ref_state>> pending_requests::take_all_to(int pid) {
    std::vector<std::shared_ptr<ref_state>> out;
    std::lock_guard lock(mutex_);
    for (auto p = pending_.begin(); p != pending_.end();) {
        if (p->second.pid == pid) {
            out.push_back(std::move(p->second.state));
            p = pending_.erase(p);
        } else {
            ++p;
        }
    }
    return out;
}

std::size_t pending_requests::size() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

std::unordered_set<int> pending_requests::awaited() const {
    std::unordered_set<int> pids;
    std::lock_guard lock(mutex_);
    for (const auto& [req, p] : pending_)
        pids.insert(p.pid);
    return pids;
}

} // namespace dc::detail
