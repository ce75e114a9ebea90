#include "collectives/collective_log.hpp"

#include <algorithm>

namespace dc::detail {

collective_log::outcome collective_log::run_once(int origin, std::uint64_t serial,
                                                 const std::function<outcome()>& run) {
    {
        std::lock_guard lock(mutex_);
        auto it = std::find_if(recent_.begin(), recent_.end(), [&](const record& r) {
            return r.origin == origin && r.serial == serial;
        });
        // Seen: done, or running on another thread of this process (which reports it).
        if (it != recent_.end()) return it->result;
        recent_.push_back({origin, serial, std::nullopt});
        if (recent_.size() > capacity) recent_.pop_front();
    }
    outcome result = run();
    std::lock_guard lock(mutex_);
    for (auto& r : recent_) {
        if (r.origin == origin && r.serial == serial) r.result = result;
    }
    return result;
}

} // namespace dc::detail
