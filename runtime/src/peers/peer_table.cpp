#include "peers/peer_table.hpp"

#include <dc/errors.hpp>

#include <algorithm>

namespace dc::detail {

std::vector<int> peer_table::ids(int self) const {
    std::lock_guard lock(mutex_);
    std::vector<int> out{self};
    for (const auto& [pid, p] : processes_)
        out.push_back(pid);
    std::sort(out.begin(), out.end());
    return out;
}

bool peer_table::knows(int pid) const {
    std::lock_guard lock(mutex_);
    return processes_.count(pid) > 0;
}

void peer_table::add(const peer_info& info, const std::shared_ptr<connection>& link) {
    std::lock_guard lock(mutex_);
    auto& p = processes_[info.id];
    p.info = info;
    if (link) p.link = link;
}

std::shared_ptr<connection> peer_table::remove(int pid) {
    std::lock_guard lock(mutex_);
    auto it = processes_.find(pid);
    if (it == processes_.end()) return nullptr;
    auto link = std::move(it->second.link);
    processes_.erase(it);
    return link;
}

std::shared_ptr<connection> peer_table::link_or_info(int pid, peer_info& info) const {
    std::lock_guard lock(mutex_);
    auto it = processes_.find(pid);
    if (it == processes_.end()) {
        throw process_exited(pid, "no such process in this cluster (ids are never reused)");
    }
    if (!it->second.link) info = it->second.info;
    return it->second.link;
}

std::shared_ptr<connection> peer_table::attach(int pid, const std::shared_ptr<connection>& link) {
    std::lock_guard lock(mutex_);
    auto it = processes_.find(pid);
    if (it == processes_.end()) throw process_exited(pid, "exited while linking to it");
    if (!it->second.link) it->second.link = link; // else another thread linked first: use that
    return it->second.link;
}

void peer_table::attach_incoming(int pid, const std::shared_ptr<connection>& link) {
    std::lock_guard lock(mutex_);
    auto& p = processes_[pid];
    if (p.info.id == 0) p.info.id = pid;
    if (!p.link) p.link = link;
}

std::optional<peer_info> peer_table::info(int pid) const {
    std::lock_guard lock(mutex_);
    auto it = processes_.find(pid);
    if (it == processes_.end()) return std::nullopt;
    return it->second.info;
}

} // namespace dc::detail
