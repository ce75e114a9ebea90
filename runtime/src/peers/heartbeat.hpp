#pragma once
// Notices peers that went silent. A host that vanishes (network down, machine off) sends no FIN
// and no RST: TCP would report nothing for minutes. Every limit/4 this thread pings each link it
// has sent nothing on since its last round, and declares dead a link it has read nothing from
// for `limit` while nothing waits to be read there (a process busy in a long call reads nothing,
// but its peers' pings pile up unread, so it does not count its peers dead; and its own pings,
// sent from this thread, show them that it lives). Idle, it wakes every limit/4 and nothing else.

#include "engine/engine.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace dc::detail {

class heartbeat {
public:
    using clock = std::chrono::steady_clock;
    /// `describe(pid)` names a process in the reason ("worker 5 on n2").
    heartbeat(engine& e, std::chrono::milliseconds limit, char ping_kind,
              std::function<std::string(int pid)> describe);
    ~heartbeat();
    heartbeat(const heartbeat&) = delete;
    heartbeat& operator=(const heartbeat&) = delete;

    std::chrono::milliseconds limit() const noexcept { return limit_; }

private:
    struct seen {
        std::uint64_t reads = 0;
        std::uint64_t sends = 0;
        clock::time_point heard; ///< when its read count last moved
        bool live = false;       ///< watched in the last round
    };
    void loop();
    void check(const std::shared_ptr<connection>& c, clock::time_point now);

    engine& engine_;
    std::chrono::milliseconds limit_;
    char ping_kind_;
    std::function<std::string(int)> describe_;
    std::map<const connection*, seen> seen_; // this thread's only
    std::mutex mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace dc::detail
