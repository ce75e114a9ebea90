#include "futures/value_store.hpp"

#include <dc/errors.hpp>

#include <algorithm>

namespace dc::detail {

// An entry may be touched by a release or fetch before the call that creates it arrives (they
// come over different connections), so weight is signed and an entry lives until the call has
// been seen and the weight is back to zero.
void value_store::erase_if_unreferenced(std::unordered_map<std::uint64_t, entry>::iterator it) {
    if (it->second.call_seen && it->second.weight <= 0 && it->second.waiters.empty()) {
        entries_.erase(it);
    }
}

void value_store::expect(std::uint64_t ref) {
    std::lock_guard lock(mutex_);
    auto& e = entries_[ref];
    e.call_seen = true;
    e.weight += initial_weight;
}

std::vector<value_store::waiter> value_store::put(std::uint64_t ref, bool is_error,
                                                  std::shared_ptr<const bytes> data) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(ref);
    if (it == entries_.end()) return {};
    auto& e = it->second;
    e.ready = true;
    e.is_error = is_error;
    e.data = std::move(data);
    auto waiters = std::move(e.waiters);
    e.waiters.clear();
    erase_if_unreferenced(it);
    return waiters;
}

std::optional<value_store::stored> value_store::get(std::uint64_t ref,
                                                    const std::optional<waiter>& w) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(ref);
    if (it == entries_.end()) {
        if (!w) throw dc::error("the value of this future was freed");
        it = entries_.emplace(ref, entry{}).first; // the call is still on its way
    }
    auto& e = it->second;
    if (e.ready) return stored{e.is_error, e.data};
    if (w) e.waiters.push_back(*w);
    return std::nullopt;
}

void value_store::release(std::uint64_t ref, std::int64_t weight) {
    std::lock_guard lock(mutex_);
    auto& e = entries_[ref];
    e.weight -= weight;
    erase_if_unreferenced(entries_.find(ref));
}

void value_store::add_weight(std::uint64_t ref, std::int64_t weight) {
    std::lock_guard lock(mutex_);
    entries_[ref].weight += weight;
}

void value_store::drop_waiters(int pid) {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
        auto& w = it->second.waiters;
        w.erase(std::remove_if(w.begin(), w.end(), [pid](const waiter& x) { return x.pid == pid; }),
                w.end());
        auto next = std::next(it);
        erase_if_unreferenced(it);
        it = next;
    }
}

std::size_t value_store::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

} // namespace dc::detail
