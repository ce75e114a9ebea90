#include "peers/heartbeat.hpp"

#include "util/log.hpp"

#include <cmath>
#include <sstream>

namespace dc::detail {

heartbeat::heartbeat(engine& e, std::chrono::milliseconds limit, char ping_kind,
                     std::function<std::string(int pid)> describe)
    : engine_(e), limit_(limit), ping_kind_(ping_kind), describe_(std::move(describe)),
      thread_([this] { loop(); }) {}

heartbeat::~heartbeat() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
}

void heartbeat::loop() {
    const auto period = std::max(std::chrono::milliseconds(20), limit_ / 4);
    std::unique_lock lock(mutex_);
    while (!stop_cv_.wait_for(lock, period, [this] { return stopping_; })) {
        lock.unlock();
        const auto now = clock::now();
        for (auto& [key, s] : seen_)
            s.live = false;
        engine_.for_each_connection([&](const std::shared_ptr<connection>& c) { check(c, now); });
        std::erase_if(seen_, [](const auto& entry) { return !entry.second.live; });
        lock.lock();
    }
}

void heartbeat::check(const std::shared_ptr<connection>& c, clock::time_point now) {
    if (!c->authenticated) return;
    auto [it, added] = seen_.try_emplace(c.get());
    seen& s = it->second;
    s.live = true;
    if (added || c->reads() != s.reads) {
        s.reads = c->reads();
        s.heard = now;
    }
    if (added || c->sends() == s.sends) c->ping(ping_kind_); // nothing sent since last round
    s.sends = c->sends();
    if (now - s.heard < limit_ || c->unread_bytes() > 0) return;
    std::ostringstream why;
    why << "no heartbeat from " << describe_(c->peer_id) << " for "
        << std::chrono::duration<double>(limit_).count()
        << " s (its host may be down or cut off from this one)";
    DC_LOG(warn, why.str());
    c->declare_dead(why.str());
    engine_.wake();
}

} // namespace dc::detail
