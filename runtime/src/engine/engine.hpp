#pragma once
// The progress engine: reads every connection of this process and dispatches what arrives.
//
// On this VM an idle CPU wakes slowly (a blocking round trip costs ~10x a polling one), so the
// thread that waits for a message drives progress itself: it spins (non-blocking polls) for a
// short budget after the last activity and only then blocks in epoll. Exactly one thread at a
// time holds the "driver" role; other waiters sleep until the driver has dispatched something.
// The master also runs a background driver that serves incoming requests while no user thread
// waits; it steps aside whenever a user thread was active recently, so it costs the hot path
// nothing.

#include "transport/connection.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace dc::detail {

class engine final : public send_waiter {
public:
    using clock = std::chrono::steady_clock;

    struct handler {
        virtual ~handler() = default;
        virtual void on_frame(const std::shared_ptr<connection>& from, bytes&& body) = 0;
        virtual void on_closed(const std::shared_ptr<connection>& c, const std::string& why) = 0;
        /// True for frames that run user code (and so may block): deferred inside a blocked call.
        virtual bool runs_user_code(const bytes& body) const = 0;
    };

    engine(handler& h, std::chrono::microseconds spin);
    ~engine() override;
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    /// Watches a connection; its frames go to the handler. `early` holds frames already read
    /// from it (during a handshake); they are dispatched first.
    void add(const std::shared_ptr<connection>& c, std::deque<inbound> early = {});
    /// Stops watching a connection (it is closed when the last reference goes).
    void remove(const std::shared_ptr<connection>& c);
    /// Calls `f` with each connection watched now (from any thread; `f` runs unlocked).
    void for_each_connection(const std::function<void(const std::shared_ptr<connection>&)>& f);
    /// Calls `on_ready` on the driver thread whenever `fd` becomes readable.
    void watch(int fd, std::function<void()> on_ready);

    /// Drives progress until ready() or the deadline; returns ready(). While blocked it rechecks
    /// ready() every `recheck` (for conditions that no message signals). ready() may be called
    /// again after it returned true: a condition that takes something must remember it did.
    /// Throws dc::interrupted_error if, before ready(), the call this thread runs is interrupted
    /// (or, outside calls, Ctrl-C reached the master): see engine/interrupts.hpp.
    bool wait_until(const std::function<bool()>& ready,
                    clock::time_point deadline = clock::time_point::max(),
                    std::chrono::milliseconds recheck = std::chrono::milliseconds(100));
    /// Reads and acts on what has arrived, without waiting, if this thread may (a long call
    /// checking for an interrupt); returns false when another thread drives.
    bool poll_now();
    /// Wakes a blocked driver (for conditions changed outside the engine).
    void wake();
    /// Starts the background driver (master only).
    void start_background();
    void stop_background();

    // send_waiter: a send that waits for its peer keeps this process reading.
    int read_while_sending() override;
    void after_waiting_send() override;

private:
    struct watched {
        std::shared_ptr<connection> conn;
        std::function<void()> on_ready;
    };

    bool wait_plain(const std::function<bool()>& ready, clock::time_point deadline,
                    std::chrono::milliseconds recheck);
    void poll_once(int timeout_ms);
    /// Reads what the watched descriptors have (waiting up to timeout_ms) into the inbox.
    /// Only the role holder calls it; returns the number of ready descriptors.
    int read_ready(int timeout_ms);
    void dispatch_inbox();
    bool wait_inside_call(const std::function<bool()>& ready, clock::time_point deadline,
                          std::chrono::milliseconds recheck);
    void sleep_until(const std::function<bool()>& ready, clock::time_point deadline,
                     std::chrono::milliseconds recheck);
    void start_helper_if_needed();
    void helper_loop();
    void drive(const std::function<bool()>& ready, clock::time_point deadline,
               std::chrono::milliseconds recheck);
    void release_role();
    void yield_role();
    /// Lets threads sleeping in wait_until recheck their condition.
    void wake_sleepers();
    void background_loop();

    handler& handler_;
    const std::chrono::microseconds spin_;
    int epoll_fd_;      // watched by drivers
    int background_fd_; // same descriptors, watched by the background thread for readiness
    int wake_fd_;
    std::mutex watched_mutex_;
    std::unordered_map<int, watched> watched_;

    std::mutex role_;
    std::deque<inbound> inbox_;    // only the role holder touches these two
    std::deque<inbound> deferred_; // calls that arrived while their driver was blocked in a call
    std::atomic<long long> last_activity_ns_{0};
    std::atomic<long long> foreground_until_ns_{0};

    std::mutex sleep_mutex_;
    std::condition_variable sleep_cv_;
    std::atomic<int> sleepers_{0};
    unsigned long long generation_ = 0; // guarded by sleep_mutex_

    std::thread background_;
    std::atomic<bool> stopping_{false};

    std::mutex helper_mutex_;
    std::condition_variable helper_cv_;
    std::vector<std::thread> helpers_;
    int idle_helpers_ = 0;           // guarded by helper_mutex_
    std::atomic<int> blocked_{0};    // calls waiting with the role handed off
    std::atomic<int> reclaimers_{0}; // of those, the ones taking the role back
};

} // namespace dc::detail
